#pragma once
// The output contract (traces/README.md, "Where outputs go and what is ever deleted"), in one
// place for run, compare, sweep and merge:
//  - A destination is checked before anything runs: never "", ".", "..", "/", the current folder
//    or one of its parents (after normalisation: DIR/ and DIR/. are DIR), never under a file, and
//    it must be absent, an empty folder, or a folder the platform created (it holds the marker).
//  - Outputs are staged in a private temporary folder beside the destination (unique per
//    process) and replace it atomically (rename-exchange): the old result is moved aside and only
//    then deleted.
//  - The platform deletes only what the marker of one of its folders lists; anything else in such
//    a folder (a user's notebook, a plot) is carried into the new result, never deleted.
//  - Every write is checked (platform/files.h); a failure is an IoError and leaves the old
//    result intact.
// No SystemC here.
#include <filesystem>
#include <string>
#include <vector>

namespace xbar::platform {

// Name of the marker file in every folder the platform creates (JSON: kind, files, pid, host).
inline constexpr const char* kMarkerFile = ".xbar-vp-output";

// Throws UsageError (exit 2) if `dest` may not be written by `command` (see above). `planned`
// names the files the command will write: a user file of the same name in `dest` is an error too.
void check_destination(const std::filesystem::path& dest, const std::string& command,
                       const std::vector<std::string>& planned = {});

// Writes (replaces) the marker of `dir`: the folder is the platform's, of `kind` (run | compare
// | sweep | merge | point), and `entries` are the names it wrote there. An entry ending in '/'
// is a sub-folder that carries a marker of its own.
void mark_own_folder(const std::filesystem::path& dir, const std::string& kind,
                     const std::vector<std::string>& entries);
// True if `dir` is a folder that carries a readable marker.
bool is_own_folder(const std::filesystem::path& dir);
// The kind its marker gives (run, compare, sweep, ...), or "" if `dir` is not an own folder.
std::string own_kind(const std::filesystem::path& dir);
// Throws UsageError if `dest` is an xbar-vp folder of another kind than `kind`: a sweep folder is
// never replaced by a run, a merge or a compare, and so on.
void check_output_kind(const std::filesystem::path& dest, const std::string& kind, const std::string& command);
// The entries the marker of `dir` lists (empty if there is no marker).
std::vector<std::string> own_entries(const std::filesystem::path& dir);
// Deletes what the marker of `dir` lists (sub-folders recursively by their own markers), then the
// marker, then the folder if it is empty. Returns the names it left in place (user files).
std::vector<std::string> remove_own_folder(const std::filesystem::path& dir);

// Removes the temporary folders that dead processes of this host left beside `dest` (a child
// killed by a signal), as StagedOutput does before it stages; user files go into `dest`.
void remove_stale_temporaries(const std::filesystem::path& dest);

// A result being written: files go into dir(), commit() puts them at the destination.
class StagedOutput {
public:
    // check_destination(dest, command, planned), then creates `.NAME.xbar-tmp-XXXXXX` beside it;
    // stale temporary folders of dead processes of this host for the same NAME are cleaned up
    // first (a user file found in one is moved back into the destination).
    StagedOutput(std::filesystem::path dest, std::string kind, const std::string& command,
                 const std::vector<std::string>& planned = {});
    ~StagedOutput();  // not committed: the temporary folder is removed (own files only)
    StagedOutput(const StagedOutput&) = delete;
    StagedOutput& operator=(const StagedOutput&) = delete;

    const std::filesystem::path& dir() const { return m_tmp; }
    const std::filesystem::path& destination() const { return m_dest; }
    // Writes `name` in dir() (write_file_atomically) and records it.
    void write(const std::string& name, const std::string& text);
    // Records a file or sub-folder (trailing '/') that someone else writes into dir().
    void record(const std::string& name);
    // Replaces the destination with dir() atomically and carries user files across; the old
    // result's own files are deleted afterwards. Throws IoError / UsageError (old result intact).
    void commit();

private:
    void write_marker() const;

    std::filesystem::path m_dest, m_tmp;
    std::string m_kind;
    std::vector<std::string> m_entries;
    bool m_committed = false;
};

}  // namespace xbar::platform
