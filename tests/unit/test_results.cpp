// The console summary's header names each kind of tile: its cores, variant and array size.
#include <sstream>

#include <gtest/gtest.h>

#include "platform/results.h"
#include "platform/scenario.h"

using namespace xbar::platform;
using nlohmann::json;

namespace {
std::string header(const char* scenario) {
    std::ostringstream os;
    json doc = json::parse(scenario);
    doc["firmware"]["size"] = 8;  // quickstart's region fits the 128 x 128 tiles
    print_summary(os, parse_scenario(doc, "h.json"), RunResult{});
    const std::string out = os.str();
    return out.substr(0, out.find('\n'));
}
}  // namespace

TEST(Results, ConsoleHeaderShowsTheCoresOfATile) {
    EXPECT_NE(header(R"({"tile": {"rows": 128, "cols": 128}})").find("  tiles analog_reram 128x128  "), std::string::npos);
    EXPECT_NE(header(R"({"tile": {"rows": 128, "cols": 128, "cores": 4}})").find("  tiles 4x analog_reram 128x128  "),
              std::string::npos);
    // Tiles are grouped only when they are alike, cores included.
    EXPECT_NE(header(R"({"tile": {"rows": 128, "cols": 128, "cores": 4}, "platform": {"tiles": 2}})")
                  .find("  tiles 2 x 4x analog_reram 128x128  "), std::string::npos);
    EXPECT_NE(header(R"({"tile": {"rows": 128, "cols": 128}, "platform": {"tiles": [{"cores": 2}, {}, {"variant": "sram"}]}})")
                  .find("  tiles 2x analog_reram 128x128 + analog_reram 128x128 + sram 128x128  "), std::string::npos);
}
