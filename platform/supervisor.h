#pragma once
// Process supervision for compare and sweep: child processes (one per variant or sweep point) are
// started with posix_spawn, at most `jobs` at a time, each with stdout and stderr in its own log
// file and stdin from /dev/null. While a Supervisor lives, SIGINT and SIGTERM are caught and
// forwarded to every running child; no new child starts after one; the caller gets the children
// that finished and reports "interrupted" (exit 130). A child also gets SIGKILL from the kernel if
// the supervisor dies without forwarding (kill -9): see adopt_supervisor_death_signal().
// No SystemC here.
#include <csignal>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace xbar::platform {

// The accepted range of -j (jobs at a time) for compare and sweep.
inline constexpr int kMaxJobs = 256;
// -j outside [1, kMaxJobs] is a UsageError naming the command.
void check_jobs(int jobs, const std::string& command);

// Called first thing by every xbar-vp process: a process started by a Supervisor (it finds the
// supervisor's pid in the environment) asks the kernel for SIGKILL when its parent dies, and
// exits at once if the parent is already gone.
void adopt_supervisor_death_signal();

struct ChildJob {
    std::vector<std::string> argv;  // argv[0] is the program path
    std::filesystem::path log;      // stdout + stderr (created or truncated)
};

struct ChildExit {
    int code;        // exit status, or 128 + signal number when killed by a signal
    bool signaled;   // killed by a signal
};

class Supervisor {
public:
    Supervisor();   // installs the SIGINT / SIGTERM handlers
    ~Supervisor();  // a child still running (an exception unwound us) gets SIGTERM and is waited for
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    // Runs `jobs` (at most `parallel` at a time, in order). `before(i)` runs just before job i
    // starts and `after(i, exit)` when it ends, both in this thread; if either throws, the running
    // children get SIGTERM, are waited for, and the exception propagates. Returns when every
    // started child has ended; after a signal, jobs not yet started are skipped.
    void run(const std::vector<ChildJob>& jobs, int parallel, const std::function<void(std::size_t)>& before,
             const std::function<void(std::size_t, const ChildExit&)>& after);

    // The signal that stopped the run (SIGINT or SIGTERM), or 0.
    int stop_signal() const;

private:
    void run_all(const std::vector<ChildJob>& jobs, int parallel, const std::function<void(std::size_t)>& before,
                 const std::function<void(std::size_t, const ChildExit&)>& after);
    struct sigaction m_old_int {}, m_old_term {};
};

}  // namespace xbar::platform
