#include "platform/datasets.h"

#include <zlib.h>

#include <sstream>

namespace xbar::platform {

namespace {
std::string read_gz(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw DatasetError(path + ": cannot open the file (does it exist?)");
    std::string out;
    char buf[65536];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, std::size_t(n));
    const bool err = n < 0;
    gzclose(f);
    if (err) throw DatasetError(path + ": read error (truncated or corrupt gzip?)");
    return out;
}
}  // namespace

Dataset load_digits_csv(const std::string& path) {
    const std::string text = read_gz(path);
    Dataset d;
    d.name = "digits";
    d.dim = 64;
    d.classes = 10;
    d.feature_scale = 1.0 / 16.0;
    std::istringstream in(text);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty() || line == "\r") continue;
        std::istringstream ls(line);
        std::string field;
        std::vector<long> v;
        while (std::getline(ls, field, ',')) {
            try {
                std::size_t used = 0;
                const long x = std::stol(field, &used);
                if (used != field.size() && !(used + 1 == field.size() && field.back() == '\r')) throw std::invalid_argument("");
                v.push_back(x);
            } catch (const std::exception&) {
                throw DatasetError(path + ":" + std::to_string(line_no) + ": expected integers, got \"" + field + "\"");
            }
        }
        if (v.size() != 65)
            throw DatasetError(path + ":" + std::to_string(line_no) + ": expected 65 values (64 pixels and a label), got " +
                               std::to_string(v.size()));
        for (int k = 0; k < 64; ++k) {
            if (v[k] < 0 || v[k] > 16)
                throw DatasetError(path + ":" + std::to_string(line_no) + ": pixel " + std::to_string(k) +
                                   " must be in [0, 16], got " + std::to_string(v[k]));
            d.features.push_back(std::uint8_t(v[k]));
        }
        if (v[64] < 0 || v[64] > 9)
            throw DatasetError(path + ":" + std::to_string(line_no) + ": label must be in [0, 9], got " + std::to_string(v[64]));
        d.labels.push_back(std::uint8_t(v[64]));
    }
    if (d.labels.empty()) throw DatasetError(path + ": no samples");
    return d;
}

}  // namespace xbar::platform
