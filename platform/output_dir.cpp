#include "platform/output_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "platform/errors.h"
#include "platform/files.h"

namespace xbar::platform {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kTmpInfix = ".xbar-tmp-";
constexpr std::size_t kNameMax = 255 - 1 - 16;  // NAME_MAX minus "." and ".xbar-tmp-XXXXXX"

std::string host_name() {
    char buf[256] = {};
    ::gethostname(buf, sizeof buf - 1);
    return buf;
}

// DIR, DIR/ and DIR/. are the same folder: an absolute, normalised path without a trailing '/'.
fs::path normalised(const fs::path& p) {
    fs::path n = fs::absolute(p).lexically_normal();
    if (n.filename().empty() && n.has_parent_path() && n != n.root_path()) n = n.parent_path();
    return n;
}


// An entry of a marker is a plain name (a sub-folder ends in '/'): never a path out of the folder.
bool valid_entry(const std::string& e) {
    const std::string n = !e.empty() && e.back() == '/' ? e.substr(0, e.size() - 1) : e;
    return !n.empty() && n != "." && n != ".." && n.find('/') == std::string::npos && n.find('\0') == std::string::npos &&
           n != kMarkerFile;
}

json read_marker(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / kMarkerFile, ec)) return nullptr;
    try {
        const std::string text = read_input_file(dir / kMarkerFile, "marker", 1u << 20);
        json m = json::parse(text);
        if (!m.is_object() || m.value("xbar_vp", 0) != 1 || !m.contains("entries") || !m["entries"].is_array())
            return nullptr;
        // A marker someone edited (a number where a name belongs): not a marker, never an internal error.
        if ((m.contains("kind") && !m["kind"].is_string()) || (m.contains("host") && !m["host"].is_string()) ||
            (m.contains("pid") && !m["pid"].is_number_integer()))
            return nullptr;
        return m;
    } catch (const std::exception&) {
        return nullptr;
    }
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// Names in `dir` that its marker does not list (user files), the marker excluded.
std::vector<std::string> foreign_names(const fs::path& dir) {
    std::set<std::string> own;
    for (const auto& e : own_entries(dir)) own.insert(e.back() == '/' ? e.substr(0, e.size() - 1) : e);
    std::vector<std::string> out;
    for (const auto& n : names_in(dir)) {
        if (n == kMarkerFile || own.count(n)) continue;
        if (n.size() > 5 && n.compare(n.size() - 5, 5, ".part") == 0 && own.count(n.substr(0, n.size() - 5))) continue;
        out.push_back(n);
    }
    return out;
}

// The first user file (a name in `foreign`) that the new result's `entries` would also write
// (an entry "x/" is the folder x), or "".
std::string collision(const std::vector<std::string>& foreign, const std::vector<std::string>& entries) {
    for (const auto& n : foreign)
        if (std::find(entries.begin(), entries.end(), n) != entries.end() ||
            std::find(entries.begin(), entries.end(), n + "/") != entries.end())
            return n;
    return "";
}

// Moves `names` from `from` into `to` (a name that exists in `to` stays where it is).
void carry(const fs::path& from, const fs::path& to, const std::vector<std::string>& names) {
    for (const auto& n : names) {
        std::error_code ec;
        if (fs::exists(fs::symlink_status(to / n, ec))) continue;
        if (::rename((from / n).c_str(), (to / n).c_str()) != 0)
            std::cerr << "xbar-vp: warning: could not move " << (from / n).string() << " back into " << to.string() << ": "
                      << std::strerror(errno) << "\n";
    }
}

// carry() for `from` and, recursively, for each own sub-folder that both hold (a compare's
// variant folders): a user file inside one goes along with the new result too. Symlinks are
// never followed.
void carry_tree(const fs::path& from, const fs::path& to) {
    carry(from, to, foreign_names(from));
    std::error_code ec;
    for (const auto& e : own_entries(from)) {
        if (e.back() != '/') continue;
        const std::string n = e.substr(0, e.size() - 1);
        const auto a = fs::symlink_status(from / n, ec), b = fs::symlink_status(to / n, ec);
        if (fs::is_directory(a) && !fs::is_symlink(a) && fs::is_directory(b) && !fs::is_symlink(b) &&
            is_own_folder(from / n) && is_own_folder(to / n))
            carry_tree(from / n, to / n);
    }
}

// Temporary folders of dead processes of this host, left by a kill -9 or a crash, for `name`
// in `parent`. Called with the parent's lock held.
void clean_stale(const fs::path& parent, const std::string& name, const fs::path& dest) {
    const std::string prefix = "." + name + kTmpInfix;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(parent, ec)) {
        const std::string n = e.path().filename().string();
        if (n.compare(0, prefix.size(), prefix) != 0 || n.size() != prefix.size() + 6) continue;
        const json m = read_marker(e.path());
        if (m.is_null() || m.value("host", "") != host_name()) continue;
        const long pid = m.value("pid", 0L);
        if (pid <= 0 || pid == ::getpid() || ::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;
        if (is_own_folder(dest)) carry(e.path(), dest, foreign_names(e.path()));
        const auto left = remove_own_folder(e.path());
        if (!left.empty())
            std::cerr << "xbar-vp: warning: " << e.path().string() << " was left by a process that died; it holds "
                      << left.size() << " file(s) xbar-vp did not write, so it was kept\n";
    }
}

}  // namespace

void check_destination(const fs::path& dest, const std::string& command, const std::vector<std::string>& planned) {
    const std::string shown = dest.string();
    if (shown.empty()) throw UsageError(command + ": --out: expected a folder, got an empty path");
    if (shown.find('\0') != std::string::npos) throw UsageError(command + ": --out: the path contains a NUL byte");
    const fs::path abs = normalised(dest);
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(abs, ec)) && !fs::exists(fs::status(abs, ec)))
        throw UsageError(command + ": --out " + shown + ": is a symlink to nothing (dangling, or a loop); point it at a "
                         "folder or remove it");
    const fs::path canon = fs::weakly_canonical(abs, ec);
    const fs::path target = ec ? abs : canon;
    const fs::path cwd = fs::weakly_canonical(fs::current_path());
    if (target == target.root_path())
        throw UsageError(command + ": refusing to write into " + shown + ": it is the root folder");
    // The current folder or one of its parents: a result must never replace the folder you are in.
    for (fs::path p = cwd; !p.empty(); p = p.parent_path()) {
        if (p == target)
            throw UsageError(command + ": refusing to write into " + shown + ": it is the current folder or one of its "
                             "parents; give a new folder, e.g. --out traces/NAME");
        if (p == p.root_path()) break;
    }
    if (target.filename().string().size() > kNameMax)
        throw UsageError(command + ": --out " + shown + ": the folder name is " + std::to_string(target.filename().string().size()) +
                         " bytes; expected at most " + std::to_string(kNameMax));
    // No part of the path may be a file.
    for (fs::path p = target.parent_path(); !p.empty(); p = p.parent_path()) {
        const auto st = fs::status(p, ec);
        if (!ec && fs::exists(st) && !fs::is_directory(st))
            throw UsageError(command + ": --out " + shown + ": " + p.string() + " is a file, not a folder");
        if (p == p.root_path()) break;
    }
    const auto st = fs::status(target, ec);
    if (ec || !fs::exists(st)) return;
    if (!fs::is_directory(st)) throw UsageError(command + ": --out " + shown + ": exists and is not a folder");
    if (fs::is_empty(target, ec)) return;
    if (!is_own_folder(target))
        throw UsageError(command + ": --out " + shown + ": the folder exists and was not created by xbar-vp (it has no readable " +
                         kMarkerFile + "); xbar-vp never replaces it: choose another --out or empty the folder");
    if (const std::string n = collision(foreign_names(target), planned); !n.empty())
        throw UsageError(command + ": --out " + shown + ": " + (target / n).string() +
                         " was not written by xbar-vp and the new result has a file of that name; move it away");
}

void mark_own_folder(const fs::path& dir, const std::string& kind, const std::vector<std::string>& entries) {
    json m{{"xbar_vp", 1}, {"kind", kind}, {"host", host_name()}, {"pid", long(::getpid())}, {"entries", entries},
           {"note", "written by xbar-vp: it deletes only the entries listed here, and this folder if nothing else is in it"}};
    write_file_atomically(dir / kMarkerFile, m.dump(1) + "\n");
}

bool is_own_folder(const fs::path& dir) { return !read_marker(dir).is_null(); }

std::string own_kind(const fs::path& dir) {
    const json m = read_marker(dir);
    return m.is_null() ? std::string() : m.value("kind", "");
}

void check_output_kind(const fs::path& dest, const std::string& kind, const std::string& command) {
    const std::string k = own_kind(dest);
    if (!k.empty() && k != kind)
        throw UsageError(command + ": --out " + dest.string() + ": is an xbar-vp " + k + " folder; " + command +
                         " never replaces it: choose another --out");
}

std::vector<std::string> own_entries(const fs::path& dir) {
    const json m = read_marker(dir);
    std::vector<std::string> out;
    if (m.is_null()) return out;
    for (const auto& e : m["entries"])
        if (e.is_string() && valid_entry(e.get<std::string>())) out.push_back(e.get<std::string>());
    return out;
}

std::vector<std::string> remove_own_folder(const fs::path& dir) {
    if (!is_own_folder(dir)) return {dir.filename().string()};
    std::error_code ec;
    for (const auto& e : own_entries(dir)) {
        if (e.back() == '/') {
            const fs::path sub = dir / e.substr(0, e.size() - 1);
            // A sub-folder the platform made is a real folder: a symlink put in its place (to a
            // result elsewhere) is removed as a link, and what it points to is never touched.
            if (fs::is_symlink(fs::symlink_status(sub, ec))) {
                fs::remove(sub, ec);
                continue;
            }
            if (is_own_folder(sub)) remove_own_folder(sub);
            else if (fs::is_directory(fs::symlink_status(sub, ec)) && fs::is_empty(sub, ec)) fs::remove(sub, ec);
            continue;
        }
        for (const fs::path& f : {dir / e, dir / (e + ".part")})
            if (!fs::is_directory(fs::symlink_status(f, ec))) fs::remove(f, ec);
    }
    std::vector<std::string> left;
    if (fs::exists(dir, ec))
        for (const auto& n : names_in(dir))
            if (n != kMarkerFile) left.push_back(n);
    if (left.empty()) {
        fs::remove(dir / kMarkerFile, ec);
        fs::remove(dir, ec);
    } else {
        // Files of the user's stay, and so does the folder's marker (with nothing listed): the
        // folder is still the platform's, so a later result there carries them across.
        const std::string kind = own_kind(dir);
        try {
            mark_own_folder(dir, kind, {});
        } catch (const std::exception&) {
        }
    }
    return left;
}

void remove_stale_temporaries(const fs::path& dest) {
    const fs::path d = normalised(dest);
    std::error_code ec;
    if (!fs::is_directory(d.parent_path(), ec)) return;
    ExclusiveLock lock(d.parent_path(), false);
    clean_stale(d.parent_path(), d.filename().string(), d);
}

StagedOutput::StagedOutput(fs::path dest, std::string kind, const std::string& command, const std::vector<std::string>& planned)
    : m_kind(std::move(kind)) {
    check_destination(dest, command, planned);
    check_output_kind(dest, m_kind, command);
    std::error_code canon_ec;
    m_dest = normalised(dest);
    if (const fs::path c = fs::weakly_canonical(m_dest, canon_ec); !canon_ec) m_dest = c;  // a symlink: its target
    const fs::path parent = m_dest.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw_os_error(command + ": cannot create the folder " + parent.string(), ec.value());
    remove_stale_temporaries(m_dest);
    std::string templ = (parent / ("." + m_dest.filename().string() + kTmpInfix + "XXXXXX")).string();
    if (!::mkdtemp(templ.data())) throw_os_error(command + ": cannot create a folder in " + parent.string(), errno);
    m_tmp = templ;
    const mode_t mask = ::umask(0);  // mkdtemp gives 0700; a result folder is 0777 & ~umask like any other
    ::umask(mask);
    ::chmod(m_tmp.c_str(), 0777 & ~mask);
    try {
        write_marker();
    } catch (...) {
        // A full disk: the folder is still empty (write_file_atomically removed its .part), and
        // without a marker no later run would ever clean it up.
        ::rmdir(m_tmp.c_str());
        throw;
    }
}

StagedOutput::~StagedOutput() {
    if (m_committed || m_tmp.empty()) return;
    try {
        remove_own_folder(m_tmp);
    } catch (...) {
    }
}

void StagedOutput::write_marker() const { mark_own_folder(m_tmp, m_kind, m_entries); }

void StagedOutput::record(const std::string& name) {
    if (!valid_entry(name)) throw std::logic_error("not a plain output name: " + name);
    if (std::find(m_entries.begin(), m_entries.end(), name) != m_entries.end()) return;
    m_entries.push_back(name);
    write_marker();
}

void StagedOutput::write(const std::string& name, const std::string& text) {
    record(name);
    write_file_atomically(m_tmp / name, text);
}

void StagedOutput::commit() {
    write_marker();
    sync_directory(m_tmp);
    const fs::path parent = m_dest.parent_path();
    ExclusiveLock lock(parent, false);
    std::error_code ec;
    const auto st = fs::symlink_status(m_dest, ec);
    if (!fs::exists(st) || (fs::is_directory(st) && fs::is_empty(m_dest, ec))) {
        if (fs::exists(st)) fs::remove(m_dest, ec);  // an empty folder: nothing to keep
        if (::rename(m_tmp.c_str(), m_dest.c_str()) != 0) throw_os_error("cannot move the result into " + m_dest.string(), errno);
    } else {
        if (!fs::is_directory(st) || !is_own_folder(m_dest))
            throw UsageError(m_dest.string() + ": changed while the run was writing and is no longer an xbar-vp folder; "
                             "the new result was not moved there");
        if (const std::string n = collision(foreign_names(m_dest), m_entries); !n.empty())
            throw UsageError((m_dest / n).string() + " was not written by xbar-vp and the new result has a file of that "
                             "name; move it away (the new result was not moved there)");
        // Swap the folders in one step; the old result then sits at the temporary name.
        if (::renameat2(AT_FDCWD, m_tmp.c_str(), AT_FDCWD, m_dest.c_str(), RENAME_EXCHANGE) != 0)
            throw_os_error("cannot replace " + m_dest.string(), errno);
        carry_tree(m_tmp, m_dest);  // the user's files go along with the result, sub-folders too
        const auto left = remove_own_folder(m_tmp);
        if (!left.empty())
            std::cerr << "xbar-vp: warning: the previous result's folder " << m_tmp.string() << " still holds files xbar-vp did "
                      << "not write; it was kept\n";
    }
    m_committed = true;
    sync_directory(parent);
}

}  // namespace xbar::platform
