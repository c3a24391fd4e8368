// Sweeps: a 24-point grid with -j 2 survives a crash and resumes without redoing finished points;
// three shards plus merge give the same rows as one sweep; bad specs are input errors.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <sstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "e2e_util.h"
#include "e2e_proc.h"
#include "platform/csv.h"

extern char** environ;
namespace fs = std::filesystem;

namespace {
// 24 quickstart runs that differ by seed (each a few hundred ms).
fs::path write_spec(const fs::path& w) {
    fs::create_directories(w);
    auto base = nlohmann::json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "scenarios/quickstart.json"));
    base["firmware"]["vmm_count"] = 1500;
    base["firmware"]["mvm_count"] = 1500;
    std::ofstream(w / "base.json") << base.dump();
    nlohmann::json seeds = nlohmann::json::array();
    for (int k = 1; k <= 24; ++k) seeds.push_back(k);
    const nlohmann::json spec{{"name", "seeds"}, {"scenario", "base.json"}, {"grid", {{"/seed", seeds}}},
                              {"metrics", {"/status", "/firmware/metrics/vmm_max_error_lsb", "/energy/total_nj"}}};
    std::ofstream(w / "spec.json") << spec.dump();
    return w / "spec.json";
}
int done_count(const fs::path& out) {
    int n = 0;
    if (!fs::exists(out / "points")) return 0;
    for (const auto& p : fs::directory_iterator(out / "points")) n += fs::exists(p.path() / "done");
    return n;
}
std::set<std::string> rows(const fs::path& csv) {
    std::set<std::string> s;
    std::istringstream in(e2e::slurp(csv));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line))
        if (!line.empty()) s.insert(line);
    return s;
}
}  // namespace

TEST(Sweep, CrashAndResumeDoesNotRedoFinishedPoints) {
    const auto w = e2e::scratch("sweep-resume");
    const auto spec = write_spec(w);
    const auto out = w / "out";
    // Start the sweep in its own process group, then kill the whole group (sweep and its points).
    std::vector<std::string> args{XBAR_VP_BIN, "sweep", spec.string(), "-j", "2", "--out", out.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid;
    ASSERT_EQ(posix_spawn(&pid, XBAR_VP_BIN, nullptr, &attr, argv.data(), environ), 0);
    for (int k = 0; k < 1200 && done_count(out) < 4; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto kids = e2e::children_of(pid);
    kill(-pid, SIGKILL);  // the point processes run in their own groups: the kernel kills them with the sweep
    int status;
    waitpid(pid, &status, 0);
    posix_spawnattr_destroy(&attr);
    for (pid_t k : kids) EXPECT_TRUE(e2e::wait_until([&] { return !e2e::alive(k); }, 10)) << "point " << k << " survived";
    const int before = done_count(out);
    ASSERT_GE(before, 4);
    ASSERT_LT(before, 24) << "the sweep finished before it could be interrupted";
    std::map<std::string, fs::file_time_type> stamps;
    for (const auto& p : fs::directory_iterator(out / "points"))
        if (fs::exists(p.path() / "done")) stamps[p.path().filename()] = fs::last_write_time(p.path() / "done");

    const auto r = e2e::xbar("sweep '" + spec.string() + "' -j 2 --out '" + out.string() + "'", w / "resume");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find(std::to_string(24 - before) + " to run, " + std::to_string(before) + " already done"),
              std::string::npos) << r.out;
    for (const auto& [name, t] : stamps) EXPECT_EQ(fs::last_write_time(out / "points" / name / "done"), t) << name;
    const auto all = rows(out / "results.csv");
    EXPECT_EQ(all.size(), 24u);
    std::set<std::string> ids;
    for (const auto& row : all) ids.insert(row.substr(0, row.find(',')));
    EXPECT_EQ(all.size(), 24u);
    EXPECT_EQ(ids.size(), 24u);  // each point once
}

TEST(Sweep, ThreeShardsAndMergeEqualOneSweep) {
    const auto w = e2e::scratch("sweep-shards");
    const auto spec = write_spec(w);
    ASSERT_EQ(e2e::xbar("sweep '" + spec.string() + "' -j 2 --out '" + (w / "full").string() + "'", w / "rf").exit_code, 0);
    std::string dirs;
    for (int i = 0; i < 3; ++i) {
        const auto d = w / ("shard" + std::to_string(i));
        ASSERT_EQ(e2e::xbar("sweep '" + spec.string() + "' -j 2 --shard " + std::to_string(i) + "/3 --out '" + d.string() + "'",
                            w / ("r" + std::to_string(i))).exit_code, 0);
        dirs += " '" + d.string() + "'";
    }
    const auto m = e2e::xbar("merge" + dirs + " --out '" + (w / "merged").string() + "'", w / "rm");
    ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
    EXPECT_EQ(e2e::slurp(w / "merged" / "results.csv"), e2e::slurp(w / "full" / "results.csv"));
    // A missing shard is reported, and nothing is written.
    const auto partial = e2e::xbar("merge '" + (w / "shard0").string() + "' --out '" + (w / "m2").string() + "'", w / "rm2");
    EXPECT_EQ(partial.exit_code, 2);
    EXPECT_NE(partial.err.find("missing points: 1 2 4 5"), std::string::npos) << partial.err;
    EXPECT_FALSE(std::filesystem::exists(w / "m2"));
}

// report.html: written by a sweep once every point has a row (not by a shard in its own
// folder), rewritten with the same bytes when a finished sweep is started again, and written by
// merge with the same bytes as the one-folder sweep; it lists every point with its parameters.
TEST(Sweep, ReportHtmlOfASweepAndOfAMergeListsEveryPoint) {
    const auto w = e2e::scratch("sweep-report");
    fs::create_directories(w);
    auto base = nlohmann::json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "scenarios/quickstart.json"));
    base["firmware"]["vmm_count"] = 200;
    base["firmware"]["mvm_count"] = 200;
    std::ofstream(w / "base.json") << base.dump();
    const nlohmann::json spec{{"name", "adc-seeds"}, {"scenario", "base.json"},
                              {"grid", {{"/tile/adc/type", {"ramp", "sar"}}, {"/seed", {1, 2, 3}}}},
                              {"metrics", {"/status", "/energy/total_nj", "/sim_time_ns"}}};
    std::ofstream(w / "spec.json") << spec.dump();
    const std::string sp = "'" + (w / "spec.json").string() + "'";
    const auto full = w / "full";
    const auto r = e2e::xbar("sweep " + sp + " -j 2 --out '" + full.string() + "'", w / "rf");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("report: " + (full / "report.html").string()), std::string::npos) << r.out;
    const std::string html = e2e::slurp(full / "report.html");
    ASSERT_FALSE(html.empty());
    EXPECT_NE(html.find("<h1>adc-seeds</h1>"), std::string::npos);
    // Every point of results.csv is a row of the table with its status and parameter values (the
    // axes in pointer order: /seed, /tile/adc/type).
    const auto recs = xbar::platform::parse_csv(e2e::slurp(full / "results.csv"), "results.csv");
    ASSERT_EQ(recs.size(), 7u);
    EXPECT_EQ(recs[0].fields[2], "/seed");
    for (std::size_t i = 1; i < recs.size(); ++i) {
        const auto& f = recs[i].fields;
        const std::string row = "<tr><td>" + f[0] + "</td><td class=\"st\">ok</td><td>" + f[2] + "</td><td class=\"cat\">" +
                                f[3] + "</td>";
        EXPECT_NE(html.find(row), std::string::npos) << row;
    }
    EXPECT_NE(html.find("<td>/seed</td><td>grid</td><td>1, 2, 3</td><td>3</td>"), std::string::npos);
    EXPECT_NE(html.find("<td>/tile/adc/type</td><td>grid</td><td>ramp, sar</td><td>2</td>"), std::string::npos);
    for (const char* chart : {"<svg id=\"chart-energy-total_nj\"", "<svg id=\"chart-sim_time_ns\""})
        EXPECT_NE(html.find(chart), std::string::npos) << chart;
    EXPECT_NE(html.find("<title>type=sar</title>"), std::string::npos);
    // The folder's marker lists it (--force and the output contract cover it); sweep.json has the grid.
    const auto marker = nlohmann::json::parse(e2e::slurp(full / ".xbar-vp-output"));
    EXPECT_NE(std::find(marker["entries"].begin(), marker["entries"].end(), "report.html"), marker["entries"].end());
    const auto meta = nlohmann::json::parse(e2e::slurp(full / "sweep.json"));
    EXPECT_EQ(meta["grid"][0]["axis"], "/seed");
    EXPECT_EQ(meta["grid"][1]["values"], nlohmann::json({"ramp", "sar"}));
    // Nothing left to run: the report is written again, byte for byte.
    const auto again = e2e::xbar("sweep " + sp + " --out '" + full.string() + "'", w / "ra");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 to run, 6 already done"), std::string::npos) << again.out;
    EXPECT_EQ(e2e::slurp(full / "report.html"), html);
    // A shard in its own folder is incomplete: no report, and the console says when there is one.
    std::string dirs;
    for (int i = 0; i < 2; ++i) {
        const auto d = w / ("shard" + std::to_string(i));
        const auto s = e2e::xbar("sweep " + sp + " --shard " + std::to_string(i) + "/2 --out '" + d.string() + "'",
                                 w / ("r" + std::to_string(i)));
        ASSERT_EQ(s.exit_code, 0) << s.err;
        EXPECT_FALSE(fs::exists(d / "report.html"));
        EXPECT_NE(s.out.find("report: none yet (3 of 6 points have a row"), std::string::npos) << s.out;
        dirs += " '" + d.string() + "'";
    }
    // merge writes it: the same rows and spec give the same bytes.
    const auto m = e2e::xbar("merge" + dirs + " --out '" + (w / "merged").string() + "'", w / "rm");
    ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
    EXPECT_NE(m.out.find("report: " + (w / "merged" / "report.html").string()), std::string::npos) << m.out;
    EXPECT_EQ(e2e::slurp(w / "merged" / "report.html"), html);
    const auto mm = nlohmann::json::parse(e2e::slurp(w / "merged" / ".xbar-vp-output"));
    EXPECT_NE(std::find(mm["entries"].begin(), mm["entries"].end(), "report.html"), mm["entries"].end());
}

TEST(Sweep, BadSpecsAreInputErrors) {
    const auto w = e2e::scratch("sweep-bad");
    write_spec(w);
    std::ofstream(w / "bad1.json") << R"({"scenario": "base.json", "grid": {"/tile/bits_in": [4, 9]}})";
    const auto r1 = e2e::xbar("sweep '" + (w / "bad1.json").string() + "' --out '" + (w / "o1").string() + "'", w / "r1");
    EXPECT_EQ(r1.exit_code, 2);
    EXPECT_NE(r1.err.find("/grid: point 1 is not a valid scenario"), std::string::npos) << r1.err;
    EXPECT_NE(r1.err.find("/tile/bits_in: expected a value in [2, 8]"), std::string::npos) << r1.err;
    std::ofstream(w / "bad2.json") << R"({"scenario": "base.json", "grids": {}})";
    const auto r2 = e2e::xbar("sweep '" + (w / "bad2.json").string() + "'", w / "r2");
    EXPECT_EQ(r2.exit_code, 2);
    EXPECT_NE(r2.err.find("bad2.json: /grids: unknown key"), std::string::npos) << r2.err;
    std::ofstream(w / "bad3.json") << R"({"scenario": "base.json", "zip": {"/seed": [1, 2], "/tile/bits_in": [4]}})";
    const auto r3 = e2e::xbar("sweep '" + (w / "bad3.json").string() + "'", w / "r3");
    EXPECT_EQ(r3.exit_code, 2);
    EXPECT_NE(r3.err.find("all zip lists must have the same length"), std::string::npos) << r3.err;
    // A number in the path where the base has no list names a key, not a 55-billion-entry list
    // (found by the sweep fuzzer); an index past the end of a list cannot be set.
    std::ofstream(w / "bad4.json") << R"({"scenario": "base.json", "grid": {"/tile/bits/55555555777": [4, 6]}})";
    const auto r4 = e2e::xbar("sweep '" + (w / "bad4.json").string() + "'", w / "r4");
    EXPECT_EQ(r4.exit_code, 2) << r4.err;
    std::ofstream(w / "bad5.json") << R"({"scenario": "base.json", "grid": {"/seed/3": [4, 6]}})";
    const auto r5 = e2e::xbar("sweep '" + (w / "bad5.json").string() + "'", w / "r5");
    EXPECT_EQ(r5.exit_code, 2) << r5.err;
    EXPECT_NE(r5.err.find("/seed/3: cannot set this field"), std::string::npos) << r5.err;
    EXPECT_FALSE(fs::exists(w / "o1"));
}

TEST(Sweep, SlurmJobArrayOnALocalCluster) {
    if (std::system("command -v sbatch > /dev/null 2>&1 && sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed'") != 0)
        GTEST_SKIP() << "Slurm is not running here (Debian slurm-wlm + munge with a local slurmctld/slurmd): "
                        "scenarios/sweeps/slurm-array.sh is exercised only where a cluster is available";
    const auto w = e2e::scratch("sweep-slurm");
    const auto spec = write_spec(w);
    // Submitted from the test's folder, job logs there too: nothing lands in the source tree.
    const std::string cmd = "cd '" + w.string() + "' && XBAR_VP='" XBAR_VP_BIN "' timeout 300 sbatch --wait --array=0-2 "
                            "--export=ALL --output='" + (w / "slurm-%A_%a.log").string() + "' '" XBAR_SOURCE_DIR
                            "/scenarios/sweeps/slurm-array.sh' '" + spec.string() + "' '" + (w / "out").string() + "' > /dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_EQ(rows(w / "out" / "results.csv").size(), 24u);
    // Three shards shared one folder: one header, no internal error in any job log.
    const std::string csv = e2e::slurp(w / "out" / "results.csv");
    EXPECT_EQ(csv.find("point,exit_code"), 0u);
    EXPECT_EQ(csv.find("point,exit_code", 1), std::string::npos);
    for (const auto& e : fs::directory_iterator(w)) {
        if (e.path().extension() == ".log") {
            EXPECT_EQ(e2e::slurp(e.path()).find("internal error"), std::string::npos) << e.path();
        }
    }
}
