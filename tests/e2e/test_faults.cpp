// The fault corpus (tests/faults/cases.tsv): user and environment errors around the CLI. Every
// case asserts the exit code and the message, that the files it names survive byte for byte,
// and that no temporary folder is left behind.
#include <algorithm>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace fs = std::filesystem;

namespace {

struct FaultCase {
    std::string id, setup, command, fragment;
    int exit_code;
    std::vector<std::string> survives;
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    if (!s.empty() && s.back() == sep) out.push_back("");
    return out;
}

std::vector<FaultCase> cases() {
    std::vector<FaultCase> v;
    std::istringstream in(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "tests/faults/cases.tsv"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto f = split(line, '\t');
        if (f.size() != 6) throw std::runtime_error("tests/faults/cases.tsv: 6 columns expected: " + line);
        FaultCase c{f[0], f[1], f[2], f[4], std::stoi(f[3]), {}};
        for (const auto& p : split(f[5], ' '))
            if (!p.empty()) c.survives.push_back(p);
        v.push_back(c);
    }
    return v;
}

int sh(const fs::path& cwd, const std::string& script, const fs::path& log_prefix) {
    std::ofstream(log_prefix.string() + ".sh") << "cd '" << cwd.string() << "' || exit 99\nexport XBAR='" << XBAR_VP_BIN
                                               << "' SRC='" << XBAR_SOURCE_DIR << "'\n" << script << "\n";
    const std::string cmd = "bash '" + log_prefix.string() + ".sh' > '" + log_prefix.string() + ".out' 2> '" +
                            log_prefix.string() + ".err'";
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::vector<std::string> temp_folders(const fs::path& root) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.path().filename().string().find(".xbar-tmp-") != std::string::npos) out.push_back(e.path().string());
    return out;
}

}  // namespace

TEST(Faults, EveryCaseKeepsTheUsersFilesAndExitsAsDocumented) {
    const auto all = cases();
    ASSERT_GE(all.size(), 20u);
    auto base = nlohmann::json::parse(e2e::slurp(fs::path(XBAR_SOURCE_DIR) / "scenarios/quickstart.json"));
    base["firmware"]["vmm_count"] = 20;
    base["firmware"]["mvm_count"] = 20;
    base["name"] = "s";
    const auto root = e2e::scratch("faults");
    for (const auto& c : all) {
        SCOPED_TRACE(c.id);
        const fs::path logs = root / "logs" / c.id, cwd = root / "cases" / c.id;
        fs::create_directories(logs);
        fs::create_directories(cwd);
        std::ofstream(cwd / "s.json") << base.dump(2);
        auto notrace = base;
        notrace["outputs"]["trace"] = false;
        std::ofstream(cwd / "s-notrace.json") << notrace.dump(2);
        ASSERT_EQ(sh(cwd, c.setup, logs / "setup"), 0) << e2e::slurp(logs.string() + "/setup.err");
        std::vector<std::string> before;
        for (const auto& p : c.survives) {
            ASSERT_TRUE(fs::exists(cwd / p)) << "setup did not create " << p;
            before.push_back(e2e::slurp(cwd / p));
        }
        const int rc = sh(cwd, c.command, logs / "cmd");
        const std::string err = e2e::slurp(logs.string() + "/cmd.err");
        EXPECT_EQ(rc, c.exit_code) << err;
        if (!c.fragment.empty()) {
            EXPECT_NE(err.find(c.fragment), std::string::npos) << "expected \"" << c.fragment << "\" in: " << err;
        }
        if (c.exit_code == 2) {
            EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << "one line expected: " << err;
        }
        for (std::size_t k = 0; k < c.survives.size(); ++k) {
            ASSERT_TRUE(fs::exists(cwd / c.survives[k])) << c.survives[k] << " was deleted";
            EXPECT_EQ(e2e::slurp(cwd / c.survives[k]), before[k]) << c.survives[k] << " changed";
        }
        EXPECT_EQ(temp_folders(cwd), std::vector<std::string>{});
    }
}
