// Analog core numerics: quantizer edges, VMM/MVM vs float, OPU vs quantized outer product, read
// noise statistics and determinism.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "models/cores/analog_core.h"
#include "tests/tech.h"

using namespace xbar;

TEST(Quantize, EdgesZeroFullScaleAndClipping) {
    EXPECT_EQ(cores::quantize(0.0, 8), 0);
    EXPECT_EQ(cores::quantize(1.0, 8), 127);
    EXPECT_EQ(cores::quantize(-1.0, 8), -127);
    EXPECT_EQ(cores::quantize(3.0, 8), 127);
    EXPECT_EQ(cores::quantize(-3.0, 8), -127);
    EXPECT_EQ(cores::quantize(0.5 / 127, 8), 1);    // half away from zero
    EXPECT_EQ(cores::quantize(-0.5 / 127, 8), -1);
    EXPECT_EQ(cores::quantize(0.49 / 127, 8), 0);
    EXPECT_EQ(cores::quantize(1.0, 2), 1);          // 2 bits: sign + 1 magnitude bit
    EXPECT_EQ(cores::quantize(0.6, 2), 1);
    EXPECT_EQ(cores::quantize(0.4, 2), 0);
    EXPECT_EQ(cores::quantize(1.0, 4), 7);
    EXPECT_EQ(cores::quantize(std::nan(""), 8), 0);
}

namespace {
cores::AnalogCore make(int rows, int cols, double read_noise = 0, std::uint64_t seed = 1) {
    cores::AnalogCoreConfig cfg = xbar::tech::analog_config();
    cfg.params.rows = rows;
    cfg.params.cols = cols;
    cfg.read_noise = read_noise;
    cfg.seed = seed;
    return cores::AnalogCore(cfg);
}
std::vector<float> weights(int rows, int cols) {
    std::vector<float> w(std::size_t(rows) * cols);
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = float(std::cos(1.3 * double(k)) * 0.9);
    return w;
}
}  // namespace

TEST(AnalogCore, VmmAndMvmWithinHalfLsbOfFloat) {
    const int R = 100, C = 70;
    auto core = make(R, C);
    const auto w = weights(R, C);
    core.program({R, C}, w.data());
    std::vector<std::int8_t> x(R), d(C), y(C), z(R);
    for (int i = 0; i < R; ++i) x[i] = std::int8_t((i * 53) % 255 - 127);
    for (int j = 0; j < C; ++j) d[j] = std::int8_t((j * 29) % 201 - 100);
    const float fs = 6.0f;
    core.vmm({R, C}, x.data(), y.data(), fs);
    core.mvm({R, C}, d.data(), z.data(), fs);
    for (int j = 0; j < C; ++j) {
        double acc = 0;
        for (int i = 0; i < R; ++i) acc += double(w[i * C + j]) * x[i] / 127.0;
        EXPECT_LE(std::abs(y[j] - std::clamp(acc / fs * 127, -127.0, 127.0)), 0.5 + 1e-4);
    }
    for (int i = 0; i < R; ++i) {
        double acc = 0;
        for (int j = 0; j < C; ++j) acc += double(w[i * C + j]) * d[j] / 127.0;
        EXPECT_LE(std::abs(z[i] - std::clamp(acc / fs * 127, -127.0, 127.0)), 0.5 + 1e-4);
    }
}

TEST(AnalogCore, RegionLimitsTheKernelToTheLeadingBlock) {
    auto core = make(16, 16);
    std::vector<float> w(16 * 16, 0.5f);
    core.program({16, 16}, w.data());
    std::vector<std::int8_t> x(16, 127), y(16, 99);
    core.vmm({4, 3}, x.data(), y.data(), 4.0f);
    for (int j = 0; j < 3; ++j) EXPECT_EQ(y[j], cores::quantize(4 * 0.5 / 4.0, 8));
    EXPECT_EQ(y[3], 99);  // untouched
}

TEST(AnalogCore, OpuWithIdealDeviceEqualsQuantizedOuterProduct) {
    const int R = 9, C = 7;
    auto core = make(R, C);
    const auto w0 = weights(R, C);
    core.program({R, C}, w0.data());
    std::vector<std::int8_t> x(R), d(C);
    for (int i = 0; i < R; ++i) x[i] = std::int8_t(i * 30 - 120);  // bits_x = 8
    for (int j = 0; j < C; ++j) d[j] = std::int8_t(j - 3);         // bits_delta = 4: [-7, 7]
    const float scale = 0.05f;
    core.opu({R, C}, x.data(), d.data(), scale);
    for (int i = 0; i < R; ++i)
        for (int j = 0; j < C; ++j) {
            const double expect = std::clamp(double(w0[i * C + j]) + scale * (x[i] / 127.0) * (d[j] / 7.0), -1.0, 1.0);
            EXPECT_NEAR(core.weights()(i, j), expect, 1e-6);
        }
}

TEST(AnalogCore, ReadNoiseHasTheRequestedSpreadAndIsSeeded) {
    const int R = 256, C = 64;
    const double sigma = 0.01;
    auto a = make(R, C, sigma, 7), b = make(R, C, sigma, 7), c = make(R, C, sigma, 8);
    std::vector<float> w(R * C, 0.0f);
    for (auto* k : {&a, &b, &c}) k->program({R, C}, w.data());
    std::vector<std::int8_t> x(R, 127), ya(C), yb(C), yc(C);
    // Zero weights: outputs are pure noise of std sigma x range x sqrt(sum x^2) = 0.01 x 2 x 16.
    const double expect_std = sigma * 2.0 * std::sqrt(double(R));
    const float fs = float(4 * expect_std);
    double s2 = 0;
    int n = 0;
    bool differs = false;
    for (int rep = 0; rep < 200; ++rep) {
        a.vmm({R, C}, x.data(), ya.data(), fs);
        b.vmm({R, C}, x.data(), yb.data(), fs);
        c.vmm({R, C}, x.data(), yc.data(), fs);
        EXPECT_EQ(ya, yb);
        differs |= ya != yc;
        for (auto v : ya) s2 += std::pow(v / 127.0 * fs, 2), ++n;
    }
    EXPECT_TRUE(differs);
    EXPECT_NEAR(std::sqrt(s2 / n), expect_std, 0.05 * expect_std);
}
