#pragma once
// Analog ReRAM neural core: the component table (per-event energies, kernel latencies, areas)
// computed from the circuit parameters of Marinella et al. 2018 (JETCAS; see
// ../shared/reference/marinella2018.md, "M18" below). Nothing here is a table total: the paper's
// Tables II–V are test targets, reproduced bottom-up by counting events in the core.
#include <limits>
#include <string>
#include <vector>

#include "models/energy/basis.h"

namespace xbar::energy {

// A technology parameter not set yet (a technology file sets it; see platform/technology.h).
inline constexpr double kFromTechnology = std::numeric_limits<double>::quiet_NaN();

// Converter type of the ADC bank: the reference's shared-ramp ADC (one comparator per converter,
// one ramp generator for the array, M18 §IV-E) or a successive-approximation ADC (one comparator
// decision per bit, capacitive DAC; figures of ISAAC's SAR ADC, technology adc_sar.*).
enum class AdcType { ramp, sar };

// Every parameter of the analog core. Array size and code widths (architecture) default to the
// reference design; bit widths and array size are free, so 4-bit, 2-bit or 512x512 designs follow.
struct AnalogParams {
    int rows = 1024, cols = 1024;  // M18 Table I crossbar
    int bits_in = 8;               // temporal-coded input incl. sign (VMM/MVM), M18 §1.2
    int bits_out = 8;              // ramp-ADC output incl. sign
    int bits_x = 8;                // OPU row vector, temporal coded
    int bits_delta = 4;            // OPU column vector, voltage coded (3 magnitude + sign)
    double pulse_unit_ns = 1.0;    // LSB pulse length; 1 ns = minimum pulse width (Table I);
                                   // the 2-bit design stretches pulses to 7 ns (M18 §IV)
    // The ADC bank: converter type and how many lines share one converter through a column mux
    // (adjacent lines, pitch-matched: converter g serves lines [g k, (g+1) k)). The reference has
    // one ramp-ADC comparator per line (k = 1). Each line keeps its integrator, which holds the
    // result until its converter reaches it.
    AdcType adc_type = AdcType::ramp;
    int lines_per_adc = 1;
    // Technology: set from a technology file (platform/technology.h; technologies/marinella2018.json
    // is the reference design). Unset here on purpose: the values are written in the file only,
    // and make_analog_cost_table rejects a parameter set with one left unset.
    double min_pulse_ns = kFromTechnology;  // guard slot of the drive window
    double ramp_step_ns = kFromTechnology;  // ramp ADC: time per level
    double sar_conversion_pj_8bit = kFromTechnology;  // SAR ADC: one 8-bit conversion
    double sar_conversion_ns_8bit = kFromTechnology;
    double sar_area_um2_8bit = kFromTechnology;       // one 8-bit SAR converter
    // Wires and cells
    double m1_pitch_um = kFromTechnology;
    double wire_c_af_per_um = kFromTechnology;
    double wire_r_ohm_per_um = kFromTechnology;
    double cell_c_af = kFromTechnology;  // ReRAM + access device
    double v_logic = kFromTechnology;
    double v_read = kFromTechnology, i_read_na = kFromTechnology;    // analog on-state read
    double v_write = kFromTechnology, i_write_na = kFromTechnology;  // analog on-state write
    double on_off_ratio = kFromTechnology;
    // Periphery
    double ls_transition_fj = kFromTechnology;       // level shifter + driver, per transition
    double td_transitions_per_row_bit = kFromTechnology;  // level-shifter transitions per row-bit (nominal)
    double td_logic_read_pj_8bit = kFromTechnology;  // registers and control, one 8-bit read
    double vd_write_pj = kFromTechnology;            // voltage drivers per write, "regardless of bits"
    double vd_logic_nj_8bit = kFromTechnology;       // voltage-driver logic per 8-bit write
    double integrator_ua = kFromTechnology, integrator_v = kFromTechnology;  // current conveyor
    double comparator_ua = kFromTechnology, comparator_v = kFromTechnology;  // continuous-time comparator
    // Areas (transistor counts x unit areas)
    double hv_transistor_um2 = kFromTechnology;
    int td_hv_per_row = 0;                         // temporal driver incl. both level shifters
    double td_logic_um2_8bit = kFromTechnology;    // per row, synthesized, 8-bit
    int vd_hv_per_rail = 0;                        // per voltage-coding rail
    double vd_logic_um2_8bit = kFromTechnology;    // per column, 8-bit
    double integrator_um2 = kFromTechnology;
    double comparator_um2 = kFromTechnology;
    int routing_hv_per_col = 0;                    // analog mux pass gates per column
};

// One action of the core: its per-event energy and where it comes from.
struct ActionCost {
    const char* component;
    const char* action;
    double energy_pj;
    std::string source;
    Basis basis;
};

struct AreaItem {
    std::string component;
    double area_um2;
    bool over_periphery;  // true for the arrays, which sit on top of the drivers (not summed)
};

// Indices into AnalogCostTable::actions.
enum AnalogAction : int {
    kArrayReadSwitch = 0,  // one line switch, both arrays (Eq. 3 dynamic term)
    kArrayReadCellNs,      // one cell conducting for 1 ns, both arrays (Eq. 3 static term)
    kArrayWriteSetup,      // phase setup of one write (Eq. 4a)
    kArrayWriteTransition, // one row-edge transition during a write (Eq. 4b)
    kArrayWriteCellNs,     // one written cell for 1 ns (Eq. 4c)
    kTdTransition,         // temporal driver level-shifter transition
    kTdLogicBit,           // temporal-driver register/control, per row per bit
    kVdColumnWrite,        // voltage driver, one column in one write
    kVdLogicBit,           // voltage-driver register/control, per column per bit per write
    kIntegratorNs,         // one integrator running for 1 ns
    kComparatorNs,         // ramp ADC: one comparator running for 1 ns; SAR ADC: one conversion
    kLinkValue,            // one value moved across the core edge (cross-core communication)
    kAnalogActionCount
};

struct AnalogCostTable {
    AnalogParams p;
    std::vector<ActionCost> actions;  // indexed by AnalogAction
    // Derived electrical quantities
    double c_line_ff;        // Cline = ncols (Cwire + CReRAM)
    double r_line_ohm;
    double rc_settle_ns;     // 2.2 tau_RC
    double core_edge_um;     // sqrt(periphery area)
    // Latencies (ns)
    double drive_window_ns(int bits) const;  // (2^(b-1)-1) pulse units + one guard slot
    double pulse_max_ns(int bits) const;     // (2^(b-1)-1) pulse units
    double ramp_ns() const;                  // 2^bits_out ramp steps
    // The ADC bank. One conversion of a line: a whole ramp, or bits_out SAR decisions.
    int adc_count() const;                   // converters: max(rows, cols) / lines_per_adc
    double conversion_ns() const;
    // Conversions one converter makes when lines [first, first + n) are read: the most active
    // lines any converter serves (the conversions of one converter are serialized).
    int adc_rounds(int first, int n) const;
    double adc_ns(int first, int n) const { return adc_rounds(first, n) * conversion_ns(); }
    // Events of the kComparatorNs action for n conversions (comparator-ns of a ramp, or conversions).
    double adc_events(double conversions) const;
    // One parallel read with outputs on lines [out_first, out_first + n_out).
    double read_latency_ns(int bits_in, int out_first, int n_out) const;
    double opu_latency_ns() const;           // 4 polarity phases x drive window
    // Nominal event counts (the paper's 50 % activity assumption)
    double td_transitions_per_row_bit;       // the technology entry, as given
    // Data activity: level-shifter transitions per edge of a line's temporal code. A b-bit line
    // has 0.5 (b-1) edges on average (the switches term of M18 Eq. 3), so per edge
    // td_transitions_per_row_bit * b / (0.5 (b-1)): a line with the nominal edge count costs
    // exactly the nominal td_transitions_per_row_bit * b.
    double td_transitions_per_edge(int bits) const;
    // Cell conductance relative to the on state Gmax, Gmin = Gmax / on_off_ratio: a normalized
    // weight w in [-1, 1] is G / Gmax = g_ref_rel + w g_half_range_rel, the reference array sits
    // at G_ref / Gmax = g_ref_rel (mid-range).
    double g_ref_rel;         // (1 + 1/on_off_ratio) / 2
    double g_half_range_rel;  // (1 - 1/on_off_ratio) / 2
    std::vector<AreaItem> area;
    double periphery_area_um2() const;
    double array_area_um2() const;
};

// Throws std::invalid_argument on a physically meaningless parameter set.
AnalogCostTable make_analog_cost_table(const AnalogParams& p);

}  // namespace xbar::energy
