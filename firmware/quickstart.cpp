#include <algorithm>
#include <cmath>
#include <vector>

#include "firmware/codes.h"
#include "firmware/programs.h"
#include "firmware/tile_driver.h"

namespace fw {

namespace {

struct CheckResult {
    double max_err_lsb = 0;
    std::uint64_t mismatches = 0;
    std::uint64_t clipped = 0;
};

// Expected output code (unrounded) for a reference value, clipped like the ADC.
double expected_code(double y, double fs, int bits) {
    const double m = code_max(bits);
    return std::clamp(y / fs * m, -m, m);
}

// One kernel type: `count` random inputs of length n_in, result of length n_out, reference
// y_o = sum_i w(i, o) x_i computed in double from the *quantized* inputs.
template <class Weight, class Run>
CheckResult check_kernel(TileDriver& t, FwRandom& rng, int count, int n_in, int n_out, double fs,
                         Weight w, Run run) {
    CheckResult r;
    std::vector<std::int8_t> x(n_in), y(n_out);
    std::vector<double> xr(n_in);
    const double mi = code_max(t.bits_in());
    // Half an output LSB is the quantization bound; the margin covers float accumulation order.
    const double bound = 0.5 + 1e-3;
    for (int k = 0; k < count; ++k) {
        for (int i = 0; i < n_in; ++i) {
            x[i] = to_code(rng.symmetric(), t.bits_in());
            xr[i] = x[i] / mi;
        }
        t.hal().compute(2 * std::uint64_t(n_in));  // a random draw and a rounding per input (the check is not charged)
        t.write_input(0, x.data(), x.size());
        run(fs);
        t.read_output(0, y.data(), y.size());
        for (int o = 0; o < n_out; ++o) {
            double acc = 0;
            for (int i = 0; i < n_in; ++i) acc += w(i, o) * xr[i];
            const double e = expected_code(acc, fs, t.bits_out());
            const double err = std::abs(double(y[o]) - e);
            r.max_err_lsb = std::max(r.max_err_lsb, err);
            r.mismatches += err > bound;
            r.clipped += std::abs(e) >= code_max(t.bits_out());
        }
    }
    return r;
}

}  // namespace

Report quickstart(Hal& hal, const BootInfo& boot) {
    Report rep;
    if (boot.tile_base.empty()) throw DeviceError("quickstart: the platform has no tile");
    TileDriver t(hal, boot.tile_base[0], boot.tile_irq[0], "tile0");
    t.probe();
    const int n = int(boot.arg("size", 256));
    const int vmms = int(boot.arg("vmm_count", 1000));
    const int mvms = int(boot.arg("mvm_count", 1000));
    if (n > t.rows() || n > t.cols())
        throw DeviceError("quickstart: size " + std::to_string(n) + " exceeds the tile's " +
                          std::to_string(t.rows()) + "x" + std::to_string(t.cols()) + " core");
    FwRandom rng(boot.seed);

    // Weights in [-1, 1] (normalized conductance difference), row-major n x n.
    std::vector<float> w(std::size_t(n) * n);
    for (auto& v : w) v = float(rng.symmetric());
    hal.compute(w.size());  // a random draw per weight
    {
        Phase p(hal, "program weights");
        hal.write_block(boot.dram_base, w.data(), w.size() * sizeof(float));
        t.set_region(n, n);
        t.program(boot.dram_base);
    }
    // Outputs have std sqrt(n)/3 for uniform weights and inputs: the ADC full scale covers 3 sigma.
    const double fs = 3.0 * std::sqrt(double(n)) / 3.0;
    auto W = [&](int i, int j) { return double(w[std::size_t(i) * n + j]); };
    CheckResult fwd, bwd;
    {
        Phase p(hal, "vmm checks");
        fwd = check_kernel(t, rng, vmms, n, n, fs, W, [&](double s) { t.vmm(0, 0, float(s)); });
    }
    {
        Phase p(hal, "mvm checks");
        auto WT = [&](int j, int i) { return W(i, j); };
        bwd = check_kernel(t, rng, mvms, n, n, fs, WT, [&](double s) { t.mvm(0, 0, float(s)); });
    }
    rep.metrics["size"] = n;
    rep.metrics["vmm_count"] = vmms;
    rep.metrics["mvm_count"] = mvms;
    rep.metrics["fullscale"] = fs;
    rep.metrics["bound_lsb"] = 0.5;
    rep.metrics["vmm_max_error_lsb"] = fwd.max_err_lsb;
    rep.metrics["mvm_max_error_lsb"] = bwd.max_err_lsb;
    rep.metrics["clipped_outputs"] = double(fwd.clipped + bwd.clipped);
    rep.metrics["mismatches"] = double(fwd.mismatches + bwd.mismatches);
    rep.ok = fwd.mismatches + bwd.mismatches == 0;
    if (!rep.ok) rep.error = "results beyond the quantization bound: " + std::to_string(fwd.mismatches + bwd.mismatches);
    return rep;
}

}  // namespace fw
