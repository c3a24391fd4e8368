#include "platform/datasets.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <sstream>

#include "platform/errors.h"
#include "platform/files.h"

namespace xbar::platform {

namespace {
// Largest decompressed dataset file (Fashion-MNIST's training images are 47 MB).
constexpr std::size_t kMaxDatasetBytes = 512u << 20;

// A regular file (never blocks on a FIFO, a device or a folder), gzip or plain, at most
// kMaxDatasetBytes once decompressed.
std::string read_gz(const std::string& path) {
    try {
        check_input_file(path, "dataset");
    } catch (const InputError& e) {
        throw DatasetError(e.what());
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    gzFile f = fd < 0 ? nullptr : gzdopen(fd, "rb");
    if (!f) {
        if (fd >= 0) ::close(fd);
        throw DatasetError(path + ": cannot open the file (does it exist?)");
    }
    std::string out;
    char buf[65536];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0 && out.size() <= kMaxDatasetBytes) out.append(buf, std::size_t(n));
    const bool err = n < 0;
    gzclose(f);
    if (err) throw DatasetError(path + ": read error (truncated or corrupt gzip?)");
    if (out.size() > kMaxDatasetBytes)
        throw DatasetError(path + ": larger than " + std::to_string(kMaxDatasetBytes >> 20) + " MiB once decompressed");
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

namespace {
std::uint32_t be32(const std::string& b, std::size_t off) {
    return std::uint32_t(std::uint8_t(b[off])) << 24 | std::uint32_t(std::uint8_t(b[off + 1])) << 16 |
           std::uint32_t(std::uint8_t(b[off + 2])) << 8 | std::uint32_t(std::uint8_t(b[off + 3]));
}
}  // namespace

Dataset load_idx(const std::string& images, const std::string& labels, int classes, const std::string& name) {
    const std::string im = read_gz(images), lb = read_gz(labels);
    if (im.size() < 16 || be32(im, 0) != 0x00000803)
        throw DatasetError(images + ": not an IDX image file (expected magic 0x00000803 and a 16-byte header)");
    if (lb.size() < 8 || be32(lb, 0) != 0x00000801)
        throw DatasetError(labels + ": not an IDX label file (expected magic 0x00000801 and an 8-byte header)");
    const std::uint64_t n = be32(im, 4), rows = be32(im, 8), cols = be32(im, 12), nl = be32(lb, 4);
    if (rows == 0 || cols == 0 || rows * cols > 65536)
        throw DatasetError(images + ": image size " + std::to_string(rows) + "x" + std::to_string(cols) + " out of range");
    if (im.size() != 16 + n * rows * cols)
        throw DatasetError(images + ": truncated: header says " + std::to_string(n) + " images of " +
                           std::to_string(rows * cols) + " bytes, file has " + std::to_string(im.size() - 16) + " bytes");
    if (lb.size() != 8 + nl) throw DatasetError(labels + ": truncated: header says " + std::to_string(nl) + " labels");
    if (nl != n) throw DatasetError(labels + ": " + std::to_string(nl) + " labels for " + std::to_string(n) + " images");
    Dataset d;
    d.name = name;
    d.dim = int(rows * cols);
    d.classes = classes;
    d.feature_scale = 1.0 / 255.0;
    d.features.assign(im.begin() + 16, im.end());
    d.labels.assign(lb.begin() + 8, lb.end());
    for (std::size_t i = 0; i < d.labels.size(); ++i)
        if (d.labels[i] >= classes)
            throw DatasetError(labels + ": label " + std::to_string(d.labels[i]) + " at index " + std::to_string(i) +
                               " is not below " + std::to_string(classes));
    if (d.labels.empty()) throw DatasetError(images + ": no samples");
    return d;
}

}  // namespace xbar::platform
