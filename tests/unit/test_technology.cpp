// The technology table and file (platform/technology.*): the default file holds the reference's
// printed values (written out here from reference/marinella2018.md, not read from the code), every
// entry reaches its parameter field, overrides replace single entries, and parameter structs with
// no technology applied are rejected rather than silently zero.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "models/energy/analog_costs.h"
#include "models/energy/digital_costs.h"
#include "platform/scenario.h"
#include "platform/technology.h"

using namespace xbar;
using namespace xbar::platform;
using nlohmann::json;

TEST(Technology, DefaultFileHoldsTheReferenceValues) {
    const Technology& t = reference_technology();
    EXPECT_EQ(t.name, "marinella2018");
    // M18 Table I.
    const std::pair<const char*, double> table1[] = {
        {"wire.m1_pitch_um", 0.064}, {"wire.c_af_per_um", 200}, {"wire.r_ohm_per_um", 30},
        {"transistor.v_logic", 0.8}, {"transistor.hv_area_um2", 0.35}, {"cell.c_af", 35},
        {"analog_cell.v_read", 0.785}, {"analog_cell.i_read_na", 1}, {"analog_cell.v_write", 1.8},
        {"analog_cell.i_write_na", 10.3}, {"analog_cell.on_off_ratio", 10}, {"binary_cell.v_read", 0.954},
        {"binary_cell.i_read_na", 98}, {"binary_cell.v_write", 1.8}, {"binary_cell.i_write_na", 846},
        {"timing.min_pulse_ns", 1}};
    for (const auto& [name, v] : table1) EXPECT_EQ(t.value(name), v) << name;
    // M18 §IV (B: temporal drivers, C: voltage drivers, D: integrator, E: ADC, G: digital ReRAM,
    // H: SRAM, J: MAC) and Tables II / IV.
    const std::pair<const char*, double> section4[] = {
        {"temporal_driver.ls_transition_fj", 15}, {"temporal_driver.transitions_per_row_bit", 170.0 / (1024 * 8 * 0.015)},
        {"temporal_driver.logic_read_pj_8bit", 35}, {"voltage_driver.write_pj", 80},
        {"voltage_driver.logic_nj_8bit", 0.02}, {"integrator.current_ua", 12}, {"integrator.voltage", 1.8},
        {"integrator.area_um2", 6.4}, {"adc.comparator_ua", 20}, {"adc.comparator_v", 1.8},
        {"adc.comparator_um2", 5.7}, {"mac.units", 256}, {"mac.energy_pj_8bit", 1.46},
        {"mac.area_um2_8bit", 54000.0 / 256}, {"mac.area_um2_4bit", 35000.0 / 256}, {"mac.area_um2_2bit", 23000.0 / 256},
        {"input_register.ff_um2", 7000.0 / (1024 * 8)}, {"digital_reram.read_ns", 86}, {"digital_reram.write_ns", 10},
        {"digital_reram.read_nj_1mb", 166}, {"digital_reram.write_nj_1mb", 676}, {"digital_reram.sense_fj", 5},
        {"digital_reram.array_um2", 9500}, {"digital_reram.read_parallel_bits", 512},
        {"digital_reram.write_parallel_bits", 64}, {"sram.macro_bits", 128 * 1024}, {"sram.word_bits", 64},
        {"sram.access_ns", 2}, {"sram.read_fj_per_bit", 34}, {"sram.write_fj_per_bit", 46}, {"sram.macro_um2", 12103}};
    for (const auto& [name, v] : section4) EXPECT_EQ(t.value(name), v) << name;
}

TEST(Technology, EveryEntryHasAUnitASourceAndAField) {
    const Technology& t = reference_technology();
    ASSERT_EQ(t.values.size(), technology_entries().size());
    for (std::size_t k = 0; k < t.values.size(); ++k) {
        const TechEntrySpec& e = technology_entries()[k];
        EXPECT_EQ(t.values[k].unit, e.unit) << e.name;
        EXPECT_FALSE(t.values[k].source.empty()) << e.name;
        EXPECT_FALSE(e.targets.empty()) << e.name;
        EXPECT_FALSE(t.values[k].overridden) << e.name;
    }
    // Applied, the parameter sets are complete: the cost tables accept them.
    EXPECT_NO_THROW(energy::make_analog_cost_table(analog_params(t)));
    for (int bits : {8, 4, 2}) {
        EXPECT_NO_THROW(energy::make_digital_cost_table(digital_params(t, bits), energy::DigitalMemory::reram));
        EXPECT_NO_THROW(energy::make_digital_cost_table(digital_params(t, bits), energy::DigitalMemory::sram));
    }
    // The MAC entries of a design reach only that design (M18 Table IV: 900 / 520 nJ per 1M ops).
    EXPECT_EQ(digital_params(t, 8).mac_pj, 1.46);
    EXPECT_EQ(digital_params(t, 4).mac_pj, 0.86);
    EXPECT_EQ(digital_params(t, 2).mac_pj, 0.50);
    EXPECT_EQ(digital_params(t, 4).mac_um2, 35000.0 / 256);
    EXPECT_EQ(digital_unit_params(t).energy_pj_per_element, 1.46);
    EXPECT_EQ(interconnect_params(t).wire_c_af_per_um, 200);
    EXPECT_EQ(interconnect_params(t).voltage, 0.8);
}

TEST(Technology, StructsWithoutATechnologyAreRejected) {
    EXPECT_THROW(energy::make_analog_cost_table(energy::AnalogParams{}), std::invalid_argument);
    EXPECT_THROW(energy::make_digital_cost_table(energy::DigitalParams{}, energy::DigitalMemory::sram), std::invalid_argument);
    EXPECT_TRUE(std::isnan(du::Params{}.energy_pj_per_element));
}

TEST(Technology, OverridesReplaceSingleEntries) {
    const Scenario s = parse_scenario(
        json::parse(R"({"technology": {"overrides": {"analog_cell.v_read": 0.7,
                        "adc.comparator_ua": {"value": 10, "unit": "uA", "source": "low-power comparator"}}}})"),
        "dir/s.json");
    EXPECT_EQ(s.technology.value("analog_cell.v_read"), 0.7);
    EXPECT_EQ(s.technology.value("adc.comparator_ua"), 10);
    EXPECT_EQ(s.technology.value("analog_cell.v_write"), 1.8);
    const json j = s.technology.to_json();
    EXPECT_TRUE(j["entries"]["analog_cell.v_read"]["overridden"].get<bool>());
    EXPECT_EQ(j["entries"]["analog_cell.v_read"]["source"], "override in dir/s.json /technology/overrides/analog_cell.v_read");
    EXPECT_EQ(j["entries"]["adc.comparator_ua"]["source"], "low-power comparator");
    EXPECT_FALSE(j["entries"]["analog_cell.v_write"]["overridden"].get<bool>());
    EXPECT_EQ(analog_params(s.technology).v_read, 0.7);
}

TEST(Technology, ARelativeFileIsReadNextToTheScenario) {
    const auto dir = std::filesystem::temp_directory_path() / ("xbar-unit-tech-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "t");
    std::ifstream in(default_technology_path());
    json t = json::parse(in);
    t["technology"] = "other";
    t["sram"]["read_fj_per_bit"]["value"] = 17;
    std::ofstream(dir / "t" / "other.json") << t.dump();
    const Scenario s = parse_scenario(json::parse(R"({"technology": {"file": "t/other.json"}})"), (dir / "s.json").string());
    EXPECT_EQ(s.technology.name, "other");
    EXPECT_EQ(s.technology.file, "t/other.json");
    EXPECT_EQ(s.technology.value("sram.read_fj_per_bit"), 17);
    std::filesystem::remove_all(dir);
}

TEST(Technology, AnOverrideTheVariantDoesNotUseIsAWarning) {
    // sram.* entries also build every tile's buffers: no warning on an analog tile.
    const Scenario s = parse_scenario(json::parse(R"({"technology": {"overrides": {"digital_reram.read_ns": 3,
                                                      "sram.read_fj_per_bit": 17, "adc.comparator_ua": 10,
                                                      "interconnect.voltage": 0.5}}})"),
                                      "s.json");
    const auto w = scenario_warnings(s);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0], "s.json: /technology/overrides/digital_reram.read_ns: has no effect: the entry applies only when "
                    "/tile/variant is digital_reram, but /tile/variant is analog_reram (remove the override)");
    const Scenario d = parse_scenario(json::parse(R"({"tile": {"variant": "digital_reram"},
        "technology": {"overrides": {"digital_reram.sense_fj": 4, "wire.c_af_per_um": 250, "adc.comparator_ua": 10}}})"), "d.json");
    const auto wd = scenario_warnings(d);
    ASSERT_EQ(wd.size(), 1u);
    EXPECT_NE(wd[0].find("/technology/overrides/adc.comparator_ua: has no effect"), std::string::npos) << wd[0];
}

TEST(Technology, AnOverrideThisConfigurationDoesNotUseIsAWarning) {
    // A 4-bit MAC figure on an 8-bit digital design, and the ON/OFF ratio with nominal activity.
    const Scenario d = parse_scenario(json::parse(R"({"tile": {"variant": "sram"},
        "technology": {"overrides": {"mac.energy_pj_4bit": 1, "mac.energy_pj_8bit": 2}}})"), "d.json");
    const auto wd = scenario_warnings(d);
    ASSERT_EQ(wd.size(), 1u);
    EXPECT_NE(wd[0].find("/technology/overrides/mac.energy_pj_4bit: has no effect"), std::string::npos) << wd[0];
    const Scenario d4 = parse_scenario(json::parse(R"({"tile": {"variant": "sram", "bits_in": 4, "bits_out": 4, "bits_x": 4, "bits_delta": 2},
        "technology": {"overrides": {"mac.energy_pj_4bit": 1}}})"), "d4.json");
    EXPECT_TRUE(scenario_warnings(d4).empty());
    const Scenario n = parse_scenario(json::parse(R"({"technology": {"overrides": {"analog_cell.on_off_ratio": 100}}})"), "n.json");
    const auto wn = scenario_warnings(n);
    ASSERT_EQ(wn.size(), 1u);
    EXPECT_NE(wn[0].find("/tile/activity is data"), std::string::npos) << wn[0];
    const Scenario a = parse_scenario(json::parse(R"({"tile": {"activity": "data"},
        "technology": {"overrides": {"analog_cell.on_off_ratio": 100}}})"), "a.json");
    EXPECT_TRUE(scenario_warnings(a).empty());
}

// The cell pitch and capacitance reach a digital core only through the binary ReRAM array's
// CV^2 + IVt cross-check: on an SRAM tile they change nothing, so an override warns.
TEST(Technology, CellGeometryOverridesOnAnSramTileAreAWarning) {
    const Scenario s = parse_scenario(json::parse(R"({"tile": {"variant": "sram"},
        "technology": {"overrides": {"wire.m1_pitch_um": 0.05, "cell.c_af": 40, "wire.c_af_per_um": 250}}})"), "s.json");
    const auto w = scenario_warnings(s);
    ASSERT_EQ(w.size(), 2u);
    EXPECT_NE(w[0].find("/technology/overrides/cell.c_af: has no effect"), std::string::npos) << w[0];
    EXPECT_NE(w[1].find("/technology/overrides/wire.m1_pitch_um: has no effect"), std::string::npos) << w[1];
}
