// Calibration of the analog core against Marinella et al. 2018 (reference/marinella2018.md,
// "M18"): kernel energies are summed bottom-up from the events the core counts x the per-event
// energies of its component table. The targets are independent of the model code: the paper's
// printed values (Tables II-V) with a tolerance just above the deviation the model shows (the
// measured deviation is written next to each one), the paper's equations evaluated here from
// Table I, and, where the model deliberately departs from a printed figure (documented in
// docs/architecture.md and the README calibration table), the documented value, tightly.
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/cores/analog_core.h"
#include "models/energy/digital_costs.h"
#include "tests/tech.h"

using namespace xbar;

namespace {

struct Breakdown {
    double latency_ns = 0;
    double total_nj = 0;
    std::map<std::string, double> by_component_nj;
};

Breakdown sum(const cores::CrossbarCore& core, const cores::KernelCost& c) {
    Breakdown b;
    b.latency_ns = c.latency_ns;
    for (const auto& [idx, count] : c.events) {
        const auto& a = core.actions()[idx];
        const double nj = count * a.energy_pj * 1e-3;
        b.total_nj += nj;
        b.by_component_nj[a.component] += nj;
    }
    return b;
}

struct Cycle {
    Breakdown vmm, mvm, opu;
    double area_periphery = 0;
    double energy() const { return vmm.total_nj + mvm.total_nj + opu.total_nj; }
    double latency() const { return vmm.latency_ns + mvm.latency_ns + opu.latency_ns; }
};

// One VMM, one MVM and a worst-case OPU (every x and delta nonzero) on a full array.
Cycle run_cycle(energy::AnalogParams p) {
    cores::AnalogCoreConfig cfg = xbar::tech::analog_config();
    cfg.params = p;
    cores::AnalogCore core(cfg);
    const cores::Region r{p.rows, p.cols};
    std::vector<std::int8_t> x(p.rows, 1), d(p.cols, 1), y(std::max(p.rows, p.cols));
    Cycle c;
    c.vmm = sum(core, core.vmm(r, x.data(), y.data(), 1.0f));
    c.mvm = sum(core, core.mvm(r, d.data(), y.data(), 1.0f));
    c.opu = sum(core, core.opu(r, x.data(), d.data(), 0.01f));
    for (const auto& a : core.area())
        if (!a.over_periphery) c.area_periphery += a.area_um2;
    return c;
}

energy::AnalogParams design(int bits) {
    energy::AnalogParams p = tech::analog();
    p.bits_in = p.bits_out = p.bits_x = bits;
    p.bits_delta = bits == 8 ? 4 : 2;  // OPU 8x4, 4x2, 2x2 bits (M18 §1.3)
    if (bits == 2) p.pulse_unit_ns = 7.0;  // "read and write pulses stretched to 7 ns"
    return p;
}

#define EXPECT_WITHIN(actual, target, rel) EXPECT_NEAR(actual, target, std::abs(target) * (rel))

// M18 Table I, written out here independently of models/energy/analog_costs.cpp.
namespace table1 {
constexpr double n = 1024;                           // crossbar rows = cols
constexpr double pitch_um = 0.064;                   // M1 full pitch
constexpr double c_wire = 200e-18, r_wire = 30.0;    // per um
constexpr double c_cell = 35e-18;                    // ReRAM + access device
constexpr double v_read = 0.785, i_read = 1e-9;      // analog cell, R_on = 100 MOhm
constexpr double v_write = 1.8, i_write = 10.3e-9;
constexpr double v_logic = 0.8;
constexpr double on_off = 10;                        // ReRAM ON/OFF ratio
constexpr double ns = 1e-9;
// C_line = n_cols (C_wire + C_ReRAM) (M18 Eq. 3); R_line = n pitch r_wire.
constexpr double c_line(double cells) { return cells * (c_wire * pitch_um + c_cell); }
constexpr double r_line(double cells) { return cells * pitch_um * r_wire; }
// 90 % rise of the line: 2.2 tau_RC (M18 §IV-A, "~0.2 ns").
constexpr double rc_ns(double cells) { return 2.2 * r_line(cells) * c_line(cells) / ns; }
}  // namespace table1

}  // namespace

TEST(AnalogCalibration, EightBitKernelsMatchTableV) {
    const Cycle c = run_cycle(design(8));
    // Measured: 384.21 ns (+0.06 %: Table V leaves out the 0.2 ns RC it lists in Table III).
    EXPECT_WITHIN(c.vmm.latency_ns, 384.0, 0.001);
    EXPECT_WITHIN(c.mvm.latency_ns, 384.0, 0.001);
    EXPECT_WITHIN(c.opu.latency_ns, 512.0, 1e-9);  // 4 phases x 128 ns exactly
    EXPECT_WITHIN(c.vmm.total_nj, 12.8, 0.01);     // measured 12.843 nJ (+0.34 %)
    EXPECT_WITHIN(c.mvm.total_nj, 12.8, 0.01);
    EXPECT_WITHIN(c.opu.total_nj, 2.2, 0.005);     // measured 2.204 nJ (+0.18 %)
    EXPECT_WITHIN(c.energy(), 28.0, 0.01);         // measured 27.891 nJ (-0.39 %)
    EXPECT_WITHIN(c.latency(), 1280.0, 0.001);     // measured 1280.42 ns (+0.03 %)
    // The MVM is the same circuit run through the mux (M18 §1.3): identical cost.
    EXPECT_DOUBLE_EQ(c.mvm.total_nj, c.vmm.total_nj);
    EXPECT_DOUBLE_EQ(c.mvm.latency_ns, c.vmm.latency_ns);
}

TEST(AnalogCalibration, EightBitComponentsMatchTableIV) {
    const Cycle c = run_cycle(design(8));
    EXPECT_WITHIN(c.vmm.by_component_nj.at("adc"), 9.4, 0.01);           // measured 9.437 (+0.40 %)
    EXPECT_WITHIN(c.vmm.by_component_nj.at("integrator"), 2.81, 0.001);  // measured 2.809 (-0.03 %)
    // Temporal drivers: the text's 170 pJ of level shifters + 35 pJ of logic per read (§IV-B),
    // twice for the two-cycle write; Table IV prints them rounded as 0.16 + 0.04 nJ.
    EXPECT_WITHIN(c.vmm.by_component_nj.at("temporal_driver"), 0.170 + 0.035, 1e-9);
    EXPECT_WITHIN(c.opu.by_component_nj.at("temporal_driver"), 2 * (0.170 + 0.035), 1e-9);
    // Voltage drivers: 80 pJ per write + Table IV's 0.02 nJ of logic.
    EXPECT_WITHIN(c.opu.by_component_nj.at("voltage_driver"), 0.08 + 0.02, 1e-9);
    // Documented deviations (docs/architecture.md), asserted at the documented value:
    // - cross-core link: the paper's own formula, CV^2 of a core-edge wire x (n_rows + n_cols)
    //   values, gives 0.072 nJ with the 75,000 um2 core against Table IV's 0.08 (reference §1.8).
    //   The model uses its own 74,445 um2 periphery: measured 0.07153 nJ (-0.37 % from 0.0718).
    const double link = table1::c_wire * std::sqrt(75000.0) * table1::v_logic * table1::v_logic * 2048 * 1e9;
    EXPECT_WITHIN(c.vmm.by_component_nj.at("core_link"), link, 0.005);
    // - array read: Eq. 3 with Table I values gives 0.32 nJ; Table IV prints 0.36 ("approximate").
    EXPECT_WITHIN(c.vmm.by_component_nj.at("array"), 0.32, 0.005);  // measured 0.3207 (+0.23 %)
    // - array write: Eqs. 4a-c (4a reconstructed) give 1.62 nJ against Table IV's 1.66 (-2.4 %).
    EXPECT_WITHIN(c.opu.by_component_nj.at("array"), 1.62, 0.005);  // measured 1.6224 (+0.15 %)
    // Table II: periphery 75,000 um2 (the array sits on top). Measured 74,445 um2 (-0.74 %).
    EXPECT_WITHIN(c.area_periphery, 75000.0, 0.01);
    // The unit areas of §IV x 1024, written out (reference §2.1, per-unit table): temporal
    // driver 20 HV x 0.35 + 8.6 logic, voltage driver 9 rails x 8 HV x 0.35 + 17 logic,
    // integrator 6.4, comparator 5.7, routing 8 HV x 0.35 (um2 per row or column).
    const double hv = 0.35;
    const double per_line = 20 * hv + 8.6 + 9 * 8 * hv + 17.0 + 6.4 + 5.7 + 8 * hv;
    EXPECT_WITHIN(c.area_periphery, 1024 * per_line, 1e-9);
}

TEST(AnalogCalibration, ReducedPrecisionCyclesMatchTableIII_IV) {
    const Cycle c4 = run_cycle(design(4));
    // Table IV's 4-bit total is 2.7 nJ (its components compose to 2.66). Measured 2.627 nJ (-2.7 %).
    EXPECT_WITHIN(c4.energy(), 2.7, 0.03);
    // 2 x (8 + 16) + 32 = 80 ns plus the 0.2 ns RC of each read: measured 80.42 ns (+0.53 %).
    EXPECT_WITHIN(c4.latency(), 80.0, 0.01);
    const Cycle c2 = run_cycle(design(2));
    EXPECT_WITHIN(c2.energy(), 1.3, 0.01);  // measured 1.3057 nJ (+0.43 %)
    // Deliberate deviation (docs/architecture.md, README): Table III prints 54 ns with a 3 ns ramp,
    // but a 2-bit ramp has 2^2 = 4 levels (and Table IV's ADC energy implies 4 ns). With the 8 ns
    // drive window of the 7 ns pulses: 2 x (8 + 4 + RC) + 4 x 8 = 56.4 ns, the documented value.
    EXPECT_WITHIN(c2.latency(), 2 * (8 + 4 + table1::rc_ns(1024)) + 4 * 8, 1e-9);
    EXPECT_WITHIN(c2.latency(), 56.4, 0.001);  // measured 56.423 ns (+0.04 %)
}

TEST(AnalogCalibration, ArrayReadEnergyFollowsEquation3) {
    using namespace table1;
    // Eq. 3 written out with Table I values, independently of the model code:
    // 1/2 x 2 arrays x (n_bits,T - 1) x n_rows x C_line V^2 + 1/2 x 2 x n_rows n_cols I V 1 ns (2^7 - 1).
    const double e3 = 0.5 * 2 * 7 * n * c_line(n) * v_read * v_read + 0.5 * 2 * n * n * i_read * v_read * ns * 127;
    const Cycle c = run_cycle(design(8));
    EXPECT_NEAR(c.vmm.by_component_nj.at("array") * 1e-9, e3, e3 * 1e-9);
    // The model's line capacitance and settling time against the same Table I values, and the
    // paper's "~50 fF" column and "~0.2 ns" RC.
    cores::AnalogCoreConfig cfg = xbar::tech::analog_config();
    const cores::AnalogCore core(cfg);
    EXPECT_NEAR(core.cost_table().c_line_ff, c_line(n) * 1e15, 1e-9);
    EXPECT_WITHIN(core.cost_table().c_line_ff, 50.0, 0.03);  // 48.95 fF (-2.1 %)
    EXPECT_NEAR(core.cost_table().rc_settle_ns, rc_ns(n), 1e-12);
    EXPECT_WITHIN(core.cost_table().rc_settle_ns, 0.2, 0.06);  // 0.2117 ns (+5.8 %; "~0.2 ns")
}

TEST(AnalogCalibration, ArrayWriteEnergyFollowsEquation4) {
    using namespace table1;
    // Eqs. 4a-c written out with Table I values for a worst-case 8-bit OPU (every cell written):
    // 4a (reconstructed from the garbled extraction, docs/architecture.md):
    //     1/2 n_rows C_line (3 (Vw/3)^2 + Vw^2 + (Vw/3)^2)
    // 4b: 1/2 n_rows (n_bits,T - 2) C_line ((Vw/3)^2 + 4/9 Vw^2)
    // 4c: 1/2 n_cols n_rows I_write V_write 1 ns (2^(n_bits,T - 1) - 1)
    const double vw = v_write, v3 = vw / 3;
    const double e4a = 0.5 * n * c_line(n) * (3 * v3 * v3 + vw * vw + v3 * v3);
    const double e4b = 0.5 * n * (8 - 2) * c_line(n) * (v3 * v3 + 4.0 / 9.0 * vw * vw);
    const double e4c = 0.5 * n * n * i_write * vw * ns * 127;
    const Cycle c = run_cycle(design(8));
    EXPECT_NEAR(c.opu.by_component_nj.at("array") * 1e-9, e4a + e4b + e4c, (e4a + e4b + e4c) * 1e-9);
}

TEST(AnalogCalibration, HalfSizeArrayFollowsTheScalingLaws) {
    energy::AnalogParams p = design(8);
    p.rows = p.cols = 512;
    const Cycle c = run_cycle(p);
    // T13: E_ADC = n x 20 uA x 1.8 V x 2^b ns, E_int = n x 12 uA x 1.8 V x (2^(b-1)-1) ns.
    EXPECT_NEAR(c.vmm.by_component_nj.at("adc"), 512 * 20e-6 * 1.8 * 256e-9 * 1e9, 1e-9);
    EXPECT_NEAR(c.vmm.by_component_nj.at("integrator"), 512 * 12e-6 * 1.8 * 127e-9 * 1e9, 1e-9);
    // Eq. 3 at n = 512: C_line halves and so does the line count; static term scales with n^2.
    const double n = 512, c_line = table1::c_line(n), v = 0.785;
    const double e3 = 7 * n * c_line * v * v + n * n * 1e-9 * v * 1e-9 * 127;
    EXPECT_NEAR(c.vmm.by_component_nj.at("array"), e3 * 1e9, 1e-9);
    // Latency does not depend on size except through the RC of the shorter lines.
    EXPECT_NEAR(c.vmm.latency_ns, 128 + 256 + table1::rc_ns(512), 1e-9);
}

TEST(AnalogCalibration, CellParametersAreElectricallyConsistent) {
    // T14: the model's default analog cell (Table I) against Eq. 1: a diode selector
    // I = I0 (exp(V / V0) - 1), I0 = 8.7e-18 A, V0 = 37 mV, in series with R_on = 100 MOhm.
    auto v_at = [](double i, double r_on) { return 0.037 * std::log(i / 8.7e-18 + 1.0) + i * r_on; };
    const energy::AnalogParams p = tech::analog();
    // Measured: 0.7868 V (+1.8 mV) and 1.8029 V (+2.9 mV).
    EXPECT_NEAR(v_at(p.i_read_na * 1e-9, 100e6), p.v_read, 0.005);
    EXPECT_NEAR(v_at(p.i_write_na * 1e-9, 100e6), p.v_write, 0.005);
    // The binary cell of the digital-ReRAM core (R_on = 1 MOhm): 0.9544 V (+0.4 mV) and
    // 1.7821 V (-17.9 mV, the largest mismatch of Table I, reference §1.6).
    const energy::DigitalParams d = tech::digital();
    EXPECT_NEAR(v_at(d.binary_i_read_na * 1e-9, 1e6), d.binary_v_read, 0.002);
    EXPECT_NEAR(v_at(d.binary_i_write_na * 1e-9, 1e6), d.binary_v_write, 0.02);
    // Worst-case column write current: 1024 x 10.3 nA = 10.5 uA, about the ~10 uA that keeps the
    // line drop under 20 mV, and under the 33 uA electromigration limit of a 32 nm M1 line.
    const double i_col = p.rows * p.i_write_na * 1e-9;
    EXPECT_WITHIN(i_col, 10.5e-6, 0.01);
    EXPECT_LT(i_col, 33e-6);
}

TEST(AnalogCalibration, DataDependentActivityCountsTheRealOperands) {
    cores::AnalogCoreConfig cfg = xbar::tech::analog_config();
    cfg.activity = cores::Activity::data;
    cores::AnalogCore core(cfg);
    const cores::Region r{1024, 1024};
    std::vector<std::int8_t> zero(1024, 0), y(1024), full(1024, 127);
    const Breakdown z = sum(core, core.vmm(r, zero.data(), y.data(), 1.0f));
    const Breakdown f = sum(core, core.vmm(r, full.data(), y.data(), 1.0f));
    // No input: no line switches, no cell current, no driver transitions; ADC and integrators
    // still run for the whole window (1024 comparators x 20 uA x 1.8 V x 256 ns).
    EXPECT_EQ(z.by_component_nj.count("array") ? z.by_component_nj.at("array") : 0.0, 0.0);
    EXPECT_NEAR(z.by_component_nj.count("temporal_driver") ? z.by_component_nj.at("temporal_driver") : 0.0,
                35e-12 * 1e9, 1e-12);  // registers and control only (35 pJ per 1024 rows)
    EXPECT_NEAR(z.by_component_nj.at("adc"), 1024 * 20e-6 * 1.8 * 256e-9 * 1e9, 1e-9);
    // All-ones magnitude 127: one rising edge per row, every cell on for 127 ns. The cells are
    // unprogrammed (weight 0), so both arrays sit at G_ref = (Gmax + Gmin) / 2 with
    // Gmin = Gmax / ON/OFF: each conducts (1 + 1/10) / 2 of the on-state current.
    using namespace table1;
    const double g_ref = (1 + 1 / on_off) / 2;
    const double expect = (2 * n * c_line(n) * v_read * v_read + 2 * n * n * i_read * g_ref * v_read * 127 * ns) * 1e9;
    EXPECT_NEAR(f.by_component_nj.at("array"), expect, 1e-9);
    // One edge per row: 15 fJ x (170 pJ / (1024 x 8 x 15 fJ)) x 8 / (0.5 x 7) transitions per edge,
    // i.e. 170 pJ x 8 / 3.5 / 8 per row; plus the 35 pJ of logic.
    EXPECT_NEAR(f.by_component_nj.at("temporal_driver"), (170e-12 / 3.5 + 35e-12) * 1e9, 1e-12);
}
