// Data-dependent activity of the analog core (scenario /tile/activity "data"): every event count
// follows the real operands. The expected counts are written out here from the codes, weights and
// the technology values (tests/tech.h), independently of the core's code:
//  - level-shifter transitions and line switches: the edges of each line's temporal code, at
//    td_per_edge = (170 pJ / (1024 x 8 x 15 fJ)) x b / (0.5 (b - 1)) transitions per edge;
//  - OPU cell write energy: I_write V_write per ns x (|d_j| / d_max)^2 (ohmic cell), polarity
//    phases that no driven row and column share are skipped;
//  - read current: G / Gmax = (1 + 1/r) / 2 + w (1 - 1/r) / 2 (r = ON/OFF), reference at
//    (1 + 1/r) / 2, per line pulse time.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

#include "models/cores/analog_core.h"
#include "tests/tech.h"

using namespace xbar;

namespace {

const int kN = 1024;

double count(const cores::KernelCost& c, int action) {
    double s = 0;
    for (const auto& [idx, n] : c.events)
        if (idx == action) s += n;
    return s;
}

// Edges of a sign-magnitude temporal code of magnitude `mag` over `m` slots (slot k on when bit
// k is set): the first rising edge and every change between consecutive slots.
int edges(int mag, int m) {
    int e = 0, prev = 0;
    for (int k = 0; k < m; ++k) {
        const int bit = (mag >> k) & 1;
        e += bit != prev;
        prev = bit;
    }
    return e;
}

// Level-shifter transitions per row per bit and per edge, from the technology's §IV-B figures.
double td_per_row_bit() {
    return 170.0 / (1024 * 8 * 0.015);  // §IV-B: 170 pJ per 8-bit read over 1024 rows, 15 fJ per transition
}
double td_per_edge(int bits) { return td_per_row_bit() * bits / (0.5 * (bits - 1)); }

cores::AnalogCoreConfig config(cores::Activity a, int n = kN) {
    cores::AnalogCoreConfig cfg = tech::analog_config();
    cfg.params.rows = cfg.params.cols = n;
    cfg.activity = a;
    return cfg;
}

}  // namespace

TEST(AnalogActivity, LevelShiftersAndLineSwitchesFollowTheCodeEdges) {
    cores::AnalogCore core(config(cores::Activity::data));
    const cores::Region r{kN, kN};
    std::vector<std::int8_t> y(kN);
    auto check = [&](const std::vector<std::int8_t>& x, const char* what) {
        double e = 0;
        for (auto v : x) e += edges(std::abs(int(v)), 7);
        const auto c = core.vmm(r, x.data(), y.data(), 1.0f);
        EXPECT_NEAR(count(c, energy::kArrayReadSwitch), e, 1e-12) << what;
        EXPECT_NEAR(count(c, energy::kTdTransition), td_per_edge(8) * e, 1e-9 * (1 + e)) << what;
        // The MVM drives the same codes on the columns.
        const auto t = core.mvm(r, x.data(), y.data(), 1.0f);
        EXPECT_NEAR(count(t, energy::kTdTransition), td_per_edge(8) * e, 1e-9 * (1 + e)) << what;
        return count(c, energy::kTdTransition);
    };
    // All zero: no line moves.
    EXPECT_EQ(check(std::vector<std::int8_t>(kN, 0), "zero"), 0.0);
    // One edge per line: a single run of ones reaching the top slot (127, 64, 96, 120, either sign).
    std::vector<std::int8_t> one(kN);
    const int one_edge[] = {127, -64, 96, -120};
    for (int i = 0; i < kN; ++i) one[i] = std::int8_t(one_edge[i % 4]);
    const double t1 = check(one, "one edge");
    EXPECT_NEAR(t1, td_per_edge(8) * kN, 1e-9 * t1);
    // Many edges: 85 = 1010101b has 7, 42 = 0101010b has 6.
    std::vector<std::int8_t> many(kN);
    for (int i = 0; i < kN; ++i) many[i] = std::int8_t(i % 2 ? -42 : 85);
    const double t7 = check(many, "many edges");
    EXPECT_NEAR(t7, td_per_edge(8) * kN * 6.5, 1e-9 * t7);
    EXPECT_GT(t7, 6 * t1);  // the 0.170 nJ of the nominal read no longer fits every input
    // Lines with the nominal expectation of 0.5 (b - 1) = 3.5 edges (65 = 1000001b: 3, 5 = 101b: 4)
    // cost exactly the nominal figure, 1.38 x 8 transitions per row.
    std::vector<std::int8_t> nominal_like(kN);
    for (int i = 0; i < kN; ++i) nominal_like[i] = std::int8_t(i % 2 ? 5 : -65);
    EXPECT_NEAR(check(nominal_like, "nominal edges"), td_per_row_bit() * 8 * kN, 1e-9 * td_per_row_bit() * 8 * kN);
    cores::AnalogCore nominal(config(cores::Activity::nominal));
    const auto cn = nominal.vmm(r, nominal_like.data(), y.data(), 1.0f);
    EXPECT_NEAR(count(cn, energy::kTdTransition), td_per_row_bit() * 8 * kN, 1e-9 * count(cn, energy::kTdTransition));
    EXPECT_NEAR(count(cn, energy::kArrayReadSwitch), 0.5 * 7 * kN, 1e-12);
    // 4-bit design: 3 magnitude slots, per edge td x 4 / 1.5.
    auto cfg4 = config(cores::Activity::data);
    cfg4.params.bits_in = cfg4.params.bits_out = cfg4.params.bits_x = 4;
    cfg4.params.bits_delta = 2;
    cores::AnalogCore c4(cfg4);
    std::vector<std::int8_t> x4(kN);
    double e4 = 0;
    for (int i = 0; i < kN; ++i) x4[i] = std::int8_t(i % 8 - 4), e4 += edges(std::abs(i % 8 - 4), 3);
    EXPECT_NEAR(count(c4.vmm(r, x4.data(), y.data(), 1.0f), energy::kTdTransition), td_per_edge(4) * e4, 1e-9 * e4);
}

TEST(AnalogActivity, OpuWriteEnergyFollowsTheDeltaAmplitude) {
    const auto p = tech::analog();
    const cores::Region r{kN, kN};
    std::vector<std::int8_t> x(kN, 127);
    auto write_cell_nj = [&](int delta) {
        cores::AnalogCore core(config(cores::Activity::data));
        std::vector<std::int8_t> d(kN, std::int8_t(delta));
        const auto c = core.opu(r, x.data(), d.data(), 0.001f);
        return count(c, energy::kArrayWriteCellNs) * core.actions()[energy::kArrayWriteCellNs].energy_pj * 1e-3;
    };
    // Ohmic cell (docs/architecture.md, an assumption): I V per ns at amplitude a = |d| / 7 is
    // a^2 I_write V_write. Every cell is written for 127 ns.
    const double full = double(kN) * kN * 127e-9 * p.i_write_na * 1e-9 * p.v_write * 1e9;  // nJ
    EXPECT_NEAR(write_cell_nj(7), full, 1e-9 * full);
    EXPECT_NEAR(write_cell_nj(-7), full, 1e-9 * full);
    EXPECT_NEAR(write_cell_nj(1), full / 49, 1e-9 * full);
    EXPECT_NEAR(write_cell_nj(1) / write_cell_nj(7), 1.0 / 49.0, 1e-12);
    EXPECT_NEAR(write_cell_nj(3) / write_cell_nj(7), 9.0 / 49.0, 1e-12);
    // Mixed amplitudes and pulse times: sum_i t_i x sum_j (|d_j| / 7)^2.
    cores::AnalogCore core(config(cores::Activity::data, 64));
    std::vector<std::int8_t> xs(64), ds(64);
    double t = 0, a2 = 0;
    for (int i = 0; i < 64; ++i) xs[i] = std::int8_t((i * 37) % 255 - 127), t += std::abs(int(xs[i]));
    for (int j = 0; j < 64; ++j) ds[j] = std::int8_t(j % 15 - 7), a2 += std::pow((j % 15 - 7) / 7.0, 2);
    EXPECT_NEAR(count(core.opu({64, 64}, xs.data(), ds.data(), 0.001f), energy::kArrayWriteCellNs), t * a2, 1e-9 * t * a2);
}

TEST(AnalogActivity, OpuSkipsPolarityPhasesWithoutWork) {
    const auto p = tech::analog();
    const double window = 127 * p.pulse_unit_ns + p.min_pulse_ns;  // 8-bit drive window, 128 ns
    const int n = 64;
    const cores::Region r{n, n};
    auto run = [&](int xa, int xb, int da, int db, cores::Activity a = cores::Activity::data) {
        cores::AnalogCore core(config(a, n));
        std::vector<std::int8_t> x(n), d(n);
        for (int i = 0; i < n; ++i) x[i] = std::int8_t(i % 2 ? xb : xa);
        for (int j = 0; j < n; ++j) d[j] = std::int8_t(j % 2 ? db : da);
        return core.opu(r, x.data(), d.data(), 0.001f);
    };
    // (row sign, column sign) pairs present: ++ only; ++, +-; all four; none.
    EXPECT_NEAR(run(5, 9, 3, 7).latency_ns, 1 * window, 1e-12);
    EXPECT_NEAR(run(5, 9, 3, -7).latency_ns, 2 * window, 1e-12);
    EXPECT_NEAR(run(5, -9, 3, 7).latency_ns, 2 * window, 1e-12);
    EXPECT_NEAR(run(5, -9, 3, -7).latency_ns, 4 * window, 1e-12);
    EXPECT_NEAR(run(-5, -9, 0, -7).latency_ns, 1 * window, 1e-12);
    EXPECT_NEAR(run(0, 0, 3, -7).latency_ns, 0.0, 1e-12);
    EXPECT_NEAR(run(5, -9, 3, -7, cores::Activity::nominal).latency_ns, 4 * window, 1e-12);
    EXPECT_NEAR(run(5, 9, 3, 7, cores::Activity::nominal).latency_ns, 4 * window, 1e-12);
    // Nothing runs: no array write, no driver transition.
    const auto none = run(5, 9, 0, 0);
    EXPECT_EQ(count(none, energy::kArrayWriteSetup) + count(none, energy::kArrayWriteTransition) +
                  count(none, energy::kArrayWriteCellNs) + count(none, energy::kTdTransition) +
                  count(none, energy::kVdColumnWrite),
              0.0);
    // A row is pulsed in each phase of its sign that runs: once per column sign present. With
    // 5 = 101b (4 edges) and 9 = 1001b (4 edges) every row has 4 edges.
    EXPECT_NEAR(count(run(5, 9, 3, 7), energy::kTdTransition), td_per_edge(8) * 4 * n, 1e-9);
    EXPECT_NEAR(count(run(5, 9, 3, -7), energy::kTdTransition), 2 * td_per_edge(8) * 4 * n, 1e-9);
    // Rows with the nominal 3.5 edges and both column signs: the nominal two cycles of 1.38 x 8.
    const double two_cycles = 2 * td_per_row_bit() * 8 * n;
    EXPECT_NEAR(count(run(65, -5, 3, -7), energy::kTdTransition), two_cycles, 1e-9 * two_cycles);
    EXPECT_NEAR(count(run(65, -5, 3, -7, cores::Activity::nominal), energy::kTdTransition), two_cycles, 1e-9 * two_cycles);
}

TEST(AnalogActivity, ReadCurrentFollowsTheProgrammedConductance) {
    const auto p = tech::analog();
    const double r_on_off = p.on_off_ratio;  // Gmin = Gmax / r
    const double g_ref = (1 + 1 / r_on_off) / 2;  // reference array at mid-range, relative to Gmax
    auto g = [&](double w) { return g_ref + w * (1 - 1 / r_on_off) / 2; };
    const cores::Region r{kN, kN};
    std::vector<std::int8_t> x(kN, 127), y(kN);
    // Cell energy of one VMM (weight + reference array) with every weight at w, every row 127 ns.
    auto cell_nj = [&](float w) {
        cores::AnalogCore core(config(cores::Activity::data));
        std::vector<float> wv(std::size_t(kN) * kN, w);
        core.program(r, wv.data());
        const auto c = core.vmm(r, x.data(), y.data(), 1.0f);
        return count(c, energy::kArrayReadCellNs) * core.actions()[energy::kArrayReadCellNs].energy_pj * 1e-3;
    };
    const double on_nj = double(kN) * kN * 127e-9 * p.i_read_na * 1e-9 * p.v_read * 1e9;  // one array at Gmax
    const double e_plus = cell_nj(1.0f), e_minus = cell_nj(-1.0f), e_zero = cell_nj(0.0f);
    EXPECT_NEAR(e_plus, on_nj * (g(1) + g_ref), 1e-6 * on_nj);
    EXPECT_NEAR(e_minus, on_nj * (g(-1) + g_ref), 1e-6 * on_nj);
    EXPECT_NEAR(e_zero, on_nj * 2 * g_ref, 1e-6 * on_nj);
    // The weight array's current at w = +1 over w = -1 is the ON/OFF ratio.
    const double ref = on_nj * g_ref;
    EXPECT_NEAR((e_plus - ref) / (e_minus - ref), r_on_off, 1e-5 * r_on_off);

    // Hand-built weights and inputs on a region, VMM and MVM: sum over cells of t_i G_ij / Gmax
    // for the weight array plus t_i G_ref / Gmax for the reference, in units of 2 cells.
    const int R = 48, C = 40, n = 64;
    cores::AnalogCore core(config(cores::Activity::data, n));
    std::vector<float> w(std::size_t(R) * C);
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = float(std::sin(0.7 * double(k)));
    const cores::Region b{R, C, 8, 16};
    core.program(b, w.data());
    std::vector<std::int8_t> xr(R), dc(C), out(std::max(R, C));
    for (int i = 0; i < R; ++i) xr[i] = std::int8_t((i * 29) % 255 - 127);
    for (int j = 0; j < C; ++j) dc[j] = std::int8_t((j * 53) % 255 - 127);
    double fwd = 0, bwd = 0;
    for (int i = 0; i < R; ++i)
        for (int j = 0; j < C; ++j) {
            fwd += std::abs(int(xr[i])) * p.pulse_unit_ns * (g(w[i * C + j]) + g_ref) / 2;
            bwd += std::abs(int(dc[j])) * p.pulse_unit_ns * (g(w[i * C + j]) + g_ref) / 2;
        }
    EXPECT_NEAR(count(core.vmm(b, xr.data(), out.data(), 4.0f), energy::kArrayReadCellNs), fwd, 1e-6 * fwd);
    EXPECT_NEAR(count(core.mvm(b, dc.data(), out.data(), 4.0f), energy::kArrayReadCellNs), bwd, 1e-6 * bwd);
    // Zero input: no current at all.
    std::vector<std::int8_t> zero(R, 0);
    EXPECT_EQ(count(core.vmm(b, zero.data(), out.data(), 4.0f), energy::kArrayReadCellNs), 0.0);
}

TEST(AnalogActivity, NominalModeKeepsThePaperCounts) {
    // Nominal counts are the paper's 50 % figures whatever the operands (M18 Eqs. 3, 4).
    cores::AnalogCore core(config(cores::Activity::nominal));
    const cores::Region r{kN, kN};
    std::vector<std::int8_t> x(kN, 0), y(kN), d(kN, 1);
    const auto c = core.vmm(r, x.data(), y.data(), 1.0f);
    EXPECT_EQ(count(c, energy::kArrayReadSwitch), 0.5 * 7 * kN);
    EXPECT_EQ(count(c, energy::kArrayReadCellNs), 0.5 * kN * kN * 127);
    EXPECT_NEAR(count(c, energy::kTdTransition), td_per_row_bit() * 8 * kN, 1e-9);
    const auto o = core.opu(r, x.data(), d.data(), 0.01f);
    EXPECT_EQ(count(o, energy::kArrayWriteCellNs), 0.5 * kN * kN * 127);
    EXPECT_NEAR(count(o, energy::kTdTransition), 2 * td_per_row_bit() * 8 * kN, 1e-9);
    EXPECT_EQ(o.latency_ns, 4 * 128.0);
}
