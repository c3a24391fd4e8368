#pragma once
// Helpers for the signal tests of sweep and compare: start xbar-vp in the background, find its
// child processes, send it a signal, wait for it with a deadline.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace e2e {

// Starts `XBAR_VP_BIN args...` from the source tree with stdout / stderr in work/{stdout,stderr}.txt.
inline pid_t spawn_xbar(const std::vector<std::string>& args, const std::filesystem::path& work) {
    std::filesystem::create_directories(work);
    std::vector<std::string> all{XBAR_VP_BIN};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string out = (work / "stdout.txt").string(), err = (work / "stderr.txt").string();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addchdir_np(&fa, XBAR_SOURCE_DIR);
    pid_t pid = -1;
    if (posix_spawn(&pid, XBAR_VP_BIN, &fa, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

// The pids whose parent is `parent` (from /proc/<pid>/stat).
inline std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const std::string n = e.path().filename().string();
        if (n.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(e.path() / "stat");
        std::string line;
        if (!std::getline(in, line)) continue;
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 2));
        char state;
        long ppid = 0;
        rest >> state >> ppid;
        if (ppid == parent) out.push_back(pid_t(std::stol(n)));
    }
    return out;
}

// True while `pid` exists (a zombie counts as gone: it no longer runs).
inline bool alive(pid_t pid) {
    if (::kill(pid, 0) != 0) return errno != ESRCH;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(in, line);
    const auto close = line.rfind(')');
    return close == std::string::npos || line.size() < close + 3 || line[close + 2] != 'Z';
}

// Waits up to `seconds` for `pid` (our child); returns its exit code, 128 + signal, or -1 on timeout
// (the process is then killed).
inline int wait_exit(pid_t pid, int seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
}

// Polls `ready` every 20 ms for up to `seconds`.
inline bool wait_until(const std::function<bool()>& ready, int seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

}  // namespace e2e

namespace e2e {

// Runs `xbar-vp args` from the source tree under `ulimit -f blocks` (1 KiB blocks): every file
// the platform writes is limited to that size.
inline Run xbar_file_limit(int blocks, const std::string& args, const std::filesystem::path& work) {
    std::filesystem::create_directories(work);
    const std::string cmd = std::string("cd '") + XBAR_SOURCE_DIR + "' && (ulimit -f " + std::to_string(blocks) + " && '" +
                            XBAR_VP_BIN + "' " + args + ") > '" + (work / "stdout.txt").string() + "' 2> '" +
                            (work / "stderr.txt").string() + "'";
    const int rc = std::system(cmd.c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(work / "stdout.txt"), slurp(work / "stderr.txt")};
}

}  // namespace e2e
