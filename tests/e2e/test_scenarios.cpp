// The committed scenarios: every one validates with --strict (no field without effect), and the
// technology scenarios run and show their effect against the paper scenario they modify, by the
// factor their equations give.
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

TEST(Scenarios, EveryCommittedScenarioValidatesStrictly) {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(kScenarios)) {
        if (e.path().extension() != ".json" || e.path().parent_path().filename() == "sweeps") continue;
        const auto r = e2e::xbar("validate --strict '" + e.path().string() + "'", e2e::scratch("validate"));
        EXPECT_EQ(r.exit_code, 0) << e.path() << ": " << r.err;
        ++n;
    }
    EXPECT_GE(n, 20);
}

TEST(Scenarios, TechnologyScenariosRunAndShowTheirEffect) {
    const json base = run(kScenarios / "paper/analog-8bit.json", "base");
    std::string report;
    // Half the comparator current: the ADC's energy halves (E = I V t), nothing else in the core.
    const json adc = run(kScenarios / "technology/adc-comparator-10ua.json", "adc", &report);
    EXPECT_NEAR(component(adc, "tile0.adc"), component(base, "tile0.adc") / 2, 1e-9 * component(base, "tile0.adc"));
    EXPECT_NE(report.find("technology-overrides"), std::string::npos);
    // Low voltage: the comparators and integrators at 1.2 of 1.8 V, the array read at 0.5 of 0.785 V
    // with the ohmic current: those scale by 2/3 and (0.5 / 0.785)^2 for the cell current term.
    const json lv = run(kScenarios / "technology/low-voltage.json", "low-voltage", &report);
    EXPECT_NEAR(component(lv, "tile0.integrator"), component(base, "tile0.integrator") * 1.2 / 1.8,
                1e-9 * component(base, "tile0.integrator"));
    EXPECT_LT(lv.at("cycle").at("tile0").at("energy_nj").get<double>(),
              0.75 * base.at("cycle").at("tile0").at("energy_nj").get<double>());
    EXPECT_NE(report.find("low-voltage study"), std::string::npos);  // the override's source is shown
    // DRAM-heavy: a mini-batch of 4 writes each batch's accumulated update through DRAM; DRAM is
    // then most of the run's energy, and its per-bit energy is the overridden 40 pJ.
    const json dh = run(kScenarios / "technology/dram-heavy.json", "dram-heavy", &report);
    EXPECT_GT(dh.at("energy").at("by_owner_nj").at("dram").get<double>(), 0.5 * dh.at("energy").at("total_nj").get<double>());
    for (const auto& a : dh.at("energy").at("actions"))
        if (a.at("owner") == "dram") EXPECT_EQ(a.at("energy_pj_per_event").get<double>(), 40.0);
    EXPECT_NE(report.find("not-modelled-table"), std::string::npos);
}
