#include "platform/technology.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "platform/json_input.h"
#include "platform/scenario.h"

namespace xbar::platform {

using nlohmann::json;
using energy::AnalogParams;
using energy::DigitalParams;

namespace {
// Physical ranges: the lower bound is excluded where zero is not physical (a voltage, a
// capacitance, a current, an area, an energy per event, a clock period).
struct Range {
    double min, max;
    bool min_open, integer;
};
constexpr Range kPositive{0, 1e9, true, false};
constexpr Range kVolt{0, 10, true, false};
constexpr Range kTime{0, 1e6, true, false};
constexpr Range kDelay{0, 1e6, false, false};  // a pipeline depth or access time may be 0
constexpr Range kCount{1, 1e6, false, true};
constexpr Range kBits{1, 1e9, false, true};
constexpr Range kRatio{1, 1e12, true, false};

TechEntrySpec entry(const char* name, const char* unit, Range r, const char* goes_to, const char* doc,
                    std::vector<TechTarget> targets) {
    return {name, unit, r.min, r.max, r.min_open, r.integer, goes_to, doc, std::move(targets)};
}
using A = AnalogParams;
using D = DigitalParams;
using S = SystemTech;
}  // namespace

const std::vector<TechEntrySpec>& technology_entries() {
    static const std::vector<TechEntrySpec> e = {
        entry("wire.m1_pitch_um", "um", {0, 10, true, false}, "analog, digital: m1_pitch_um", "M1 full pitch: cell size, line length", {{&A::m1_pitch_um}, {&D::m1_pitch_um}}),
        entry("wire.c_af_per_um", "aF/um", kPositive, "analog, digital: wire_c_af_per_um", "array and core-edge wire capacitance (C_line, cross-core link)", {{&A::wire_c_af_per_um}, {&D::wire_c_af_per_um}}),
        entry("wire.r_ohm_per_um", "ohm/um", kPositive, "analog: wire_r_ohm_per_um", "array wire resistance (line RC settling)", {{&A::wire_r_ohm_per_um}}),
        entry("transistor.v_logic", "V", kVolt, "analog, digital: v_logic", "logic supply (core-edge link swing)", {{&A::v_logic}, {&D::v_logic}}),
        entry("transistor.hv_area_um2", "um2", kPositive, "analog: hv_transistor_um2", "area of one high-voltage transistor", {{&A::hv_transistor_um2}}),
        entry("cell.c_af", "aF", kPositive, "analog, digital: cell_c_af", "ReRAM + access-device capacitance per cell (C_line)", {{&A::cell_c_af}, {&D::cell_c_af}}),
        entry("analog_cell.v_read", "V", kVolt, "analog: v_read", "read voltage (Eq. 3)", {{&A::v_read}}),
        entry("analog_cell.i_read_na", "nA", kPositive, "analog: i_read_na", "on-state read current (Eq. 3 static term)", {{&A::i_read_na}}),
        entry("analog_cell.v_write", "V", kVolt, "analog: v_write", "write voltage (Eqs. 4a-c)", {{&A::v_write}}),
        entry("analog_cell.i_write_na", "nA", kPositive, "analog: i_write_na", "on-state write current (Eq. 4c)", {{&A::i_write_na}}),
        entry("analog_cell.on_off_ratio", "1", kRatio, "analog: on_off_ratio", "ON/OFF conductance ratio (activity data: the read current of cells between G_min = G_max / ratio and G_max)", {{&A::on_off_ratio}}),
        entry("binary_cell.v_read", "V", kVolt, "digital: binary_v_read", "binary cell read voltage (the CV^2 + IVt cross-check in summary.json derived.<tile>.reram_bit_energy_equation_fj)", {{&D::binary_v_read}}),
        entry("binary_cell.i_read_na", "nA", kPositive, "digital: binary_i_read_na", "binary cell read current (cross-check, summary.json derived)", {{&D::binary_i_read_na}}),
        entry("binary_cell.v_write", "V", kVolt, "digital: binary_v_write", "binary cell write voltage (cross-check, summary.json derived)", {{&D::binary_v_write}}),
        entry("binary_cell.i_write_na", "nA", kPositive, "digital: binary_i_write_na", "binary cell write current (cross-check, summary.json derived)", {{&D::binary_i_write_na}}),
        entry("timing.min_pulse_ns", "ns", kTime, "analog: min_pulse_ns", "minimum pulse width: the guard slot of a drive window", {{&A::min_pulse_ns}}),
        entry("temporal_driver.ls_transition_fj", "fJ", kPositive, "analog: ls_transition_fj", "energy of one level-shifter transition", {{&A::ls_transition_fj}}),
        entry("temporal_driver.transitions_per_row_bit", "1", kPositive, "analog: td_transitions_per_row_bit", "level-shifter transitions per row per input bit at the nominal 50 % activity (data activity: per edge, scaled to it)", {{&A::td_transitions_per_row_bit}}),
        entry("temporal_driver.logic_read_pj_8bit", "pJ", kPositive, "analog: td_logic_read_pj_8bit", "driver registers and control, one 8-bit read over 1024 rows", {{&A::td_logic_read_pj_8bit}}),
        entry("temporal_driver.hv_per_row", "count", kCount, "analog: td_hv_per_row", "HV transistors per row driver", {{&A::td_hv_per_row}}),
        entry("temporal_driver.logic_um2_8bit", "um2", kPositive, "analog: td_logic_um2_8bit", "driver logic area per row at 8 bits (scaled with the register width)", {{&A::td_logic_um2_8bit}}),
        entry("voltage_driver.write_pj", "pJ", kPositive, "analog: vd_write_pj", "voltage drivers, one write over 1024 columns", {{&A::vd_write_pj}}),
        entry("voltage_driver.logic_nj_8bit", "nJ", kPositive, "analog: vd_logic_nj_8bit", "voltage-driver logic, one 8-bit write over 1024 columns", {{&A::vd_logic_nj_8bit}}),
        entry("voltage_driver.hv_per_rail", "count", kCount, "analog: vd_hv_per_rail", "HV transistors per rail", {{&A::vd_hv_per_rail}}),
        entry("voltage_driver.logic_um2_8bit", "um2", kPositive, "analog: vd_logic_um2_8bit", "voltage-driver logic area per column at 8 bits", {{&A::vd_logic_um2_8bit}}),
        entry("integrator.current_ua", "uA", kPositive, "analog: integrator_ua", "integrator current while running", {{&A::integrator_ua}}),
        entry("integrator.voltage", "V", kVolt, "analog: integrator_v", "integrator supply", {{&A::integrator_v}}),
        entry("integrator.area_um2", "um2", kPositive, "analog: integrator_um2", "integrator area per line", {{&A::integrator_um2}}),
        entry("adc.comparator_ua", "uA", kPositive, "analog: comparator_ua", "ramp-ADC comparator current while running", {{&A::comparator_ua}}),
        entry("adc.comparator_v", "V", kVolt, "analog: comparator_v", "comparator supply", {{&A::comparator_v}}),
        entry("adc.comparator_um2", "um2", kPositive, "analog: comparator_um2", "comparator area per line", {{&A::comparator_um2}}),
        entry("adc.ramp_step_ns", "ns", kTime, "analog: ramp_step_ns", "time per ramp level", {{&A::ramp_step_ns}}),
        entry("adc_sar.conversion_pj_8bit", "pJ", kPositive, "analog (SAR ADC): sar_conversion_pj_8bit", "energy of one 8-bit SAR conversion (scaled 2^(bits_out-8))", {{&A::sar_conversion_pj_8bit}}),
        entry("adc_sar.conversion_ns_8bit", "ns", kTime, "analog (SAR ADC): sar_conversion_ns_8bit", "time of one 8-bit SAR conversion (scaled bits_out/8)", {{&A::sar_conversion_ns_8bit}}),
        entry("adc_sar.area_um2_8bit", "um2", kPositive, "analog (SAR ADC): sar_area_um2_8bit", "area of one 8-bit SAR converter (scaled 2^(bits_out-8))", {{&A::sar_area_um2_8bit}}),
        entry("analog_routing.hv_per_col", "count", kCount, "analog: routing_hv_per_col", "HV pass transistors of the analog mux per column", {{&A::routing_hv_per_col}}),
        entry("mac.units", "count", kCount, "digital: n_macs", "multiply-accumulate units in parallel", {{&D::n_macs}}),
        entry("mac.clock_ns", "ns", kTime, "digital: mac_clock_ns", "MAC issue period", {{&D::mac_clock_ns}}),
        entry("mac.latency_ns", "ns", kDelay, "digital: mac_latency_ns", "MAC pipeline depth", {{&D::mac_latency_ns}}),
        entry("mac.energy_pj_8bit", "pJ", kPositive, "digital (8-bit design): mac_pj", "one multiply-add incl. write-back", {{&D::mac_pj, 8}}),
        entry("mac.energy_pj_4bit", "pJ", kPositive, "digital (4-bit design): mac_pj", "one multiply-add incl. write-back", {{&D::mac_pj, 4}}),
        entry("mac.energy_pj_2bit", "pJ", kPositive, "digital (2-bit design): mac_pj", "one multiply-add incl. write-back", {{&D::mac_pj, 2}}),
        entry("mac.area_um2_8bit", "um2", kPositive, "digital (8-bit design): mac_um2", "area of one MAC unit", {{&D::mac_um2, 8}}),
        entry("mac.area_um2_4bit", "um2", kPositive, "digital (4-bit design): mac_um2", "area of one MAC unit", {{&D::mac_um2, 4}}),
        entry("mac.area_um2_2bit", "um2", kPositive, "digital (2-bit design): mac_um2", "area of one MAC unit", {{&D::mac_um2, 2}}),
        entry("input_register.access_ns", "ns", kDelay, "digital: reg_access_ns", "input-register access", {{&D::reg_access_ns}}),
        entry("input_register.ff_um2", "um2", kPositive, "digital: reg_ff_um2", "area per register bit", {{&D::reg_ff_um2}}),
        entry("digital_reram.read_parallel_bits", "bit", kBits, "digital: reram_read_parallel_bits", "bits one read access senses", {{&D::reram_read_parallel_bits}}),
        entry("digital_reram.read_ns", "ns", kTime, "digital: reram_read_ns", "one read access", {{&D::reram_read_ns}}),
        entry("digital_reram.write_parallel_bits", "bit", kBits, "digital: reram_write_parallel_bits", "bits one write access writes", {{&D::reram_write_parallel_bits}}),
        entry("digital_reram.write_ns", "ns", kTime, "digital: reram_write_ns", "one write access", {{&D::reram_write_ns}}),
        entry("digital_reram.read_nj_1mb", "nJ", kPositive, "digital: reram_read_nj_1mb", "full read of 8 x 1024 x 1024 bits (charged per bit)", {{&D::reram_read_nj_1mb}}),
        entry("digital_reram.write_nj_1mb", "nJ", kPositive, "digital: reram_write_nj_1mb", "full write of 8 x 1024 x 1024 bits (charged per bit)", {{&D::reram_write_nj_1mb}}),
        entry("digital_reram.sense_fj", "fJ", kPositive, "digital: sense_fj", "one sense-amp measurement", {{&D::sense_fj}}),
        entry("digital_reram.array_um2", "um2", kPositive, "digital: reram_array_um2", "one binary array with its periphery", {{&D::reram_array_um2}}),
        entry("sram.macro_bits", "bit", kBits, "digital: sram_macro_bits; tile buffers", "bits per SRAM macro (SRAM core and the tile buffers)", {{&D::sram_macro_bits}, {&S::sram_macro_bits}}),
        entry("sram.word_bits", "bit", kBits, "digital: sram_word_bits; tile buffers", "bits per macro access", {{&D::sram_word_bits}, {&S::sram_word_bits}}),
        entry("sram.access_ns", "ns", kTime, "digital: sram_access_ns; tile buffers", "one macro access", {{&D::sram_access_ns}, {&S::sram_access_ns}}),
        entry("sram.read_fj_per_bit", "fJ/bit", kPositive, "digital: sram_read_fj_per_bit; tile buffers", "read energy per bit", {{&D::sram_read_fj_per_bit}, {&S::sram_read_fj_per_bit}}),
        entry("sram.write_fj_per_bit", "fJ/bit", kPositive, "digital: sram_write_fj_per_bit; tile buffers", "write energy per bit", {{&D::sram_write_fj_per_bit}, {&S::sram_write_fj_per_bit}}),
        entry("sram.macro_um2", "um2", kPositive, "digital: sram_macro_um2; tile buffers", "area of one macro", {{&D::sram_macro_um2}, {&S::sram_macro_um2}}),
        entry("digital_unit.clock_ns", "ns", kTime, "digital unit: clock_ns", "issue period of the elementwise lanes", {{&du::Params::clock_ns}}),
        entry("digital_unit.pipeline_ns", "ns", kDelay, "digital unit: pipeline_ns", "pipeline depth of one op", {{&du::Params::pipeline_ns}}),
        entry("digital_unit.element_pj", "pJ", kPositive, "digital unit: energy_pj_per_element", "energy of one elementwise op", {{&du::Params::energy_pj_per_element}}),
        entry("interconnect.wire_c_af_per_um", "aF/um", kPositive, "interconnect: wire energy per bit", "host-to-tile route capacitance", {{&InterconnectTech::wire_c_af_per_um}}),
        entry("interconnect.voltage", "V", kVolt, "interconnect: wire energy per bit", "host-to-tile link swing", {{&InterconnectTech::voltage}}),
        entry("register.access_ns", "ns", kDelay, "tile: register access time", "one control/status register access", {{&S::reg_access_ns}}),
        entry("register.access_fj_per_bit", "fJ/bit", kPositive, "tile: register access energy", "energy per register bit accessed (32 per access)", {{&S::reg_fj_per_bit}}),
        entry("dram.latency_ns", "ns", kDelay, "dram: access latency", "fixed latency of one DRAM access", {{&S::dram_latency_ns}}),
        entry("dram.bandwidth_gb_s", "GB/s", kPositive, "dram: transfer time", "DRAM channel bandwidth (transfer time = bytes / bandwidth)", {{&S::dram_bytes_per_ns}}),
        entry("dram.read_pj_per_bit", "pJ/bit", kPositive, "dram: read energy", "DRAM read energy per bit (array, I/O and interface)", {{&S::dram_read_pj_per_bit}}),
        entry("dram.write_pj_per_bit", "pJ/bit", kPositive, "dram: write energy", "DRAM write energy per bit", {{&S::dram_write_pj_per_bit}}),
        entry("host.op_ns", "ns", kDelay, "host: time per arithmetic op", "host CPU time per scalar arithmetic operation of the firmware", {{&S::host_op_ns}}),
        entry("host.op_pj", "pJ", kPositive, "host: energy per arithmetic op", "host CPU energy per scalar arithmetic operation (instruction included)", {{&S::host_op_pj}}),
    };
    return e;
}

std::vector<std::string> entry_variants(const TechEntrySpec& e) {
    bool analog = false, digital = false, all = false, sram_uses = false;
    for (const auto& t : e.targets) {
        analog = analog || std::holds_alternative<double A::*>(t.field) || std::holds_alternative<int A::*>(t.field);
        const bool d = std::holds_alternative<double D::*>(t.field) || std::holds_alternative<int D::*>(t.field);
        digital = digital || d;
        // The cell pitch and capacitance reach the digital cores only through the binary ReRAM
        // array's CV^2 + IVt cross-check (digital_costs.cpp), which the SRAM core does not have.
        const auto* f = std::get_if<double D::*>(&t.field);
        sram_uses = sram_uses || (d && !(f && (*f == &D::m1_pitch_um || *f == &D::cell_c_af)));
        all = all || std::holds_alternative<double du::Params::*>(t.field) ||
              std::holds_alternative<double InterconnectTech::*>(t.field) ||
              std::holds_alternative<double SystemTech::*>(t.field);
    }
    const std::string group = e.name.substr(0, e.name.find('.'));
    std::vector<std::string> out;
    if (all || analog) out.push_back("analog_reram");
    if (all || (digital && group != "sram")) out.push_back("digital_reram");
    if (all || (sram_uses && group != "digital_reram" && group != "binary_cell")) out.push_back("sram");
    return out;
}

namespace {

std::string range_text(const TechEntrySpec& e) {
    std::ostringstream os;
    os << std::setprecision(15) << (e.min_open ? "(" : "[") << e.min << ", " << e.max << "]";
    if (e.integer) os << " integer";
    return os.str();
}

int entry_index(const std::string& name) {
    const auto& all = technology_entries();
    for (std::size_t k = 0; k < all.size(); ++k)
        if (all[k].name == name) return int(k);
    return -1;
}

std::vector<std::string> entry_names() {
    std::vector<std::string> out;
    for (const auto& e : technology_entries()) out.push_back(e.name);
    return out;
}

// " (did you mean ...?)" for a misspelled name: the nearest entry, or the entries with the same
// last component ("analog.v_read" -> analog_cell.v_read, binary_cell.v_read).
std::string suggestion(const std::string& name, const std::vector<std::string>& candidates) {
    const std::string near = nearest_key(name, candidates);
    if (!near.empty()) return " (did you mean \"" + near + "\"?)";
    const std::string leaf = name.substr(name.rfind('.') + 1);
    std::string same;
    for (const auto& c : candidates)
        if (c.size() > leaf.size() && c.compare(c.size() - leaf.size() - 1, std::string::npos, "." + leaf) == 0)
            same += (same.empty() ? "\"" : " or \"") + c + "\"";
    return same.empty() ? "" : " (did you mean " + same + "?)";
}

class Checker {
public:
    explicit Checker(std::string file) : m_file(std::move(file)) {}
    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw ScenarioError(m_file + ": " + path + ": " + what);
    }
    // A value in the entry's range (and integral where it must be).
    void check_value(const TechEntrySpec& e, const json& v, const std::string& path) const {
        if (!v.is_number()) fail(path, "expected a number in " + e.unit + ", got " + v.dump(-1, ' ', false, json::error_handler_t::replace));
        const double d = v.get<double>();
        const bool low = e.min_open ? !(d > e.min) : !(d >= e.min);
        if (!std::isfinite(d) || low || d > e.max || (e.integer && std::floor(d) != d)) {
            std::ostringstream os;
            os << std::setprecision(15) << "expected a physical value in " << range_text(e) << " " << e.unit << ", got " << d;
            fail(path, os.str());
        }
    }
    void check_unit(const TechEntrySpec& e, const json& entry, const std::string& path) const {
        if (!entry.contains("unit")) fail(path, "missing \"unit\" (expected \"" + e.unit + "\")");
        const json& u = entry["unit"];
        if (!u.is_string() || u.get<std::string>() != e.unit)
            fail(path + "/unit", "expected \"" + e.unit + "\", got " + u.dump(-1, ' ', false, json::error_handler_t::replace));
    }

private:
    std::string m_file;
};

TechValue read_entry(const TechEntrySpec& e, const json& v, const std::string& path, const Checker& c) {
    if (!v.is_object()) c.fail(path, "expected an object {\"value\", \"unit\", \"source\"}");
    for (auto it = v.begin(); it != v.end(); ++it)
        if (it.key() != "value" && it.key() != "unit" && it.key() != "source")
            c.fail(path + "/" + it.key(), "unknown key \"" + it.key() + "\"; expected value, unit, source");
    if (!v.contains("value")) c.fail(path, "missing \"value\"");
    c.check_value(e, v["value"], path + "/value");
    c.check_unit(e, v, path);
    if (!v.contains("source")) c.fail(path, "missing \"source\" (a tag such as \"M18 Table I\" or \"assumption: ...\")");
    if (!v["source"].is_string() || v["source"].get<std::string>().empty())
        c.fail(path + "/source", "expected a non-empty string");
    return {v["value"].get<double>(), e.unit, v["source"].get<std::string>(), false};
}

}  // namespace

std::string default_technology_path() { return std::string(XBAR_TECHNOLOGY_DIR) + "/marinella2018.json"; }

Technology parse_technology(const json& doc, const std::string& file) {
    const Checker c(file);
    if (!doc.is_object()) c.fail("/", "expected an object");
    const auto& all = technology_entries();
    Technology t;
    t.file = file;
    t.values.resize(all.size());
    std::vector<bool> seen(all.size(), false);
    std::vector<std::string> groups{"technology", "description"};
    for (const auto& e : all) {
        const std::string g = e.name.substr(0, e.name.find('.'));
        if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string& g = it.key();
        if (g == "technology" || g == "description") {
            if (!it->is_string()) c.fail("/" + g, "expected a string");
            if (g == "technology") t.name = it->get<std::string>();
            continue;
        }
        if (std::find(groups.begin(), groups.end(), g) == groups.end())
            c.fail("/" + g, "unknown group \"" + g + "\"" + suggestion(g, groups));
        if (!it->is_object()) c.fail("/" + g, "expected an object of entries");
        for (auto jt = it->begin(); jt != it->end(); ++jt) {
            const std::string name = g + "." + jt.key(), path = "/" + g + "/" + jt.key();
            const int k = entry_index(name);
            if (k < 0) c.fail(path, "unknown entry \"" + name + "\"" + suggestion(name, entry_names()));
            t.values[k] = read_entry(all[k], *jt, path, c);
            seen[k] = true;
        }
    }
    if (t.name.empty()) c.fail("/technology", "missing: the technology's name (a string)");
    for (std::size_t k = 0; k < all.size(); ++k)
        if (!seen[k]) {
            const std::string& n = all[k].name;
            c.fail("/" + n.substr(0, n.find('.')) + "/" + n.substr(n.find('.') + 1), "required entry is missing");
        }
    if (t.value("sram.word_bits") > t.value("sram.macro_bits"))
        c.fail("/sram/word_bits", "expected at most sram.macro_bits");
    return t;
}

Technology load_technology(const std::string& path) { return parse_technology(load_json_input(path, "technology"), path); }

void apply_overrides(Technology& t, const json& overrides, const std::string& scenario_file, const std::string& base) {
    const Checker c(scenario_file);
    if (!overrides.is_object()) c.fail(base, "expected an object {\"<entry>\": value, ...}");
    const auto& all = technology_entries();
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        const std::string path = base + "/" + it.key();
        const int k = entry_index(it.key());
        if (k < 0) c.fail(path, "unknown technology entry \"" + it.key() + "\"" + suggestion(it.key(), entry_names()));
        const TechEntrySpec& e = all[k];
        TechValue v{0, e.unit, "override in " + scenario_file + " " + path, true};
        if (it->is_object()) {
            for (auto jt = it->begin(); jt != it->end(); ++jt)
                if (jt.key() != "value" && jt.key() != "unit" && jt.key() != "source")
                    c.fail(path + "/" + jt.key(), "unknown key \"" + jt.key() + "\"; expected value, unit, source");
            if (!it->contains("value")) c.fail(path, "missing \"value\"");
            c.check_value(e, (*it)["value"], path + "/value");
            c.check_unit(e, *it, path);
            if (it->contains("source")) {
                if (!(*it)["source"].is_string() || (*it)["source"].get<std::string>().empty())
                    c.fail(path + "/source", "expected a non-empty string");
                v.source = (*it)["source"].get<std::string>();
            }
            v.value = (*it)["value"].get<double>();
        } else {
            c.check_value(e, *it, path);
            v.value = it->get<double>();
        }
        t.values[k] = v;
    }
}

double Technology::value(const std::string& entry) const {
    const int k = entry_index(entry);
    if (k < 0 || std::size_t(k) >= values.size()) throw std::out_of_range("no technology entry " + entry);
    return values[k].value;
}

json Technology::to_json() const {
    json entries = json::object();
    const auto& all = technology_entries();
    for (std::size_t k = 0; k < all.size(); ++k)
        entries[all[k].name] = {{"value", values[k].value}, {"unit", values[k].unit}, {"source", values[k].source},
                                {"overridden", values[k].overridden}};
    return {{"file", file.empty() ? "technologies/marinella2018.json (default)" : file}, {"technology", name},
            {"entries", entries}};
}

void Technology::apply(TechTargets& t) const {
    const auto& all = technology_entries();
    for (std::size_t k = 0; k < all.size(); ++k)
        for (const auto& target : all[k].targets) {
            if (target.design_bits && target.design_bits != t.design_bits) continue;
            const double v = values[k].value;
            std::visit(
                [&](auto field) {
                    using F = decltype(field);
                    if constexpr (std::is_same_v<F, double A::*>) { if (t.analog) t.analog->*field = v; }
                    else if constexpr (std::is_same_v<F, int A::*>) { if (t.analog) t.analog->*field = int(v); }
                    else if constexpr (std::is_same_v<F, double D::*>) { if (t.digital) t.digital->*field = v; }
                    else if constexpr (std::is_same_v<F, int D::*>) { if (t.digital) t.digital->*field = int(v); }
                    else if constexpr (std::is_same_v<F, double du::Params::*>) { if (t.digital_unit) t.digital_unit->*field = v; }
                    else if constexpr (std::is_same_v<F, double InterconnectTech::*>) { if (t.interconnect) t.interconnect->*field = v; }
                    else { if (t.system) t.system->*field = v; }
                },
                target.field);
        }
}

const Technology& reference_technology() {
    static const Technology t = [] {
        Technology r = load_technology(default_technology_path());
        r.file.clear();  // the built-in default
        return r;
    }();
    return t;
}

namespace {
// `p` with the technology applied to it through one slot of TechTargets.
template <class P>
P applied(const Technology& t, P* TechTargets::*slot, P p, int design_bits = 8) {
    TechTargets tt;
    tt.*slot = &p;
    tt.design_bits = design_bits;
    t.apply(tt);
    return p;
}
}  // namespace

AnalogParams analog_params(const Technology& t, AnalogParams geometry) {
    return applied(t, &TechTargets::analog, geometry);
}
DigitalParams digital_params(const Technology& t, int design_bits) {
    return applied(t, &TechTargets::digital, energy::digital_design(design_bits), design_bits);
}
du::Params digital_unit_params(const Technology& t) { return applied(t, &TechTargets::digital_unit, du::Params{}); }
InterconnectTech interconnect_params(const Technology& t) {
    return applied(t, &TechTargets::interconnect, InterconnectTech{});
}
SystemTech system_params(const Technology& t) { return applied(t, &TechTargets::system, SystemTech{}); }

std::string technology_markdown() {
    std::ostringstream os;
    os << "\n# Technology entries\n\n"
          "Generated from the table in `platform/technology.cpp`. A technology file (default\n"
          "`technologies/marinella2018.json`; a scenario names another with `/technology/file`, relative to the\n"
          "scenario) gives every entry below as `{\"value\": v, \"unit\": \"<unit>\", \"source\": \"<tag>\"}` at the JSON\n"
          "path `/<group>/<entry>` (`adc.comparator_ua` is `/adc/comparator_ua`), plus `\"technology\": \"<name>\"`\n"
          "and an optional `\"description\"`. Every entry is required, the unit must be the one listed, the source\n"
          "is a non-empty tag (\"M18 Table I\", \"assumption: ...\"), and the value must lie in the physical range\n"
          "(`(` excludes the bound). A scenario overrides single entries with `/technology/overrides`:\n"
          "`{\"analog_cell.v_read\": 0.7}` (a number in the listed unit) or\n"
          "`{\"analog_cell.v_read\": {\"value\": 0.7, \"unit\": \"V\", \"source\": \"low-voltage study\"}}`.\n"
          "Unknown entries, a missing or wrong unit, a missing source (in a file; an override's `source` is optional\n"
          "and defaults to the scenario's path) or a value outside the range are errors\n"
          "(exit 2) naming the file and the JSON path; an override of an entry the tile variant does not use\n"
          "is a warning (`--strict`: an error). `summary.json` lists the effective technology.\n\n"
          "| entry | unit | range | sets | meaning | variants |\n"
          "|---|---|---|---|---|---|\n";
    for (const auto& e : technology_entries()) {
        std::string variants;
        for (const auto& v : entry_variants(e)) variants += (variants.empty() ? "" : ", ") + v;
        os << "| `" << e.name << "` | " << e.unit << " | " << range_text(e) << " | " << e.goes_to << " | " << e.doc
           << " | " << variants << " |\n";
    }
    return os.str();
}

}  // namespace xbar::platform
