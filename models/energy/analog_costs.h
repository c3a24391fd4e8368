#pragma once
// Analog ReRAM neural core: the component table (per-event energies, kernel latencies, areas)
// computed from the circuit parameters of Marinella et al. 2018 (JETCAS; see
// ../shared/reference/marinella2018.md, "M18" below). Nothing here is a table total: the paper's
// Tables II–V are test targets, reproduced bottom-up by counting events in the core.
#include <string>
#include <vector>

namespace xbar::energy {

// Every physical parameter of the analog core. Defaults are the reference design (M18 Table I and
// §IV text); bit widths and array size are free, so 4-bit, 2-bit or 512x512 designs follow.
struct AnalogParams {
    int rows = 1024, cols = 1024;  // M18 Table I crossbar
    int bits_in = 8;               // temporal-coded input incl. sign (VMM/MVM), M18 §1.2
    int bits_out = 8;              // ramp-ADC output incl. sign
    int bits_x = 8;                // OPU row vector, temporal coded
    int bits_delta = 4;            // OPU column vector, voltage coded (3 magnitude + sign)
    double pulse_unit_ns = 1.0;    // LSB pulse length; 1 ns = minimum pulse width (Table I);
                                   // the 2-bit design stretches pulses to 7 ns (M18 §IV)
    double min_pulse_ns = 1.0;     // Table I minimum pulse width (guard slot of the drive window)
    double ramp_step_ns = 1.0;     // ramp ADC: 1 level per ns (M18 §IV-E)
    // Wires and cells (Table I)
    double m1_pitch_um = 0.064;
    double wire_c_af_per_um = 200.0;
    double wire_r_ohm_per_um = 30.0;
    double cell_c_af = 35.0;  // ReRAM + access device
    double v_logic = 0.8;
    double v_read = 0.785, i_read_na = 1.0;    // analog on-state read (R_on = 100 MOhm)
    double v_write = 1.8, i_write_na = 10.3;   // analog on-state write
    double on_off_ratio = 10.0;
    // Periphery (M18 §IV-B..F)
    double ls_transition_fj = 15.0;       // level shifter + driver, per transition
    double td_read_pj_8bit = 170.0;       // temporal drivers, all 1024 rows, one 8-bit read
    double td_logic_read_pj_8bit = 35.0;  // registers and control, one 8-bit read
    double vd_write_pj = 80.0;            // voltage drivers per write, "regardless of bits"
    double vd_logic_nj_8bit = 0.02;       // voltage-driver logic per write (Table IV; the text's
                                          // "10 pJ per column" contradicts its own table)
    double integrator_ua = 12.0, integrator_v = 1.8;  // current conveyor while running
    double comparator_ua = 20.0, comparator_v = 1.8;  // continuous-time comparator
    // Areas (M18 §IV, transistor counts x unit areas)
    double hv_transistor_um2 = 0.35;
    int td_hv_per_row = 20;               // temporal driver incl. both level shifters
    double td_logic_um2_8bit = 8.6;       // per row, synthesized, 8-bit
    int vd_hv_per_rail = 8;               // 4 per level shifter + 2 drive x 2 arrays
    double vd_logic_um2_8bit = 17.0;      // per column, 8-bit
    double integrator_um2 = 6.4;
    double comparator_um2 = 5.7;
    int routing_hv_per_col = 8;           // 4 pass gates x 2 arrays... (M18 §IV-F)
};

// One action of the core: its per-event energy and where it comes from.
struct ActionCost {
    const char* component;
    const char* action;
    double energy_pj;
    std::string source;
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
    kComparatorNs,         // one ADC comparator running for 1 ns
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
    double read_latency_ns(int bits_in) const;
    double opu_latency_ns() const;           // 4 polarity phases x drive window
    // Nominal event counts (the paper's 50 % activity assumption)
    double td_transitions_per_row_bit;       // from td_read_pj_8bit
    std::vector<AreaItem> area;
    double periphery_area_um2() const;
    double array_area_um2() const;
};

// Throws std::invalid_argument on a physically meaningless parameter set.
AnalogCostTable make_analog_cost_table(const AnalogParams& p);

}  // namespace xbar::energy
