#include "platform/vcd_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/errors.h"
#include "platform/files.h"

namespace xbar::platform {

namespace fs = std::filesystem;

namespace {

// The first bytes of a VCD hold "$date <wall-clock time> $end": the time is overwritten with
// blanks of the same length (and a note), so the same run gives the same bytes.
void blank_date(std::string& head) {
    const auto a = head.find("$date"), b = head.find("$end", a == std::string::npos ? 0 : a);
    if (a == std::string::npos || b == std::string::npos) return;
    std::string fill(b - (a + 5), ' ');
    const std::string note = "\n     (omitted for reproducibility)\n";
    if (note.size() <= fill.size()) fill.replace(0, note.size(), note);
    head.replace(a + 5, fill.size(), fill);
}

constexpr std::size_t kHeadBytes = 512;

}  // namespace

VcdSink::VcdSink(fs::path path) : m_path(std::move(path)) {
    int fds[2], stop_fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0 || ::pipe2(stop_fds, O_CLOEXEC) != 0)
        throw IoError("cannot create a pipe for " + m_path.string() + ": " + std::strerror(errno));
    m_read = fds[0];
    m_write = fds[1];
    m_stop_read = stop_fds[0];
    m_stop_write = stop_fds[1];
    const fs::path part = m_path.string() + ".part";
    m_out = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int open_err = errno;
    if (m_out < 0 || ::symlink(("/proc/self/fd/" + std::to_string(m_write)).c_str(), m_path.c_str()) != 0) {
        const int err = m_out < 0 ? open_err : errno;
        close_all();
        ::unlink(part.c_str());
        throw IoError("cannot create " + (m_out < 0 ? part : m_path).string() + ": " + std::strerror(err));
    }
    m_thread = std::thread([this] { copy_loop(); });
}

VcdSink::~VcdSink() {
    if (m_finished) return;
    // Not finished (an exception): SystemC may still hold the pipe open, so tell the copy to stop.
    if (m_stop_write >= 0) (void)!::write(m_stop_write, "x", 1);
    if (m_thread.joinable()) m_thread.join();
    close_all();
    ::unlink(m_path.c_str());
    ::unlink((m_path.string() + ".part").c_str());
}

std::string VcdSink::systemc_name() const {
    const std::string p = m_path.string();
    return p.substr(0, p.size() - 4);
}

// write_all, keeping the first failure's message for finish(); after one, writes are skipped
// (the copy keeps draining the pipe so SystemC never blocks).
void VcdSink::put(const char* data, std::size_t len) {
    if (!m_error.empty()) return;
    try {
        write_all(m_out, data, len, m_path.string());
    } catch (const IoError& e) {
        m_error = e.what();
    }
}

void VcdSink::copy_loop() {
    std::string head;  // the first kHeadBytes, held back until $date is blanked
    bool head_done = false;
    char buf[1 << 16];
    pollfd fds[2] = {{m_read, POLLIN, 0}, {m_stop_read, POLLIN, 0}};
    for (;;) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            m_error = "cannot write " + m_path.string() + ": " + std::strerror(errno);
            return;
        }
        if (fds[1].revents) return;  // abandoned
        const ssize_t n = ::read(m_read, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) break;
        if (head_done) {
            put(buf, std::size_t(n));
            continue;
        }
        head.append(buf, std::size_t(n));
        if (head.size() < kHeadBytes) continue;
        blank_date(head);
        put(head.data(), head.size());
        head_done = true;
    }
    if (!head_done) {
        blank_date(head);
        put(head.data(), head.size());
    }
}

void VcdSink::close_all() {
    for (int* fd : {&m_write, &m_read, &m_stop_read, &m_stop_write, &m_out})
        if (*fd >= 0) ::close(*fd), *fd = -1;
}

void VcdSink::finish() {
    if (m_write >= 0) ::close(m_write), m_write = -1;  // SystemC closed its end: the copy sees EOF
    if (m_thread.joinable()) m_thread.join();
    ::unlink(m_path.c_str());  // the symlink
    const fs::path part = m_path.string() + ".part";
    const int fd = m_out;
    m_out = -1;
    close_all();
    if (!m_error.empty()) {
        ::close(fd);
        ::unlink(part.c_str());
        throw IoError(m_error);
    }
    sync_and_close(fd, m_path.string());
    if (::rename(part.c_str(), m_path.c_str()) != 0)
        throw IoError("cannot rename " + part.string() + ": " + std::strerror(errno));
    m_finished = true;
}

}  // namespace xbar::platform
