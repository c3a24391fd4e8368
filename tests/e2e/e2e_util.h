#pragma once
// Helpers for end-to-end tests: run the xbar-vp binary, read its outputs.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

namespace e2e {

struct Run {
    int exit_code;
    std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs `xbar-vp <args>` from the source tree; stdout/stderr are captured.
inline Run xbar(const std::string& args, const std::filesystem::path& work) {
    std::filesystem::create_directories(work);
    const std::string cmd = std::string("cd '") + XBAR_SOURCE_DIR + "' && '" + XBAR_VP_BIN + "' " + args + " > '" +
                            (work / "stdout.txt").string() + "' 2> '" + (work / "stderr.txt").string() + "'";
    const int rc = std::system(cmd.c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(work / "stdout.txt"), slurp(work / "stderr.txt")};
}

// A fresh scratch folder for one test (this process only).
inline std::filesystem::path scratch_path(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("xbar-e2e-" + std::to_string(::getpid())) / name;
}
inline std::filesystem::path scratch(const std::string& name) {
    auto p = scratch_path(name);
    std::filesystem::remove_all(p);
    return p;
}

inline nlohmann::json summary(const std::filesystem::path& dir) { return nlohmann::json::parse(slurp(dir / "summary.json")); }

// Writes the scenario `doc` to <work>/s.json and runs it with --out <work>/out.
inline Run run_doc(const nlohmann::json& doc, const std::filesystem::path& work) {
    std::filesystem::create_directories(work);
    std::ofstream(work / "s.json") << doc.dump(1);
    return xbar("run '" + (work / "s.json").string() + "' --out '" + (work / "out").string() + "'", work);
}

// Energy of one analog read with the paper's nominal activity, written out from M18 Table I and
// §IV (reference/marinella2018.md §1.8) for `in` driven lines and `out` converted lines of the
// 1024 x 1024 8-bit core: Eq. 3 (the lines are the full 1024-cell columns), 170 + 35 pJ of
// temporal drivers per 1024 rows, 12 uA integrators for the 127 ns window, 20 uA comparators for
// the 256 ns ramp, and the core-edge wire per value moved (periphery 1024 x 72.7 um2, §IV unit
// areas).
inline double analog_read_nj(double in, double out) {
    const double c_line = 1024 * (200e-18 * 0.064 + 35e-18), v = 0.785;
    const double array = 0.5 * 7 * in * 2 * c_line * v * v + 0.5 * in * out * 127 * 2 * 1e-9 * v * 1e-9;
    const double drivers = in * (170e-12 + 35e-12) / 1024;
    const double integrators = out * 127e-9 * 12e-6 * 1.8, adc = out * 256e-9 * 20e-6 * 1.8;
    const double link = (in + out) * 200e-18 * std::sqrt(1024 * 72.7) * 0.8 * 0.8;
    return (array + drivers + integrators + adc + link) * 1e9;
}

// The tile's SRAM staging of one read kernel (nJ): `in` codes read from IN_BUF, `out` codes
// written to OUT_BUF, in whole 64-bit words at 34 / 46 fJ/bit (M18 SRAM macro, Table values).
inline double staging_nj(double in, double out) {
    return (std::ceil(in / 8) * 64 * 34e-15 + std::ceil(out / 8) * 64 * 46e-15) * 1e9;
}

}  // namespace e2e
