// Inputs that used to crash, block, mislead or exhaust memory: each is exit 2 with a message
// naming what to fix, before any simulation. Every input is generated under the test's temp
// folder (the source tree is never written).
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include <gtest/gtest.h>

#include "e2e_util.h"

namespace fs = std::filesystem;

namespace {

fs::path write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Peak RSS (KiB) of `xbar-vp <args>`, measured in a forked helper whose only children are that
// command (a fresh process's RUSAGE_CHILDREN covers nothing else). -1 if it did not exit 0.
long peak_rss_kib(const std::string& args, const fs::path& work) {
    fs::create_directories(work);
    const fs::path out = work / "maxrss.txt";
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int rc = std::system(("'" + std::string(XBAR_VP_BIN) + "' " + args + " > /dev/null 2>&1").c_str());
        struct rusage ru {};
        ::getrusage(RUSAGE_CHILDREN, &ru);
        std::ofstream(out) << (rc == 0 ? ru.ru_maxrss : -1);
        std::_Exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return std::stol(e2e::slurp(out));
}

// --out for the commands that write outputs (validate takes none: it would be a usage error).
std::string out_opt(const std::string& cmd, const fs::path& dir) {
    return cmd == "validate " ? std::string() : " --out '" + dir.string() + "'";
}

bool has(const e2e::Run& r, const std::string& fragment) { return r.err.find(fragment) != std::string::npos; }

// A small valid lookup table (three G bins, two CDF points), every dG of row r equal to rows[r].
std::string lut(const std::string& bins, const std::string& row0, const std::string& row1) {
    return "header\n" + bins + "\n0.25, 0.75\n\n" + row0 + ", " + row0 + ", " + row0 + "\n" + row1 + ", " + row1 + ", " + row1 + "\n";
}

// A scenario using the tables inc and dec (file names in the scenario's folder).
std::string lut_scenario(const std::string& inc, const std::string& dec) {
    return R"({"firmware": {"vmm_count": 2, "mvm_count": 2, "size": 16}, "tile": {"rows": 64, "cols": 64,
        "device": {"model": "lut", "lut_increasing": ")" + inc + R"(", "lut_decreasing": ")" + dec + R"("}}})";
}

}  // namespace

TEST(InputBounds, NestingOf100000LevelsIsExit2ForValidateRunAndCompare) {
    const auto w = e2e::scratch("deep");
    const auto file = write(w / "deep.json", "{\"tile\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
    for (const std::string cmd : {"validate ", "run ", "compare "}) {
        const auto r = e2e::xbar(cmd + q(file) + out_opt(cmd, w / "out"), w / cmd);
        EXPECT_EQ(r.exit_code, 2) << cmd << r.err;
        EXPECT_TRUE(has(r, "deep.json: /tile/0/0/0")) << r.err;
        EXPECT_TRUE(has(r, "nested deeper than 64 levels")) << r.err;
        EXPECT_FALSE(fs::exists(w / "out"));
    }
}

TEST(InputBounds, NulNameFailsValidateAndRunWithoutTouchingOutputs) {
    const auto w = e2e::scratch("nul-name");
    write(w / "out" / "keep.txt", "user data");
    const auto file = write(w / "nul.json", R"({"name": "\u0000x", "tile": {"rows": 64, "cols": 64}, "firmware": {"size": 16}})");
    for (const std::string cmd : {"validate ", "run "}) {
        const auto r = e2e::xbar(cmd + q(file) + (cmd == "run " ? " --out " + q(w / "out") : ""), w / cmd);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_TRUE(has(r, "nul.json: /name: expected no control characters")) << r.err;
    }
    EXPECT_EQ(e2e::slurp(w / "out" / "keep.txt"), "user data");
    const auto long_name = write(w / "long.json", "{\"name\": \"" + std::string(255, 'n') + "\"}");
    const auto r = e2e::xbar("validate " + q(long_name), w / "long");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r, "/name: expected at most 100 bytes, got 255")) << r.err;
}

TEST(InputBounds, FifoFolderAndMissingScenarioAreExit2AtOnce) {
    const auto w = e2e::scratch("paths");
    fs::create_directories(w);
    ASSERT_EQ(::mkfifo((w / "fifo.json").c_str(), 0600), 0);
    const auto t0 = std::chrono::steady_clock::now();
    // `timeout` turns a blocking open into exit 124 instead of a hung test.
    const int rc = std::system(("timeout 20 '" + std::string(XBAR_VP_BIN) + "' validate " + q(w / "fifo.json") + " 2> " +
                                q(w / "fifo.err")).c_str());
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
    EXPECT_EQ(WEXITSTATUS(rc), 2);
    EXPECT_NE(e2e::slurp(w / "fifo.err").find("fifo.json: expected a regular scenario file, got a FIFO"), std::string::npos)
        << e2e::slurp(w / "fifo.err");
    const auto dir = e2e::xbar("run " + q(w) + " --out " + q(w / "out"), w / "dir");
    EXPECT_EQ(dir.exit_code, 2) << dir.err;
    EXPECT_TRUE(has(dir, "expected a scenario file, got a folder")) << dir.err;
    const auto missing = e2e::xbar("validate " + q(w / "missing.json"), w / "missing");
    EXPECT_EQ(missing.exit_code, 2) << missing.err;
    EXPECT_TRUE(has(missing, "missing.json: cannot open the scenario file: No such file or directory")) << missing.err;
    EXPECT_FALSE(has(missing, "internal error"));
}

TEST(InputBounds, InconsistentLutPairsFailValidateNotTheRun) {
    const auto w = e2e::scratch("lut-pairs");
    const std::string bins = "1e-6, 2e-6, 3e-6";
    write(w / "inc.txt", lut(bins, "1e-8", "3e-8"));
    write(w / "dec.txt", lut(bins, "-3e-8", "-1e-8"));
    write(w / "dec-wide.txt", lut("1e-6, 5e-6, 9e-6", "-3e-8", "-1e-8"));
    write(w / "zero.txt", lut(bins, "0", "0"));
    fs::create_directories(w / "folder.txt");
    struct Case {
        const char *inc, *dec, *field, *fragment;
    };
    for (const Case& c : {Case{"dec.txt", "inc.txt", "lut_increasing", "are the tables swapped?"},
                          Case{"inc.txt", "dec-wide.txt", "lut_decreasing", "expected the same G bins"},
                          Case{"zero.txt", "dec.txt", "lut_increasing", "every dG value is zero"},
                          Case{"inc.txt", "zero.txt", "lut_decreasing", "every dG value is zero"},
                          Case{"folder.txt", "dec.txt", "lut_increasing", "got a folder"}}) {
        const auto file = write(w / (std::string(c.inc) + "-" + c.dec + ".json"), lut_scenario(c.inc, c.dec));
        for (const std::string cmd : {"validate ", "run "}) {
            const auto r = e2e::xbar(cmd + q(file) + out_opt(cmd, w / "out"), w / "r");
            EXPECT_EQ(r.exit_code, 2) << cmd << c.inc << " " << c.dec << ": " << r.err;
            EXPECT_TRUE(has(r, std::string("/tile/device/") + c.field + ": bad lookup")) << r.err;
            EXPECT_TRUE(has(r, c.fragment)) << r.err;
        }
    }
    const auto good = e2e::xbar("run " + q(write(w / "good.json", lut_scenario("inc.txt", "dec.txt"))) + " --out " + q(w / "out"),
                                w / "good");
    EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST(InputBounds, GzipBombLutIsRejectedAtTheCap) {
    const auto w = e2e::scratch("lut-bomb");
    fs::create_directories(w);
    gzFile f = gzopen((w / "bomb.txt.gz").c_str(), "wb9");
    const std::string line = "1e-8, 1e-8, 1e-8\n";
    std::string block;
    while (block.size() < (1u << 20)) block += line;
    gzwrite(f, "h\n1e-6, 2e-6, 3e-6\n0.5\n\n", 24);
    for (int k = 0; k < 80; ++k) gzwrite(f, block.data(), unsigned(block.size()));
    gzclose(f);
    const auto r = e2e::xbar("validate " + q(write(w / "s.json", lut_scenario("bomb.txt.gz", "bomb.txt.gz"))), w / "v");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(has(r, "/tile/device/lut_increasing: bad lookup table")) << r.err;
    EXPECT_TRUE(has(r, "larger than 64 MiB once decompressed")) << r.err;
}

TEST(InputBounds, MemoryEstimateAboveTheLimitIsExit2BeforeSimulating) {
    const auto w = e2e::scratch("memory");
    const auto big = write(w / "big.json", R"({"platform": {"tiles": 64}, "tile": {"rows": 4096, "cols": 4096,
        "carry": {"cells": 8}}, "outputs": {"trace": false}})");
    for (const std::string cmd : {"validate ", "run ", "compare "}) {
        const auto r = e2e::xbar(cmd + q(big) + " --max-memory 8G" + out_opt(cmd, w / "out"), w / cmd);
        EXPECT_EQ(r.exit_code, 2) << cmd << r.err;
        EXPECT_TRUE(has(r, "big.json: /platform/tiles: the run needs about 36.0 GiB of memory, above the limit of 8.0 GiB"))
            << r.err;
        EXPECT_TRUE(has(r, "/tile/carry/cells")) << r.err;
        EXPECT_FALSE(fs::exists(w / "out"));
    }
    // The trace buffer counts the events the run can produce (2e7 kernels), up to the cap.
    const auto trace = write(w / "trace.json", R"({"outputs": {"trace_max_events": 100000000},
        "firmware": {"vmm_count": 10000000, "mvm_count": 10000000}})");
    const auto t = e2e::xbar("validate " + q(trace) + " --max-memory 16G", w / "trace");
    EXPECT_EQ(t.exit_code, 2) << t.err;
    EXPECT_TRUE(has(t, "trace.json: /outputs/trace_max_events: the run needs about")) << t.err;
    const auto small = write(w / "small.json", R"({"outputs": {"trace_max_events": 100000000}})");
    EXPECT_EQ(e2e::xbar("validate " + q(small) + " --max-memory 1G", w / "small").exit_code, 0);  // 2,000 kernels
    const auto ok = e2e::xbar("validate " + q(big) + " --max-memory 64G", w / "ok");
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    const auto bad = e2e::xbar("validate " + q(big) + " --max-memory lots", w / "bad");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(has(bad, "--max-memory: expected a size such as 8G")) << bad.err;
}

TEST(InputBounds, SixteenGibDramIsCheap) {
    const auto w = e2e::scratch("dram");
    const auto file = write(w / "dram.json", R"({"platform": {"dram": {"size_mib": 16384}}, "tile": {"rows": 64, "cols": 64},
        "firmware": {"size": 16, "vmm_count": 4, "mvm_count": 4}, "outputs": {"vcd": false, "trace": false}})");
    // The estimate leaves the DRAM out (it is mapped lazily), and the run really stays small.
    const auto r = e2e::xbar("run " + q(file) + " --max-memory 256M --out " + q(w / "out"), w / "run");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(e2e::summary(w / "out")["scenario"]["platform"]["dram"]["size_mib"], 16384);
    const long kib = peak_rss_kib("run " + q(file) + " --out " + q(w / "out2"), w / "rss");
    EXPECT_GT(kib, 0);
    EXPECT_LT(kib, 64 * 1024) << "a 16 GiB DRAM must not be zero-filled up front (measured 10.9 MB)";
}

TEST(InputBounds, FieldsWithoutEffectWarnOnceAndFailUnderStrict) {
    const auto w = e2e::scratch("warnings");
    const auto file = write(w / "w.json", R"({"tile": {"rows": 64, "cols": 64, "device": {"alpha": 3}},
        "firmware": {"size": 16, "vmm_count": 2, "mvm_count": 2, "epochs": 3}, "outputs": {"vcd": false}})");
    const auto v = e2e::xbar("validate " + q(file), w / "v");
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_EQ(v.err,
              "xbar-vp: warning: " + file.string() +
                  ": /firmware/epochs: has no effect: it applies only when /firmware/program is train_mlp, but "
                  "/firmware/program is quickstart (remove the field)\n"
                  "xbar-vp: warning: " + file.string() +
                  ": /tile/device/alpha: has no effect: it applies only when /tile/variant is analog_reram and "
                  "/tile/device/model is analytic, but /tile/device/model is ideal (remove the field)\n");
    const auto run = e2e::xbar("run " + q(file) + " --out " + q(w / "out"), w / "run");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 2) << run.err;
    for (const std::string cmd : {"validate ", "run ", "compare "}) {
        const auto r = e2e::xbar(cmd + q(file) + " --strict" + out_opt(cmd, w / "strict"), w / ("s" + cmd));
        EXPECT_EQ(r.exit_code, 2) << cmd << r.err;
        EXPECT_TRUE(has(r, "/firmware/epochs: has no effect")) << r.err;
        EXPECT_TRUE(has(r, "/tile/device/alpha: has no effect")) << r.err;
        EXPECT_TRUE(has(r, "--strict")) << r.err;
        EXPECT_FALSE(fs::exists(w / "strict"));
    }
    // --variant digital_reram: the analog-only field the user wrote has no effect either.
    const auto analog = write(w / "a.json", R"({"tile": {"rows": 64, "cols": 64, "read_noise": 0.01},
        "firmware": {"size": 16, "vmm_count": 2, "mvm_count": 2}})");
    EXPECT_EQ(e2e::xbar("validate " + q(analog) + " --strict", w / "a").exit_code, 0);
    const auto dig = e2e::xbar("run " + q(analog) + " --variant digital_reram --strict --out " + q(w / "d"), w / "d-run");
    EXPECT_EQ(dig.exit_code, 2) << dig.err;
    EXPECT_TRUE(has(dig, "/tile/read_noise: has no effect: it applies only when /tile/variant is analog_reram")) << dig.err;
}

TEST(InputBounds, SeedOutsideTheSchemaIsExit2) {
    const auto w = e2e::scratch("seed");
    const auto file = write(w / "s.json", R"({"tile": {"rows": 64, "cols": 64}, "firmware": {"size": 16}})");
    for (const std::string seed : {"-1", "9007199254740992", "abc"}) {
        for (const std::string cmd : {"run ", "compare "}) {
            const auto r = e2e::xbar(cmd + q(file) + " --seed " + seed + " --out " + q(w / "out"), w / "r");
            EXPECT_EQ(r.exit_code, 2) << cmd << seed << ": " << r.err;
            EXPECT_TRUE(has(r, "--seed: expected an integer in [0, 9007199254740991] (the range of /seed), got '" + seed + "'"))
                << r.err;
            EXPECT_FALSE(fs::exists(w / "out"));
        }
    }
    const auto ok = e2e::xbar("run " + q(file) + " --seed 9007199254740991 --out " + q(w / "ok"), w / "ok-run");
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(e2e::summary(w / "ok")["scenario"]["seed"], 9007199254740991ull);
}
