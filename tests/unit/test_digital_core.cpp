// Bit-exact numerics of the digital cores (models/cores/digital_core.h) against a reference
// written out here in integer arithmetic: product rounding, saturating accumulation, output
// rounding and saturation, OPU write-back rounding, program / read-back, regions.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/cores/digital_core.h"
#include "tests/tech.h"

using namespace xbar;
using Memory = cores::DigitalCoreConfig::Memory;

namespace {

// ---- Reference (independent of the model code) ---------------------------------------------
// n / d rounded half away from zero, d > 0.
std::int64_t div_rhaz(std::int64_t n, std::int64_t d) {
    const std::int64_t q = (2 * std::llabs(n) + d) / (2 * d);
    return n < 0 ? -q : q;
}
std::int64_t clamp64(std::int64_t v, std::int64_t m) { return v > m ? m : v < -m ? -m : v; }

struct Ref {
    int wbits = 8, bin = 8, bout = 8, pbits = 12, abits = 22;
    std::int64_t M(int b) const { return (std::int64_t(1) << (b - 1)) - 1; }
    int shift() const { return std::max(0, wbits + bin - pbits); }
    // Product w*x keeping pbits: drop `shift` low bits, half away from zero.
    std::int64_t product(std::int64_t w, std::int64_t x) const {
        return shift() == 0 ? w * x : div_rhaz(w * x, std::int64_t(1) << shift());
    }
    // Saturating accumulation in order.
    std::int64_t dot(const std::vector<std::int64_t>& w, const std::vector<std::int64_t>& x) const {
        const std::int64_t A = (std::int64_t(1) << (abits - 1)) - 1;
        std::int64_t acc = 0;
        for (std::size_t k = 0; k < w.size(); ++k) acc = clamp64(acc + product(w[k], clamp64(x[k], M(bin))), A);
        return acc;
    }
    // fullscale = fs_num / 2^fs_exp exactly.
    std::int64_t out(std::int64_t acc, std::int64_t fs_num, int fs_exp) const {
        const std::int64_t n = acc * (std::int64_t(1) << shift()) * M(bout) * (std::int64_t(1) << fs_exp);
        return clamp64(div_rhaz(n, M(wbits) * M(bin) * fs_num), M(bout));
    }
};

cores::DigitalCore make(energy::DigitalParams p = tech::digital(), Memory m = Memory::sram, bool stochastic = false,
                        std::uint64_t seed = 1) {
    cores::DigitalCoreConfig cfg;
    cfg.memory = m;
    cfg.params = p;
    cfg.stochastic_rounding = stochastic;
    cfg.seed = seed;
    return cores::DigitalCore(cfg);
}

// Program integer codes exactly (targets code / Mw).
void program_codes(cores::DigitalCore& core, cores::Region r, const std::vector<int>& codes, int wbits = 8) {
    const float mw = float((1 << (wbits - 1)) - 1);
    std::vector<float> w(codes.size());
    for (std::size_t k = 0; k < codes.size(); ++k) w[k] = float(codes[k]) / mw;
    core.program(r, w.data());
}

float fs_of(std::int64_t num, int exp) { return std::ldexp(float(num), -exp); }

}  // namespace

TEST(DigitalNumerics, ProductRoundingIsHalfAwayFromZeroExhaustively) {
    // Column j holds weight j - 127 in all 127 rows; x is constant. Then acc = 127 r and with
    // fullscale 16 the output code is exactly r = round(w x / 16) (saturated at +-127).
    cores::DigitalCore core = make();
    const int R = 127, C = 255;
    std::vector<int> codes(R * C);
    for (int i = 0; i < R; ++i)
        for (int j = 0; j < C; ++j) codes[i * C + j] = j - 127;
    program_codes(core, {R, C}, codes);
    Ref ref;
    std::vector<std::int8_t> x(R), y(C);
    for (int xv = -127; xv <= 127; ++xv) {
        std::fill(x.begin(), x.end(), std::int8_t(xv));
        for (const auto& [num, e] : {std::pair{16, 0}, std::pair{128, 0}}) {
            core.vmm({R, C}, x.data(), y.data(), fs_of(num, e));
            for (int j = 0; j < C; ++j) {
                const std::int64_t acc = 127 * ref.product(j - 127, xv);
                ASSERT_EQ(y[j], ref.out(acc, num, e)) << "w=" << j - 127 << " x=" << xv << " fs=" << num;
            }
        }
    }
    // The edges themselves: 8 / 16 = 0.5 -> 1, 24 / 16 = 1.5 -> 2, -8 / 16 -> -1, 7 / 16 -> 0.
    EXPECT_EQ(ref.product(1, 8), 1);
    EXPECT_EQ(ref.product(3, 8), 2);
    EXPECT_EQ(ref.product(-1, 8), -1);
    EXPECT_EQ(ref.product(1, 7), 0);
    EXPECT_EQ(ref.product(127, 127), 1008);  // 16129 / 16 = 1008.06: 12 significant bits
}

TEST(DigitalNumerics, OutputRoundingAndSaturation) {
    cores::DigitalCore core = make();
    program_codes(core, {1, 2}, {127, -127});
    std::vector<std::int8_t> x(1), y(2);
    // w = 127, x = 48: p = 6096, r = 381 = 127 x 3; fullscale 32: y = 381*16*127/(127*127*32) = 1.5.
    x[0] = 48;
    core.vmm({1, 2}, x.data(), y.data(), 32.0f);
    EXPECT_EQ(y[0], 2);
    EXPECT_EQ(y[1], -2);
    x[0] = 80;  // r = 635 = 127 x 5: y = 2.5 -> 3 (half-even would give 2)
    core.vmm({1, 2}, x.data(), y.data(), 32.0f);
    EXPECT_EQ(y[0], 3);
    EXPECT_EQ(y[1], -3);
    // +-full scale: w = x = 127 is y = 1 = fullscale -> +-127 (r = 1008: 1008*16/127 = 126.99).
    x[0] = 127;
    core.vmm({1, 2}, x.data(), y.data(), 1.0f);
    EXPECT_EQ(y[0], 127);
    EXPECT_EQ(y[1], -127);
    // Beyond full scale saturates symmetrically.
    core.vmm({1, 2}, x.data(), y.data(), 0.01f);
    EXPECT_EQ(y[0], 127);
    EXPECT_EQ(y[1], -127);
    // Zero input, zero weight.
    x[0] = 0;
    core.vmm({1, 2}, x.data(), y.data(), 1e-6f);
    EXPECT_EQ(y[0], 0);
    EXPECT_EQ(y[1], 0);
    program_codes(core, {1, 2}, {0, 0});
    x[0] = 127;
    core.vmm({1, 2}, x.data(), y.data(), 1e-6f);
    EXPECT_EQ(y[0], 0);
    // Input codes outside the register width saturate: -128 acts as -127.
    program_codes(core, {1, 2}, {127, 127});
    x[0] = -128;
    core.vmm({1, 2}, x.data(), y.data(), 1.0f);
    EXPECT_EQ(y[0], -127);
}

TEST(DigitalNumerics, AccumulatorSaturatesInOrder) {
    // 12-bit accumulator: A = 2047. Products 1008 each: +,+,+,- gives 1008, 2016, 2047 (clamped),
    // 1039, where unsaturated arithmetic would give 2016.
    energy::DigitalParams p = tech::digital();
    p.acc_bits = 12;
    Ref ref;
    ref.abits = 12;
    cores::DigitalCore core = make(p);
    program_codes(core, {4, 2}, {127, -127, 127, -127, 127, -127, -127, 127});
    std::vector<std::int8_t> x(4, 127), y(2);
    core.vmm({4, 2}, x.data(), y.data(), 16.0f);
    EXPECT_EQ(ref.dot({127, 127, 127, -127}, {127, 127, 127, 127}), 1039);
    EXPECT_EQ(y[0], ref.out(1039, 16, 0));  // 1039 / 127 = 8.18 -> 8
    EXPECT_EQ(y[0], 8);
    EXPECT_EQ(y[1], -8);
    // MVM (slow, in-order path): row 0 of the transpose is the same sequence along the columns.
    cores::DigitalCore t = make(p);
    program_codes(t, {2, 4}, {127, 127, 127, -127, -127, -127, -127, 127});
    std::vector<std::int8_t> d(4, 127), z(2);
    t.mvm({2, 4}, d.data(), z.data(), 16.0f);
    EXPECT_EQ(z[0], 8);
    EXPECT_EQ(z[1], -8);
    // Saturated at exactly +-A = +-2047 (symmetric): three products.
    t.mvm({2, 3}, d.data(), z.data(), 16.0f);
    EXPECT_EQ(z[0], ref.out(2047, 16, 0));
    EXPECT_EQ(z[1], ref.out(-2047, 16, 0));
    EXPECT_EQ(z[0], 16);  // 2047 / 127 = 16.1, unsaturated 3024 / 127 would give 24
}

TEST(DigitalNumerics, TwentyTwoBitAccumulatorSaturatesOnATallArray) {
    // 4096 rows of 1008 = 4,128,768 > 2^21 - 1: the paper's accumulator clamps at 2,097,151.
    energy::DigitalParams p = tech::digital();
    p.rows = 4096;
    p.cols = 2;
    cores::DigitalCore core = make(p);
    program_codes(core, {4096, 2}, std::vector<int>(8192, 127));
    std::vector<std::int8_t> x(4096, 127), y(2);
    core.vmm({4096, 2}, x.data(), y.data(), 4096.0f);
    Ref ref;
    EXPECT_EQ(ref.dot(std::vector<std::int64_t>(4096, 127), std::vector<std::int64_t>(4096, 127)), 2097151);
    EXPECT_EQ(y[0], ref.out(2097151, 4096, 0));
    EXPECT_EQ(y[0], 65);  // 2097151 * 16 / (127 * 4096) = 64.5; unsaturated: 127
    std::vector<std::int8_t> d(2, 127), z(4096);
    core.mvm({4096, 2}, d.data(), z.data(), 1.0f);  // 2 x 1008 never saturates
    EXPECT_EQ(z[0], ref.out(2016, 1, 0));
}

TEST(DigitalNumerics, RandomVmmMvmMatchTheReference) {
    std::mt19937 gen(7);
    for (int bits : {8, 4, 2}) {
        SCOPED_TRACE(bits);
        const energy::DigitalParams p = tech::digital(bits);
        Ref ref;
        ref.bin = ref.bout = bits;
        ref.pbits = p.product_bits;
        ref.abits = p.acc_bits;
        cores::DigitalCore core = make(p, bits == 4 ? Memory::reram : Memory::sram);
        const int R = 300, C = 200, r0 = 17, c0 = 9;
        std::uniform_int_distribution<int> wd(-127, 127), xd(-int(ref.M(bits)), int(ref.M(bits)));
        std::vector<int> codes(R * C);
        for (int& c : codes) c = wd(gen);
        program_codes(core, {R, C, r0, c0}, codes);
        std::vector<std::int8_t> x(R), d(C), y(C), z(R);
        for (int trial = 0; trial < 4; ++trial) {
            for (auto& v : x) v = std::int8_t(gen() % 4 == 0 ? 0 : xd(gen));
            for (auto& v : d) v = std::int8_t(xd(gen));
            const std::int64_t fs_num = 1 + gen() % 40;
            const int fs_exp = int(gen() % 4);
            core.vmm({R, C, r0, c0}, x.data(), y.data(), fs_of(fs_num, fs_exp));
            core.mvm({R, C, r0, c0}, d.data(), z.data(), fs_of(fs_num, fs_exp));
            std::vector<std::int64_t> wv, xv;
            for (int j = 0; j < C; ++j) {
                wv.clear(), xv.clear();
                for (int i = 0; i < R; ++i) wv.push_back(codes[i * C + j]), xv.push_back(x[i]);
                ASSERT_EQ(y[j], ref.out(ref.dot(wv, xv), fs_num, fs_exp)) << "j=" << j;
            }
            for (int i = 0; i < R; ++i) {
                wv.assign(codes.begin() + i * C, codes.begin() + (i + 1) * C);
                xv.assign(d.begin(), d.end());
                ASSERT_EQ(z[i], ref.out(ref.dot(wv, xv), fs_num, fs_exp)) << "i=" << i;
            }
        }
    }
}

TEST(DigitalNumerics, OpuRoundsToNearestCodeAndSaturates) {
    // scale 15.875 = 127/8: k = scale * 127 / (127 * 127) = 1/8 exactly, so w' = rhaz((8w + x d) / 8).
    cores::DigitalCore core = make();
    const int R = 64, C = 96;
    std::mt19937 gen(3);
    std::uniform_int_distribution<int> cd(-127, 127);
    std::vector<int> codes(R * C);
    for (int& c : codes) c = cd(gen);
    codes[0] = 120;  // pushed past +127
    codes[1] = -120;
    program_codes(core, {R, C, 5, 3}, codes);
    std::vector<std::int8_t> x(R), d(C);
    for (auto& v : x) v = std::int8_t(cd(gen));
    for (auto& v : d) v = std::int8_t(cd(gen));
    x[0] = 127, d[0] = 127, d[1] = -127;  // +-2016 codes
    x[1] = 1, d[2] = 4, d[3] = -4, d[4] = 12;  // ties: 4/8 = 0.5, -0.5, 1.5
    core.opu({R, C, 5, 3}, x.data(), d.data(), 15.875f);
    std::vector<float> back(R * C);
    core.read_back({R, C, 5, 3}, back.data());
    for (int i = 0; i < R; ++i)
        for (int j = 0; j < C; ++j) {
            const std::int64_t w = codes[i * C + j];
            const std::int64_t expect = clamp64(div_rhaz(8 * w + std::int64_t(x[i]) * d[j], 8), 127);
            ASSERT_EQ(std::lround(back[i * C + j] * 127.0f), expect) << i << "," << j;
        }
    const auto& w = core.codes();
    const auto at = [&](int i, int j) { return int(w[std::size_t(5 + i) * 1024 + 3 + j]); };
    EXPECT_EQ(at(0, 0), 127);
    EXPECT_EQ(at(0, 1), -127);
    EXPECT_EQ(at(1, 2), std::min(127, codes[C + 2] + (codes[C + 2] >= 0 ? 1 : 0)));  // w + 0.5: away from 0
    EXPECT_EQ(at(1, 4), std::min(127, codes[C + 4] + (codes[C + 4] >= -1 ? 2 : 1)));  // w + 1.5
    // Nothing outside the region moved.
    EXPECT_EQ(w[0], 0);
    EXPECT_EQ(w[std::size_t(5 + R) * 1024 + 3], 0);
}

TEST(DigitalNumerics, OpuGeneralScaleMatchesExactArithmetic) {
    cores::DigitalCore core = make(tech::digital(4));
    const int R = 50, C = 70;
    std::mt19937 gen(11);
    std::uniform_int_distribution<int> cd(-127, 127), vd(-7, 7);
    std::vector<int> codes(R * C);
    for (int& c : codes) c = cd(gen);
    program_codes(core, {R, C}, codes);
    std::vector<std::int8_t> x(R), d(C);
    for (auto& v : x) v = std::int8_t(vd(gen));
    for (auto& v : d) v = std::int8_t(vd(gen));
    const float scale = 0.37f;
    core.opu({R, C}, x.data(), d.data(), scale);
    for (int i = 0; i < R; ++i)
        for (int j = 0; j < C; ++j) {
            const long double v = codes[i * C + j] + (long double)scale * 127 * x[i] * d[j] / (7.0L * 7.0L);
            const long double e = std::max(-127.0L, std::min(127.0L, std::round(v)));
            ASSERT_EQ(int(core.codes()[std::size_t(i) * 1024 + j]), int(e)) << i << "," << j;
        }
}

TEST(DigitalNumerics, StochasticRoundingIsUnbiasedAndSeeded) {
    // Every cell gets v = 0 + 0.3: it must become 0 or 1, 1 with probability 0.3.
    // x = 127 (of Mx = 127), d = 1 (of Md = 127): delta = scale * Mw * 127 * 1 / (127 * 127) codes.
    const float scale = 0.3f;
    const int R = 1024, C = 1024;
    std::vector<std::int8_t> x(R, 127), d(C, 1);
    auto run = [&](std::uint64_t seed) {
        cores::DigitalCore core = make(tech::digital(), Memory::reram, true, seed);
        core.opu({R, C}, x.data(), d.data(), scale);
        return core.codes();
    };
    const auto a = run(5), b = run(5), c = run(6);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    double ones = 0;
    for (auto v : a) {
        ASSERT_TRUE(v == 0 || v == 1);
        ones += v;
    }
    const double delta = double(scale) * 127 * 127 * 1 / (127.0 * 127);
    EXPECT_NEAR(ones / (double(R) * C), delta, 0.002);  // 1M draws: sigma 0.00046
    // Integer targets are never moved: d = 0 leaves v = w.
    std::vector<std::int8_t> zero(C, 0);
    cores::DigitalCore core = make(tech::digital(), Memory::reram, true, 9);
    std::vector<int> codes(4 * C, 7);
    program_codes(core, {4, C}, codes);
    core.opu({4, C}, x.data(), zero.data(), 1.0f);
    for (int j = 0; j < C; ++j) ASSERT_EQ(core.codes()[j], 7);
}

TEST(DigitalNumerics, ProgramAndReadBack) {
    cores::DigitalCore core = make(tech::digital(), Memory::reram);
    const std::vector<float> w = {1.0f, -1.0f, 2.5f, -3.0f, 0.5f, 64.4f / 127, -64.6f / 127, NAN, 0.0f};
    core.program({3, 3, 10, 20}, w.data());
    const std::vector<int> expect = {127, -127, 127, -127, 64, 64, -65, 0, 0};  // rhaz(0.5*127 = 63.5) = 64
    std::vector<float> back(9);
    core.read_back({3, 3, 10, 20}, back.data());
    for (int k = 0; k < 9; ++k) {
        EXPECT_EQ(int(core.codes()[std::size_t(10 + k / 3) * 1024 + 20 + k % 3]), expect[k]) << k;
        EXPECT_EQ(back[k], float(expect[k]) / 127.0f) << k;
    }
    EXPECT_THROW(core.read_back({3, 3, 1022, 0}, back.data()), std::out_of_range);
}

TEST(DigitalNumerics, FullArrayVmmAndMvmMatchTheReference) {
    // The full 1024 x 1024 array (the fast path the benchmark times, bench/bench_cores.cpp): every
    // output against the integer reference. Speed is the benchmark's business, not a test's.
    cores::DigitalCore core = make();
    const int n = 1024;
    std::mt19937 gen(1);
    std::vector<int> codes(std::size_t(n) * n);
    for (int& c : codes) c = int(gen() % 255) - 127;
    program_codes(core, {n, n}, codes);
    std::vector<std::int8_t> x(n), y(n), z(n);
    for (auto& v : x) v = std::int8_t(int(gen() % 255) - 127);
    core.vmm({n, n}, x.data(), y.data(), 64.0f);  // outputs mostly inside the code range
    core.mvm({n, n}, x.data(), z.data(), 64.0f);
    Ref ref;
    std::vector<std::int64_t> wv(n), xv(x.begin(), x.end());
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) wv[i] = codes[std::size_t(i) * n + j];
        ASSERT_EQ(y[j], ref.out(ref.dot(wv, xv), 64, 0)) << "column " << j;
    }
    for (int i = 0; i < n; ++i) {
        wv.assign(codes.begin() + std::ptrdiff_t(i) * n, codes.begin() + std::ptrdiff_t(i + 1) * n);
        ASSERT_EQ(z[i], ref.out(ref.dot(wv, xv), 64, 0)) << "row " << i;
    }
}
