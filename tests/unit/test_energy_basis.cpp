// Every action of the cost tables states where its per-event energy comes from (energy::Basis):
// physics (an equation of technology entries), stated (a figure the reference states, for a whole
// operation or per event, restated per event) or assumption. The expected basis of each action is
// written out here from the reference (reference/marinella2018.md, "M18"), not read from the code.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "models/energy/analog_costs.h"
#include "models/energy/digital_costs.h"
#include "tests/tech.h"

using namespace xbar;
using energy::Basis;

namespace {
std::map<std::string, Basis> bases(const std::vector<energy::ActionCost>& actions) {
    std::map<std::string, Basis> out;
    for (const auto& a : actions) out[std::string(a.component) + "." + a.action] = a.basis;
    return out;
}
}  // namespace

TEST(EnergyBasis, AnalogActionsFollowTheReference) {
    const std::map<std::string, Basis> expected = {
        // M18 Eq. 3: C_line V_read^2 per switching line, I_read V_read 1 ns per on cell.
        {"array.read_line_switch", Basis::physics},
        {"array.read_cell_ns", Basis::physics},
        // M18 Eqs. 4a-c: phase setup and row-edge C V^2, I_write V_write 1 ns per written cell.
        {"array.write_setup", Basis::physics},
        {"array.write_transition", Basis::physics},
        {"array.write_cell_ns", Basis::physics},
        // M18 §IV-B: 15 fJ per level-shifter transition (stated per event; the transitions per row
        // bit follow from the stated 170 pJ per 8-bit read) and 35 pJ of registers and control
        // per 8-bit read, restated per row-bit.
        {"temporal_driver.ls_transition", Basis::stated},
        {"temporal_driver.logic_row_bit", Basis::stated},
        // M18 §IV-C: 80 pJ per write over 1024 columns; Table IV: 0.02 nJ of logic per write.
        {"voltage_driver.column_write", Basis::stated},
        {"voltage_driver.logic_col_bit", Basis::stated},
        // M18 §IV-D, §IV-E: I x V x t of the integrator (12 uA) and the comparator (20 uA).
        {"integrator.integrator_ns", Basis::physics},
        {"adc.comparator_ns", Basis::physics},
        // M18 §IV-K: C_wire x core edge x V_logic^2 per value.
        {"core_link.value_transfer", Basis::physics},
    };
    EXPECT_EQ(bases(energy::make_analog_cost_table(tech::analog()).actions), expected);
}

TEST(EnergyBasis, DigitalActionsFollowTheReference) {
    // M18 §IV-G: 166 / 676 nJ per full read / write of the 8 Mbit store (restated per bit, the
    // CV^2 + IVt recipe does not reproduce them), 5 fJ per sense; §IV-H: 34 / 46 fJ per SRAM bit;
    // §IV-J / Table IV: 1.46 pJ per 8-bit MAC, 900 / 520 nJ per 1M 4- / 2-bit MACs; §IV-K: the
    // core-edge wire per bit is C V^2.
    const std::map<std::string, Basis> reram = {
        {"reram_array.read_bit", Basis::stated}, {"reram_array.write_bit", Basis::stated},
        {"sense_amp.sense_bit", Basis::stated},  {"mac.multiply_add", Basis::stated},
        {"core_link.bit_transfer", Basis::physics},
    };
    const std::map<std::string, Basis> sram = {
        {"sram_macro.read_bit", Basis::stated},
        {"sram_macro.write_bit", Basis::stated},
        {"mac.multiply_add", Basis::stated},
        {"core_link.bit_transfer", Basis::physics},
    };
    for (int design : {8, 4, 2}) {
        EXPECT_EQ(bases(energy::make_digital_cost_table(tech::digital(design), energy::DigitalMemory::reram).actions), reram)
            << design << "-bit design";
        EXPECT_EQ(bases(energy::make_digital_cost_table(tech::digital(design), energy::DigitalMemory::sram).actions), sram)
            << design << "-bit design";
    }
}
