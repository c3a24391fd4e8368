// Sweeps and merges never lose or mix a user's data (issue 12): a changed spec is refused, --force
// starts anew and keeps user files, failed points run again, SIGINT / SIGTERM stop every point
// process and keep what finished, rows are quoted CSV, merge rejects damaged or foreign shards,
// a full disk (file-size limit) is exit 3 with the old results intact, bad -j / --shard are exit 2.
#include <set>

#include <gtest/gtest.h>

#include "e2e_util.h"
#include "e2e_proc.h"
#include "platform/csv.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A sweep over `points` seeds of a quickstart with `count` VMMs and MVMs per point.
fs::path write_spec(const fs::path& w, int points, int count, const json& metrics = {"/status", "/energy/total_nj"},
                    const std::string& name = "seeds") {
    fs::create_directories(w);
    auto base = json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "scenarios/quickstart.json"));
    base["firmware"]["vmm_count"] = count;
    base["firmware"]["mvm_count"] = count;
    std::ofstream(w / "base.json") << base.dump();
    json seeds = json::array();
    for (int k = 1; k <= points; ++k) seeds.push_back(k);
    const json spec{{"name", name}, {"scenario", "base.json"}, {"grid", {{"/seed", seeds}}}, {"metrics", metrics}};
    const fs::path f = w / (name == "seeds" ? "spec.json" : name + ".json");
    std::ofstream(f) << spec.dump();
    return f;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

e2e::Run sweep(const fs::path& spec, const fs::path& out, const fs::path& work, const std::string& extra = "") {
    return e2e::xbar("sweep " + q(spec) + " -j 2 --out " + q(out) + " " + extra, work);
}

// The data rows of results.csv, by point, through the strict reader.
std::map<std::size_t, std::vector<std::string>> rows_of(const fs::path& csv) {
    std::map<std::size_t, std::vector<std::string>> out;
    const auto recs = xbar::platform::parse_csv(e2e::slurp(csv), csv.string());
    for (std::size_t i = 1; i < recs.size(); ++i) out[std::stoul(recs[i].fields.at(0))] = recs[i].fields;
    return out;
}

int data_rows(const fs::path& csv) {
    try {
        return int(rows_of(csv).size());
    } catch (const std::exception&) {
        return -1;
    }
}

}  // namespace

TEST(SweepSafety, ChangedSpecIsExit2AndKeepsTheOldRowsForceStartsANewSweep) {
    const auto w = e2e::scratch("sweep-changed");
    const auto spec = write_spec(w, 4, 200);
    const auto out = w / "out";
    ASSERT_EQ(sweep(spec, out, w / "r1").exit_code, 0);
    const std::string before = e2e::slurp(out / "results.csv");
    std::ofstream(out / "notes.txt") << "my notes";
    std::ofstream(out / "points" / "0" / "plot.py") << "# mine";
    std::ofstream(out / "points" / "2" / "run" / "u.txt") << "inside a point's run";  // a run folder of the sweep's
    // Same spec file name, other metrics: a different spec.
    const auto changed = write_spec(w, 4, 200, {"/status", "/sim_time_ns"});
    const auto r = sweep(changed, out, w / "r2");
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("holds the results of another sweep spec"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
    EXPECT_EQ(e2e::slurp(out / "results.csv"), before);
    // --force: a new sweep; the user's files survive.
    const auto f = sweep(changed, out, w / "r3", "--force");
    ASSERT_EQ(f.exit_code, 0) << f.out << f.err;
    const auto rows = rows_of(out / "results.csv");
    EXPECT_EQ(rows.size(), 4u);
    EXPECT_NE(e2e::slurp(out / "results.csv").find("/sim_time_ns"), std::string::npos);
    EXPECT_EQ(e2e::slurp(out / "notes.txt"), "my notes");
    EXPECT_EQ(e2e::slurp(out / "points" / "0" / "plot.py"), "# mine");
    EXPECT_EQ(e2e::slurp(out / "points" / "2" / "run" / "u.txt"), "inside a point's run");  // and point 2 ran
    EXPECT_EQ(rows.at(2).at(1), "0");  // exit_code column
    EXPECT_NE(json::parse(e2e::slurp(out / "sweep.json"))["spec_hash"], "");
}

TEST(SweepSafety, AFolderXbarVpDidNotCreateIsNeverUsedEvenWithForce) {
    const auto w = e2e::scratch("sweep-foreign");
    const auto spec = write_spec(w, 2, 200);
    fs::create_directories(w / "mine");
    std::ofstream(w / "mine" / "thesis.tex") << "x";
    const auto r = sweep(spec, w / "mine", w / "r", "--force");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("was not created by xbar-vp"), std::string::npos) << r.err;
    EXPECT_EQ(e2e::slurp(w / "mine" / "thesis.tex"), "x");
    EXPECT_FALSE(fs::exists(w / "mine" / "results.csv"));
}

TEST(SweepSafety, FailedPointIsReportedAndRetriedOnResume) {
    const auto w = e2e::scratch("sweep-retry");
    const auto spec = write_spec(w, 4, 200);
    const auto out = w / "out";
    ASSERT_EQ(sweep(spec, out, w / "r0", "--shard 0/2").exit_code, 0);
    // Point 3 cannot write its outputs (a file where its run folder goes): its run fails.
    fs::create_directories(out / "points" / "3");
    std::ofstream(out / "points" / "3" / "run") << "in the way";
    const auto r1 = sweep(spec, out, w / "r1");
    EXPECT_EQ(r1.exit_code, 4) << r1.out << r1.err;
    EXPECT_NE(r1.out.find("1 failed point(s)"), std::string::npos) << r1.out;
    auto rows = rows_of(out / "results.csv");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_NE(rows[3][1], "0");
    // The sweep is complete (every point has a row): its report lists the failed point as such.
    EXPECT_NE(e2e::slurp(out / "report.html").find("<tr class=\"failed\"><td>3</td><td class=\"st\">failed"),
              std::string::npos);
    // --no-retry-failed keeps it.
    const auto r2 = sweep(spec, out, w / "r2", "--no-retry-failed");
    EXPECT_EQ(r2.exit_code, 4);
    EXPECT_NE(r2.out.find("0 to run, 3 already done, 1 failed before and kept"), std::string::npos) << r2.out;
    // The cause goes away: the default run retries it, and the point has one row.
    fs::remove(out / "points" / "3" / "run");
    const auto r3 = sweep(spec, out, w / "r3");
    EXPECT_EQ(r3.exit_code, 0) << r3.out << r3.err;
    EXPECT_NE(r3.out.find("1 to run, 3 already done, 1 failed before and run again"), std::string::npos) << r3.out;
    rows = rows_of(out / "results.csv");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[3][1], "0");
    EXPECT_EQ(rows[3][3], "ok");
    const std::string html = e2e::slurp(out / "report.html");
    EXPECT_EQ(html.find("<tr class=\"failed\">"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"ok\">4 ok</span>"), std::string::npos);
}

// A sweep or merge folder of an xbar-vp from before report.html has a marker without it: the
// sweep that completes such a folder adds it, but a report.html the user put there is never
// replaced (exit 2, like any user file of a name the result writes). merge reads the older
// sweep.json (no grid or zip) too.
TEST(SweepSafety, ReportHtmlInOlderFoldersAndUserFilesOfThatName) {
    const auto w = e2e::scratch("sweep-report-old");
    const auto spec = write_spec(w, 4, 200);
    auto make_old = [](const fs::path& dir) {  // what an xbar-vp without the sweep report wrote
        auto m = json::parse(e2e::slurp(dir / ".xbar-vp-output"));
        json entries = json::array();
        for (const auto& e : m["entries"])
            if (e != "report.html") entries.push_back(e);
        m["entries"] = entries;
        std::ofstream(dir / ".xbar-vp-output", std::ios::trunc) << m.dump(1);
        auto meta = json::parse(e2e::slurp(dir / "sweep.json"));
        meta.erase("grid");
        meta.erase("zip");
        std::ofstream(dir / "sweep.json", std::ios::trunc) << meta.dump(2) << "\n";
    };
    const auto out = w / "out", mine = w / "mine";
    ASSERT_EQ(sweep(spec, out, w / "r0", "--shard 0/2").exit_code, 0);
    EXPECT_FALSE(fs::exists(out / "report.html"));
    make_old(out);
    fs::copy(out, mine, fs::copy_options::recursive);
    std::ofstream(mine / "report.html") << "my report";
    const auto refused = sweep(spec, mine, w / "r1", "--shard 1/2");
    EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
    EXPECT_NE(refused.err.find("report.html was not written by xbar-vp"), std::string::npos) << refused.err;
    EXPECT_EQ(e2e::slurp(mine / "report.html"), "my report");
    EXPECT_EQ(rows_of(mine / "results.csv").size(), 2u);
    // Without a file in the way, the older folder is completed and gets its report, listed.
    const auto done = sweep(spec, out, w / "r2", "--shard 1/2");
    ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
    const std::string html = e2e::slurp(out / "report.html");
    for (int id = 0; id < 4; ++id) EXPECT_NE(html.find("<tr><td>" + std::to_string(id) + "</td>"), std::string::npos) << id;
    const auto entries = json::parse(e2e::slurp(out / ".xbar-vp-output"))["entries"];
    EXPECT_NE(std::find(entries.begin(), entries.end(), "report.html"), entries.end());
    // --force deletes it with the rest of the sweep; the user's files stay.
    std::ofstream(out / "notes.txt") << "mine";
    ASSERT_EQ(sweep(spec, out, w / "r3", "--force --shard 0/2").exit_code, 0);
    EXPECT_FALSE(fs::exists(out / "report.html"));
    EXPECT_EQ(e2e::slurp(out / "notes.txt"), "mine");
    // merge of shards with an older sweep.json: the values come from the rows.
    ASSERT_EQ(sweep(spec, w / "s1", w / "r4", "--shard 1/2").exit_code, 0);
    make_old(out);
    make_old(w / "s1");
    const auto m = e2e::xbar("merge " + q(out) + " " + q(w / "s1") + " --out " + q(w / "m"), w / "rm");
    ASSERT_EQ(m.exit_code, 0) << m.err;
    EXPECT_NE(e2e::slurp(w / "m" / "report.html").find("<td>/seed</td><td>grid</td><td>1, 2, 3, 4</td><td>4</td>"),
              std::string::npos);
    // A merge folder whose report.html is the user's (its marker does not list it): exit 2, kept.
    make_old(w / "m");
    std::ofstream(w / "m" / "report.html", std::ios::trunc) << "my merge notes";
    const auto m2 = e2e::xbar("merge " + q(out) + " " + q(w / "s1") + " --out " + q(w / "m"), w / "rm2");
    EXPECT_EQ(m2.exit_code, 2) << m2.err;
    EXPECT_NE(m2.err.find("report.html was not written by xbar-vp"), std::string::npos) << m2.err;
    EXPECT_EQ(e2e::slurp(w / "m" / "report.html"), "my merge notes");
}

class SweepSignal : public ::testing::TestWithParam<int> {};

TEST_P(SweepSignal, StopsEveryPointKeepsFinishedRowsAndResumes) {
    const int sig = GetParam();
    const auto w = e2e::scratch(std::string("sweep-sig") + std::to_string(sig));
    const auto spec = write_spec(w, 8, 6000);
    const auto out = w / "out";
    const pid_t pid = e2e::spawn_xbar({"sweep", spec.string(), "-j", "2", "--out", out.string()}, w / "r1");
    ASSERT_GT(pid, 0);
    // Wait until a point has finished and the next ones run.
    ASSERT_TRUE(e2e::wait_until([&] { return data_rows(out / "results.csv") >= 1 && e2e::children_of(pid).size() == 2; }, 120));
    const auto kids = e2e::children_of(pid);
    ::kill(pid, sig);
    EXPECT_EQ(e2e::wait_exit(pid, 120), 130) << e2e::slurp(w / "r1" / "stderr.txt");
    for (pid_t k : kids) EXPECT_FALSE(e2e::alive(k)) << "point process " << k << " survived the sweep";
    const int kept = data_rows(out / "results.csv");
    EXPECT_GE(kept, 1);
    EXPECT_LT(kept, 8) << "the sweep finished before the signal";
    const std::string msg = e2e::slurp(w / "r1" / "stdout.txt");
    EXPECT_NE(msg.find(sig == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM"), std::string::npos) << msg;
    const auto r = sweep(spec, out, w / "r2");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find(std::to_string(8 - kept) + " to run, " + std::to_string(kept) + " already done"), std::string::npos)
        << r.out;
    EXPECT_EQ(rows_of(out / "results.csv").size(), 8u);
}

INSTANTIATE_TEST_SUITE_P(IntTerm, SweepSignal, ::testing::Values(SIGINT, SIGTERM));

TEST(SweepSafety, CellsAreQuotedCsvAndRoundTrip) {
    const auto w = e2e::scratch("sweep-csv");
    // A run name may hold a comma and a quote (not a control character: see check_run_name);
    // newlines in cells are covered by the writer/reader check below.
    const std::string name = "odd, \"quoted\" name";
    const auto spec = write_spec(w, 2, 200, {"/status", "/power", "/scenario/name"}, "odd");
    auto doc = json::parse(e2e::slurp(spec));
    doc["name"] = name;
    std::ofstream(spec) << doc.dump();
    ASSERT_EQ(sweep(spec, w / "out", w / "r").exit_code, 0);
    const auto rows = rows_of(w / "out" / "results.csv");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_NE(e2e::slurp(w / "out" / "report.html").find("<h1>odd, &quot;quoted&quot; name</h1>"), std::string::npos);
    for (const auto& [id, row] : rows) {
        ASSERT_EQ(row.size(), 6u);
        const auto sum = e2e::summary(w / "out" / "points" / std::to_string(id) / "run");
        EXPECT_EQ(row[4], sum["power"].dump());
        EXPECT_EQ(row[5], name + "-" + std::to_string(id));
    }
    // The writer and reader alone: a comma, a quote, CR and LF survive.
    const std::vector<std::string> cells{"a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", "", "plain"};
    const auto back = xbar::platform::parse_csv(xbar::platform::csv_record(cells) + xbar::platform::csv_record({"x"}), "t");
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].fields, cells);
    EXPECT_EQ(back[1].line, 4u);
}

TEST(SweepSafety, MergeRejectsTruncatedExtraForeignDuplicateAndMissing) {
    const auto w = e2e::scratch("merge-bad");
    const auto spec = write_spec(w, 4, 200);
    for (const char* s : {"0", "1"})
        ASSERT_EQ(sweep(spec, w / ("s" + std::string(s)), w / ("r" + std::string(s)), std::string("--shard ") + s + "/2").exit_code, 0);
    const auto good = e2e::xbar("merge " + q(w / "s0") + " " + q(w / "s1") + " --out " + q(w / "m"), w / "rm");
    ASSERT_EQ(good.exit_code, 0) << good.err;
    const std::string merged = e2e::slurp(w / "m" / "results.csv");
    auto damaged = [&](const std::string& tag, const std::function<std::string(std::string)>& edit) {
        const auto d = w / tag;
        fs::copy(w / "s1", d, fs::copy_options::recursive);
        std::ofstream(d / "results.csv", std::ios::trunc) << edit(e2e::slurp(w / "s1" / "results.csv"));
        return d;
    };
    struct Case {
        fs::path dir;
        std::string message;
    };
    const std::vector<Case> cases{
        {damaged("cut", [](std::string t) { return t.substr(0, t.size() - 5); }), "the last row is truncated"},
        {damaged("short", [](std::string t) { return t.substr(0, t.rfind(',')) + "\n"; }), "(a truncated row)"},
        {damaged("extra", [](std::string t) { t.pop_back(); return t + ",surplus\n"; }), "(extra columns)"},
        {damaged("dup", [](std::string t) { return t + t.substr(t.find('\n') + 1); }), "appears twice"},
        {damaged("quote", [](std::string t) { return t + "3,0,\"a\"b,x,y\n"; }), "text after a closing double quote"},
    };
    for (const auto& c : cases) {
        const auto r = e2e::xbar("merge " + q(w / "s0") + " " + q(c.dir) + " --out " + q(w / "m"), w / ("r-" + c.dir.filename().string()));
        EXPECT_EQ(r.exit_code, 2) << c.dir << r.out << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.dir << ": " << r.err;
        EXPECT_EQ(e2e::slurp(w / "m" / "results.csv"), merged) << "the earlier merge was changed";
    }
    // A shard of another spec, the same shard twice, a missing shard.
    const auto other = write_spec(w, 4, 300, {"/status", "/energy/total_nj"}, "other");
    ASSERT_EQ(sweep(other, w / "o1", w / "ro", "--shard 1/2").exit_code, 0);
    const auto f = e2e::xbar("merge " + q(w / "s0") + " " + q(w / "o1") + " --out " + q(w / "m2"), w / "rf");
    EXPECT_EQ(f.exit_code, 2);
    EXPECT_NE(f.err.find("a shard of a different sweep"), std::string::npos) << f.err;
    const auto d = e2e::xbar("merge " + q(w / "s0") + " " + q(w / "s1") + " " + q(w / "s1") + " --out " + q(w / "m3"), w / "rd");
    EXPECT_EQ(d.exit_code, 2);
    EXPECT_NE(d.err.find("(a duplicate)"), std::string::npos) << d.err;
    const auto m = e2e::xbar("merge " + q(w / "s0") + " --out " + q(w / "m4"), w / "rmiss");
    EXPECT_EQ(m.exit_code, 2);
    EXPECT_NE(m.err.find("missing points: 1 3"), std::string::npos) << m.err;
    for (const char* n : {"m2", "m3", "m4"}) EXPECT_FALSE(fs::exists(w / n)) << n;
    // merge never replaces a sweep folder.
    const auto into = e2e::xbar("merge " + q(w / "s0") + " " + q(w / "s1") + " --out " + q(w / "o1"), w / "rinto");
    EXPECT_EQ(into.exit_code, 2) << into.err;
    EXPECT_TRUE(fs::exists(w / "o1" / "points"));
}

TEST(SweepSafety, FileSizeLimitIsExit3WithTheOsErrorAndKeepsTheRows) {
    const auto w = e2e::scratch("sweep-efbig");
    // /power makes rows long enough that shard 0's rows alone pass 1 KiB.
    const auto spec = write_spec(w, 8, 200, {"/status", "/power"});
    const auto out = w / "out";
    ASSERT_EQ(sweep(spec, out, w / "r0", "--shard 0/2").exit_code, 0);
    const std::string before = e2e::slurp(out / "results.csv");
    ASSERT_GT(before.size(), 1024u);
    // ulimit -f 1: no file may grow past 1 KiB; appending a row to results.csv fails.
    const auto r = e2e::xbar_file_limit(1, "sweep " + q(spec) + " -j 1 --out " + q(out), w / "r1");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
    EXPECT_EQ(e2e::slurp(out / "results.csv"), before);
    // The resume after the full disk runs what was lost and ends complete.
    const auto again = sweep(spec, out, w / "r2");
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(rows_of(out / "results.csv").size(), 8u);
    // merge under the same limit: exit 3, an earlier merge is left as it was.
    ASSERT_EQ(e2e::xbar("merge " + q(out) + " --out " + q(w / "m"), w / "rm").exit_code, 0);
    const std::string merged = e2e::slurp(w / "m" / "results.csv");
    const auto m = e2e::xbar_file_limit(1, "merge " + q(out) + " --out " + q(w / "m"), w / "rm2");
    EXPECT_EQ(m.exit_code, 3) << m.out << m.err;
    EXPECT_NE(m.err.find("File too large"), std::string::npos) << m.err;
    EXPECT_EQ(e2e::slurp(w / "m" / "results.csv"), merged);
}

TEST(SweepSafety, BadJobsShardAndMetricsAreExit2) {
    const auto w = e2e::scratch("sweep-args");
    const auto spec = write_spec(w, 2, 200);
    for (const char* j : {"0", "-1", "100000", "99999999999", "two"}) {
        const auto r = e2e::xbar("sweep " + q(spec) + " -j " + j + " --out " + q(w / "o"), w / (std::string("j") + j));
        EXPECT_EQ(r.exit_code, 2) << j << r.err;
        EXPECT_FALSE(fs::exists(w / "o")) << j;
    }
    for (const char* s : {"1/2/3", "2/2", "-1/2", "1/0", "a/b", "1/", "+1/2"}) {
        const auto r = e2e::xbar("sweep " + q(spec) + " --shard " + s + " --out " + q(w / "o"), w / "s");
        EXPECT_EQ(r.exit_code, 2) << s << r.err;
        EXPECT_NE(r.err.find("--shard"), std::string::npos) << s << r.err;
    }
    auto doc = json::parse(e2e::slurp(spec));
    for (const json& m : {json{"/a~2"}, json{"energy"}, json{"/status", "/status"}, json{1}}) {
        doc["metrics"] = m;
        std::ofstream(w / "m.json", std::ios::trunc) << doc.dump();
        const auto r = e2e::xbar("sweep " + q(w / "m.json") + " --out " + q(w / "o"), w / "m");
        EXPECT_EQ(r.exit_code, 2) << m << r.err;
        EXPECT_NE(r.err.find("/metrics/"), std::string::npos) << m << r.err;
    }
    doc["metrics"] = {"/status"};
    doc["grid"] = {{"/seed/x", {1}}};
    std::ofstream(w / "g.json", std::ios::trunc) << doc.dump();
    const auto g = e2e::xbar("sweep " + q(w / "g.json") + " --out " + q(w / "o"), w / "g");
    EXPECT_EQ(g.exit_code, 2) << g.err;
    const auto c = e2e::xbar("compare scenarios/paper/compare-4bit.json -j 0 --out " + q(w / "c"), w / "rc");
    EXPECT_EQ(c.exit_code, 2) << c.err;
    EXPECT_NE(c.err.find("-j 0"), std::string::npos) << c.err;
    EXPECT_FALSE(fs::exists(w / "c"));
}

// Two shards started at the same moment into one folder (a Slurm array sharing --out): one
// writes sweep.json and the header, both append their rows, none is lost or doubled.
TEST(SweepSafety, ConcurrentShardsShareOneFolderWithOneHeader) {
    const auto w = e2e::scratch("sweep-shared");
    const auto spec = write_spec(w, 8, 200);
    const auto out = w / "out";
    std::vector<pid_t> pids;
    for (const char* s : {"0/2", "1/2"})
        pids.push_back(e2e::spawn_xbar({"sweep", spec.string(), "-j", "1", "--shard", s, "--out", out.string()},
                                       w / (std::string("r") + s[0])));
    for (pid_t p : pids) EXPECT_EQ(e2e::wait_exit(p, 300), 0);
    const std::string csv = e2e::slurp(out / "results.csv");
    EXPECT_EQ(csv.find("point,exit_code"), 0u);
    EXPECT_EQ(csv.find("point,exit_code", 1), std::string::npos) << csv;
    EXPECT_EQ(rows_of(out / "results.csv").size(), 8u);
    const auto m = e2e::xbar("merge " + q(out) + " --out " + q(w / "m"), w / "rm");
    EXPECT_EQ(m.exit_code, 0) << m.err;
}
