#pragma once
// Helpers for end-to-end tests: run the xbar-vp binary, read its outputs.
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

}  // namespace e2e
