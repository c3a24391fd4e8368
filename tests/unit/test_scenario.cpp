// Scenario validation: every error names the file, the JSON pointer and what was expected.
#include <fstream>

#include <gtest/gtest.h>

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
    EXPECT_EQ(s.rows, 1024);
    EXPECT_EQ(s.bits_delta, 4);
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
    EXPECT_THROW(load_scenario(::testing::TempDir() + "does-not-exist.json"), ScenarioError);
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
