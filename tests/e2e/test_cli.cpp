// The CLI end to end: quickstart, determinism, bad input.
#include <gtest/gtest.h>

#include "e2e_util.h"

namespace fs = std::filesystem;

TEST(Cli, QuickstartRunsAndTheFirmwareCheckPasses) {
    const auto w = e2e::scratch("quick");
    const auto r = e2e::xbar("run scenarios/quickstart.json --out '" + (w / "out").string() + "'", w);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    for (const char* f : {"summary.json", "trace.json", "waves.vcd"}) EXPECT_TRUE(fs::exists(w / "out" / f)) << f;
    const auto s = e2e::summary(w / "out");
    EXPECT_EQ(s["status"], "ok");
    EXPECT_EQ(s["firmware"]["ok"], true);
    EXPECT_EQ(s["firmware"]["metrics"]["mismatches"], 0.0);
    EXPECT_EQ(s["firmware"]["metrics"]["vmm_count"], 1000.0);
    EXPECT_LE(s["firmware"]["metrics"]["vmm_max_error_lsb"].get<double>(), 0.5 + 1e-3);
    EXPECT_LE(s["firmware"]["metrics"]["mvm_max_error_lsb"].get<double>(), 0.5 + 1e-3);
    EXPECT_NE(r.out.find("firmware quickstart: PASS"), std::string::npos) << r.out;
    // The suite runs the platform with a protocol checker on every link (XBAR_TLM_CHECK=1).
    ASSERT_TRUE(s.contains("tlm_checker")) << "XBAR_TLM_CHECK is not set for the e2e tests";
    EXPECT_EQ(s["tlm_checker"]["links"], 4);  // host, DMA of tile0, DRAM, tile0
    EXPECT_GT(s["tlm_checker"]["transactions"].get<double>(), 4000.0);
    // The VCD declares the tile and bus signals.
    const std::string vcd = e2e::slurp(w / "out" / "waves.vcd");
    for (const char* sig : {"state", "busy", "irq"}) EXPECT_NE(vcd.find(sig), std::string::npos) << sig;
}

TEST(Cli, SameSeedGivesByteIdenticalOutputs) {
    const auto w = e2e::scratch("determinism");
    const std::string scen = "run scenarios/quickstart.json --seed 5 --out ";
    ASSERT_EQ(e2e::xbar(scen + "'" + (w / "a").string() + "'", w / "ra").exit_code, 0);
    ASSERT_EQ(e2e::xbar(scen + "'" + (w / "a2").string() + "'", w / "ra2").exit_code, 0);  // three runs
    ASSERT_EQ(e2e::xbar(scen + "'" + (w / "b").string() + "'", w / "rb").exit_code, 0);
    ASSERT_EQ(e2e::xbar("run scenarios/quickstart.json --seed 6 --out '" + (w / "c").string() + "'", w / "rc").exit_code, 0);
    for (const char* f : {"summary.json", "trace.json", "waves.vcd", "power.csv", "report.html"}) {
        EXPECT_TRUE(e2e::slurp(w / "a" / f) == e2e::slurp(w / "b" / f)) << f << " differs between identical runs";
        EXPECT_TRUE(e2e::slurp(w / "a" / f) == e2e::slurp(w / "a2" / f)) << f << " differs between identical runs";
    }
    // Another seed draws other data: the firmware's results differ. (With nominal activity the
    // timing does not depend on the data, so trace.json may legitimately be identical.)
    EXPECT_TRUE(e2e::summary(w / "a")["firmware"] != e2e::summary(w / "c")["firmware"]);
}

TEST(Cli, ValidateRejectsAnUnknownKeyWithExitCode2) {
    const auto w = e2e::scratch("unknown-key");
    fs::create_directories(w);
    std::ofstream(w / "bad.json") << R"({"tile": {"rows": 64, "colums": 64}})";
    const auto r = e2e::xbar("validate '" + (w / "bad.json").string() + "'", w);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bad.json: /tile/colums: unknown key"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean \"cols\""), std::string::npos) << r.err;
}

TEST(Cli, RunWithBadInputCreatesNoOutputFolder) {
    const auto w = e2e::scratch("bad-run");
    fs::create_directories(w);
    std::ofstream(w / "bad.json") << "{ \"seed\": 1, ";
    const auto r = e2e::xbar("run '" + (w / "bad.json").string() + "' --out '" + (w / "out").string() + "'", w);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("invalid JSON at line 1"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(w / "out"));
    for (const auto& e : fs::directory_iterator(w))  // no temporary folder is left
        EXPECT_EQ(e.path().filename().string().find(".out.xbar-tmp-"), std::string::npos) << e.path();
}

TEST(Cli, HelpVersionAndUsageErrors) {
    const auto w = e2e::scratch("cli");
    EXPECT_EQ(e2e::xbar("--help", w).exit_code, 0);
    const auto v = e2e::xbar("--version", w);
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_NE(v.out.find("xbar-vp 0.1.0"), std::string::npos);
    EXPECT_EQ(e2e::xbar("frobnicate x.json", w).exit_code, 2);
    EXPECT_EQ(e2e::xbar("run", w).exit_code, 2);
    EXPECT_EQ(e2e::xbar("run scenarios/quickstart.json --seed notanumber", w).exit_code, 2);
}
