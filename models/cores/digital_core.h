#pragma once
// Digital crossbar cores of Marinella et al. 2018 (M18 §IV-G..K): an 8-bit fixed-point weight store
// (eight binary ReRAM arrays, one per weight bit, or 64 x 128 kb SRAM macros) streamed through 256
// pipelined multiply-accumulate units. Costs come from the memory organisation
// (models/energy/digital_costs.h); this file owns the bit-exact numerics.
//
// Bit-level semantics (Mw = 2^(weight_bits-1) - 1, M(b) = 2^(b-1) - 1; all codes sign-magnitude
// in int8, "rhaz" = round half away from zero):
//  * Weights: code w in [-Mw, Mw] stands for w / Mw. program() stores rhaz(clamp(t, -1, 1) * Mw)
//    (NaN -> 0); read_back() returns w / Mw.
//  * Input codes are first saturated to the register width: [-M(bits_in)] etc. (guest data is
//    never trusted to be in range).
//  * VMM/MVM multiply: p = w * x exactly (a weight_bits x bits_in product, P = weight_bits +
//    bits_in bits wide), then rounded to product_bits by dropping s = max(0, P - product_bits)
//    low bits: r = sign(p) * floor((|p| + 2^(s-1)) / 2^s) (r = p when s = 0). 8-bit design:
//    s = 4 (16 -> 12 bits); 4-/2-bit designs keep the top 8 bits: s = 4 / 2.
//  * Accumulate: acc = 0; acc = clamp(acc + r, -A, A) with A = 2^(acc_bits-1) - 1 (saturating,
//    symmetric), in increasing input index (rows for VMM, columns for MVM).
//  * Output: code = clamp(rhaz(acc * 2^s * M(bits_out) / (Mw * M(bits_in) * fullscale)),
//    -M(bits_out), M(bits_out)), i.e. y / fullscale * M_out with y = sum (w/Mw)(x/M_in) as the
//    accumulator holds it. Numerator and denominator are exact in double, so ties are exact.
//    fullscale must be > 0 and finite (the tile checks; otherwise outputs saturate or are 0).
//  * OPU: v = w + k * x * d with k = scale * Mw / (M(bits_x) * M(bits_delta)) (double), then
//    rhaz(v) (default) or stochastic rounding floor(v) + [u < v - floor(v)], u uniform in [0, 1)
//    from a seeded stream; clamped to [-Mw, Mw]. A non-finite scale leaves the weights unchanged.
//  * Region {rows, cols, row0, col0}: the block of the stored rows() x cols() matrix starting at
//    (row0, col0); program/read_back data is row-major with leading dimension r.cols.
#include <cstdint>
#include <vector>

#include "models/cores/crossbar_core.h"
#include "models/device/bulk_rng.h"
#include "models/device/rng.h"
#include "models/energy/digital_costs.h"

namespace xbar::cores {

struct DigitalCoreConfig {
    using Memory = energy::DigitalMemory;
    Memory memory = Memory::reram;
    energy::DigitalParams params;
    bool stochastic_rounding = false;  // OPU write-back rounding
    std::uint64_t seed = 1;
};

class DigitalCore final : public CrossbarCore {
public:
    explicit DigitalCore(const DigitalCoreConfig& cfg);  // throws std::invalid_argument on bad params

    const char* variant() const override;
    int rows() const override { return m_cfg.params.rows; }
    int cols() const override { return m_cfg.params.cols; }
    CodeFormat format() const override;
    const std::vector<energy::ActionCost>& actions() const override { return m_table.actions; }
    std::vector<energy::AreaItem> area() const override { return m_table.area; }
    // Digital cores read, multiply and move every weight bit whatever the data: counts are exact.
    const char* activity() const override { return "nominal"; }

    KernelCost vmm(Region r, const std::int8_t* x, std::int8_t* y, float fs) override;
    KernelCost mvm(Region r, const std::int8_t* d, std::int8_t* z, float fs) override;
    KernelCost opu(Region r, const std::int8_t* x, const std::int8_t* d, float scale) override;
    KernelCost program(Region r, const float* w) override;
    KernelCost update(Region r, const float* dw) override;
    KernelCost read_back(Region r, float* w) override;

    const energy::DigitalCostTable& cost_table() const { return m_table; }
    // Stored weight codes, row-major rows() x cols().
    const std::vector<std::int8_t>& codes() const { return m_w; }

private:
    // Read, multiply-add in the MACs, write back: the cost of OPU and serial update alike.
    KernelCost read_modify_write_cost(Region r) const;
    KernelCost read_kernel_cost(Region r, bool transpose) const;  // VMM / MVM
    int shift() const;                                              // product rounding s
    void saturate_into(const std::int8_t* in, int n, int bits, std::vector<std::int32_t>& out) const;
    void write_outputs(int n, int bits_in, float fs, std::int8_t* out) const;

    DigitalCoreConfig m_cfg;
    energy::DigitalCostTable m_table;
    std::vector<std::int8_t> m_w;
    device::BulkRng m_rng;
    std::vector<std::int32_t> m_in, m_in2, m_acc;  // scratch
    std::vector<double> m_dd;                       // scratch: OPU column operands
    std::vector<std::uint32_t> m_u;                 // scratch: stochastic-rounding draws
};

}  // namespace xbar::cores
