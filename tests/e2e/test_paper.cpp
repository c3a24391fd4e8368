// The paper scenarios reproduce Marinella et al. 2018 Tables II-V end to end: firmware drives the
// tile over TLM, and the numbers come out of the run's summary.json. Each tolerance is just above
// the deviation the model shows (noted next to it, the README calibration table); the deliberate
// 2-bit latency deviation is asserted at its documented value.
#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
nlohmann::json run_paper(const std::string& name) {
    const auto w = e2e::scratch(name);
    const auto r = e2e::xbar("run scenarios/paper/" + name + ".json --out '" + (w / "out").string() + "'", w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return e2e::summary(w / "out");
}
double kernel(const nlohmann::json& s, const std::string& k, const char* field) {
    for (const auto& e : s["kernels"])
        if (e["tile"] == "tile0" && e["kernel"] == k) return e[field].get<double>();
    ADD_FAILURE() << "kernel " << k << " missing";
    return 0;
}
#define EXPECT_WITHIN(actual, target, rel) EXPECT_NEAR(actual, target, std::abs(target) * (rel))
}  // namespace

TEST(Paper, Analog8BitReproducesTablesIIToV) {
    const auto s = run_paper("analog-8bit");
    EXPECT_WITHIN(kernel(s, "vmm", "latency_ns_mean"), 384.0, 0.001);  // 384.21 ns (+0.06 %)
    EXPECT_WITHIN(kernel(s, "mvm", "latency_ns_mean"), 384.0, 0.001);
    EXPECT_WITHIN(kernel(s, "opu", "latency_ns_mean"), 512.0, 1e-9);    // 4 x 128 ns exactly
    EXPECT_WITHIN(kernel(s, "vmm", "energy_nj_mean"), 12.8, 0.01);      // 12.843 nJ (+0.34 %)
    EXPECT_WITHIN(kernel(s, "mvm", "energy_nj_mean"), 12.8, 0.01);
    EXPECT_WITHIN(kernel(s, "opu", "energy_nj_mean"), 2.2, 0.005);      // 2.204 nJ (+0.18 %)
    EXPECT_WITHIN(s["cycle"]["tile0"]["latency_ns"].get<double>(), 1280.0, 0.001);  // 1280.42 ns (+0.03 %)
    EXPECT_WITHIN(s["cycle"]["tile0"]["energy_nj"].get<double>(), 28.0, 0.01);      // 27.891 nJ (-0.39 %)
    EXPECT_WITHIN(s["energy"]["by_component_nj"]["tile0.adc"]["vmm"].get<double>(), 9.4, 0.01);  // 9.437 (+0.40 %)
    EXPECT_WITHIN(s["energy"]["by_component_nj"]["tile0.integrator"]["vmm"].get<double>(), 2.81, 0.001);  // 2.809
    EXPECT_WITHIN(s["area"]["tile0"]["periphery_um2"].get<double>(), 75000.0, 0.01);  // 74,445 um2 (-0.74 %)
    // Derived: the table-derived VMM value is 12.8 nJ / 1024^2 = 12.2 fJ/MAC (reference §2.6);
    // measured 12.25 fJ/MAC (+0.40 %).
    EXPECT_WITHIN(s["derived"]["tile0"]["fj_per_mac_vmm"].get<double>(), 12.2, 0.01);
    // And it is the run's own VMM energy over its MACs, 1024 x 1024.
    EXPECT_WITHIN(s["derived"]["tile0"]["fj_per_mac_vmm"].get<double>(),
                  kernel(s, "vmm", "energy_nj_mean") * 1e6 / (1024.0 * 1024), 1e-9);
    EXPECT_EQ(s["activity"], "nominal");
}

TEST(Paper, Analog4BitAnd2BitCycles) {
    const auto s4 = run_paper("analog-4bit");
    EXPECT_WITHIN(s4["cycle"]["tile0"]["energy_nj"].get<double>(), 2.7, 0.03);    // 2.627 nJ (-2.7 %)
    EXPECT_WITHIN(s4["cycle"]["tile0"]["latency_ns"].get<double>(), 80.0, 0.01);   // 80.42 ns (+0.53 %)
    const auto s2 = run_paper("analog-2bit");
    EXPECT_WITHIN(s2["cycle"]["tile0"]["energy_nj"].get<double>(), 1.3, 0.01);    // 1.3057 nJ (+0.43 %)
    // Deliberate deviation (docs/architecture.md, README): a 2-bit ramp has 4 levels, not Table
    // III's 3 ns, so the cycle is 56.4 ns against the printed 54 ns.
    EXPECT_WITHIN(s2["cycle"]["tile0"]["latency_ns"].get<double>(), 56.4, 0.001);  // 56.423 ns
}
