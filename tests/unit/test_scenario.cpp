// Scenario validation: every error names the file, the JSON pointer and what was expected.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "platform/errors.h"
#include "platform/resources.h"
#include "platform/scenario.h"

using namespace xbar::platform;
using nlohmann::json;

namespace {
std::string error_of(const json& doc) {
    try {
        parse_scenario(doc, "s.json");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(Scenario, EmptyObjectGetsAllDefaults) {
    const Scenario s = parse_scenario(json::object(), "dir/quick.json");
    EXPECT_EQ(s.name, "quick");
    EXPECT_EQ(s.tile(0).rows, 1024);
    EXPECT_EQ(s.tile(0).bits_delta, 4);
    EXPECT_EQ(s.program, "quickstart");
    EXPECT_EQ(s.effective.at("/tile/activity"_json_pointer), "nominal");
    EXPECT_EQ(s.effective.at("/seed"_json_pointer), 1);
}

TEST(Scenario, UnknownKeyNamesItsPathAndSuggests) {
    const std::string e = error_of(json::parse(R"({"tile": {"rowz": 12}})"));
    EXPECT_NE(e.find("s.json: /tile/rowz: unknown key \"rowz\""), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean \"rows\""), std::string::npos) << e;
    const std::string top = error_of(json::parse(R"({"tiel": {}})"));
    EXPECT_NE(top.find("/tiel"), std::string::npos) << top;
    EXPECT_NE(top.find("did you mean \"tile\""), std::string::npos) << top;
}

TEST(Scenario, WrongTypesAreNamed) {
    EXPECT_NE(error_of(json::parse(R"({"tile": {"rows": "many"}})")).find("/tile/rows: expected an integer, got a string"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"({"tile": {"rows": 12.5}})")).find("expected an integer"), std::string::npos);
    EXPECT_NE(error_of(json::parse(R"({"tile": 3})")).find("/tile: expected an object"), std::string::npos);
    EXPECT_NE(error_of(json::parse(R"({"outputs": {"vcd": 1}})")).find("/outputs/vcd: expected true or false"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"([1, 2])")).find("s.json: /: expected an object"), std::string::npos);
}

TEST(Scenario, OutOfRangeAndBadChoices) {
    const std::string big = error_of(json::parse(R"({"tile": {"rows": 1000000}})"));
    EXPECT_NE(big.find("/tile/rows: expected a value in [1, 4096]"), std::string::npos) << big;
    const std::string bits = error_of(json::parse(R"({"tile": {"bits_in": 9}})"));
    EXPECT_NE(bits.find("/tile/bits_in"), std::string::npos) << bits;
    const std::string var = error_of(json::parse(R"({"tile": {"variant": "quantum"}})"));
    EXPECT_NE(var.find("/tile/variant: expected one of [analog_reram, digital_reram, sram], got \"quantum\""), std::string::npos) << var;
}

TEST(Scenario, AddressMapOverlapIsRejected) {
    const std::string e = error_of(json::parse(
        R"({"platform": {"dram": {"base": 1073741824, "size_mib": 64}, "tile_map": {"base": 1075838976}}})"));
    EXPECT_NE(e.find("/platform/tile_map/base: tile windows"), std::string::npos) << e;
    EXPECT_NE(e.find("overlap DRAM"), std::string::npos) << e;
}

TEST(Scenario, CrossFieldLimits) {
    EXPECT_NE(error_of(json::parse(R"({"tile": {"rows": 128}, "firmware": {"size": 256}})")).find("/firmware/size"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"({"platform": {"dram": {"size_mib": 1}}})")).find("/platform/dram/size_mib"),
              std::string::npos);
}

TEST(Scenario, BadJsonReportsLineAndColumn) {
    const std::string path = ::testing::TempDir() + "bad.json";
    std::ofstream(path) << "{\n  \"seed\": 3,\n  \"tile\": {\"rows\": }\n}\n";
    try {
        load_scenario(path);
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(path + ": /: invalid JSON at line 3"), std::string::npos) << m;
    }
    EXPECT_THROW(load_scenario(::testing::TempDir() + "does-not-exist.json"), InputError);  // exit 2 too
}

TEST(Scenario, EveryFieldHasDocumentationAndAValidDefault) {
    for (const auto& f : scenario_fields()) {
        EXPECT_FALSE(f.doc.empty()) << f.path;
        EXPECT_EQ(f.path[0], '/') << f.path;
    }
    // The defaults alone form a valid scenario (checked above); each default is within range.
    const Scenario s = parse_scenario(json::object(), "x.json");
    for (const auto& f : scenario_fields()) EXPECT_TRUE(s.effective.contains(json::json_pointer(f.path))) << f.path;
}

TEST(Scenario, NamesThatCannotBeFolderNamesAreRejected) {
    for (const std::string& bad : {std::string("\0x", 2), std::string("a\nb"), std::string("a\x7f"), std::string("a/b"),
                                  std::string("a\\b"), std::string("."), std::string(".."), std::string(".hidden"),
                                  std::string(101, 'n')}) {
        const std::string e = error_of(json{{"name", bad}});
        EXPECT_NE(e.find("s.json: /name: expected"), std::string::npos) << e;
    }
    EXPECT_NE(error_of(json{{"name", std::string(255, 'n')}}).find("at most 100 bytes, got 255"), std::string::npos);
    EXPECT_EQ(parse_scenario(json{{"name", std::string(100, 'n')}}, "s.json").name.size(), 100u);
    EXPECT_EQ(parse_scenario(json{{"name", "run-1.a_b"}}, "s.json").name, "run-1.a_b");
}

TEST(Scenario, DeepDocumentsFromOtherReadersAreRejectedWithoutRecursion) {
    json deep = json::array();
    for (int k = 0; k < 70; ++k) deep = json::array({deep});
    const std::string e = error_of(json{{"tile", {{"rows", deep}}}});
    EXPECT_NE(e.find("nested deeper than 64 levels"), std::string::npos) << e;
}

TEST(Scenario, TextParserNamesDuplicateKeysAndNulBytes) {
    auto text_error = [](const std::string& text) {
        try {
            parse_scenario_text(text, "t.json");
        } catch (const ScenarioError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(text_error(R"({"tile": {"rows": 64, "rows": 128}})").find("t.json: /tile/rows: duplicate key \"rows\""),
              std::string::npos);
    EXPECT_NE(text_error(std::string("{\"seed\": 1}\0junk", 16)).find("t.json: /: invalid JSON at line 1, column 12: a NUL byte"),
              std::string::npos);
    EXPECT_NE(text_error(std::string(100, '[') + std::string(100, ']')).find("nested deeper than 64"), std::string::npos);
}

TEST(Scenario, WrittenFieldsWithoutEffectAreWarningsByPath) {
    const Scenario s = parse_scenario(json::parse(R"({"tile": {"device": {"alpha": 3, "lut_mode": "pulses"},
        "carry": {"base": 4}}, "firmware": {"epochs": 2, "fault": 1}, "outputs": {"trace": false, "trace_level": "all"}})"),
                                      "w.json");
    const auto w = scenario_warnings(s);
    ASSERT_EQ(w.size(), 6u);
    const char* paths[] = {"/firmware/fault", "/firmware/epochs", "/tile/device/alpha", "/tile/device/lut_mode",
                           "/tile/carry/base", "/outputs/trace_level"};
    for (std::size_t k = 0; k < w.size(); ++k)
        EXPECT_EQ(w[k].rfind(std::string("w.json: ") + paths[k] + ": has no effect", 0), 0u) << w[k];
    EXPECT_NE(w[2].find("/tile/device/model is ideal"), std::string::npos) << w[2];
    EXPECT_NE(w[4].find("/tile/carry/cells is not 1"), std::string::npos) << w[4];
    // Defaults never warn, and fields that apply do not either.
    EXPECT_TRUE(scenario_warnings(parse_scenario(json::object(), "d.json")).empty());
    EXPECT_TRUE(scenario_warnings(parse_scenario(json::parse(R"({"firmware": {"program": "train_mlp", "epochs": 2},
        "tile": {"device": {"model": "analytic", "alpha": 2}, "carry": {"cells": 2, "base": 4}}})"), "ok.json")).empty());
}

TEST(Scenario, OverridesKeepTheUsersFieldsAndStrictTurnsWarningsIntoOneError) {
    const Scenario s = parse_scenario(json::parse(R"({"tile": {"read_noise": 0.01}})"), "v.json");
    EXPECT_TRUE(scenario_warnings(s).empty());
    const Scenario digital = override_scenario(s, {{"tile", {{"variant", "digital_reram"}}}});
    EXPECT_EQ(digital.tile(0).variant, "digital_reram");
    const auto w = scenario_warnings(digital);
    ASSERT_EQ(w.size(), 1u);  // only what the user wrote, not the overridden variant
    EXPECT_NE(w[0].find("/tile/read_noise: has no effect"), std::string::npos) << w[0];
    std::ostringstream err;
    report_warnings(digital, false, err);
    EXPECT_EQ(err.str(), "xbar-vp: warning: " + w[0] + "\n");
    try {
        report_warnings(digital, true, err);
        FAIL() << "--strict must fail";
    } catch (const ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find("/tile/read_noise: has no effect"), std::string::npos);
    }
}

// The architecture fields (/tile/cores, /tile/adc/shared, /tile/buffers/*, /tile/digital_unit/lanes)
// reach each tile's spec; a /platform/tiles element merges over /tile like every tile field. The
// defaults are written out here: 1 core, one ADC bank per core, the window's 64 KiB buffers, the
// digital unit's 256 lanes.
TEST(Scenario, ArchitectureFieldsReachEachTilesSpec) {
    const TileSpec d = parse_scenario(json::object(), "d.json").tile(0);
    EXPECT_EQ(d.cores, 1);
    EXPECT_FALSE(d.adc_shared);
    EXPECT_EQ(d.in_buf_bytes, 65536u);
    EXPECT_EQ(d.out_buf_bytes, 65536u);
    EXPECT_EQ(d.du_lanes, 256);
    const TileSpec t = parse_scenario(json::parse(R"({"tile": {"rows": 128, "cols": 256, "cores": 16, "adc": {"shared": true},
        "buffers": {"input_bytes": 256, "output_bytes": 256}, "digital_unit": {"lanes": 32}}, "firmware": {"size": 8}})"), "a.json").tile(0);
    EXPECT_EQ(t.cores, 16);
    EXPECT_TRUE(t.adc_shared);
    EXPECT_EQ(t.in_buf_bytes, 256u);
    EXPECT_EQ(t.out_buf_bytes, 256u);
    EXPECT_EQ(t.du_lanes, 32);
    const Scenario list = parse_scenario(json::parse(R"({"tile": {"digital_unit": {"lanes": 64}}, "platform": {"tiles": [
        {"cores": 2}, {"variant": "sram", "rows": 64, "cols": 64, "buffers": {"input_bytes": 64}}]}})"), "l.json");
    EXPECT_EQ(list.tile(0).cores, 2);
    EXPECT_EQ(list.tile(1).cores, 1);
    EXPECT_EQ(list.tile(0).in_buf_bytes, 65536u);
    EXPECT_EQ(list.tile(1).in_buf_bytes, 64u);
    EXPECT_EQ(list.tile(1).du_lanes, 64);  // from /tile
}

// train_mlp places layer blocks on every core of every tile: a tile's cores add to the rows.
TEST(Scenario, LayersMayFillEveryCoreOfATile) {
    auto doc = [](int cores) {
        return json{{"tile", {{"rows", 64}, {"cols", 64}, {"cores", cores}}},
                    {"firmware", {{"program", "train_mlp"}, {"dataset", "digits"}, {"layers", {64, 36, 10}}}}};
    };
    EXPECT_EQ(error_of(doc(2)), "");
    EXPECT_EQ(error_of(doc(1)),
              "s.json: /firmware/layers: the layers need 102 rows (bias rows included), the 1 tile(s)' cores have 64");
}

// A buffer holds at least one vector of max(rows, cols) codes, and at most the window's 64 KiB.
TEST(Scenario, BuffersHoldOneVectorAndFitTheWindow) {
    auto doc = [](int rows, int cols, const char* key, int bytes) {
        return json{{"tile", {{"rows", rows}, {"cols", cols}, {"buffers", {{key, bytes}}}}}, {"firmware", {{"size", 8}}}};
    };
    for (const char* key : {"input_bytes", "output_bytes"}) {
        EXPECT_EQ(error_of(doc(300, 200, key, 300)), "") << key;
        EXPECT_EQ(error_of(doc(200, 300, key, 300)), "") << key;
        EXPECT_EQ(error_of(doc(1024, 1024, key, 65536)), "") << key;
        EXPECT_EQ(error_of(doc(200, 300, key, 299)), std::string("s.json: /tile/buffers/") + key +
                                                        ": expected at least 300 bytes, got 299: smaller than one vector "
                                                        "(max(rows, cols) = 300 bytes; a VMM reads rows codes and writes "
                                                        "cols codes, an MVM the reverse)") << key;
        EXPECT_EQ(error_of(doc(64, 64, key, 65537)), std::string("s.json: /tile/buffers/") + key +
                                                       ": expected a value in [1, 65536] byte, got 65537 (the tile window "
                                                       "has room for 64 KiB per buffer)") << key;
    }
    EXPECT_EQ(error_of(json::parse(R"({"tile": {"cores": 17}})")),
              "s.json: /tile/cores: expected a value in [1, 16], got 17 (the tile window has register banks for 16 cores)");
    EXPECT_EQ(error_of(json::parse(R"({"platform": {"tiles": [{}, {"rows": 8, "cols": 16, "buffers": {"output_bytes": 15}}]}, "firmware": {"size": 8}})")),
              "s.json: /platform/tiles/1/buffers/output_bytes: expected at least 16 bytes, got 15: smaller than one vector "
              "(max(rows, cols) = 16 bytes; a VMM reads rows codes and writes cols codes, an MVM the reverse)");
}

// One ADC bank for all cores has an effect only on an analog tile of more than one core.
TEST(Scenario, SharedAdcWarnsWhereItHasNoEffect) {
    auto warnings = [](const char* text) { return scenario_warnings(parse_scenario(json::parse(text), "w.json")); };
    const auto one = warnings(R"({"tile": {"adc": {"shared": true}}})");
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0], "w.json: /tile/adc/shared: has no effect: it applies only when /tile/variant is analog_reram and "
                      "/tile/cores is not 1, but /tile/cores is 1 (remove the field)");
    const auto sram = warnings(R"({"tile": {"variant": "sram", "cores": 4, "adc": {"shared": true}}})");
    ASSERT_EQ(sram.size(), 1u);
    EXPECT_NE(sram[0].find("/tile/adc/shared: has no effect: it applies only when /tile/variant is analog_reram and "
                           "/tile/cores is not 1, but /tile/variant is sram"), std::string::npos) << sram[0];
    EXPECT_TRUE(warnings(R"({"tile": {"cores": 4, "adc": {"shared": true}}})").empty());
    const auto list = warnings(R"({"platform": {"tiles": [{"cores": 2}, {"variant": "sram", "adc": {"shared": true}}]}})");
    ASSERT_EQ(list.size(), 1u);
    EXPECT_NE(list[0].find("w.json: /platform/tiles/1/adc/shared: has no effect"), std::string::npos) << list[0];
    EXPECT_NE(list[0].find("but /platform/tiles/1/variant is sram"), std::string::npos) << list[0];
    // The other architecture fields apply on every tile.
    EXPECT_TRUE(warnings(R"({"tile": {"variant": "digital_reram", "cores": 2, "buffers": {"input_bytes": 2048},
        "digital_unit": {"lanes": 8}}})").empty());
}

TEST(Scenario, SeedOptionIsCheckedAgainstTheSchemaRange) {
    EXPECT_EQ(parse_seed_option("0"), 0u);
    EXPECT_EQ(parse_seed_option("9007199254740991"), 9007199254740991u);
    for (const char* bad : {"-1", "9007199254740992", "18446744073709551615", "1e3", "", "0x10", " 1", "1.0"})
        EXPECT_THROW(parse_seed_option(bad), ScenarioError) << bad;
}

TEST(Scenario, SchemaShowsWhenEachFieldApplies) {
    const std::string md = schema_markdown();
    EXPECT_NE(md.find("| `/tile/device/alpha` |"), std::string::npos);
    EXPECT_NE(md.find("| /tile/variant is analog_reram and /tile/device/model is analytic |"), std::string::npos);
    EXPECT_NE(md.find("| /firmware/program is train_mlp |"), std::string::npos);
    EXPECT_NE(md.find("| /tile/variant is analog_reram and /tile/carry/cells is not 1 |"), std::string::npos);
    for (const auto& f : scenario_fields())
        for (const auto& a : f.applies) EXPECT_NE(a.path, f.path);
}

TEST(Resources, EstimateFollowsTheFieldsThatDriveIt) {
    const Scenario small = parse_scenario(json::parse(R"({"outputs": {"trace": false}})"), "s.json");
    const Scenario big = parse_scenario(json::parse(R"({"platform": {"tiles": 64}, "outputs": {"trace": false},
        "tile": {"rows": 4096, "cols": 4096, "carry": {"cells": 8}}})"), "b.json");
    const auto e = estimate_memory(big);
    EXPECT_EQ(e.items.front().what, "crossbar cells");
    EXPECT_EQ(e.items.front().bytes, 64ull * 4096 * 4096 * 9 * 4);  // 8 digit arrays + combined weights
    EXPECT_LT(estimate_memory(small).total, 64ull << 20);
    EXPECT_NO_THROW(check_memory(small, 1ull << 30));
    try {
        check_memory(big, 8ull << 30);
        FAIL() << "36 GiB must not fit 8 GiB";
    } catch (const ScenarioError& err) {
        const std::string m = err.what();
        EXPECT_NE(m.find("b.json: /platform/tiles: the run needs about 36.0 GiB"), std::string::npos) << m;
        EXPECT_NE(m.find("/tile/carry/cells"), std::string::npos) << m;
        EXPECT_NE(m.find("--max-memory"), std::string::npos) << m;
    }
    const Scenario traced = parse_scenario(json::parse(R"({"outputs": {"trace_max_events": 100000000}})"), "t.json");
    EXPECT_EQ(estimate_memory(traced).items.front().fields.front(), "/outputs/trace_max_events");
    const Scenario dram = parse_scenario(json::parse(R"({"platform": {"dram": {"size_mib": 16384}}})"), "d.json");
    EXPECT_EQ(estimate_memory(dram).total, estimate_memory(parse_scenario(json::object(), "x.json")).total);  // lazy DRAM
}

// Every core of a tile keeps its own cells (4 bytes per analog cell, 1 per digital cell).
TEST(Resources, CrossbarStateCountsEveryCore) {
    const Scenario analog = parse_scenario(json::parse(R"({"tile": {"rows": 2048, "cols": 2048, "cores": 4},
        "outputs": {"trace": false}})"), "a.json");
    const auto a = estimate_memory(analog);
    EXPECT_EQ(a.items.front().what, "crossbar cells");
    EXPECT_EQ(a.items.front().bytes, 4ull * 2048 * 2048 * 4);
    EXPECT_NE(std::find(a.items.front().fields.begin(), a.items.front().fields.end(), "/tile/cores"), a.items.front().fields.end());
    const Scenario mixed = parse_scenario(json::parse(R"({"tile": {"rows": 2048, "cols": 2048}, "outputs": {"trace": false},
        "platform": {"tiles": [{"cores": 3}, {"variant": "sram", "cores": 2}]}})"), "m.json");
    EXPECT_EQ(estimate_memory(mixed).items.front().bytes, 3ull * 2048 * 2048 * 4 + 2ull * 2048 * 2048 * 1);
}

TEST(Resources, MemorySizesParse) {
    EXPECT_EQ(parse_memory_size("8G"), 8ull << 30);
    EXPECT_EQ(parse_memory_size("512M"), 512ull << 20);
    EXPECT_EQ(parse_memory_size("1.5GiB"), 3ull << 29);
    EXPECT_EQ(parse_memory_size("4096k"), 4ull << 20);
    EXPECT_EQ(parse_memory_size("1000000"), 1000000u);
    for (const char* bad : {"", "G", "-1G", "8X", "8 G", "0", "nan", "1e30T"}) EXPECT_THROW(parse_memory_size(bad), ScenarioError) << bad;
    EXPECT_GT(default_memory_limit(), 0u);
}
