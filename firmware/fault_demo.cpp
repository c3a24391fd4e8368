#include "firmware/programs.h"
#include "firmware/tile_driver.h"
#include "models/tile/regmap.h"

namespace fw {

// Misbehaves on purpose so the platform's guest-error path can be seen and tested: fault 0 reads
// an unmapped address (bus error response), fault 1 issues an unknown tile command (error status),
// fault 2 programs weights from an unmapped address (the tile's own bus access fails).
Report fault_demo(Hal& hal, const BootInfo& boot) {
    TileDriver t(hal, boot.tile_base.at(0), boot.tile_irq.at(0), "tile0");
    t.probe();
    switch (int(boot.arg("fault", 0))) {
        case 0: hal.read32(0x10); break;  // nothing is mapped at 0x10
        case 1: t.issue(99), t.wait_done(); break;
        default: t.program(0x20); break;
    }
    return {};
}

}  // namespace fw
