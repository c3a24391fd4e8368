#include "platform/json_input.h"

#include <set>
#include <vector>

#include "platform/files.h"
#include "platform/scenario.h"

namespace xbar::platform {

using nlohmann::json;

namespace {

// "line L, column C" of byte offset `byte` (0-based) in `text`.
std::string position(const std::string& text, std::size_t byte) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') ++line, col = 1;
        else ++col;
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
}


// Tracks where the parser is (the JSON path) to name duplicate keys and too-deep values.
struct Walker {
    struct Level {
        bool object;
        std::set<std::string> keys;
        std::string key;  // object: current key
        long index = -1;  // array: current element
    };
    std::vector<Level> stack;
    std::string file;

    std::string path() const {
        std::string p;
        for (const auto& l : stack) {
            if (l.object && !l.keys.empty()) p += "/" + pointer_escape(l.key);
            else if (!l.object && l.index >= 0) p += "/" + std::to_string(l.index);
        }
        return p.empty() ? "/" : p;
    }
    void element() {  // a value, object or array starts inside an array
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
    }
};

}  // namespace

std::string pointer_escape(const std::string& key) {
    std::string out;
    for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
}

json parse_json_input(const std::string& text, const std::string& file) {
    if (text.size() > kMaxJsonBytes)
        throw ScenarioError(file + ": /: the file is " + std::to_string(text.size()) + " bytes; expected at most " +
                            std::to_string(kMaxJsonBytes));
    if (const auto nul = text.find('\0'); nul != std::string::npos)
        throw ScenarioError(file + ": /: invalid JSON at " + position(text, nul) + ": a NUL byte (JSON text has none)");
    Walker w;
    w.file = file;
    auto callback = [&](int depth, json::parse_event_t ev, json& parsed) {
        switch (ev) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                w.element();
                if (depth >= kMaxJsonDepth)
                    throw ScenarioError(file + ": " + w.path() + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                                        " levels (a scenario nests 3)");
                w.stack.push_back({ev == json::parse_event_t::object_start, {}, {}, -1});
                break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!w.stack.empty()) w.stack.pop_back();
                break;
            case json::parse_event_t::key: {
                auto& top = w.stack.back();
                const std::string key = parsed.get<std::string>();
                if (!top.keys.insert(key).second) {
                    top.key = key;
                    throw ScenarioError(file + ": " + w.path() + ": duplicate key \"" + key +
                                        "\" (JSON readers disagree on which one wins; keep one)");
                }
                top.key = key;
                break;
            }
            case json::parse_event_t::value:
                w.element();
                break;
        }
        return true;
    };
    try {
        return json::parse(text, callback);
    } catch (const ScenarioError&) {
        throw;
    } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers that overflow
        std::size_t byte = text.size();
        if (const auto* pe = dynamic_cast<const json::parse_error*>(&e)) byte = pe->byte ? pe->byte - 1 : 0;
        std::string what = e.what();
        const auto pos = what.find("] ");
        throw ScenarioError(file + ": /: invalid JSON at " + position(text, byte) + ": " +
                            (pos == std::string::npos ? what : what.substr(pos + 2)));
    }
}

json load_json_input(const std::string& path, const std::string& what) {
    return parse_json_input(read_input_file(path, what, kMaxJsonBytes), path);
}

}  // namespace xbar::platform
