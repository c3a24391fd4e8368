#pragma once
// The interface every crossbar core variant implements (analog_reram, digital_reram, sram).
// A core owns the weights and the numerics; a kernel call changes values and returns what it cost
// as event counts (indices into the core's action table) and a latency. The tile model turns the
// latency into simulated time and the counts into ledger entries. No SystemC here.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/energy/analog_costs.h"
#include "models/tile/regmap.h"

namespace xbar::cores {

// Codes on the data path are sign-magnitude integers stored in int8: value in [-M, M] with
// M = 2^(bits-1) - 1. A code c stands for the real value c / M of the full scale (the register
// map's format, regmap.h).
using regmap::code_max;
// Round half away from zero (symmetric, as sign-magnitude hardware does), then saturate.
std::int8_t quantize(double value_over_fullscale, int bits);

struct KernelCost {
    double latency_ns = 0;
    std::vector<std::pair<int, double>> events;  // (action index, count)
    // Where the latency goes, by component (Table III style); the parts sum to latency_ns.
    std::vector<std::pair<const char*, double>> latency_parts;
};

// Active region of a kernel: rows x cols starting at (row0, col0). Several layers can live in
// one array as disjoint blocks; undriven rows and unconverted columns cost nothing.
struct Region {
    int rows, cols;
    int row0 = 0, col0 = 0;
};

struct CodeFormat {
    int bits_in, bits_out, bits_x, bits_delta;
};

class CrossbarCore {
public:
    virtual ~CrossbarCore() = default;
    virtual const char* variant() const = 0;
    virtual int rows() const = 0;
    virtual int cols() const = 0;
    virtual CodeFormat format() const = 0;
    virtual const std::vector<energy::ActionCost>& actions() const = 0;
    virtual std::vector<energy::AreaItem> area() const = 0;
    // Activity assumption used for event counts: "nominal" (paper's 50 %) or "data".
    virtual const char* activity() const = 0;

    // Forward: y_j = sum_i W_ij x_i over the region; x has r.rows codes (bits_in), y gets r.cols
    // codes (bits_out) of y / out_fullscale.
    virtual KernelCost vmm(Region r, const std::int8_t* x, std::int8_t* y, float out_fullscale) = 0;
    // Transpose: z_i = sum_j W_ij d_j; d has r.cols codes, z gets r.rows codes.
    virtual KernelCost mvm(Region r, const std::int8_t* d, std::int8_t* z, float out_fullscale) = 0;
    // Rank-1 update W_ij += scale * (x_i / Mx) * (d_j / Md): x has r.rows codes (bits_x), d has
    // r.cols codes (bits_delta).
    virtual KernelCost opu(Region r, const std::int8_t* x, const std::int8_t* d, float scale) = 0;
    // Serial program of the region from row-major target weights (leading dimension r.cols).
    virtual KernelCost program(Region r, const float* w) = 0;
    // Serial update of the region: W += dw (row-major, leading dimension r.cols) through the cells'
    // update physics (mini-batch training writes its accumulated update this way).
    virtual KernelCost update(Region r, const float* dw) = 0;
    // Serial read-back of the region (row-major, leading dimension r.cols).
    virtual KernelCost read_back(Region r, float* w) = 0;
    // Housekeeping the core needs after updates (periodic carry). The tile runs it as its own
    // kernel when due; cores without such work never report it due.
    virtual bool carry_due() const { return false; }
    virtual KernelCost carry() { return {}; }
};

}  // namespace xbar::cores
