#include "platform/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "platform/errors.h"

extern char** environ;

namespace xbar::platform {

namespace {

constexpr const char* kParentEnv = "XBAR_VP_SUPERVISOR_PID";

// The running children, read by the signal handler: a slot holds a pid or 0. Written only with
// SIGINT and SIGTERM blocked, so the handler never sees a half-updated slot.
constexpr int kSlots = kMaxJobs;
volatile sig_atomic_t g_children[kSlots];
volatile sig_atomic_t g_stop = 0;

extern "C" void forward_signal(int sig) {
    const int saved = errno;
    g_stop = sig;
    for (int i = 0; i < kSlots; ++i)
        if (g_children[i] > 0) ::kill(pid_t(g_children[i]), sig);
    errno = saved;
}

// Blocks SIGINT and SIGTERM for the lifetime of the object.
class SignalBlock {
public:
    SignalBlock() {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGINT);
        sigaddset(&s, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &s, &m_old);
    }
    ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &m_old, nullptr); }

private:
    sigset_t m_old;
};

void set_slot(pid_t pid, pid_t value) {
    for (int i = 0; i < kSlots; ++i)
        if (g_children[i] == pid) {
            g_children[i] = value;
            return;
        }
}

// Starts one child; its pid is in a slot before the signals are unblocked again.
pid_t spawn_child(const ChildJob& job) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, job.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    // Own process group: a terminal's Ctrl-C reaches only the supervisor, which forwards it once.
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    std::vector<char*> argv;
    for (const auto& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw IoError("cannot start " + job.argv[0] + " (log " + job.log.string() + "): " + std::strerror(rc));
    set_slot(0, pid);
    return pid;
}

ChildExit decode(int status) {
    if (WIFSIGNALED(status)) return {128 + WTERMSIG(status), true};
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 3, false};
}

// Waits for one child of `running`; EINTR (a signal was forwarded) just waits again.
std::pair<pid_t, ChildExit> wait_one() {
    for (;;) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, 0);
        if (pid > 0) return {pid, decode(status)};
        if (errno != EINTR) throw IoError(std::string("waiting for a child process: ") + std::strerror(errno));
    }
}

}  // namespace

void check_jobs(int jobs, const std::string& command) {
    if (jobs < 1 || jobs > kMaxJobs)
        throw UsageError(command + ": -j " + std::to_string(jobs) + ": expected a number of jobs from 1 to " +
                         std::to_string(kMaxJobs));
}

void adopt_supervisor_death_signal() {
    const char* env = std::getenv(kParentEnv);
    if (!env) return;
    const long parent = std::strtol(env, nullptr, 10);
    ::unsetenv(kParentEnv);  // the child's own children (none today) are not the supervisor's
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (parent > 0 && ::getppid() != pid_t(parent)) std::_Exit(130);  // the supervisor is already gone
}

Supervisor::Supervisor() {
    g_stop = 0;
    for (auto& s : g_children) s = 0;
    ::setenv(kParentEnv, std::to_string(::getpid()).c_str(), 1);
    struct sigaction sa {};
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sa.sa_flags = 0;  // no SA_RESTART: waitpid returns EINTR
    ::sigaction(SIGINT, &sa, &m_old_int);
    ::sigaction(SIGTERM, &sa, &m_old_term);
}

namespace {
// SIGTERM to every running child, then waits for each (an exception is unwinding the run).
void stop_children() {
    for (auto& s : g_children)
        if (s > 0) ::kill(pid_t(s), SIGTERM);
    for (auto& s : g_children)
        if (s > 0) {
            int status;
            while (::waitpid(pid_t(s), &status, 0) < 0 && errno == EINTR) {
            }
            s = 0;
        }
}
}  // namespace

Supervisor::~Supervisor() {
    stop_children();
    ::sigaction(SIGINT, &m_old_int, nullptr);
    ::sigaction(SIGTERM, &m_old_term, nullptr);
    ::unsetenv(kParentEnv);
}

int Supervisor::stop_signal() const { return g_stop; }

void Supervisor::run(const std::vector<ChildJob>& jobs, int parallel, const std::function<void(std::size_t)>& before,
                     const std::function<void(std::size_t, const ChildExit&)>& after) {
    check_jobs(parallel, "supervisor");
    try {
        run_all(jobs, parallel, before, after);
    } catch (...) {
        stop_children();
        throw;
    }
}

void Supervisor::run_all(const std::vector<ChildJob>& jobs, int parallel, const std::function<void(std::size_t)>& before,
                         const std::function<void(std::size_t, const ChildExit&)>& after) {
    std::map<pid_t, std::size_t> running;
    std::size_t next = 0;
    while (true) {
        while (!g_stop && next < jobs.size() && running.size() < std::size_t(parallel)) {
            before(next);
            SignalBlock block;
            if (g_stop) break;
            running[spawn_child(jobs[next])] = next;
            ++next;
        }
        if (running.empty()) return;
        const auto [pid, exit] = wait_one();
        const auto it = running.find(pid);
        if (it == running.end()) continue;  // not ours
        {
            SignalBlock block;
            set_slot(pid, 0);
        }
        const std::size_t index = it->second;
        running.erase(it);
        after(index, exit);
    }
}

}  // namespace xbar::platform
