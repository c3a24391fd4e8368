// The analog core's OPU goes through the device model; periodic carry keeps the stored value.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "models/cores/analog_core.h"
#include "tests/tech.h"

using namespace xbar;

namespace {
using core_matrix_copy = cores::AnalogCore::Matrix;
cores::AnalogCoreConfig config(int n) {
    cores::AnalogCoreConfig cfg = xbar::tech::analog_config();
    cfg.params.rows = cfg.params.cols = n;
    return cfg;
}
}  // namespace

TEST(AnalogDevice, OpuFollowsTheAsymmetricNonlinearEquation) {
    const int n = 16;
    auto cfg = config(n);
    cfg.device.kind = cores::DeviceSpec::Kind::analytic;
    cfg.device.analytic.alpha = 3.0f;
    cores::AnalogCore core(cfg);
    std::vector<float> w0(n * n);
    for (int k = 0; k < n * n; ++k) w0[k] = float(k) / (n * n) * 1.6f - 0.8f;
    core.program({n, n}, w0.data());
    std::vector<std::int8_t> x(n, 64), d(n, 5);
    const float scale = 0.1f;
    core.opu({n, n}, x.data(), d.data(), scale);
    // Independent evaluation of M18 §3.4 (asymmetric, w in [-1, 1], delta > 0).
    const double dw = scale * (64 / 127.0) * (5 / 7.0), range = 2.0, a = 3.0;
    const double w0c = range / (1 - std::exp(-a));
    for (int k = 0; k < n * n; ++k) {
        const double w = w0[k];
        const double expect = w + (w0c - 1.0 - w) * (1 - std::exp(-a * dw / range));
        EXPECT_NEAR(core.weights()(k / n, k % n), expect, 2e-5) << k;
    }
}

TEST(AnalogCarry, IdealDeviceCarryKeepsTheEffectiveWeight) {
    const int n = 32;
    auto cfg = config(n);
    cfg.carry = {3, 5, 0.5, 4};
    cores::AnalogCore core(cfg);
    std::vector<float> w0(n * n, 0.1f);
    core.program({n, n}, w0.data());
    std::vector<std::int8_t> x(n), d(n);
    std::vector<double> expect(n * n, 0.1);
    // Reference digits, from the rule in docs/architecture.md ("Periodic carry"), in double: the
    // OPU adds base^(cells-1) x the weight change to the lowest digit; every `every` updates each
    // digit at or beyond threshold moves 1/base of itself one level up and is reset. Programming
    // 0.1 puts it in the top digit (significance 1).
    const int cells = 3;
    const double base = 5, threshold = 0.5;
    std::vector<std::vector<double>> digit(cells, std::vector<double>(n * n, 0.0));
    digit[2].assign(n * n, 0.1);
    const float scale = 0.004f;
    int carries_with_work = 0, expect_with_work = 0, carries_due = 0;
    for (int step = 0; step < 40; ++step) {
        for (int i = 0; i < n; ++i) x[i] = std::int8_t((i * 7 + step * 13) % 255 - 127);
        for (int j = 0; j < n; ++j) d[j] = std::int8_t((j * 3 + step) % 15 - 7);
        core.opu({n, n}, x.data(), d.data(), scale);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const double dw = double(scale) * (x[i] / 127.0) * (d[j] / 7.0);
                expect[i * n + j] += dw;
                digit[0][i * n + j] = std::clamp(digit[0][i * n + j] + base * base * dw, -1.0, 1.0);
            }
        if (!core.carry_due()) continue;
        ++carries_due;
        bool work = false;
        for (int l = 0; l + 1 < cells; ++l)
            for (int k = 0; k < n * n; ++k)
                if (std::abs(digit[l][k]) >= threshold) {
                    digit[l + 1][k] = std::clamp(digit[l + 1][k] + digit[l][k] / base, -1.0, 1.0);
                    digit[l][k] = 0;
                    work = true;
                }
        expect_with_work += work;
        carries_with_work += core.carry().latency_ns > 0;  // 0: nothing crossed
    }
    EXPECT_EQ(carries_due, 40 / 4);
    EXPECT_EQ(carries_with_work, expect_with_work);
    // The low digit holds 25x the weight change, so without carries it would have saturated.
    double max_err = 0, digit_err = 0;
    for (int k = 0; k < n * n; ++k) {
        max_err = std::max(max_err, std::abs(core.weights()(k / n, k % n) - expect[k]));
        for (int l = 0; l < cells; ++l)
            digit_err = std::max(digit_err, std::abs(core.cells(l)(k / n, k % n) - digit[l][k]));
    }
    EXPECT_LT(max_err, 1e-5);
    EXPECT_LT(digit_err, 1e-5);
}

TEST(AnalogCarry, CarryWithWriteNoiseStaysWithinTheNoiseBound) {
    const int n = 64;
    auto cfg = config(n);
    cfg.carry = {3, 5, 0.5, 1};
    cfg.device.kind = cores::DeviceSpec::Kind::analytic;
    cfg.device.analytic.write_noise = 0.01f;
    cores::AnalogCore core(cfg);
    std::vector<float> w0(n * n, 0.0f);
    core.program({n, n}, w0.data());
    std::vector<std::int8_t> x(n, 127), d(n, 7);
    const float scale = 0.03f;  // low digit: 0.75 per update, beyond the 0.5 threshold
    core.opu({n, n}, x.data(), d.data(), scale);
    const core_matrix_copy before = core.weights();
    ASSERT_TRUE(core.carry_due());
    core.carry();
    // Carry moves 0.75/5 = 0.15 into the middle digit (noise sigma 0.01 sqrt(0.15 x 2) = 0.0055,
    // worth /5 in the weight) and resets the low digit (noise 0.01 sqrt(0.75 x 2) = 0.012, /25).
    double sum = 0, sum2 = 0;
    for (int k = 0; k < n * n; ++k) {
        const double e = core.weights()(k / n, k % n) - before(k / n, k % n);
        sum += e, sum2 += e * e;
    }
    const double mean = sum / (n * n), sd = std::sqrt(sum2 / (n * n) - mean * mean);
    const double expect_sd = std::hypot(0.01 * std::sqrt(0.15 * 2) / 5, 0.01 * std::sqrt(0.75 * 2) / 25);
    EXPECT_NEAR(mean, 0.0, 4 * expect_sd / n);
    EXPECT_NEAR(sd, expect_sd, 0.1 * expect_sd);
    EXPECT_EQ(core.cells(0)(0, 0) == 0.0f, false);  // reset through the device: noisy, not exact
}

TEST(AnalogCarry, ReadsChargeEveryDigitArray) {
    auto one = config(64), three = config(64);
    three.carry.cells = 3;
    cores::AnalogCore a(one), b(three);
    std::vector<std::int8_t> x(64, 3), y(64);
    const auto ca = a.vmm({64, 64}, x.data(), y.data(), 1.0f), cb = b.vmm({64, 64}, x.data(), y.data(), 1.0f);
    double ea = 0, eb = 0;
    for (auto [i, c] : ca.events)
        if (i != energy::kLinkValue) ea += c * a.actions()[i].energy_pj;
    for (auto [i, c] : cb.events)
        if (i != energy::kLinkValue) eb += c * b.actions()[i].energy_pj;
    EXPECT_NEAR(eb, 3 * ea, 1e-9 * eb);
    EXPECT_EQ(ca.latency_ns, cb.latency_ns);  // the arrays are read in parallel
}

namespace {
// Round half away from zero and saturate to +-m (the output code of a sign-magnitude ADC).
double round_sat(double v, double m) { return std::clamp(std::round(v), -m, m); }
}  // namespace

TEST(AnalogCarry, EachDigitArrayIsConvertedByItsOwnAdc) {
    // Three digits in base 5, built through the public kernels with the ideal device: program
    // (top digit), OPU (lowest digit gets 25 x the change), carry (digits >= 0.5 move 1/5 of
    // themselves one level up), OPU again. The test keeps its own digits in double.
    const int n = 64, cells = 3;
    const double base = 5, threshold = 0.5;
    auto cfg = config(n);
    cfg.carry = {cells, int(base), threshold, 1000};
    cores::AnalogCore core(cfg);
    std::vector<std::vector<double>> digit(cells, std::vector<double>(n * n, 0.0));
    std::vector<float> w0(n * n);
    for (int k = 0; k < n * n; ++k) w0[k] = float(0.7 * std::sin(0.37 * k)), digit[2][k] = w0[k];
    core.program({n, n}, w0.data());
    std::vector<std::int8_t> x(n), d(n);
    auto opu = [&](int seed, float scale) {
        for (int i = 0; i < n; ++i) x[i] = std::int8_t((i * 41 + seed) % 255 - 127);
        for (int j = 0; j < n; ++j) d[j] = std::int8_t((j * 5 + seed) % 15 - 7);
        core.opu({n, n}, x.data(), d.data(), scale);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                digit[0][i * n + j] = std::clamp(digit[0][i * n + j] + base * base * scale * (x[i] / 127.0) * (d[j] / 7.0), -1.0, 1.0);
    };
    opu(3, 0.0313f);  // scales chosen off exact half-LSB ties
    core.carry();
    for (int k = 0; k < n * n; ++k)
        if (std::abs(digit[0][k]) >= threshold) digit[1][k] = std::clamp(digit[1][k] + digit[0][k] / base, -1.0, 1.0), digit[0][k] = 0;
    opu(11, 0.0217f);
    for (int l = 0; l < cells; ++l)
        for (int k = 0; k < n * n; ++k) ASSERT_NEAR(core.cells(l)(k / n, k % n), digit[l][k], 1e-6) << l << " " << k;

    // Float reference of the read: code_k = round(sum_i W_k,ij x_i / 127 / fs x 127) per digit,
    // combined sum_k base^(k - 2) code_k, rounded and saturated to the 8-bit output code.
    const float fs = 3.0f;
    const double mo = 127;
    std::vector<std::int8_t> xin(n), y(n), z(n);
    for (int i = 0; i < n; ++i) xin[i] = std::int8_t((i * 67) % 255 - 127);
    auto reference = [&](bool transpose, int o, double* once) {
        double combined = 0, effective = 0;
        bool near_tie = false;
        for (int k = 0; k < cells; ++k) {
            double acc = 0;
            for (int i = 0; i < n; ++i) acc += (transpose ? digit[k][o * n + i] : digit[k][i * n + o]) * (xin[i] / 127.0);
            const double v = acc / fs * mo;
            near_tie |= std::abs(std::abs(v - std::trunc(v)) - 0.5) < 1e-4 && std::abs(v) < mo;
            combined += std::pow(base, k - cells + 1) * round_sat(v, mo);
            effective += std::pow(base, k - cells + 1) * v;
        }
        *once = round_sat(effective, mo);  // the old behaviour: combine in float, quantize once
        return near_tie ? std::nan("") : round_sat(combined, mo);
    };
    core.vmm({n, n}, xin.data(), y.data(), fs);
    core.mvm({n, n}, xin.data(), z.data(), fs);
    int checked = 0, differs_from_once = 0;
    for (int o = 0; o < n; ++o)
        for (bool transpose : {false, true}) {
            double once;
            const double ref = reference(transpose, o, &once);
            const int got = transpose ? z[o] : y[o];
            if (std::isnan(ref)) continue;
            EXPECT_EQ(got, ref) << (transpose ? "mvm " : "vmm ") << o;
            ++checked;
            differs_from_once += got != once;
        }
    EXPECT_GT(checked, 2 * n - 8);
    EXPECT_GT(differs_from_once, 0);  // per-digit quantization is visible in the codes

    // Read-back converts every digit array the same way (one weight per conversion).
    std::vector<float> wb(n * n);
    core.read_back({n, n}, wb.data());
    int read = 0;
    for (int k = 0; k < n * n; ++k) {
        double combined = 0;
        bool near_tie = false;
        for (int l = 0; l < cells; ++l) {
            const double v = digit[l][k] * mo;
            near_tie |= std::abs(std::abs(v - std::trunc(v)) - 0.5) < 1e-4;
            combined += std::pow(base, l - cells + 1) * round_sat(v, mo);
        }
        if (near_tie) continue;
        EXPECT_FLOAT_EQ(wb[k], float(round_sat(combined, mo) / mo)) << k;
        ++read;
    }
    EXPECT_GT(read, n * n - 20);  // ~3 x 4096 x 2e-4 = 2.5 digits expected near a tie
}

TEST(AnalogCarry, ReadNoiseIsAddedPerDigitArray) {
    // Zero weights: each digit's output is its own read noise, sigma x 2 x sqrt(sum x^2), converted
    // by its own ADC; the combined code has std sqrt(sum_k base^(2(k - cells + 1))) x that.
    const int R = 256, C = 64, cells = 3;
    const double sigma = 0.01, base = 5;
    auto cfg = config(R);
    cfg.params.cols = C;
    cfg.read_noise = sigma;
    cfg.carry.cells = cells;
    cores::AnalogCore core(cfg);
    std::vector<std::int8_t> x(R, 127), y(C);
    const double digit_std = sigma * 2.0 * std::sqrt(double(R));
    const float fs = float(4 * digit_std);  // a digit's noise is ~32 LSB: quantization is negligible
    double s2 = 0;
    int n = 0;
    for (int rep = 0; rep < 400; ++rep) {
        core.vmm({R, C}, x.data(), y.data(), fs);
        for (auto v : y) s2 += double(v) * v, ++n;
    }
    double digits = 0;
    for (int k = 0; k < cells; ++k) digits += std::pow(base, 2.0 * (k - cells + 1));
    const double expect = std::sqrt(digits) * digit_std / fs * 127;
    EXPECT_NEAR(std::sqrt(s2 / n), expect, 0.05 * expect);
}

TEST(AnalogCarry, DataActivityReadsEveryDigitArraysOwnConductance) {
    // Data activity with three digits: drivers, integrators and ADCs x 3 (one periphery per
    // digit array), cell current from each digit array's own conductances plus its reference.
    const int n = 32, cells = 3;
    auto one = config(n), three = config(n);
    one.activity = three.activity = cores::Activity::data;
    three.carry = {cells, 5, 0.5, 1000};
    cores::AnalogCore a(one), b(three);
    std::vector<float> w0(n * n);
    for (int k = 0; k < n * n; ++k) w0[k] = float(0.8 * std::cos(0.21 * k));
    a.program({n, n}, w0.data());
    b.program({n, n}, w0.data());
    std::vector<std::int8_t> x(n), d(n, 7), y(n);
    for (int i = 0; i < n; ++i) x[i] = std::int8_t((i * 19) % 255 - 127);
    b.opu({n, n}, x.data(), d.data(), 0.01f);  // lowest digit: 25 x 0.01 x x_i / 127
    const auto p = xbar::tech::analog();
    const double g_ref = (1 + 1 / p.on_off_ratio) / 2, h = (1 - 1 / p.on_off_ratio) / 2;
    double expect = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const double low = std::clamp(25 * 0.01 * (x[i] / 127.0), -1.0, 1.0);
            for (double w : {double(w0[i * n + j]), 0.0, low})  // digits 2, 1, 0
                expect += std::abs(int(x[i])) * p.pulse_unit_ns * (g_ref + h * w + g_ref) / 2;
        }
    const auto ca = a.vmm({n, n}, x.data(), y.data(), 1.0f), cb = b.vmm({n, n}, x.data(), y.data(), 1.0f);
    for (auto [i, c] : cb.events) {
        double single = 0;
        for (auto [k, v] : ca.events)
            if (k == i) single += v;
        if (i == energy::kArrayReadCellNs)
            EXPECT_NEAR(c, expect, 1e-6 * expect);
        else
            EXPECT_NEAR(c, (i == energy::kLinkValue ? 1 : cells) * single, 1e-9 * (1 + c)) << i;
    }
}
