// Which outputs respond to which technology entries: for every entry of technology_entries(), doubling
// it changes exactly the outputs docs/architecture.md's table ("Which outputs respond to which
// technology entries") lists for it, held here as data in the same notation (a doc row and a row
// here must be edited together; the test catches a table that drifts from the code, and an entry
// added without a row). The outputs are computed by tests/unit/technology_effects.h from the cores
// built with the entry doubled: the analog core in nominal activity (and, in a second test, data
// activity), the digital cores, and the system's parameters.
//
// Notation of a cell (one per variant, and one for what every variant has): "—" or groups
// separated by " · ", each a kind letter (E per-event energy, N event count, L latency part
// <kernel>.<part>, A area, X cross-check) and names separated by ", "; "{a,b}" expands. An analog
// cell "data activity only: <groups>" lists outputs that change with /tile/activity "data" only.
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "technology_effects.h"

using namespace xbar;

namespace {

struct Row {
    const char* entry;
    const char* analog_reram;
    const char* digital_reram;
    const char* sram;
    const char* every;  // the digital unit and the interconnect (every variant)
};

// docs/architecture.md, "Which outputs respond to which technology entries".
const Row kDocumented[] = {
        {"wire.m1_pitch_um", "E array.read_line_switch, array.write_setup, array.write_transition · L {vmm,mvm,readback}.array · A arrays", "X reram_bit_energy_equation_fj.{read,write}", "—", "—"},
        {"wire.c_af_per_um", "E array.read_line_switch, array.write_setup, array.write_transition, core_link.value_transfer · L {vmm,mvm,readback}.array", "E core_link.bit_transfer · X reram_bit_energy_equation_fj.{read,write}", "E core_link.bit_transfer", "—"},
        {"wire.r_ohm_per_um", "L {vmm,mvm,readback}.array", "—", "—", "—"},
        {"transistor.v_logic", "E core_link.value_transfer", "E core_link.bit_transfer", "E core_link.bit_transfer", "—"},
        {"transistor.hv_area_um2", "E core_link.value_transfer · A analog_routing, temporal_driver.hv, voltage_driver.hv", "—", "—", "—"},
        {"cell.c_af", "E array.read_line_switch, array.write_setup, array.write_transition · L {vmm,mvm,readback}.array", "X reram_bit_energy_equation_fj.{read,write}", "—", "—"},
        {"analog_cell.v_read", "E array.read_cell_ns, array.read_line_switch", "—", "—", "—"},
        {"analog_cell.i_read_na", "E array.read_cell_ns", "—", "—", "—"},
        {"analog_cell.v_write", "E array.write_cell_ns, array.write_setup, array.write_transition", "—", "—", "—"},
        {"analog_cell.i_write_na", "E array.write_cell_ns", "—", "—", "—"},
        {"analog_cell.on_off_ratio", "data activity only: N array.read_cell_ns", "—", "—", "—"},
        {"binary_cell.v_read", "—", "X reram_bit_energy_equation_fj.read", "—", "—"},
        {"binary_cell.i_read_na", "—", "X reram_bit_energy_equation_fj.read", "—", "—"},
        {"binary_cell.v_write", "—", "X reram_bit_energy_equation_fj.write", "—", "—"},
        {"binary_cell.i_write_na", "—", "X reram_bit_energy_equation_fj.write", "—", "—"},
        {"timing.min_pulse_ns", "L {vmm,mvm,opu,program,update,readback}.temporal_driver", "—", "—", "—"},
        {"temporal_driver.ls_transition_fj", "E temporal_driver.ls_transition", "—", "—", "—"},
        {"temporal_driver.transitions_per_row_bit", "N temporal_driver.ls_transition", "—", "—", "—"},
        {"temporal_driver.logic_read_pj_8bit", "E temporal_driver.logic_row_bit", "—", "—", "—"},
        {"temporal_driver.hv_per_row", "E core_link.value_transfer · A temporal_driver.hv", "—", "—", "—"},
        {"temporal_driver.logic_um2_8bit", "E core_link.value_transfer · A temporal_driver.logic", "—", "—", "—"},
        {"voltage_driver.write_pj", "E voltage_driver.column_write", "—", "—", "—"},
        {"voltage_driver.logic_nj_8bit", "E voltage_driver.logic_col_bit", "—", "—", "—"},
        {"voltage_driver.hv_per_rail", "E core_link.value_transfer · A voltage_driver.hv", "—", "—", "—"},
        {"voltage_driver.logic_um2_8bit", "E core_link.value_transfer · A voltage_driver.logic", "—", "—", "—"},
        {"integrator.current_ua", "E integrator.integrator_ns", "—", "—", "—"},
        {"integrator.voltage", "E integrator.integrator_ns", "—", "—", "—"},
        {"integrator.area_um2", "E core_link.value_transfer · A integrators", "—", "—", "—"},
        {"adc.comparator_ua", "E adc.comparator_ns; sar adc: —", "—", "—", "—"},
        {"adc.comparator_v", "E adc.comparator_ns; sar adc: —", "—", "—", "—"},
        {"adc.comparator_um2", "E core_link.value_transfer · A adc; sar adc: —", "—", "—", "—"},
        {"adc.ramp_step_ns", "N adc.comparator_ns · L {vmm,mvm,readback}.adc; sar adc: —", "—", "—", "—"},
        {"adc_sar.conversion_pj_8bit", "—; sar adc: E adc.sar_conversion", "—", "—", "—"},
        {"adc_sar.conversion_ns_8bit", "—; sar adc: L {vmm,mvm,readback}.adc", "—", "—", "—"},
        {"adc_sar.area_um2_8bit", "—; sar adc: E core_link.value_transfer · A adc", "—", "—", "—"},
        {"analog_routing.hv_per_col", "E core_link.value_transfer · A analog_routing", "—", "—", "—"},
        {"mac.units", "—", "E core_link.bit_transfer · A mac", "E core_link.bit_transfer · A mac", "—"},
        {"mac.clock_ns", "—", "—", "L {vmm,opu,update}.mac", "—"},
        {"mac.latency_ns", "—", "L {vmm,mvm,opu,update}.mac", "L {vmm,mvm,opu,update}.mac", "—"},
        {"mac.energy_pj_8bit", "—", "E mac.multiply_add", "E mac.multiply_add", "—"},
        {"mac.energy_pj_4bit", "—", "E mac.multiply_add", "E mac.multiply_add", "—"},
        {"mac.energy_pj_2bit", "—", "E mac.multiply_add", "E mac.multiply_add", "—"},
        {"mac.area_um2_8bit", "—", "E core_link.bit_transfer · A mac", "E core_link.bit_transfer · A mac", "—"},
        {"mac.area_um2_4bit", "—", "E core_link.bit_transfer · A mac", "E core_link.bit_transfer · A mac", "—"},
        {"mac.area_um2_2bit", "—", "E core_link.bit_transfer · A mac", "E core_link.bit_transfer · A mac", "—"},
        {"input_register.access_ns", "—", "L {vmm,mvm,opu,update}.input_register", "L {vmm,mvm,opu,update}.input_register", "—"},
        {"input_register.ff_um2", "—", "E core_link.bit_transfer · A input_register", "E core_link.bit_transfer · A input_register", "—"},
        {"digital_reram.read_parallel_bits", "—", "L {vmm,mvm,opu,update,readback}.reram_array", "—", "—"},
        {"digital_reram.read_ns", "—", "L {vmm,mvm,opu,update,readback}.reram_array · X reram_bit_energy_equation_fj.read", "—", "—"},
        {"digital_reram.write_parallel_bits", "—", "L {opu,program,update}.reram_array", "—", "—"},
        {"digital_reram.write_ns", "—", "L {opu,program,update}.reram_array · X reram_bit_energy_equation_fj.write", "—", "—"},
        {"digital_reram.read_nj_1mb", "—", "E reram_array.read_bit", "—", "—"},
        {"digital_reram.write_nj_1mb", "—", "E reram_array.write_bit", "—", "—"},
        {"digital_reram.sense_fj", "—", "E sense_amp.sense_bit", "—", "—"},
        {"digital_reram.array_um2", "—", "E core_link.bit_transfer · A reram_array", "—", "—"},
        {"sram.macro_bits", "—", "—", "E core_link.bit_transfer · L {vmm,mvm,opu,program,update,readback}.sram_macro · A sram_macro", "L {derivative_store,input_buffer,output_buffer}.access_1KiB · A derivative_store, input_buffer, output_buffer"},
        {"sram.word_bits", "—", "—", "N sram_macro.read_bit · L {vmm,opu,update}.mac, {vmm,opu,program,update,readback}.sram_macro", "L {derivative_store,input_buffer,output_buffer}.access_1KiB"},
        {"sram.access_ns", "—", "—", "L {vmm,mvm,opu,program,update,readback}.sram_macro", "L {derivative_store,input_buffer,output_buffer}.access_1KiB"},
        {"sram.read_fj_per_bit", "—", "—", "E sram_macro.read_bit", "E derivative_store.read_bit, input_buffer.read_bit, output_buffer.read_bit"},
        {"sram.write_fj_per_bit", "—", "—", "E sram_macro.write_bit", "E derivative_store.write_bit, input_buffer.write_bit, output_buffer.write_bit"},
        {"sram.macro_um2", "—", "—", "E core_link.bit_transfer · A sram_macro", "A derivative_store, input_buffer, output_buffer"},
        {"digital_unit.clock_ns", "—", "—", "—", "L digital"},
        {"digital_unit.pipeline_ns", "—", "—", "—", "L digital"},
        {"digital_unit.element_pj", "—", "—", "—", "E digital_unit.element"},
        {"interconnect.wire_c_af_per_um", "—", "—", "—", "E interconnect.link.bit"},
        {"interconnect.voltage", "—", "—", "—", "E interconnect.link.bit"},
        {"register.access_ns", "—", "—", "—", "L registers.access"},
        {"register.access_fj_per_bit", "—", "—", "—", "E registers.access_bit"},
        {"dram.read_pj_per_bit", "—", "—", "—", "E dram.memory.read_bit"},
        {"dram.write_pj_per_bit", "—", "—", "—", "E dram.memory.write_bit"},
        {"dram.latency_ns", "—", "—", "—", "L dram.access_1KiB"},
        {"dram.bandwidth_gb_s", "—", "—", "—", "L dram.access_1KiB"},
        {"host.op_ns", "—", "—", "—", "L host.op"},
        {"host.op_pj", "—", "—", "—", "E host.cpu.arithmetic_op"},
};

std::vector<std::string> split(const std::string& s, const std::string& sep) {
    std::vector<std::string> out;
    std::size_t at = 0;
    for (std::size_t next; (next = s.find(sep, at)) != std::string::npos; at = next + sep.size())
        out.push_back(s.substr(at, next - at));
    out.push_back(s.substr(at));
    return out;
}

// A cell's outputs in data activity only ("data activity only: N array.read_cell_ns"): the rest of
// the cell is the nominal set (none here).
const std::string kDataOnly = "data activity only: ";

// One cell in the technology_effects.h output names ("analog_reram: E array.read_line_switch");
// `data_only` gets the outputs the cell lists for data activity only.
std::set<std::string> expand(const std::string& where, const std::string& cell, std::set<std::string>* data_only = nullptr) {
    std::set<std::string> out;
    if (cell.rfind(kDataOnly, 0) == 0) {
        EXPECT_TRUE(data_only) << "\"" << cell << "\": data-activity outputs only in the analog_reram column";
        if (data_only) *data_only = expand(where, cell.substr(kDataOnly.size()));
        return out;
    }
    if (cell == "—") return out;
    for (const auto& group : split(cell, " \u00b7 ")) {
        const std::string kind = group.substr(0, 1);
        EXPECT_TRUE(group.size() > 2 && group[1] == ' ' && std::string("ENLAX").find(kind) != std::string::npos)
            << "bad group \"" << group << "\"";
        for (const auto& item : split(group.substr(2), ", ")) {
            const auto open = item.find('{'), close = item.find('}');
            if (open == std::string::npos) {
                out.insert(where + ": " + kind + " " + item);
                continue;
            }
            for (const auto& alt : split(item.substr(open + 1, close - open - 1), ","))
                out.insert(where + ": " + kind + " " + item.substr(0, open) + alt + item.substr(close + 1));
        }
    }
    return out;
}

// An analog cell's part for the SAR ADC bank ("<ramp groups>; sar adc: <groups>"): without one,
// the SAR bank changes what the ramp bank does. Returns the ramp part; `sar` gets the SAR part.
const std::string kSar = "; sar adc: ";
std::string ramp_part(const std::string& cell, std::string* sar = nullptr) {
    const auto at = cell.find(kSar);
    if (sar) *sar = at == std::string::npos ? cell : cell.substr(at + kSar.size());
    return at == std::string::npos ? cell : cell.substr(0, at);
}

std::string listing(const std::set<std::string>& s) {
    std::ostringstream os;
    for (const auto& x : s) os << "\n    " << x;
    return os.str();
}

}  // namespace

TEST(TechnologyEffects, TheNotationExpands) {
    EXPECT_EQ(expand("sram", "L {vmm,opu}.mac, mvm.sram_macro \u00b7 A mac"),
              (std::set<std::string>{"sram: L vmm.mac", "sram: L opu.mac", "sram: L mvm.sram_macro", "sram: A mac"}));
    EXPECT_TRUE(expand("sram", "—").empty());
    std::set<std::string> data;
    EXPECT_TRUE(expand("analog_reram", "data activity only: N array.read_cell_ns", &data).empty());
    EXPECT_EQ(data, std::set<std::string>{"analog_reram: N array.read_cell_ns"});
}

TEST(TechnologyEffects, EveryEntryChangesExactlyWhatTheDocumentedTableSays) {
    const auto& ref = platform::reference_technology();
    const auto& all = platform::technology_entries();
    std::map<std::string, const Row*> doc;
    for (const auto& r : kDocumented) EXPECT_TRUE(doc.emplace(r.entry, &r).second) << r.entry << " twice";
    std::map<int, tech_effects::Outputs> base;  // per MAC design
    for (std::size_t k = 0; k < all.size(); ++k) {
        const std::string& name = all[k].name;
        const auto it = doc.find(name);
        if (it == doc.end()) {
            ADD_FAILURE() << name << " has no row: add it to docs/architecture.md (\"Which outputs respond to which "
                          << "technology entries\") and to kDocumented here";
            continue;
        }
        std::set<std::string> expected;
        std::set<std::string> data_only;
        for (auto&& x : expand("analog_reram", ramp_part(it->second->analog_reram), &data_only)) expected.insert(x);
        for (const auto& [where, cell] : {std::pair<const char*, const char*>{"digital_reram", it->second->digital_reram},
                                          {"sram", it->second->sram},
                                          {"every", it->second->every}})
            for (auto&& x : expand(where, cell)) expected.insert(x);
        const int design = tech_effects::design_of(all[k]);
        if (!base.count(design)) base[design] = tech_effects::outputs(ref, design);
        platform::Technology t = ref;
        t.values[k].value *= 2;
        const auto actual = tech_effects::changed(base[design], tech_effects::outputs(t, design));
        EXPECT_EQ(actual, expected) << name << " doubled changes:" << listing(actual) << "\n  the table says:"
                                    << listing(expected);
    }
    for (const auto& [name, row] : doc) {
        bool known = false;
        for (const auto& e : all) known = known || e.name == name;
        EXPECT_TRUE(known) << name << " is in the table but not a technology entry";
    }
}

// With data activity the analog core's counts follow the operands: every entry changes the analog
// outputs it changes in nominal activity, plus what its row lists for data activity only.
TEST(TechnologyEffects, DataActivityAddsOnlyWhatTheTableSays) {
    const auto& ref = platform::reference_technology();
    const auto& all = platform::technology_entries();
    std::map<std::string, const Row*> doc;
    for (const auto& r : kDocumented) doc.emplace(r.entry, &r);
    const auto base = tech_effects::analog_outputs(ref, cores::Activity::data);
    for (std::size_t k = 0; k < all.size(); ++k) {
        const std::string& name = all[k].name;
        const auto it = doc.find(name);
        if (it == doc.end()) continue;  // reported by the test above
        std::set<std::string> data_only, expected = expand("analog_reram", ramp_part(it->second->analog_reram), &data_only);
        expected.insert(data_only.begin(), data_only.end());
        platform::Technology t = ref;
        t.values[k].value *= 2;
        const auto actual = tech_effects::changed(base, tech_effects::analog_outputs(t, cores::Activity::data));
        EXPECT_EQ(actual, expected) << name << " doubled, data activity, changes:" << listing(actual)
                                    << "\n  the table says:" << listing(expected);
    }
}

// With a SAR ADC bank (nominal activity) every entry changes what its row's "sar adc:" part lists,
// or, without one, what it changes with the ramp bank.
TEST(TechnologyEffects, SarAdcChangesWhatTheTableSays) {
    const auto& ref = platform::reference_technology();
    const auto& all = platform::technology_entries();
    std::map<std::string, const Row*> doc;
    for (const auto& r : kDocumented) doc.emplace(r.entry, &r);
    const auto sar = energy::AdcType::sar;
    const auto base = tech_effects::analog_outputs(ref, cores::Activity::nominal, sar);
    for (std::size_t k = 0; k < all.size(); ++k) {
        const auto it = doc.find(all[k].name);
        if (it == doc.end()) continue;  // reported above
        std::string cell;
        ramp_part(it->second->analog_reram, &cell);
        std::set<std::string> data_only;
        const auto expected = expand("analog_reram", cell, &data_only);
        platform::Technology t = ref;
        t.values[k].value *= 2;
        const auto actual = tech_effects::changed(base, tech_effects::analog_outputs(t, cores::Activity::nominal, sar));
        EXPECT_EQ(actual, expected) << all[k].name << " doubled, SAR ADC, changes:" << listing(actual)
                                    << "\n  the table says:" << listing(expected);
    }
}
