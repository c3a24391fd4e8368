// Firmware-driven training end to end on the committed presets (UCI digits, 64-36-10, 10 epochs):
// accuracies come with their float twin; the device presets behave as the reference describes.
#include <cmath>

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
double count(const nlohmann::json& s, const char* kernel) {
    for (const auto& e : s["kernels"])
        if (e["kernel"] == kernel) return e["count"].get<double>();
    return 0;
}

// The UCI optdigits split (datasets/uci-digits): 3,823 training and 1,797 test samples.
constexpr double kTrain = 3823, kTest = 1797;

}  // namespace

TEST(Training, AnalogIdealTracksItsFloatTwin) {
    const auto s = train("digits-analog-ideal");
    for (const char* f : {"summary.json", "power.csv", "trace.json", "waves.vcd", "report.html"})
        EXPECT_TRUE(std::filesystem::exists(e2e::scratch_path("digits-analog-ideal") / "out" / f)) << f;
    ASSERT_EQ(s["training"]["epochs"].size(), 10u);
    EXPECT_GE(last(s, "float_test_accuracy"), 0.95);
    EXPECT_NEAR(last(s, "test_accuracy"), last(s, "float_test_accuracy"), 0.02);
    // Every kernel of the training loop ran on the tile, through TLM, as often as the loop says:
    // per epoch a forward pass of both layers over the training and the test set, the transpose
    // of the output layer and an OPU of both layers per training sample, and one program per layer.
    // (The backward pass stops early at a sample whose deltas all quantize to zero; on this
    // preset none does, so the counts are exact.)
    EXPECT_EQ(count(s, "vmm"), 10 * (kTrain + kTest) * 2);
    EXPECT_EQ(count(s, "mvm"), 10 * kTrain);
    EXPECT_EQ(count(s, "opu"), 10 * kTrain * 2);
    EXPECT_EQ(count(s, "program"), 2.0);
    // The digital unit activates each layer's outputs on every forward pass and scales each
    // layer's deltas by the stored derivative on every backward pass.
    EXPECT_EQ(count(s, "digital"), 10 * ((kTrain + kTest) * 2 + kTrain * 2));
    // Each epoch's read energy against the paper's equations: layers are (n_in + 1) x n_out blocks
    // (bias row last, docs/architecture.md), 65 x 36 and 37 x 10; the MVM drives the 10 output
    // columns and converts the 37 rows.
    // Plus the tile's buffer staging of the operands and results (whole 64-bit SRAM words).
    const double vmm_nj = (kTrain + kTest) * (e2e::analog_read_nj(65, 36) + e2e::staging_nj(65, 36) +
                                              e2e::analog_read_nj(37, 10) + e2e::staging_nj(37, 10)),
                 mvm_nj = kTrain * (e2e::analog_read_nj(10, 37) + e2e::staging_nj(10, 37));
    // Each epoch lasts at least its kernels back to back: 384 ns reads (128 ns drive + 256 ns ramp
    // + 2.2 RC of a Table I line) and 512 ns OPUs.
    const double c_line = 1024 * (200e-18 * 0.064 + 35e-18), r_line = 1024 * 0.064 * 30;
    const double read_ns = 128 + 256 + 2.2 * r_line * c_line * 1e9;
    const double busy_ns = ((kTrain + kTest) * 2 + kTrain) * read_ns + kTrain * 2 * 512;
    for (const auto& e : s["training"]["epochs"]) {
        EXPECT_NEAR(e["energy_by_kernel_nj"]["vmm"].get<double>(), vmm_nj, 1e-6 * vmm_nj);
        EXPECT_NEAR(e["energy_by_kernel_nj"]["mvm"].get<double>(), mvm_nj, 1e-6 * mvm_nj);
        EXPECT_GT(e["energy_nj"].get<double>(), vmm_nj + mvm_nj);  // plus OPU, digital unit, bus
        EXPECT_GT(e["sim_time_ns"].get<double>(), busy_ns);
    }
}

TEST(Training, TaoxSingleDeviceLosesAndPeriodicCarryRecovers) {
    const auto single = train("digits-analog-taox");
    EXPECT_GE(last(single, "float_test_accuracy") - last(single, "test_accuracy"), 0.05);
    const auto carry = train("digits-analog-taox-carry");
    EXPECT_LE(last(carry, "float_test_accuracy") - last(carry, "test_accuracy"), 0.015);
    // One carry every 10 OPUs (two OPUs per training sample, 10 epochs).
    EXPECT_EQ(count(carry, "carry"), 10 * kTrain * 2 / 10);
    // Carries cost serial reads and writes, only when a digit crosses the threshold: the energy
    // depends on the data, so only its presence is checked.
    EXPECT_GT(carry["energy"]["by_kernel_nj"]["carry"].get<double>(), 0.0);
}

TEST(Training, DigitalReramTrainsWithTheSameFirmware) {
    const auto s = train("digits-digital-reram");
    EXPECT_EQ(s["scenario"]["tile"]["variant"], "digital_reram");
    EXPECT_NEAR(last(s, "test_accuracy"), last(s, "float_test_accuracy"), 0.02);
}
