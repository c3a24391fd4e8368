#include <cmath>
#include <vector>

#include "firmware/codes.h"
#include "firmware/programs.h"
#include "firmware/tile_driver.h"

namespace fw {

// The reference design's three-kernel training cycle on the whole array: forward VMM, transposed
// MVM and an outer-product update in which every cell is written (M18 Table IV's worst case).
Report paper_kernels(Hal& hal, const BootInfo& boot) {
    Report rep;
    FwRandom rng(boot.seed);
    for (std::size_t k = 0; k < boot.tile_base.size(); ++k) {
        TileDriver t(hal, boot.tile_base[k], boot.tile_irq[k], "tile" + std::to_string(k));
        t.probe();
        const int r = t.rows(), c = t.cols();
        t.set_region(r, c);
        std::vector<float> w(std::size_t(r) * c);
        for (auto& v : w) v = float(0.5 * rng.symmetric());
        hal.compute(2 * w.size());  // a random draw and a scale per weight
        {
            Phase p(hal, t.name() + " program");
            hal.write_block(boot.dram_base, w.data(), w.size() * sizeof(float));
            t.program(boot.dram_base);
        }
        Phase cycle(hal, t.name() + " training cycle");
        std::vector<std::int8_t> x(r), d(c);
        for (auto& v : x) v = to_code(rng.symmetric(), t.bits_in());
        for (auto& v : d) v = to_code(rng.symmetric(), t.bits_in());
        const float fs = float(std::sqrt(double(r)) / 3.0 * 3.0);
        const std::uint64_t t0 = hal.now_ps();
        {
            Phase p(hal, "vmm");
            t.write_input(0, x.data(), x.size());
            t.vmm(0, 0, fs);
        }
        {
            Phase p(hal, "mvm");
            t.write_input(0, d.data(), d.size());
            t.mvm(0, 0, fs);
        }
        {
            // Worst case: every x and every delta nonzero, so every cell receives pulses.
            Phase p(hal, "opu");
            for (auto& v : x) {
                v = to_code(rng.symmetric(), t.bits_x());
                if (v == 0) v = 1;
            }
            for (auto& v : d) {
                v = to_code(rng.symmetric(), t.bits_delta());
                if (v == 0) v = -1;
            }
            t.write_input(0, x.data(), x.size());
            t.write_input(std::uint32_t(r), d.data(), d.size());
            t.opu(0, std::uint32_t(r), 0.01f);
        }
        rep.metrics[t.name() + ".cycle_wall_ns_seen_by_firmware"] = double(hal.now_ps() - t0) / 1000.0;
    }
    return rep;
}

}  // namespace fw
