// The output contract (platform/output_dir.h): destinations that are refused, markers that
// delete only what they list, staged results swapped in with the user's files carried over,
// and temporary folders of dead processes cleaned up.
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "platform/errors.h"
#include "platform/output_dir.h"

namespace fs = std::filesystem;
using namespace xbar::platform;

namespace {

fs::path fresh(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("xbar-unit-out-" + std::to_string(::getpid())) / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
void put(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// A run's result at `dest` holding only summary.json.
void commit_result(const fs::path& dest, const std::string& summary) {
    StagedOutput s(dest, "run", "run");
    s.write("summary.json", summary);
    s.commit();
}

// Runs `body` with `dir` as the current folder.
template <class F>
void in_folder(const fs::path& dir, F body) {
    const fs::path old = fs::current_path();
    fs::current_path(dir);
    try {
        body();
    } catch (...) {
        fs::current_path(old);
        throw;
    }
    fs::current_path(old);
}

bool refused(const fs::path& dest) {
    try {
        check_destination(dest, "run");
        return false;
    } catch (const UsageError&) {
        return true;
    }
}

}  // namespace

TEST(OutputDir, RefusesTheCurrentFolderItsParentsTheRootAndPathsThatNormalizeToThem) {
    const fs::path w = fresh("refuse");
    fs::create_directories(w / "a" / "b");
    put(w / "file", "x");
    in_folder(w / "a" / "b", [&] {
        for (const char* p : {"", ".", "./", "..", "../", "../..", "/", "../b", "../b/.", "./../../a/b/"})
            EXPECT_TRUE(refused(p)) << "'" << p << "' was accepted";
        EXPECT_TRUE(refused(w / "file"));           // a file
        EXPECT_TRUE(refused(w / "file" / "out"));   // under a file
        EXPECT_TRUE(refused(w / "a"));              // a parent, non-empty
        EXPECT_FALSE(refused("new"));               // absent
        EXPECT_FALSE(refused(w / "c"));
        EXPECT_TRUE(refused(std::string("x\0y", 3)));  // a NUL would truncate the path
    });
}

TEST(OutputDir, AcceptsAnEmptyFolderAndOwnFoldersRefusesForeignOnes) {
    const fs::path w = fresh("accept");
    fs::create_directories(w / "empty");
    EXPECT_FALSE(refused(w / "empty"));
    fs::create_directories(w / "foreign");
    put(w / "foreign" / "summary.json", "{}");  // looks like a result, but has no marker
    EXPECT_TRUE(refused(w / "foreign"));
    fs::create_directories(w / "own");
    put(w / "own" / "summary.json", "{}");
    mark_own_folder(w / "own", "run", {"summary.json"});
    EXPECT_FALSE(refused(w / "own"));
    put(w / "own" / "trace.json", "mine");  // a user file that a new result would overwrite
    EXPECT_THROW(check_destination(w / "own", "run", {"summary.json", "trace.json"}), UsageError);
    EXPECT_NO_THROW(check_destination(w / "own", "run", {"summary.json"}));
}

TEST(OutputDir, RemoveDeletesOnlyTheListedEntriesAndNeverOutsideTheFolder) {
    const fs::path w = fresh("remove");
    const fs::path d = w / "result", outside = w / "precious.txt";
    fs::create_directories(d / "sub");
    put(outside, "keep");
    put(d / "summary.json", "{}");
    put(d / "power.csv.part", "half");  // a partial write of a listed file
    put(d / "notebook.ipynb", "user");
    put(d / "sub" / "a.txt", "a");
    mark_own_folder(d / "sub", "point", {"a.txt"});
    // Entries that would leave the folder are ignored, not followed.
    nlohmann::json m{{"xbar_vp", 1}, {"kind", "run"},
                     {"entries", {"summary.json", "power.csv", "sub/", "../precious.txt", "..", "/etc/passwd"}}};
    put(d / kMarkerFile, m.dump());
    const auto left = remove_own_folder(d);
    EXPECT_EQ(left, std::vector<std::string>{"notebook.ipynb"});
    EXPECT_EQ(slurp(d / "notebook.ipynb"), "user");
    EXPECT_FALSE(fs::exists(d / "summary.json"));
    EXPECT_FALSE(fs::exists(d / "power.csv.part"));
    EXPECT_FALSE(fs::exists(d / "sub"));
    EXPECT_EQ(slurp(outside), "keep");
    // The folder stays the platform's, listing nothing, so a later result there keeps the file.
    EXPECT_TRUE(is_own_folder(d));
    EXPECT_EQ(own_entries(d), std::vector<std::string>{});
    EXPECT_EQ(remove_own_folder(d), std::vector<std::string>{"notebook.ipynb"});
    // A folder without a marker is left alone entirely.
    fs::remove(d / kMarkerFile);
    EXPECT_EQ(remove_own_folder(d), std::vector<std::string>{"result"});
    EXPECT_TRUE(fs::exists(d / "notebook.ipynb"));
}

TEST(OutputDir, CommitReplacesTheOldResultAndCarriesUserFilesAcross) {
    const fs::path w = fresh("commit");
    const fs::path dest = w / "r";
    {
        StagedOutput s(dest, "run", "run");
        s.write("summary.json", "old");
        s.write("trace.json", "old trace");
        s.commit();
    }
    put(dest / "plot.png", "user plot");
    {
        StagedOutput s(dest, "run", "run", {"summary.json"});
        EXPECT_EQ(s.dir().parent_path(), dest.parent_path());
        EXPECT_NE(s.dir().filename().string().find(".r.xbar-tmp-"), std::string::npos);
        s.write("summary.json", "new");
        EXPECT_EQ(slurp(dest / "summary.json"), "old");  // untouched until commit
        s.commit();
    }
    EXPECT_EQ(slurp(dest / "summary.json"), "new");
    EXPECT_FALSE(fs::exists(dest / "trace.json"));  // the old result's own file is gone
    EXPECT_EQ(slurp(dest / "plot.png"), "user plot");
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(w)) names.push_back(e.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"r"});  // no temporary folder left
}

TEST(OutputDir, AnAbandonedStagingFolderIsRemovedAndTheOldResultKept) {
    const fs::path w = fresh("abandon");
    const fs::path dest = w / "r";
    commit_result(dest, "old");
    {
        StagedOutput s(dest, "run", "run");
        s.write("summary.json", "half-finished");
    }  // destroyed without commit (an exception during the run)
    EXPECT_EQ(slurp(dest / "summary.json"), "old");
    int n = 0;
    for (const auto& e : fs::directory_iterator(w)) n += e.path().filename() != "r";
    EXPECT_EQ(n, 0);
}

TEST(OutputDir, TemporaryFoldersOfDeadProcessesAreCleanedAndTheirUserFilesMovedBack) {
    const fs::path w = fresh("stale");
    const fs::path dest = w / "r";
    commit_result(dest, "current");
    // A process that has exited: its pid names no live process.
    const pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ::waitpid(dead, nullptr, 0);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const fs::path stale = w / ".r.xbar-tmp-AbC123";
    fs::create_directories(stale);
    put(stale / "summary.json", "aside");
    put(stale / "notes.txt", "user notes");  // moved aside with an old result by a killed swap
    put(stale / kMarkerFile, nlohmann::json{{"xbar_vp", 1}, {"kind", "run"}, {"host", host}, {"pid", dead},
                                            {"entries", {"summary.json"}}}.dump());
    // A live process's staging folder is left alone.
    const fs::path live = w / ".r.xbar-tmp-LiVe99";
    fs::create_directories(live);
    put(live / kMarkerFile, nlohmann::json{{"xbar_vp", 1}, {"kind", "run"}, {"host", host}, {"pid", ::getppid()},
                                           {"entries", nlohmann::json::array()}}.dump());
    commit_result(dest, "next");
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_TRUE(fs::exists(live));
    EXPECT_EQ(slurp(dest / "notes.txt"), "user notes");
    EXPECT_EQ(slurp(dest / "summary.json"), "next");
}
