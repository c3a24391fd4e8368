#pragma once
// Small file and process helpers shared by the CLI commands (run, compare, sweep, merge).
#include <filesystem>
#include <string>

namespace xbar::platform {

// Writes `text` to `path` via a temporary sibling renamed into place, so a reader never sees a
// partial file. Throws std::runtime_error if the file cannot be written.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

// Quotes a string for /bin/sh (single quotes; embedded quotes escaped).
std::string shell_quote(const std::string& s);

}  // namespace xbar::platform
