#pragma once
// The one JSON reader for every user input (scenario, sweep spec, a sweep folder's sweep.json):
// a size cap, a nesting cap, no NUL bytes, no duplicate keys, and messages that name the file,
// the JSON path and the line:column. Throws ScenarioError (exit 2). No SystemC here.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace xbar::platform {

inline constexpr std::size_t kMaxJsonBytes = 16u << 20;  // 16 MiB: far above any real scenario
inline constexpr int kMaxJsonDepth = 64;                  // scenarios nest 3 levels, specs 4

// One object key as a JSON pointer token (RFC 6901): "~" -> "~0", "/" -> "~1".
std::string pointer_escape(const std::string& key);

nlohmann::json parse_json_input(const std::string& text, const std::string& file);

// read_input_file (regular file, at most kMaxJsonBytes) + parse_json_input. A path that is not a
// readable regular file is an InputError.
nlohmann::json load_json_input(const std::string& path, const std::string& what);

}  // namespace xbar::platform
