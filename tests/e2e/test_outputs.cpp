// Output files of a run: power.csv integrates to the ledger total; trace.json is valid Chrome
// Trace Event JSON with properly nested slices per thread; the VCD declares its signals.
#include <algorithm>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
std::filesystem::path quick_run(const std::string& tag) {
    const auto w = e2e::scratch(tag);
    nlohmann::json s = nlohmann::json::parse(e2e::slurp(std::filesystem::path(XBAR_SOURCE_DIR) / "scenarios/quickstart.json"));
    s["firmware"]["vmm_count"] = 200;
    s["firmware"]["mvm_count"] = 200;
    s["outputs"]["trace_level"] = "all";
    const auto r = e2e::run_doc(s, w);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return w / "out";
}
}  // namespace

TEST(Outputs, PowerCsvIntegratesToTheLedgerTotal) {
    const auto out = quick_run("power");
    std::istringstream csv(e2e::slurp(out / "power.csv"));
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line.rfind("t_start_us,t_end_us,total_mw,", 0), 0u) << line;
    double integral_nj = 0, streams_nj = 0;
    int rows = 0;
    while (std::getline(csv, line)) {
        std::istringstream ls(line);
        std::string f;
        std::vector<double> v;
        while (std::getline(ls, f, ',')) v.push_back(std::stod(f));
        ASSERT_GE(v.size(), 4u);
        const double dt_us = v[1] - v[0];
        integral_nj += v[2] * dt_us;  // mW x us = nJ
        for (std::size_t k = 3; k < v.size(); ++k) streams_nj += v[k] * dt_us;
        ++rows;
    }
    const auto s = e2e::summary(out);
    const double total = s["energy"]["total_nj"].get<double>();
    EXPECT_GT(rows, 10);
    EXPECT_NEAR(integral_nj, total, 1e-9 * total);
    EXPECT_NEAR(streams_nj, total, 1e-9 * total);
    EXPECT_GT(s["power"]["peak_mw"].get<double>(), s["power"]["average_mw"].get<double>());
}

TEST(Outputs, TraceJsonSlicesNestPerThread) {
    const auto out = quick_run("trace");
    const auto j = nlohmann::json::parse(e2e::slurp(out / "trace.json"));
    std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> slices;
    for (const auto& e : j["traceEvents"]) {
        for (const char* k : {"ph", "pid", "tid", "name"}) ASSERT_TRUE(e.contains(k)) << e;
        if (e["ph"] == "X") slices[{e["pid"], e["tid"]}].push_back({e["ts"].get<double>(), e["dur"].get<double>()});
    }
    ASSERT_FALSE(slices.empty());
    // On each thread, slices either nest or follow each other (no partial overlap).
    for (auto& [thread, v] : slices) {
        std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first < b.first || (a.first == b.first && a.second > b.second); });
        std::vector<double> open_ends;
        for (const auto& [ts, dur] : v) {
            while (!open_ends.empty() && open_ends.back() <= ts + 1e-9) open_ends.pop_back();
            if (!open_ends.empty()) {
                EXPECT_LE(ts + dur, open_ends.back() + 1e-6) << "thread " << thread.first << "/" << thread.second;
            }
            open_ends.push_back(ts + dur);
        }
    }
}

TEST(Outputs, VcdDeclaresSignalsAndTimeGoesForward) {
    const auto out = quick_run("vcd");
    const std::string vcd = e2e::slurp(out / "waves.vcd");
    // The module tree is the VCD's scopes: top.tile0.core0.adc_bank.active and so on.
    for (const char* sig : {"$scope module top $end", "$scope module tile0 $end", "$scope module core0 $end",
                            "$scope module adc_bank $end", "$scope module driver_bank $end", "$scope module dma $end",
                            "$scope module interconnect $end", " busy ", " state ", " irq ", " power_mw ", " active "})
        EXPECT_NE(vcd.find(sig), std::string::npos) << sig;
    std::istringstream in(vcd);
    std::string line;
    long long last = -1;
    int stamps = 0;
    while (std::getline(in, line))
        if (!line.empty() && line[0] == '#') {
            const long long t = std::stoll(line.substr(1));
            EXPECT_GT(t, last);
            last = t;
            ++stamps;
        }
    EXPECT_GT(stamps, 100);
}

// Two runs on the same --out at once: each stages in its own temporary folder, so the result is
// one complete run (its power.csv matches a lone run of the same seed), never a mix of both.
TEST(Outputs, TwoConcurrentRunsOnOneFolderGiveOneCompleteResult) {
    const auto w = e2e::scratch("concurrent");
    std::filesystem::create_directories(w);
    nlohmann::json s = nlohmann::json::parse(e2e::slurp(std::filesystem::path(XBAR_SOURCE_DIR) / "scenarios/quickstart.json"));
    s["firmware"]["vmm_count"] = 300;
    s["firmware"]["mvm_count"] = 300;
    s["tile"]["activity"] = "data";  // energy, so power.csv, depends on the seed's operands
    std::ofstream(w / "s.json") << s.dump();
    const std::string scen = "'" + (w / "s.json").string() + "'";
    for (int seed : {1, 7})
        ASSERT_EQ(e2e::xbar("run " + scen + " --seed " + std::to_string(seed) + " --out '" + (w / ("ref" + std::to_string(seed))).string() + "'",
                            w / ("ref-log" + std::to_string(seed))).exit_code, 0);
    ASSERT_NE(e2e::slurp(w / "ref1" / "power.csv"), e2e::slurp(w / "ref7" / "power.csv"));
    const std::string both = "cd '" + w.string() + "' && ('" + XBAR_VP_BIN + "' run s.json --seed 1 --out same > a.log 2>&1 & '" +
                             XBAR_VP_BIN + "' run s.json --seed 7 --out same > b.log 2>&1 & wait)";
    ASSERT_EQ(std::system(both.c_str()), 0);
    const auto sum = e2e::summary(w / "same");
    const int seed = sum["scenario"]["seed"].get<int>();
    ASSERT_TRUE(seed == 1 || seed == 7) << seed;
    EXPECT_EQ(e2e::slurp(w / "same" / "power.csv"), e2e::slurp(w / ("ref" + std::to_string(seed)) / "power.csv"));
    EXPECT_EQ(e2e::slurp(w / "same" / "waves.vcd"), e2e::slurp(w / ("ref" + std::to_string(seed)) / "waves.vcd"));
    for (const auto& e : std::filesystem::directory_iterator(w))
        EXPECT_EQ(e.path().filename().string().find(".same.xbar-tmp-"), std::string::npos) << e.path();
}
