// `xbar-vp compare` reproduces the reference's comparison (Marinella 2018 §2.5) within 5 %.
#include <map>
#include <tuple>

#include <gtest/gtest.h>

#include "e2e_util.h"

TEST(Compare, EightBitRatiosMatchThePaper) {
    const auto w = e2e::scratch("compare8");
    const auto r = e2e::xbar("compare scenarios/paper/compare-8bit.json -j 2 --out '" + (w / "out").string() + "'", w);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    for (const char* f : {"compare.csv", "compare.json", "report.html"}) EXPECT_TRUE(std::filesystem::exists(w / "out" / f)) << f;
    for (const char* v : {"analog_reram", "digital_reram", "sram"})
        for (const char* f : {"summary.json", "power.csv", "trace.json", "waves.vcd", "report.html"})
            EXPECT_TRUE(std::filesystem::exists(w / "out" / v / f)) << v << "/" << f;
    const auto c = nlohmann::json::parse(e2e::slurp(w / "out" / "compare.json"));
    std::map<std::string, nlohmann::json> v;
    for (const auto& row : c["variants"]) v[row["variant"]] = row;
    ASSERT_EQ(v.size(), 3u);
    auto within = [](double a, double b) { return std::abs(a - b) <= 0.05 * b; };
    EXPECT_TRUE(within(v["digital_reram"]["energy_vs_analog"], 270.0)) << v["digital_reram"];
    EXPECT_TRUE(within(v["digital_reram"]["latency_vs_analog"], 540.0)) << v["digital_reram"];
    EXPECT_TRUE(within(v["digital_reram"]["area_vs_analog"], 1.8)) << v["digital_reram"];
    EXPECT_TRUE(within(v["sram"]["energy_vs_analog"], 430.0)) << v["sram"];
    EXPECT_TRUE(within(v["sram"]["latency_vs_analog"], 34.0)) << v["sram"];
    EXPECT_TRUE(within(v["sram"]["area_vs_analog"], 11.0)) << v["sram"];
    EXPECT_TRUE(within(v["digital_reram"]["cycle_energy_nj"], 7520.0));
    EXPECT_TRUE(within(v["sram"]["cycle_energy_nj"], 12010.0));
}

TEST(Compare, ReducedPrecisionDigitalBaselines) {
    const auto w = e2e::scratch("compare42");
    for (const auto& [b, reram, sram] : {std::tuple{4, 5580.0, 10150.0}, std::tuple{2, 4340.0, 8970.0}}) {
        const auto out = w / std::to_string(b);
        const auto r = e2e::xbar("compare scenarios/paper/compare-" + std::to_string(b) +
                                     "bit.json --variants digital_reram,sram --out '" + out.string() + "'",
                                 w / ("r" + std::to_string(b)));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto c = nlohmann::json::parse(e2e::slurp(out / "compare.json"));
        EXPECT_NEAR(c["variants"][0]["cycle_energy_nj"].get<double>(), reram, 0.05 * reram) << b;
        EXPECT_NEAR(c["variants"][1]["cycle_energy_nj"].get<double>(), sram, 0.05 * sram) << b;
    }
}

TEST(Compare, UnknownVariantExits2WithTheValidNames) {
    const auto w = e2e::scratch("compare-bad");
    const auto r = e2e::xbar("compare scenarios/paper/compare-8bit.json --variants analog_reram,quantum", w);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown variant 'quantum' (valid: analog_reram, digital_reram, sram)"), std::string::npos)
        << r.err;
}

TEST(Compare, OutputsDoNotDependOnTheNumberOfJobs) {
    const auto w = e2e::scratch("compare-jobs");
    for (const char* j : {"1", "2"})
        ASSERT_EQ(e2e::xbar(std::string("compare scenarios/paper/compare-4bit.json -j ") + j + " --out '" +
                                (w / j).string() + "'", w / (std::string("r") + j)).exit_code, 0);
    for (const char* f : {"compare.json", "compare.csv", "report.html"})
        EXPECT_TRUE(e2e::slurp(w / "1" / f) == e2e::slurp(w / "2" / f)) << f;
    for (const char* v : {"analog_reram", "digital_reram", "sram"})
        EXPECT_TRUE(e2e::slurp(w / "1" / v / "summary.json") == e2e::slurp(w / "2" / v / "summary.json")) << v;
}
