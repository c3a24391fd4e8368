// The malformed-input corpus (tests/bad_inputs, written by generate.py): every case must fail
// validation with exit code 2 and its expected message fragment, naming the file; `run` on a
// sample of them must create no output folder.
#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace {
struct Case {
    std::string file, fragment;
    int code;
};
std::vector<Case> corpus() {
    std::vector<Case> v;
    std::istringstream in(e2e::slurp(std::filesystem::path(XBAR_SOURCE_DIR) / "tests/bad_inputs/manifest.tsv"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto a = line.find('\t'), b = line.find('\t', a + 1);
        v.push_back({line.substr(0, a), line.substr(b + 1), std::stoi(line.substr(a + 1, b - a - 1))});
    }
    return v;
}
}  // namespace

TEST(BadInputs, EveryCaseFailsWithItsMessageAndExitCode2) {
    const auto cases = corpus();
    ASSERT_GE(cases.size(), 100u);
    const auto dir = std::filesystem::path(XBAR_SOURCE_DIR) / "tests/bad_inputs";
    const auto w = e2e::scratch("bad-inputs");
    int n = 0;
    for (const auto& c : cases) {
        const auto path = (dir / c.file).string();
        const auto r = e2e::xbar("validate '" + path + "'", w / std::to_string(n));
        EXPECT_EQ(r.exit_code, c.code) << c.file << ": " << r.err;
        EXPECT_NE(r.err.find(c.fragment), std::string::npos) << c.file << ": expected \"" << c.fragment << "\" in: " << r.err;
        EXPECT_NE(r.err.find(c.file), std::string::npos) << c.file << ": the message must name the file: " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.file << ": one line expected: " << r.err;
        if (n % 10 == 0) {  // run must fail the same way and leave nothing behind
            const auto out = w / ("out" + std::to_string(n));
            const auto rr = e2e::xbar("run '" + path + "' --out '" + out.string() + "'", w / ("r" + std::to_string(n)));
            EXPECT_EQ(rr.exit_code, c.code) << c.file;
            EXPECT_FALSE(std::filesystem::exists(out)) << c.file;
        }
        ++n;
    }
}

TEST(BadInputs, SchemaCommandMatchesTheCommittedScenarioReadme) {
    const auto w = e2e::scratch("schema");
    const auto r = e2e::xbar("schema", w);
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_TRUE(r.out == e2e::slurp(std::filesystem::path(XBAR_SOURCE_DIR) / "scenarios/README.md"))
        << "scenarios/README.md is stale: regenerate it with `xbar-vp schema > scenarios/README.md`";
}
