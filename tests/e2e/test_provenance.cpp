// Provenance in the outputs (issue 14): summary.json splits the energy by the basis of the
// per-event energies (energy.by_basis_nj), the console prints the split, and each part is the sum
// of the ledger rows of that basis, added up here from energy.actions[].
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
using nlohmann::json;
namespace fs = std::filesystem;

struct Out {
    json summary;
    std::string console;
};

Out run(const std::string& tag, const std::string& args) {
    const fs::path w = e2e::scratch("prov-" + tag);
    const auto r = e2e::xbar("run " + args + " --out '" + (w / "out").string() + "'", w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {e2e::summary(w / "out"), r.out};
}
}  // namespace

TEST(Provenance, EnergyByBasisIsTheSumOfTheActionsOfEachBasis) {
    for (const char* variant : {"analog_reram", "digital_reram", "sram"}) {
        const Out o = run(std::string("basis-") + variant,
                          std::string("scenarios/paper/compare-8bit.json --variant ") + variant);
        const json& e = o.summary.at("energy");
        std::map<std::string, double> sum{{"physics", 0.0}, {"stated", 0.0}, {"assumption", 0.0}};
        for (const auto& a : e.at("actions")) {
            const std::string b = a.at("basis");
            ASSERT_TRUE(sum.count(b)) << variant << ": unknown basis " << b;
            sum[b] += a.at("energy_nj").get<double>();
        }
        const json& by = e.at("by_basis_nj");
        ASSERT_EQ(by.size(), 3u) << variant;
        double total = 0;
        for (const auto& [b, nj] : sum) {
            EXPECT_NEAR(by.at(b).get<double>(), nj, 1e-9 * e.at("total_nj").get<double>()) << variant << " " << b;
            total += by.at(b).get<double>();
        }
        EXPECT_NEAR(total, e.at("total_nj").get<double>(), 1e-9 * total) << variant;
        // M18 states the driver figures of the analog core and the memory and MAC figures of the
        // digital cores, so each run has both bases.
        EXPECT_GT(by.at("stated").get<double>(), 0.0) << variant;
        EXPECT_GT(by.at("physics").get<double>(), 0.0) << variant;
        // One console line with the split, in the order physics, stated, assumption.
        const auto at = o.console.find("energy by basis of the per-event energy: physics ");
        ASSERT_NE(at, std::string::npos) << o.console;
        const std::string line = o.console.substr(at, o.console.find('\n', at) - at);
        EXPECT_LT(line.find(", stated "), line.find(", assumption ")) << line;
    }
}
