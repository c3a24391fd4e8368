// Architecture scenarios: the ADC bank's sharing and converter type seen from a whole run. The
// expectations are the bank's equations written out here from the technology file's values
// (M18 §IV-E ramp: 2^8 levels x 1 ns, 5.7 um2 per comparator; ISAAC's SAR: 1/1.2 GHz and
// 1200 um2 per 8-bit converter), not the run's own numbers.
#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
using nlohmann::json;
namespace fs = std::filesystem;
const fs::path kScenarios = fs::path(XBAR_SOURCE_DIR) / "scenarios";

json paper_8bit() {
    std::ifstream in(kScenarios / "paper/analog-8bit.json");
    return json::parse(in);
}

json run(json doc, const std::string& tag) {
    const fs::path w = e2e::scratch("arch-" + tag);
    const auto r = e2e::run_doc(doc, w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return e2e::summary(w / "out");
}

const json& kernel(const json& s, const std::string& k) {
    for (const auto& x : s.at("kernels"))
        if (x.at("kernel") == k) return x;
    throw std::runtime_error("no kernel " + k);
}
}  // namespace

// The paper's full-array kernels with 8 columns per ramp ADC: the VMM's and MVM's ADC phase is 8
// ramps of 256 ns, the ADC area 128 comparators, and the OPU (no conversion) keeps its time.
TEST(Architecture, EightColumnsPerRampAdcSerializeTheReadsAndDivideTheArea) {
    json doc = paper_8bit();
    const json one = run(doc, "ramp1");
    doc["tile"]["adc"] = {{"columns_per_adc", 8}};
    const json eight = run(doc, "ramp8");
    for (const char* k : {"vmm", "mvm"}) {
        EXPECT_DOUBLE_EQ(kernel(one, k).at("latency_breakdown_ns_mean").at("adc").get<double>(), 256.0) << k;
        EXPECT_DOUBLE_EQ(kernel(eight, k).at("latency_breakdown_ns_mean").at("adc").get<double>(), 8 * 256.0) << k;
        EXPECT_NEAR(kernel(eight, k).at("latency_ns_mean").get<double>() - kernel(one, k).at("latency_ns_mean").get<double>(),
                    7 * 256.0, 1e-6) << k;
    }
    EXPECT_DOUBLE_EQ(kernel(eight, "opu").at("latency_breakdown_ns_mean").at("temporal_driver").get<double>(),
                     kernel(one, "opu").at("latency_breakdown_ns_mean").at("temporal_driver").get<double>());
    EXPECT_NEAR(one.at("area").at("tile0").at("components_um2").at("adc").get<double>(), 1024 * 5.7, 1e-9);
    EXPECT_NEAR(eight.at("area").at("tile0").at("components_um2").at("adc").get<double>(), 128 * 5.7, 1e-9);
    bool listed = false;  // the mux in front of each shared converter costs nothing: said so
    for (const auto& n : eight.at("not_modelled")) listed = listed || n.at("component") == "tile0.adc_mux";
    EXPECT_TRUE(listed);
}

// A SAR bank with 128 columns per converter (ISAAC's sharing): 8 converters of 1200 um2, the ADC
// phase 128 conversions of 1/1.2 ns, 1024 conversions of 16 mW / 8 / 1.2 GHz per full-array read.
TEST(Architecture, SarBankFollowsItsConversionFigures) {
    json doc = paper_8bit();
    doc["tile"]["adc"] = {{"type", "sar"}, {"columns_per_adc", 128}};
    const json s = run(doc, "sar128");
    EXPECT_NEAR(kernel(s, "vmm").at("latency_breakdown_ns_mean").at("adc").get<double>(), 128 / 1.2, 1e-9);
    EXPECT_NEAR(s.at("area").at("tile0").at("components_um2").at("adc").get<double>(), 8 * 1200.0, 1e-9);
    double vmm_nj = -1;
    for (const auto& a : s.at("energy").at("actions"))
        if (a.at("action") == "sar_conversion" && a.at("kernel") == "vmm")
            vmm_nj = a.at("energy_nj").get<double>() / kernel(s, "vmm").at("count").get<double>();
    EXPECT_NEAR(vmm_nj, 1024 * 16e-3 / 8 / 1.2e9 * 1e9, 1e-9);
}

// Two architecture scenarios run (training on the digits; every committed scenario validates in
// test_technology.cpp) and train to the same accuracy: the ADC bank changes time, energy and
// area, not the numerics (both converters are uniform 8-bit quantizers).
TEST(Architecture, TheCommittedAdcScenariosRun) {
    double acc = -1;
    for (const char* name : {"adc-sharing-8", "adc-sar-128"}) {
        const fs::path w = e2e::scratch(std::string("arch-scn-") + name);
        const auto r = e2e::xbar("run '" + (kScenarios / "architecture" / (std::string(name) + ".json")).string() +
                                 "' --out '" + (w / "out").string() + "'", w);
        ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
        const double a = e2e::summary(w / "out").at("firmware").at("metrics").at("test_accuracy").get<double>();
        if (acc < 0) acc = a;
        EXPECT_EQ(a, acc) << name;
        EXPECT_GT(a, 0.9) << name;
    }
}
