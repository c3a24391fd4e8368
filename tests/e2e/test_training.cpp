// Firmware-driven training end to end on the committed presets (UCI digits, 64-36-10, 10 epochs):
// accuracies come with their float twin; the device presets behave as the reference describes.
#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
nlohmann::json train(const std::string& name) {
    const auto w = e2e::scratch(name);
    const auto r = e2e::xbar("run scenarios/training/" + name + ".json --out '" + (w / "out").string() + "'", w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return e2e::summary(w / "out");
}
double last(const nlohmann::json& s, const char* key) { return s["training"]["epochs"].back()[key].get<double>(); }
}  // namespace

TEST(Training, AnalogIdealTracksItsFloatTwin) {
    const auto s = train("digits-analog-ideal");
    for (const char* f : {"summary.json", "power.csv", "trace.json", "waves.vcd", "report.html"})
        EXPECT_TRUE(std::filesystem::exists(e2e::scratch_path("digits-analog-ideal") / "out" / f)) << f;
    ASSERT_EQ(s["training"]["epochs"].size(), 10u);
    EXPECT_GE(last(s, "float_test_accuracy"), 0.95);
    EXPECT_NEAR(last(s, "test_accuracy"), last(s, "float_test_accuracy"), 0.02);
    for (const auto& e : s["training"]["epochs"]) {
        EXPECT_GT(e["sim_time_ns"].get<double>(), 0.0);
        EXPECT_GT(e["energy_nj"].get<double>(), 0.0);
    }
    // Every kernel of the training loop ran on the tile, through TLM.
    for (const char* k : {"vmm", "mvm", "opu", "digital", "program"}) {
        bool found = false;
        for (const auto& e : s["kernels"]) found |= e["kernel"] == k && e["count"].get<double>() > 0;
        EXPECT_TRUE(found) << k;
    }
}

TEST(Training, TaoxSingleDeviceLosesAndPeriodicCarryRecovers) {
    const auto single = train("digits-analog-taox");
    EXPECT_GE(last(single, "float_test_accuracy") - last(single, "test_accuracy"), 0.05);
    const auto carry = train("digits-analog-taox-carry");
    EXPECT_LE(last(carry, "float_test_accuracy") - last(carry, "test_accuracy"), 0.015);
    // Carries cost serial reads and writes: the carry kernel shows up with its own energy.
    EXPECT_GT(carry["energy"]["by_kernel_nj"]["carry"].get<double>(), 0.0);
}

TEST(Training, DigitalReramTrainsWithTheSameFirmware) {
    const auto s = train("digits-digital-reram");
    EXPECT_EQ(s["scenario"]["tile"]["variant"], "digital_reram");
    EXPECT_NEAR(last(s, "test_accuracy"), last(s, "float_test_accuracy"), 0.02);
}
