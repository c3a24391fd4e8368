#include "models/energy/analog_costs.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace xbar::energy {

namespace {
constexpr double kAtto = 1e-18, kFemto = 1e-15, kNano = 1e-9, kMicro = 1e-6;
constexpr double J_to_pJ = 1e12;
double pow2(int e) { return std::ldexp(1.0, e); }
}  // namespace

double AnalogCostTable::pulse_max_ns(int bits) const {
    return (pow2(bits - 1) - 1) * p.pulse_unit_ns;
}
// 8-bit: 127 ns of pulses + 1 ns = 128 ns (M18 Table III); 2-bit with 7 ns pulses: 8 ns.
double AnalogCostTable::drive_window_ns(int bits) const {
    return pulse_max_ns(bits) + p.min_pulse_ns;
}
// Ramp ADC: 2^b levels x 1 ns (M18 §IV-E): 256 ns at 8 bits.
double AnalogCostTable::ramp_ns() const { return pow2(p.bits_out) * p.ramp_step_ns; }
// SAR: bits_out comparator decisions, the 8-bit figure scaled per bit (assumption: one decision
// per bit at a fixed decision time).
double AnalogCostTable::conversion_ns() const {
    return p.adc_type == AdcType::ramp ? ramp_ns() : p.sar_conversion_ns_8bit * p.bits_out / 8.0;
}
int AnalogCostTable::adc_count() const { return std::max(p.rows, p.cols) / p.lines_per_adc; }
int AnalogCostTable::adc_rounds(int first, int n) const {
    if (n <= 0) return 0;
    const int k = p.lines_per_adc, g0 = first / k, g1 = (first + n - 1) / k;
    if (g0 == g1) return n;
    const int head = (g0 + 1) * k - first, tail = first + n - g1 * k;
    return std::max({head, tail, g1 - g0 >= 2 ? k : 0});
}
// A ramp conversion runs its comparator for the whole ramp (the comparator is powered per
// conversion; assumption: idle comparators of a shared bank are off); a SAR conversion is one event.
double AnalogCostTable::adc_events(double conversions) const {
    return p.adc_type == AdcType::ramp ? conversions * ramp_ns() : conversions;
}
double AnalogCostTable::read_latency_ns(int bits_in, int out_first, int n_out) const {
    return drive_window_ns(bits_in) + rc_settle_ns + adc_ns(out_first, n_out);
}
// Four polarity phases (++, +-, -+, --), each one temporal drive window (M18 §1.3).
double AnalogCostTable::opu_latency_ns() const { return 4 * drive_window_ns(p.bits_x); }
double AnalogCostTable::td_transitions_per_edge(int bits) const {
    return td_transitions_per_row_bit * bits / (0.5 * (bits - 1));
}

double AnalogCostTable::periphery_area_um2() const {
    double s = 0;
    for (const auto& a : area)
        if (!a.over_periphery) s += a.area_um2;
    return s;
}
double AnalogCostTable::array_area_um2() const {
    double s = 0;
    for (const auto& a : area)
        if (a.over_periphery) s += a.area_um2;
    return s;
}

AnalogCostTable make_analog_cost_table(const AnalogParams& p) {
    auto bad = [](const std::string& what) { throw std::invalid_argument(what); };
    if (p.rows < 1 || p.cols < 1) bad("rows and cols must be >= 1");
    for (int b : {p.bits_in, p.bits_out, p.bits_x, p.bits_delta})
        if (b < 2 || b > 8) bad("bit widths must be in [2, 8] (sign + magnitude)");
    const char* unset = "a technology parameter is unset (apply a technology file: platform/technology.h)";
    if (std::isnan(p.ramp_step_ns) || std::isnan(p.min_pulse_ns) || p.td_hv_per_row < 1 || p.vd_hv_per_rail < 1 ||
        p.routing_hv_per_col < 1)
        bad(unset);
    if (!(p.pulse_unit_ns > 0) || !(p.ramp_step_ns > 0) || !(p.min_pulse_ns >= 0))
        bad("pulse unit, ramp step must be > 0");
    if (p.lines_per_adc < 1 || p.rows % p.lines_per_adc || p.cols % p.lines_per_adc)
        bad("lines per ADC must be >= 1 and divide rows and cols");
    const bool sar = p.adc_type == AdcType::sar;
    if (sar && (std::isnan(p.sar_conversion_pj_8bit) || std::isnan(p.sar_conversion_ns_8bit) || std::isnan(p.sar_area_um2_8bit)))
        bad(unset);
    if (sar && !(p.sar_conversion_ns_8bit > 0)) bad("SAR conversion time must be > 0");

    AnalogCostTable t;
    t.p = p;
    const int line_cells = std::max(p.rows, p.cols);  // square in the reference
    // Cline = ncols (Cwire + CReRAM), Cwire per cell = 200 aF/um x M1 pitch (M18 Eq. 3): 48.9 fF.
    t.c_line_ff = line_cells * (p.wire_c_af_per_um * p.m1_pitch_um + p.cell_c_af) * 1e-3;
    t.r_line_ohm = line_cells * p.m1_pitch_um * p.wire_r_ohm_per_um;
    // 90 % rise = 2.2 RC of the distributed line (M18 §IV-A, ~0.2 ns).
    t.rc_settle_ns = 2.2 * t.r_line_ohm * t.c_line_ff * kFemto / kNano;

    // Area (M18 §IV, Table II rows as unit areas x counts).
    const double hv = p.hv_transistor_um2;
    const int n_drv = std::max(p.rows, p.cols);  // "driver area is multiplied by max(nrows,ncols)"
    const int rails = 1 + (1 << (p.bits_delta - 1));  // 1 + 2^(nbits,V - 1) rails per column
    const int reg_bits = std::max(p.bits_in, p.bits_out);
    t.area = {
        {"arrays", 2.0 * p.rows * p.cols * p.m1_pitch_um * p.m1_pitch_um, true},  // Eq. 2
        {"temporal_driver.hv", double(n_drv) * p.td_hv_per_row * hv, false},
        // Synthesized logic and register scale with the register width (assumption: 8.6 um2/row
        // is given for 8 bits only).
        {"temporal_driver.logic", double(p.rows) * p.td_logic_um2_8bit * reg_bits / 8.0, false},
        {"voltage_driver.hv", double(p.cols) * rails * p.vd_hv_per_rail * hv, false},
        {"voltage_driver.logic", double(p.cols) * p.vd_logic_um2_8bit * reg_bits / 8.0, false},
        {"integrators", double(n_drv) * p.integrator_um2, false},  // shared by a row and a column
        // One comparator per converter (ramp; the ramp generator and counter are not modelled), or
        // one SAR converter, area scaled 2^(b-8) from the 8-bit figure (assumption: constant
        // figure of merit, as ISAAC/hwcomponents scale it).
        {"adc", double(t.adc_count()) * (sar ? p.sar_area_um2_8bit * pow2(p.bits_out - 8) : p.comparator_um2), false},
        {"analog_routing", double(n_drv) * p.routing_hv_per_col * hv, false},
    };
    t.core_edge_um = std::sqrt(t.periphery_area_um2());

    const double c_line = t.c_line_ff * kFemto;
    const double vr = p.v_read, vw = p.v_write;
    const double ns = kNano;
    // Level-shifter transitions per row per input bit, from the 170 pJ quoted for 1024 drivers at
    // 8 bits and 15 fJ per transition (M18 §IV-B): 170 pJ / (1024 x 8 x 15 fJ) = 1.38.
    t.td_transitions_per_row_bit = p.td_transitions_per_row_bit;
    // G = G_ref + w (Gmax - Gmin) / 2, G_ref = (Gmax + Gmin) / 2, Gmin = Gmax / on_off_ratio (M18
    // Table I: ON/OFF 10; reference array at mid-range, §II).
    if (std::isnan(p.on_off_ratio)) bad(unset);
    if (!(p.on_off_ratio > 1)) bad("analog_cell.on_off_ratio must be > 1");
    t.g_ref_rel = 0.5 * (1.0 + 1.0 / p.on_off_ratio);
    t.g_half_range_rel = 0.5 * (1.0 - 1.0 / p.on_off_ratio);

    auto& a = t.actions;
    a.resize(kAnalogActionCount);
    a[kArrayReadSwitch] = {"array", "read_line_switch", 2.0 * c_line * vr * vr * J_to_pJ,
                           "M18 Eq.3 dynamic: Cline analog_cell.v_read^2 per switching line, x2 arrays", Basis::physics};
    a[kArrayReadCellNs] = {"array", "read_cell_ns", 2.0 * p.i_read_na * kNano * vr * ns * J_to_pJ,
                           "M18 Eq.3 static: analog_cell.i_read_na x v_read x 1 ns per on cell, x2 arrays", Basis::physics};
    // Eq. 4a (phase setup CV^2 at the start of the write cycle). The extraction of the paper is
    // garbled here; the legible terms are 1/2 nrows Cline (3 (Vw/3)^2 + Vw^2 + (Vw/3)^2).
    a[kArrayWriteSetup] = {"array", "write_setup",
                           0.5 * p.rows * c_line *
                               (3 * std::pow(vw / 3, 2) + vw * vw + std::pow(vw / 3, 2)) * J_to_pJ,
                           "M18 Eq.4a (reconstructed from a garbled extraction)", Basis::physics};
    a[kArrayWriteTransition] = {"array", "write_transition",
                                c_line * (std::pow(vw / 3, 2) + 4.0 / 9.0 * vw * vw) * J_to_pJ,
                                "M18 Eq.4b: Cline ((Vw/3)^2 + 4/9 Vw^2) per row edge, Vw = analog_cell.v_write", Basis::physics};
    a[kArrayWriteCellNs] = {"array", "write_cell_ns", p.i_write_na * kNano * vw * ns * J_to_pJ,
                            "M18 Eq.4c: analog_cell.i_write_na x v_write x 1 ns per written cell", Basis::physics};
    a[kTdTransition] = {"temporal_driver", "ls_transition", p.ls_transition_fj * 1e-3,
                        "M18 IV-B: temporal_driver.ls_transition_fj per level-shifter transition", Basis::stated};
    a[kTdLogicBit] = {"temporal_driver", "logic_row_bit",
                      p.td_logic_read_pj_8bit / (1024.0 * 8.0),
                      "M18 IV-B: temporal_driver.logic_read_pj_8bit per 8-bit read over 1024 rows x 8 bits", Basis::stated};
    a[kVdColumnWrite] = {"voltage_driver", "column_write", p.vd_write_pj / 1024.0,
                         "M18 IV-C: voltage_driver.write_pj per write over 1024 columns", Basis::stated};
    a[kVdLogicBit] = {"voltage_driver", "logic_col_bit", p.vd_logic_nj_8bit * 1e3 / (1024.0 * 8.0),
                      "M18 Table IV: voltage_driver.logic_nj_8bit over 1024 columns x 8 register bits", Basis::stated};
    a[kIntegratorNs] = {"integrator", "integrator_ns",
                        p.integrator_ua * kMicro * p.integrator_v * ns * J_to_pJ,
                        "M18 IV-D: integrator.current_ua x integrator.voltage x 1 ns", Basis::physics};
    // SAR energy per conversion scales 2^(b-8) from the 8-bit figure (Walden figure of merit
    // E = FOM 2^ENOB held constant, Murmann ADC survey; assumption ENOB = bits).
    a[kComparatorNs] = sar ? ActionCost{"adc", "sar_conversion", p.sar_conversion_pj_8bit * pow2(p.bits_out - 8),
                                        "ISAAC (Shafiee et al., ISCA 2016) SAR ADC (Kull et al., ISSCC 2013, 32 nm): "
                                        "adc_sar.conversion_pj_8bit x 2^(bits_out - 8)", Basis::stated}
                           : ActionCost{"adc", "comparator_ns", p.comparator_ua * kMicro * p.comparator_v * ns * J_to_pJ,
                                        "M18 IV-E: adc.comparator_ua x adc.comparator_v x 1 ns", Basis::physics};
    const double c_edge = p.wire_c_af_per_um * kAtto * t.core_edge_um;
    a[kLinkValue] = {"core_link", "value_transfer", c_edge * p.v_logic * p.v_logic * J_to_pJ,
                     "M18 IV-K: wire.c_af_per_um x core edge (sqrt periphery area) x transistor.v_logic^2, per value", Basis::physics};
    // Every parameter feeds an action, an area or the RC: a NaN left unset shows up here.
    bool finite = std::isfinite(t.rc_settle_ns) && std::isfinite(t.td_transitions_per_row_bit);
    for (const auto& x : a) finite = finite && std::isfinite(x.energy_pj);
    for (const auto& x : t.area) finite = finite && std::isfinite(x.area_um2);
    if (!finite) bad(unset);
    return t;
}

}  // namespace xbar::energy
