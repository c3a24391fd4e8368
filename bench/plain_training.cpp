// The platform's training numerics without the platform: the same AnalogCore, digital-unit and
// dataset calls the tile and firmware make for train_mlp on one tile (one part per layer), and
// the same float twin, driven by a plain C++ loop. bench/e2e_overhead.sh times it against
// `xbar-vp run` on the same scenario to measure what SystemC, TLM and the firmware cost.
//   plain_training digits|fashion EPOCHS [analytic]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "models/cores/analog_core.h"
#include "models/digital_unit/digital_unit.h"
#include "platform/datasets.h"
#include "tests/tech.h"

using namespace xbar;

namespace {
int cm(int bits) { return (1 << (bits - 1)) - 1; }
std::int8_t q(double v, int bits) {
    const int m = cm(bits);
    return std::int8_t(std::clamp(std::round(v * m), double(-m), double(m)));
}
// The firmware's generator (firmware/codes.h), so the initial weights and order match.
struct Rand {
    std::uint64_t s;
    explicit Rand(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}
    std::uint64_t next() { s ^= s >> 12; s ^= s << 25; s ^= s >> 27; return s * 0x2545F4914F6CDD1Dull; }
    double sym() { return double(next() >> 11) * (2.0 / 9007199254740992.0) - 1.0; }
};
}  // namespace

int main(int argc, char** argv) {
    const std::string set = argc > 1 ? argv[1] : "digits";
    const int epochs = argc > 2 ? std::atoi(argv[2]) : 1;
    const bool analytic = argc > 3 && std::string(argv[3]) == "analytic";
    const auto t0 = std::chrono::steady_clock::now();
    platform::Dataset train, test;
    std::vector<int> layers;
    double lr, decay;
    if (set == "fashion") {
        const std::string d = "/usr/share/datasets/fashion-mnist/";
        train = platform::load_idx(d + "train-images-idx3-ubyte.gz", d + "train-labels-idx1-ubyte.gz", 10, "fashion");
        test = platform::load_idx(d + "t10k-images-idx3-ubyte.gz", d + "t10k-labels-idx1-ubyte.gz", 10, "fashion");
        layers = {784, 300, 10}, lr = 0.2, decay = 1.0;
    } else {
        const std::string d = std::string(XBAR_SOURCE_DIR) + "/datasets/uci-digits/";
        train = platform::load_digits_csv(d + "optdigits-train.csv.gz");
        test = platform::load_digits_csv(d + "optdigits-test.csv.gz");
        layers = {64, 36, 10}, lr = 0.6, decay = 0.75;
    }
    const int L = int(layers.size()) - 1;
    // One core per layer (the platform puts layers as blocks; block or core, the numerics match).
    std::vector<cores::AnalogCore> core;
    for (int l = 0; l < L; ++l) {
        cores::AnalogCoreConfig c = xbar::tech::analog_config();
        c.params.rows = layers[l] + 1;
        c.params.cols = layers[l + 1];
        if (analytic) {
            c.device.kind = cores::DeviceSpec::Kind::analytic;
            c.device.analytic.alpha = 5.0f;
            c.device.analytic.write_noise = 0.05f;
        }
        core.emplace_back(c);
    }
    Rand rng(1);
    std::vector<std::vector<double>> fw(L);
    for (int l = 0; l < L; ++l) {
        const int rows = layers[l] + 1;
        std::vector<float> w(std::size_t(rows) * layers[l + 1]);
        for (auto& v : w) v = float(1.0 / std::sqrt(double(rows)) * rng.sym());
        core[l].program({rows, layers[l + 1]}, w.data());
        fw[l].assign(w.begin(), w.end());
    }
    const float fs_fwd = 6.0f, fs_bwd = 4.0f;
    std::vector<std::vector<std::int8_t>> in(L + 1), y(L), z(L), d8(L), d4(L);
    std::vector<std::vector<float>> deriv(L);
    for (int l = 0; l < L; ++l) {
        in[l].assign(layers[l] + 1, 0);
        in[l][layers[l]] = std::int8_t(cm(8));
        y[l].resize(layers[l + 1]), z[l].resize(layers[l] + 1), d8[l].resize(layers[l + 1]), d4[l].resize(layers[l + 1]);
        deriv[l].resize(layers[l + 1]);
    }
    in[L].resize(layers[L]);
    std::vector<std::int8_t> err(layers[L]);
    std::vector<std::vector<double>> fa(L + 1), fy(L);
    const double scale = train.feature_scale;
    std::vector<std::uint64_t> order(train.count());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::size_t hw_ok = 0, f_ok = 0;
    auto forward = [&](const platform::Dataset& ds, std::size_t s) {
        for (int k = 0; k < ds.dim; ++k) in[0][k] = q(ds.features[s * ds.dim + k] * scale, 8);
        for (int l = 0; l < L; ++l) {
            core[l].vmm({layers[l] + 1, layers[l + 1]}, in[l].data(), y[l].data(), fs_fwd);
            du::run({du::OP_ACTIVATE, du::ACT_SIGMOID, std::uint32_t(layers[l + 1]), y[l].data(), in[l + 1].data(),
                     in[l + 1].data(), deriv[l].data(), fs_fwd, 1.0f, 8, 8, 4});
        }
        return int(std::max_element(in[L].begin(), in[L].begin() + layers[L]) - in[L].begin());
    };
    auto f_forward = [&](const platform::Dataset& ds, std::size_t s) {
        fa[0].resize(ds.dim + 1);
        for (int k = 0; k < ds.dim; ++k) fa[0][k] = ds.features[s * ds.dim + k] * scale;
        fa[0][ds.dim] = 1.0;
        for (int l = 0; l < L; ++l) {
            const int n_in = layers[l], n_out = layers[l + 1];
            fy[l].assign(n_out, 0.0);
            for (int i = 0; i <= n_in; ++i) {
                if (fa[l][i] == 0) continue;
                for (int j = 0; j < n_out; ++j) fy[l][j] += fw[l][std::size_t(i) * n_out + j] * fa[l][i];
            }
            fa[l + 1].resize(n_out);
            for (int j = 0; j < n_out; ++j) fa[l + 1][j] = 1.0 / (1.0 + std::exp(-fy[l][j]));
            if (l + 1 < L) fa[l + 1].push_back(1.0);
        }
        return int(std::max_element(fa[L].begin(), fa[L].end()) - fa[L].begin());
    };
    for (int ep = 0; ep < epochs; ++ep) {
        for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
        for (const auto s : order) {
            const int label = train.labels[s];
            hw_ok += forward(train, s) == label;
            for (int k = 0; k < layers[L]; ++k) err[k] = q((k == label) - in[L][k] / double(cm(8)), 8);
            const std::int8_t* src = err.data();
            float in_scale = 1.0f;
            for (int l = L - 1; l >= 0; --l) {
                const auto r = du::run({du::OP_SCALE_BY_DERIV, du::ACT_SIGMOID, std::uint32_t(layers[l + 1]), src,
                                        d8[l].data(), d4[l].data(), deriv[l].data(), in_scale, 1.0f, 8, 8, 4});
                if (r.max_abs == 0) break;
                const cores::Region reg{layers[l] + 1, layers[l + 1]};
                if (l > 0) {
                    core[l].mvm(reg, d8[l].data(), z[l].data(), fs_bwd);
                    src = z[l].data();
                    in_scale = fs_bwd * r.max_abs;
                }
                core[l].opu(reg, in[l].data(), d4[l].data(), float(lr * r.max_abs));
            }
            // float twin step
            f_ok += f_forward(train, s) == label;
            std::vector<double> delta(layers[L]), below;
            for (int j = 0; j < layers[L]; ++j) delta[j] = ((j == label) - fa[L][j]) * fa[L][j] * (1 - fa[L][j]);
            for (int l = L - 1; l >= 0; --l) {
                const int n_in = layers[l], n_out = layers[l + 1];
                if (l > 0) {
                    below.assign(n_in, 0.0);
                    for (int i = 0; i < n_in; ++i) {
                        double acc = 0;
                        for (int j = 0; j < n_out; ++j) acc += fw[l][std::size_t(i) * n_out + j] * delta[j];
                        const double a = fa[l][i];
                        below[i] = acc * a * (1 - a);
                    }
                }
                for (int i = 0; i <= n_in; ++i) {
                    if (fa[l][i] == 0) continue;
                    for (int j = 0; j < n_out; ++j) fw[l][std::size_t(i) * n_out + j] += lr * fa[l][i] * delta[j];
                }
                delta.swap(below);
            }
        }
        std::size_t hw_test = 0, f_test = 0;
        for (std::size_t s = 0; s < test.count(); ++s) {
            hw_test += forward(test, s) == test.labels[s];
            f_test += f_forward(test, s) == test.labels[s];
        }
        std::printf("epoch %d: test %.2f%% (float %.2f%%)\n", ep + 1, 100.0 * hw_test / test.count(), 100.0 * f_test / test.count());
        lr *= decay;
    }
    std::printf("wall %.3f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
}
