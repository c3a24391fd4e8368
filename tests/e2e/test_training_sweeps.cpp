// Device-sensitivity checks of the reference (IJCNN 2016 via M18 §3.4 / T16), mini-batch, a layer
// split over two tiles (also wrapping round them) or two cores of one tile, and one Fashion-MNIST
// epoch. Variations are written as temporary scenarios derived from the committed presets (traces
// off to keep the suite fast).
#include <cmath>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
using nlohmann::json;

json preset(const std::string& name) {
    return json::parse(e2e::slurp(std::filesystem::path(XBAR_SOURCE_DIR) / "scenarios/training" / (name + ".json")));
}
json run(json scenario, const std::string& tag) {
    const auto w = e2e::scratch(tag);
    scenario["name"] = tag;
    scenario["outputs"] = {{"vcd", false}, {"trace", false}};
    const auto r = e2e::run_doc(scenario, w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return e2e::summary(w / "out");
}
double last(const json& s, const char* key) { return s["training"]["epochs"].back()[key].get<double>(); }
}  // namespace

TEST(TrainingSweeps, ReadNoiseBelowFivePercentBarelyMatters) {
    json s = preset("digits-analog-ideal");
    const double clean = last(run(s, "rn0"), "test_accuracy");
    for (const double sigma : {0.02, 0.05}) {
        s["tile"]["read_noise"] = sigma;
        const double acc = last(run(s, "rn" + std::to_string(int(sigma * 100))), "test_accuracy");
        EXPECT_NEAR(acc, clean, 0.02) << "read noise " << sigma;
    }
}

TEST(TrainingSweeps, AsymmetricNonlinearityCostsMoreThanSymmetric) {
    json s = preset("digits-analog-taox");
    s["tile"]["device"]["symmetric"] = false;
    const double asym = last(run(s, "asym"), "test_accuracy");
    s["tile"]["device"]["symmetric"] = true;
    const double sym = last(run(s, "sym"), "test_accuracy");
    EXPECT_GT(sym - asym, 0.10) << "symmetric " << sym << ", asymmetric " << asym;
    // The state dependence, not the write noise, is what costs accuracy (M18 §3.6).
    s["tile"]["device"] = {{"model", "analytic"}, {"alpha", 0.0}, {"write_noise", 0.05}};
    const double noise_only = last(run(s, "noise-only"), "test_accuracy");
    EXPECT_GT(noise_only - asym, 0.10);
}

TEST(TrainingSweeps, MiniBatchAccumulatesAndWritesSerially) {
    json s = preset("digits-analog-ideal");
    s["firmware"]["batch_size"] = 8;
    s["firmware"]["learning_rate"] = 0.6;  // summed (not averaged) over the batch
    s["firmware"]["epochs"] = 3;
    const json r = run(s, "batch8");
    EXPECT_GE(last(r, "float_test_accuracy"), 0.90);
    EXPECT_NEAR(last(r, "test_accuracy"), last(r, "float_test_accuracy"), 0.03);
    double updates = 0, opus = 0;
    for (const auto& k : r["kernels"]) {
        if (k["kernel"] == "update") updates += k["count"].get<double>();
        if (k["kernel"] == "opu") opus += k["count"].get<double>();
    }
    EXPECT_EQ(opus, 0.0);
    EXPECT_EQ(updates, 3.0 * 2 * std::ceil(3823.0 / 8));  // epochs x layers x batches
}

TEST(TrainingSweeps, LayersSplitOverTwoTilesTrainLikeOneTile) {
    const json r = run(preset("digits-two-tile-split"), "split");
    EXPECT_EQ(r["firmware"]["metrics"]["layer0.parts"], 2.0);
    EXPECT_EQ(r["firmware"]["metrics"]["layer1.parts"], 2.0);
    EXPECT_EQ(r["firmware"]["metrics"]["tiles_used"], 2.0);
    EXPECT_NEAR(last(r, "test_accuracy"), last(r, "float_test_accuracy"), 0.02);
    // Both tiles worked: two parts per layer placed round robin over two tiles puts one part of
    // each layer on each tile, so each tile runs as many kernels as the single tile does: per
    // epoch a VMM of both layers per training and test sample (3,823 + 1,797), an MVM of the
    // output layer and an OPU of both layers per training sample.
    for (const char* tile : {"tile0", "tile1"}) {
        std::map<std::string, double> n;
        for (const auto& k : r["kernels"])
            if (k["tile"] == tile) n[k["kernel"].get<std::string>()] = k["count"].get<double>();
        EXPECT_EQ(n["vmm"], 10 * (3823.0 + 1797) * 2) << tile;
        EXPECT_EQ(n["mvm"], 10 * 3823.0) << tile;
        EXPECT_EQ(n["opu"], 10 * 3823.0 * 2) << tile;
    }
}

// Tiles of 24 and 80 rows: the 65 x 36 hidden layer fills the second tile, and the 37 x 10 output
// layer only fits in three parts, round robin tile0, tile1, tile0. The two parts on tile0 cannot
// be in flight together: firmware finishes the first before it issues the second (it used to
// issue both, and the second command's interrupt never came).
TEST(TrainingSweeps, ALayerWrappingRoundTheTilesRunsItsPartsOnOneTileInTurn) {
    json s = preset("digits-two-tile-split");
    s["tile"]["rows"] = 128;
    s["tile"]["cols"] = 128;
    s["platform"]["tiles"] = json::array({{{"rows", 24}}, {{"rows", 80}}});
    s["firmware"]["epochs"] = 1;
    s["firmware"]["train_limit"] = 300;
    s["firmware"]["test_limit"] = 100;
    const json r = run(s, "wrap");
    EXPECT_EQ(r["status"], "ok") << r["firmware"]["error"];
    EXPECT_EQ(r["firmware"]["metrics"]["layer0.parts"], 1.0);
    EXPECT_EQ(r["firmware"]["metrics"]["layer1.parts"], 3.0);
    std::map<std::string, double> vmm;
    for (const auto& k : r["kernels"])
        if (k["kernel"] == "vmm") vmm[k["tile"].get<std::string>()] = k["count"].get<double>();
    EXPECT_EQ(vmm["tile0"], 2 * 400.0);      // two parts of the output layer per sample
    EXPECT_EQ(vmm["tile1"], 2 * 400.0);      // the hidden layer and one part of the output layer
}

// The two-tile split moved onto one tile of two 64x64 cores: the same parts (core-major units:
// tile0.core0, tile0.core1 take what tile0 and tile1 took), one physical tile doing both tiles'
// kernels, the parts of a layer in flight on both cores at once, so about the two tiles' time. The
// device is ideal and noise-free, so the accuracies are the two-tile run's.
TEST(TrainingSweeps, LayersSplitOverTwoCoresOfOneTileTrainLikeTwoTiles) {
    json s = preset("digits-two-tile-split");
    s["firmware"]["epochs"] = 2;
    const json tiles = run(s, "split-2t1c");
    s["platform"]["tiles"] = 1;
    s["tile"]["cores"] = 2;
    const json cores = run(s, "split-1t2c");
    EXPECT_EQ(cores["firmware"]["metrics"]["tiles_used"], 1.0);
    EXPECT_EQ(cores["firmware"]["metrics"]["cores_used"], 2.0);
    EXPECT_EQ(tiles["firmware"]["metrics"]["cores_used"], 2.0);
    for (const char* k : {"layer0.parts", "layer1.parts"}) EXPECT_EQ(cores["firmware"]["metrics"][k], 2.0) << k;
    for (std::size_t e = 0; e < 2; ++e)
        for (const char* k : {"train_accuracy", "test_accuracy"})
            EXPECT_EQ(cores["training"]["epochs"][e][k], tiles["training"]["epochs"][e][k]) << k << " epoch " << e;
    for (const auto& k : cores["kernels"])
        if (k["kernel"] == "vmm") EXPECT_EQ(k["count"], 2 * (3823.0 + 1797) * 2 * 2);  // epochs x samples x layers x parts
    const double t1 = cores["sim_time_ns"].get<double>(), t2 = tiles["sim_time_ns"].get<double>();
    EXPECT_LT(t1, 1.05 * t2) << "one tile of two cores " << t1 << " ns, two tiles " << t2 << " ns";
}

TEST(TrainingSweeps, FashionMnistOneEpoch) {
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "Fashion-MNIST absent: install the Debian package dataset-fashion-mnist";
    const json r = run(preset("fashion-analog-ideal"), "fashion");
    EXPECT_GE(last(r, "float_test_accuracy"), 0.82);
    EXPECT_NEAR(last(r, "test_accuracy"), last(r, "float_test_accuracy"), 0.03);
    // The epoch's read energy against the paper's equations (e2e::analog_read_nj): the 785 x 300
    // and 301 x 10 layer blocks (bias row last) over 60,000 training + 10,000 test images. The
    // backward pass stops at a sample whose deltas all quantize to zero (firmware/train_mlp.cpp),
    // so the number of MVMs depends on the data; each one drives the 10 output columns and
    // converts the 301 rows.
    const auto& e = r["training"]["epochs"][0];
    // Plus the tile's buffer staging of the operands and results (e2e::staging_nj).
    const double vmm_nj = (60000.0 + 10000) * (e2e::analog_read_nj(785, 300) + e2e::staging_nj(785, 300) +
                                              e2e::analog_read_nj(301, 10) + e2e::staging_nj(301, 10));
    EXPECT_NEAR(e["energy_by_kernel_nj"]["vmm"].get<double>(), vmm_nj, 1e-6 * vmm_nj);
    double mvms = 0;
    for (const auto& k : r["kernels"])
        if (k["kernel"] == "mvm") mvms += k["count"].get<double>();
    EXPECT_LE(mvms, 60000.0);
    EXPECT_NEAR(e["energy_by_kernel_nj"]["mvm"].get<double>(), mvms * (e2e::analog_read_nj(10, 301) + e2e::staging_nj(10, 301)),
                1e-6 * e["energy_by_kernel_nj"]["mvm"].get<double>());
    EXPECT_GT(e["energy_nj"].get<double>(), vmm_nj);
    // The epoch lasts at least its forward reads back to back (128 + 256 ns + RC each).
    EXPECT_GT(e["sim_time_ns"].get<double>(), (60000.0 + 10000) * 2 * 384);
}
