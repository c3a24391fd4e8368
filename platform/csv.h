#pragma once
// CSV as the sweep, merge and compare outputs write it: RFC 4180 quoting (a field holding a comma,
// a double quote, CR or LF is enclosed in double quotes, inner quotes doubled), one record per
// line ending in LF, every record terminated. The reader is strict: an unterminated quoted field,
// text after a closing quote, or a last record without its line end (a truncated file) is an
// error naming the file and the line. No SystemC here.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace xbar::platform {

// A CSV text that is not what the writer produces: `line` is the 1-based line where the bad
// record starts.
struct CsvError : std::runtime_error {
    CsvError(const std::string& file, std::size_t line, const std::string& what);
    std::size_t line;
};

// One field, quoted only when it has to be.
std::string csv_field(const std::string& value);
// A whole record, fields quoted as needed, ending in "\n".
std::string csv_record(const std::vector<std::string>& fields);

struct CsvRecord {
    std::size_t line;  // 1-based line where the record starts
    std::vector<std::string> fields;
};

// Parses every record of `text` (the header included). Throws CsvError on malformed quoting or a
// truncated last record.
std::vector<CsvRecord> parse_csv(const std::string& text, const std::string& file);

// The length of the longest prefix of `text` that consists of complete records (ends in a line
// end outside quotes): what is left after a write cut short can be dropped by truncating there.
std::size_t complete_prefix(const std::string& text);

}  // namespace xbar::platform
