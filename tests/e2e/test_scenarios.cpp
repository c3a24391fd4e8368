// The technology scenarios run and show their effect against the paper scenario they modify, by
// the factor their equations give, and the report shows the overrides with their sources.
#include <fstream>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
using nlohmann::json;
namespace fs = std::filesystem;
const fs::path kScenarios = fs::path(XBAR_SOURCE_DIR) / "scenarios";

json run(const fs::path& scenario, const std::string& tag, std::string* report = nullptr) {
    const fs::path w = e2e::scratch("scenario-" + tag);
    const auto r = e2e::xbar("run '" + scenario.string() + "' --out '" + (w / "out").string() + "'", w);
    EXPECT_EQ(r.exit_code, 0) << scenario << ": " << r.err;
    if (report) *report = e2e::slurp(w / "out" / "report.html");
    return e2e::summary(w / "out");
}
double component(const json& s, const std::string& c) {
    double nj = 0;
    for (const auto& [k, v] : s.at("energy").at("by_component_nj").at(c).items()) nj += v.get<double>();
    return nj;
}
}  // namespace

TEST(Scenarios, TechnologyScenariosRunAndShowTheirEffect) {
    const json base = run(kScenarios / "paper/analog-8bit.json", "base");
    std::string report;  // (adc-comparator-10ua: tests/e2e/test_technology.cpp)
    // Low voltage: the comparators and integrators at 1.2 of 1.8 V, the array read at 0.5 of 0.785 V
    // with the ohmic current: those scale by 2/3 and (0.5 / 0.785)^2 for the cell current term.
    const json lv = run(kScenarios / "technology/low-voltage.json", "low-voltage", &report);
    EXPECT_NEAR(component(lv, "tile0.integrator"), component(base, "tile0.integrator") * 1.2 / 1.8,
                1e-9 * component(base, "tile0.integrator"));
    EXPECT_LT(lv.at("cycle").at("tile0").at("energy_nj").get<double>(),
              0.75 * base.at("cycle").at("tile0").at("energy_nj").get<double>());
    EXPECT_NE(report.find("low-voltage study"), std::string::npos);  // the override's source is shown
    EXPECT_NE(report.find("technology-overrides"), std::string::npos);
    // DRAM-heavy: a mini-batch of 4 writes each batch's accumulated update through DRAM; DRAM is
    // then most of the run's energy, and its per-bit energy is the overridden 40 pJ.
    const json dh = run(kScenarios / "technology/dram-heavy.json", "dram-heavy", &report);
    EXPECT_GT(dh.at("energy").at("by_owner_nj").at("dram").get<double>(), 0.5 * dh.at("energy").at("total_nj").get<double>());
    for (const auto& a : dh.at("energy").at("actions"))
        if (a.at("owner") == "dram") {
            EXPECT_EQ(a.at("energy_pj_per_event").get<double>(), 40.0);
        }
    EXPECT_NE(report.find("not-modelled-table"), std::string::npos);
}
