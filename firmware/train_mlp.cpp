// Trains an MLP on the accelerator, sample by sample (batch 1, the reference's parallel update),
// and a float twin with the same initial weights and sample order, so every accuracy comes with
// its float reference. Firmware touches the tile only through registers, buffers and interrupts.
#include <algorithm>
#include <cmath>
#include <vector>

#include "firmware/codes.h"
#include "firmware/programs.h"
#include "firmware/tile_driver.h"

namespace fw {

namespace {

enum : std::uint32_t { kOpActivate = 1, kOpScaleByDeriv = 2 };  // models/tile/regmap.h DU_OP

std::uint32_t act_code(const std::string& a) { return a == "tanh" ? 1 : a == "relu" ? 2 : 0; }

double act(std::uint32_t a, double v) {
    switch (a) {
        case 1: return std::tanh(v);
        case 2: return std::clamp(v, 0.0, 1.0);  // the tile saturates activations at out_scale = 1
        default: return 1.0 / (1.0 + std::exp(-v));
    }
}
double dact(std::uint32_t a, double v) {
    switch (a) {
        case 1: { const double t = std::tanh(v); return 1.0 - t * t; }
        case 2: return v > 0 ? 1.0 : 0.0;
        default: { const double s = 1.0 / (1.0 + std::exp(-v)); return s * (1.0 - s); }
    }
}

// Where one layer lives: a block of the array and its vectors in the tile's buffers.
struct Layer {
    int n_in, n_out;  // n_in excludes the bias row
    int row0, col0;
    std::uint32_t in_off;     // IN_BUF: layer input codes, n_in + bias
    std::uint32_t d8_off;     // IN_BUF: normalized deltas, bits_in (backward MVM input)
    std::uint32_t d4_off;     // IN_BUF: normalized deltas, bits_delta (OPU column input)
    std::uint32_t y_off;      // OUT_BUF: forward ADC codes
    std::uint32_t z_off;      // OUT_BUF: backward ADC codes (n_in + bias)
    std::uint32_t deriv_off;  // digital unit: stored derivatives
};

// The float twin: W_l is (n_in + 1) x n_out row-major, bias last.
struct FloatNet {
    std::vector<std::vector<double>> w;
    std::vector<std::vector<double>> a, y;  // per layer: inputs with bias, pre-activations
};

}  // namespace

Report train_mlp(Hal& hal, const BootInfo& boot) {
    Report rep;
    if (boot.tile_base.empty()) throw DeviceError("train_mlp: the platform has no tile");
    TileDriver t(hal, boot.tile_base[0], boot.tile_irq[0], "tile0");
    t.probe();
    const std::uint32_t a_code = act_code(boot.activation);
    const int L = int(boot.layers.size()) - 1;
    const int epochs = int(boot.arg("epochs", 10));
    double lr = boot.arg("learning_rate", 0.1);
    const double decay = boot.arg("lr_decay", 1.0);
    const float fs_fwd = float(boot.arg("fwd_fullscale", 6.0));
    const float fs_bwd = float(boot.arg("bwd_fullscale", 4.0));
    const double init = boot.arg("init_scale", 1.0);
    std::uint64_t n_train = boot.train_count, n_test = boot.test_count;
    if (const auto lim = std::uint64_t(boot.arg("train_limit", 0)); lim) n_train = std::min(n_train, lim);
    if (const auto lim = std::uint64_t(boot.arg("test_limit", 0)); lim) n_test = std::min(n_test, lim);
    const int mi = code_max(t.bits_in());

    // Layout: layers as disjoint diagonal blocks of the array, vectors packed in the buffers.
    std::vector<Layer> layers(L);
    {
        int r = 0, c = 0;
        std::uint32_t in = 0, out = 0, der = 0;
        for (int l = 0; l < L; ++l) {
            Layer& ly = layers[l];
            ly.n_in = boot.layers[l];
            ly.n_out = boot.layers[l + 1];
            ly.row0 = r, ly.col0 = c;
            r += ly.n_in + 1, c += ly.n_out;
            ly.in_off = in, in += ly.n_in + 1;
            ly.y_off = out, out += ly.n_out;
            ly.z_off = out, out += ly.n_in + 1;
            ly.deriv_off = der, der += ly.n_out;
        }
        in += boot.layers.back();  // the last layer's activations follow its input
        for (auto& ly : layers) ly.d8_off = in, in += ly.n_out, ly.d4_off = in, in += ly.n_out;
    }
    const std::uint32_t final_off = layers.back().in_off + layers.back().n_in + 1;
    const std::uint32_t err_off = layers.back().z_off + layers.back().n_in + 1;  // output error codes

    // Seeded initial weights, programmed with the serial-write command (its cost counts).
    FwRandom rng(boot.seed);
    FloatNet fnet;
    {
        Phase p(hal, "program weights");
        for (auto& ly : layers) {
            const int rows = ly.n_in + 1;
            std::vector<float> w(std::size_t(rows) * ly.n_out);
            const double s = init / std::sqrt(double(rows));
            for (auto& v : w) v = float(s * rng.symmetric());
            hal.write_block(boot.dram_base, w.data(), w.size() * sizeof(float));
            t.set_region(rows, ly.n_out, ly.row0, ly.col0);
            t.program(boot.dram_base);
            fnet.w.emplace_back(w.begin(), w.end());
            // The bias input is the constant 1: its code is written once and never overwritten.
            const std::int8_t one = std::int8_t(mi);
            t.write_input(ly.in_off + std::uint32_t(ly.n_in), &one, 1);
        }
    }
    fnet.a.resize(L + 1);
    fnet.y.resize(L);

    const std::size_t rec = std::size_t(boot.dim) + 1;
    std::vector<std::uint8_t> record(rec);
    std::vector<std::int8_t> codes(4096);
    std::vector<double> x(boot.dim);

    auto load = [&](std::uint64_t base, std::uint64_t i) {
        hal.read(base + i * rec, record.data(), rec);
        for (int k = 0; k < boot.dim; ++k) x[k] = record[k] * boot.feature_scale;
        return int(record[boot.dim]);
    };

    // Platform forward pass; returns the predicted class.
    auto hw_forward = [&]() {
        for (int k = 0; k < boot.dim; ++k) codes[k] = to_code(x[k], t.bits_in());
        t.write_input(layers[0].in_off, codes.data(), std::size_t(boot.dim));
        for (int l = 0; l < L; ++l) {
            const Layer& ly = layers[l];
            t.set_region(ly.n_in + 1, ly.n_out, ly.row0, ly.col0);
            t.vmm(ly.in_off, ly.y_off, fs_fwd);
            const std::uint32_t dst = l + 1 < L ? layers[l + 1].in_off : final_off;
            t.digital(kOpActivate, a_code, std::uint32_t(ly.n_out), ly.y_off, dst, dst, ly.deriv_off, fs_fwd, 1.0f);
        }
        const int n = layers.back().n_out;
        std::vector<std::int8_t> out(n);
        t.read_input(final_off, out.data(), std::size_t(n));
        return out;
    };
    auto argmax_codes = [](const std::vector<std::int8_t>& v) {
        return int(std::max_element(v.begin(), v.end()) - v.begin());
    };

    // Platform backward pass and update for target class `label`, given the output codes.
    auto hw_backward = [&](int label, const std::vector<std::int8_t>& out) {
        const int n = int(out.size());
        std::vector<std::int8_t> e(n);
        for (int k = 0; k < n; ++k) e[k] = to_code((k == label ? 1.0 : 0.0) - double(out[k]) / mi, t.bits_out());
        t.write_output(err_off, e.data(), std::size_t(n));
        std::uint32_t src = err_off;
        float in_scale = 1.0f;
        for (int l = L - 1; l >= 0; --l) {
            const Layer& ly = layers[l];
            const float m = t.digital(kOpScaleByDeriv, a_code, std::uint32_t(ly.n_out), src, ly.d8_off, ly.d4_off,
                                      ly.deriv_off, in_scale, 1.0f);
            if (m == 0.0f) break;  // nothing to propagate or learn below
            t.set_region(ly.n_in + 1, ly.n_out, ly.row0, ly.col0);
            if (l > 0) {
                t.mvm(ly.d8_off, ly.z_off, fs_bwd);  // before the update: backprop uses the old weights
                src = ly.z_off;
                in_scale = fs_bwd * m;
            }
            t.opu(ly.in_off, ly.d4_off, float(lr * m));  // inputs are in [-1, 1] x 1.0
        }
    };

    auto f_forward = [&]() {
        fnet.a[0].assign(x.begin(), x.end());
        fnet.a[0].push_back(1.0);
        for (int l = 0; l < L; ++l) {
            const Layer& ly = layers[l];
            auto& y = fnet.y[l];
            y.assign(ly.n_out, 0.0);
            for (int i = 0; i <= ly.n_in; ++i) {
                const double xi = fnet.a[l][i];
                if (xi == 0) continue;
                const double* wr = &fnet.w[l][std::size_t(i) * ly.n_out];
                for (int j = 0; j < ly.n_out; ++j) y[j] += wr[j] * xi;
            }
            auto& a = fnet.a[l + 1];
            a.resize(ly.n_out);
            for (int j = 0; j < ly.n_out; ++j) a[j] = act(a_code, y[j]);
            if (l + 1 < L) a.push_back(1.0);
        }
        const auto& o = fnet.a[L];
        return int(std::max_element(o.begin(), o.end()) - o.begin());
    };
    auto f_backward = [&](int label) {
        std::vector<double> delta(layers.back().n_out);
        for (int j = 0; j < layers.back().n_out; ++j)
            delta[j] = ((j == label ? 1.0 : 0.0) - fnet.a[L][j]) * dact(a_code, fnet.y[L - 1][j]);
        for (int l = L - 1; l >= 0; --l) {
            const Layer& ly = layers[l];
            std::vector<double> below;
            if (l > 0) {
                below.assign(ly.n_in, 0.0);
                for (int i = 0; i < ly.n_in; ++i) {
                    double s = 0;
                    for (int j = 0; j < ly.n_out; ++j) s += fnet.w[l][std::size_t(i) * ly.n_out + j] * delta[j];
                    below[i] = s * dact(a_code, fnet.y[l - 1][i]);
                }
            }
            for (int i = 0; i <= ly.n_in; ++i) {
                const double xi = lr * fnet.a[l][i];
                if (xi == 0) continue;
                double* wr = &fnet.w[l][std::size_t(i) * ly.n_out];
                for (int j = 0; j < ly.n_out; ++j) wr[j] += xi * delta[j];
            }
            delta.swap(below);
        }
    };

    std::vector<std::uint64_t> order(n_train);
    for (std::uint64_t i = 0; i < n_train; ++i) order[i] = i;
    for (int ep = 1; ep <= epochs; ++ep) {
        Phase pe(hal, "epoch " + std::to_string(ep));
        for (std::uint64_t i = n_train; i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);  // Fisher-Yates
        std::uint64_t hw_ok = 0, f_ok = 0;
        {
            Phase pt(hal, "train");
            for (const std::uint64_t s : order) {
                const int label = load(boot.train_addr, s);
                const auto out = hw_forward();
                hw_ok += argmax_codes(out) == label;
                hw_backward(label, out);
                f_ok += f_forward() == label;
                f_backward(label);
            }
        }
        std::uint64_t hw_test = 0, f_test = 0;
        {
            Phase pt(hal, "test");
            for (std::uint64_t s = 0; s < n_test; ++s) {
                const int label = load(boot.test_addr, s);
                hw_test += argmax_codes(hw_forward()) == label;
                f_test += f_forward() == label;
            }
        }
        std::map<std::string, double> row;
        row["epoch"] = ep;
        row["learning_rate"] = lr;
        row["train_accuracy"] = double(hw_ok) / double(n_train);
        row["test_accuracy"] = n_test ? double(hw_test) / double(n_test) : 0.0;
        row["float_train_accuracy"] = double(f_ok) / double(n_train);
        row["float_test_accuracy"] = n_test ? double(f_test) / double(n_test) : 0.0;
        hal.sync();
        row["end_time_ps"] = double(hal.now_ps());
        rep.epochs.push_back(row);
        lr *= decay;
    }
    const auto& last = rep.epochs.back();
    rep.metrics["test_accuracy"] = last.at("test_accuracy");
    rep.metrics["float_test_accuracy"] = last.at("float_test_accuracy");
    rep.metrics["train_samples"] = double(n_train);
    rep.metrics["test_samples"] = double(n_test);
    return rep;
}

}  // namespace fw
