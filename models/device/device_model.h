#pragma once
// Device physics: how a requested weight change becomes an actual conductance change.
// Pure C++ (no SystemC). Three models behind one interface:
//   ideal    - exact w + dw, clamped;
//   analytic - CrossSim v2 / IJCNN 2016 nonlinearity + write noise (marinella2018.md §3.4);
//   lut      - measured dG lookup tables, CrossSim v2 semantics (marinella2018.md §3.3).
// Weights are normalized numbers in [w_min, w_max]; a cell is one conductance mapped linearly.
// A device owns its random state: same seed and same call sequence give bit-identical results.
// A device is not thread-safe; use one device per thread (Rng::derive gives per-core seeds).
#include <cstddef>
#include <cstdint>
#include <memory>

namespace xbar::device {

struct LookupTable;  // models/device/lookup_table.h

struct AnalyticParams {
    float w_min = -1.f;
    float w_max = 1.f;
    float alpha = 0.f;        // nonlinearity, >= 0; 0 is linear
    bool symmetric = false;   // false: asymmetric (saturating) form; true: symmetric (logistic) form
    float write_noise = 0.f;  // sigma_wn: noise sigma = sigma_wn * sqrt(|dw| * (w_max - w_min))
};

// How a lookup-table device turns a requested dw into conductance changes.
enum class LutUpdateMode {
    // CrossSim v2 (dGLookupParams.compute_update): s = dw / dw_pulse fractional pulses,
    // actual = s * mean_dG(G) + sqrt(s) * (dG_sample - mean_dG(G)). One table draw per cell.
    scaled,
    // Literal pulse train: n = stochastic_round(|dw| / dw_pulse) capped at max_pulses; each pulse
    // adds one table draw at the cell's current G. CrossSim has no such mode.
    pulses,
};

struct LutMapping {
    float w_min = -1.f;  // weight mapped to G at g_min_relative of the table's G span
    float w_max = 1.f;   // weight mapped to G at g_max_relative of the table's G span
    // CrossSim v2 training defaults Gmin_relative = 0.1, Gmax_relative = 0.9 (marinella2018.md
    // §3.3). Weights may leave [w_min, w_max]; they are clipped at the table's full G span.
    double g_min_relative = 0.1;
    double g_max_relative = 0.9;
    LutUpdateMode mode = LutUpdateMode::scaled;
    // Weight change of one pulse. 0 (default) = calibrate like CrossSim: the table's mean dG of
    // each direction over the targeted bins (ave_dw_inc / ave_dw_dec). Set it to the nominal
    // step to compare with the analytic model (see synthesize_lut).
    float dw_pulse = 0.f;
    // pulses mode only: cap per cell and call (an 8-bit pulse counter, marinella2018.md §3.8).
    int max_pulses = 255;
};

class DeviceModel {
public:
    virtual ~DeviceModel() = default;
    virtual const char* kind() const = 0;  // "ideal" | "analytic" | "lut"

    // Rank-1 update of a rows x cols row-major block with leading dimension ld:
    // requested change dw_ij = a[i]*b[j] (in float); rows with a[i]==0 are skipped; cells with
    // dw==0 are untouched (bit-identical, even if outside the bounds). Updated cells are clamped
    // to [w_clip_min(), w_clip_max()]. Returns the number of cells with a nonzero request.
    virtual std::uint64_t update_rank1(float* w, int rows, int cols, std::ptrdiff_t ld, const float* a,
                                       const float* b) = 0;
    // Elementwise request: w[k] += dw[k] through the device (periodic-carry resets/writes).
    virtual std::uint64_t update_cells(float* w, const float* dw, std::size_t n) = 0;

    virtual float w_min() const = 0;
    virtual float w_max() const = 0;
    // Clamp limits of updated cells. Equal to w_min/w_max except for the LUT device, whose
    // weights may go beyond them up to the table's full conductance span (CrossSim clip limits).
    virtual float w_clip_min() const { return w_min(); }
    virtual float w_clip_max() const { return w_max(); }
};

// Bad parameters (w_max <= w_min, alpha < 0, ...) throw std::invalid_argument.
std::unique_ptr<DeviceModel> make_ideal(float w_min, float w_max);
std::unique_ptr<DeviceModel> make_analytic(const AnalyticParams&, std::uint64_t seed);
// Throws LutError if the tables do not share G bins and CDF points or their mean steps have the
// wrong sign; std::invalid_argument for a bad mapping.
std::unique_ptr<DeviceModel> make_lut(std::shared_ptr<const LookupTable> inc,
                                      std::shared_ptr<const LookupTable> dec, const LutMapping&,
                                      std::uint64_t seed);

// Deterministic part of the analytic update, in double, not clamped: the exact equations of
// marinella2018.md §3.4 (alpha == 0: returns dw). Used by synthesize_lut.
double analytic_delta(const AnalyticParams&, double w, double dw);

}  // namespace xbar::device
