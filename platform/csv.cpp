#include "platform/csv.h"

namespace xbar::platform {

CsvError::CsvError(const std::string& file, std::size_t line_, const std::string& what)
    : std::runtime_error(file + ": line " + std::to_string(line_) + ": " + what), line(line_) {}

std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string q = "\"";
    for (char c : value) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

std::string csv_record(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += csv_field(fields[i]);
    }
    return out + "\n";
}

namespace {

// Reads one field starting at `i` (the start of a field); leaves `i` on the separator, the line
// end or the end of the text. `line` counts line ends inside quoted fields.
std::string read_field(const std::string& t, std::size_t& i, std::size_t& line, std::size_t start_line,
                       const std::string& file) {
    if (i >= t.size() || t[i] != '"') {
        const std::size_t end = t.find_first_of(",\n\"", i);
        const std::size_t stop = end == std::string::npos ? t.size() : end;
        if (stop < t.size() && t[stop] == '"')
            throw CsvError(file, start_line, "a double quote inside an unquoted field (expected it quoted and doubled)");
        std::string f = t.substr(i, stop - i);
        if (!f.empty() && f.back() == '\r' && (stop == t.size() || t[stop] == '\n')) f.pop_back();
        i = stop;
        return f;
    }
    std::string f;
    for (++i;; ++i) {
        if (i >= t.size()) throw CsvError(file, start_line, "a quoted field is not closed (the file is truncated)");
        if (t[i] == '"') {
            if (i + 1 < t.size() && t[i + 1] == '"') {
                f += '"';
                ++i;
                continue;
            }
            ++i;
            break;
        }
        if (t[i] == '\n') ++line;
        f += t[i];
    }
    if (i < t.size() && t[i] == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
    if (i < t.size() && t[i] != ',' && t[i] != '\n')
        throw CsvError(file, start_line, "text after a closing double quote (expected a comma or the line end)");
    return f;
}

}  // namespace

std::vector<CsvRecord> parse_csv(const std::string& text, const std::string& file) {
    std::vector<CsvRecord> out;
    std::size_t i = 0, line = 1;
    while (i < text.size()) {
        CsvRecord r{line, {}};
        for (;;) {
            r.fields.push_back(read_field(text, i, line, r.line, file));
            if (i >= text.size())
                throw CsvError(file, r.line, "the last record has no line end (the file is truncated)");
            if (text[i] == '\n') break;
            ++i;  // the comma
        }
        ++i;
        ++line;
        out.push_back(std::move(r));
    }
    return out;
}

std::size_t complete_prefix(const std::string& text) {
    std::size_t end = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"') quoted = !quoted;  // "" inside quotes toggles twice: no net change
        else if (text[i] == '\n' && !quoted) end = i + 1;
    }
    return end;
}

}  // namespace xbar::platform
