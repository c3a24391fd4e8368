#pragma once
// What a tile reports per kernel type, summed over its calls (and over its cores). No SystemC.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace xbar::models {

struct KernelStat {
    std::uint64_t count = 0;
    double busy_ns = 0;       // the compute unit (core or digital unit)
    double staging_ns = 0;    // operand reads and result writes in the tile's SRAM (the energy is
                              // the ledger's memory_components() rows of the kernel)
    double macs = 0;  // multiply-accumulates (VMM/MVM) or cell updates (OPU)
    std::vector<std::pair<std::string, double>> latency_parts_ns;  // summed over calls
};

}  // namespace xbar::models
