#pragma once
// Checked file I/O shared by the CLI commands (run, compare, sweep, merge): every write is
// checked through flush, fsync and close, and inputs are opened without ever blocking on a FIFO
// or a device. No SystemC here.
#include <cstddef>
#include <filesystem>
#include <string>

namespace xbar::platform {

// Writes `text` to `path` through a temporary sibling that is fsynced and renamed into place, so
// a reader never sees a partial file. Throws IoError naming the file and the OS error text
// ("No space left on device", "File too large"); the temporary is removed and `path` untouched.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

// Writes all of `len` bytes to `fd` (retrying short writes and EINTR); throws IoError naming
// `what` and the OS error text.
void write_all(int fd, const char* data, std::size_t len, const std::string& what);

// fsync + close of `fd`, both checked (IoError).
void sync_and_close(int fd, const std::string& what);

// fsync of a directory (after renames inside it); errors are IoError.
void sync_directory(const std::filesystem::path& dir);

// Checks that `path` names a readable regular file (or a symlink to one) without blocking:
// a directory, FIFO, socket or device is an InputError naming `what` (e.g. "scenario").
void check_input_file(const std::filesystem::path& path, const std::string& what);

// Reads a whole regular file of at most `max_bytes` (check_input_file first). Too large or
// unreadable: InputError naming the file, what was expected and the limit.
std::string read_input_file(const std::filesystem::path& path, const std::string& what, std::size_t max_bytes);

// Throws the error class for a failed system call: IoError (exit 3) when the disk refused
// (ENOSPC, EDQUOT, EFBIG, EIO, EROFS), InputError (exit 2) for the rest (permissions, a file
// where a folder should be). The message is `what: <OS error text>`.
[[noreturn]] void throw_os_error(const std::string& what, int err);

// An exclusive flock held for the object's lifetime, on a folder (`create_file` false: the
// folder is opened itself) or on a lock file that is created if needed. Errors are IoError.
class ExclusiveLock {
public:
    ExclusiveLock(const std::filesystem::path& path, bool create_file);
    ~ExclusiveLock();
    ExclusiveLock(const ExclusiveLock&) = delete;
    ExclusiveLock& operator=(const ExclusiveLock&) = delete;

private:
    int m_fd;
};

// Quotes a string for /bin/sh (single quotes; embedded quotes escaped).
std::string shell_quote(const std::string& s);

}  // namespace xbar::platform
