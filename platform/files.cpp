#include "platform/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/errors.h"

namespace xbar::platform {

namespace fs = std::filesystem;

namespace {
std::string os_error(int err) { return std::strerror(err); }
}  // namespace

void write_all(int fd, const char* data, std::size_t len, const std::string& what) {
    while (len > 0) {
        const ssize_t n = ::write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError("cannot write " + what + ": " + os_error(errno));
        }
        data += n;
        len -= std::size_t(n);
    }
}

void sync_and_close(int fd, const std::string& what) {
    const bool synced = ::fsync(fd) == 0;
    const int sync_err = errno;
    const bool closed = ::close(fd) == 0;
    if (!synced) throw IoError("cannot write " + what + ": " + os_error(sync_err));
    if (!closed) throw IoError("cannot write " + what + ": " + os_error(errno));
}

void sync_directory(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw IoError("cannot open folder " + dir.string() + ": " + os_error(errno));
    sync_and_close(fd, "folder " + dir.string());
}

void write_file_atomically(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".part";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError("cannot create " + tmp.string() + ": " + os_error(errno));
    try {
        try {
            write_all(fd, text.data(), text.size(), path.string());
        } catch (...) {
            ::close(fd);
            throw;
        }
        sync_and_close(fd, path.string());
        if (::rename(tmp.c_str(), path.c_str()) != 0)
            throw IoError("cannot rename " + tmp.string() + " to " + path.string() + ": " + os_error(errno));
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

void check_input_file(const fs::path& path, const std::string& what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw InputError(path.string() + ": cannot open the " + what + " file: " + os_error(errno));
    if (S_ISDIR(st.st_mode)) throw InputError(path.string() + ": expected a " + what + " file, got a folder");
    if (!S_ISREG(st.st_mode))
        throw InputError(path.string() + ": expected a regular " + what + " file, got " +
                         (S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" : "a device"));
    if (::access(path.c_str(), R_OK) != 0)
        throw InputError(path.string() + ": cannot read the " + what + " file: " + os_error(errno));
}

std::string read_input_file(const fs::path& path, const std::string& what, std::size_t max_bytes) {
    check_input_file(path, what);
    // O_NONBLOCK: if the path was swapped for a FIFO after the check, open still returns at once.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw InputError(path.string() + ": cannot open the " + what + " file: " + os_error(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw InputError(path.string() + ": expected a regular " + what + " file");
    }
    if (std::uint64_t(st.st_size) > max_bytes) {
        ::close(fd);
        throw InputError(path.string() + ": the " + what + " file is " + std::to_string(st.st_size) +
                         " bytes; expected at most " + std::to_string(max_bytes));
    }
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            throw InputError(path.string() + ": cannot read the " + what + " file: " + os_error(err));
        }
        if (n == 0) break;
        text.append(buf, std::size_t(n));
        if (text.size() > max_bytes) {
            ::close(fd);
            throw InputError(path.string() + ": the " + what + " file is larger than " + std::to_string(max_bytes) + " bytes");
        }
    }
    ::close(fd);
    return text;
}

void throw_os_error(const std::string& what, int err) {
    const std::string msg = what + ": " + os_error(err);
    if (err == ENOSPC || err == EDQUOT || err == EFBIG || err == EIO || err == EROFS) throw IoError(msg);
    throw InputError(msg);
}

ExclusiveLock::ExclusiveLock(const fs::path& path, bool create_file)
    : m_fd(create_file ? ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)
                       : ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (m_fd < 0) throw_os_error("cannot open " + path.string(), errno);
    while (::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) {
    }
}

ExclusiveLock::~ExclusiveLock() { ::close(m_fd); }

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace xbar::platform
