#pragma once
// What every module of a tile books into: the ledger (rows owned by the tile, e.g. "tile0") and the
// timeline (one process per tile, named by its full module path, e.g. "top.tile0"; a child
// module's track is its path below the tile, e.g. "core1.adc_bank"). No SystemC here.
#include <string>

#include "models/energy/ledger.h"
#include "models/trace/timeline.h"

namespace xbar::models {

struct TileContext {
    std::string owner;    // ledger owner: the tile's name ("tile0")
    std::string process;  // timeline process: the tile's full module name ("top.tile0")
    energy::Ledger& ledger;
    trace::Timeline& timeline;
    bool detail = false;  // the detailed trace level: phases and buffer accesses get slices too

    // The track of the module at full name `module` (a path below the tile).
    int track(const std::string& module) const {
        const bool below = module.size() > process.size() && module.compare(0, process.size(), process) == 0;
        return timeline.track(process, below ? module.substr(process.size() + 1) : module);
    }
};

}  // namespace xbar::models
