// Dataset loaders: every bad file is a DatasetError naming the file and what was expected.
#include <zlib.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <gtest/gtest.h>

#include "platform/datasets.h"

using namespace xbar::platform;

namespace {
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const DatasetError& e) {
        return e.what();
    }
    return "";
}
void write_gz(const std::string& path, const std::string& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), unsigned(bytes.size()));
    gzclose(f);
}
std::string be32(std::uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
}  // namespace

TEST(Datasets, DigitsCsvErrors) {
    const std::string dir = ::testing::TempDir();
    EXPECT_NE(error_of([&] { load_digits_csv(dir + "missing.csv"); }).find("missing.csv: cannot open"), std::string::npos);
    std::ofstream(dir + "short.csv") << "1,2,3\n";
    EXPECT_NE(error_of([&] { load_digits_csv(dir + "short.csv"); }).find("short.csv:1: expected 65 values"), std::string::npos);
    std::string row;
    for (int k = 0; k < 64; ++k) row += "17,";
    std::ofstream(dir + "range.csv") << row << "3\n";
    EXPECT_NE(error_of([&] { load_digits_csv(dir + "range.csv"); }).find("pixel 0 must be in [0, 16], got 17"), std::string::npos);
    std::ofstream(dir + "empty.csv") << "";
    EXPECT_NE(error_of([&] { load_digits_csv(dir + "empty.csv"); }).find("no samples"), std::string::npos);
    const auto d = load_digits_csv(std::string(XBAR_SOURCE_DIR) + "/datasets/uci-digits/optdigits-test.csv.gz");
    EXPECT_EQ(d.count(), 1797u);  // the standard UCI test split
    EXPECT_EQ(d.dim, 64);
}

TEST(Datasets, IdxErrors) {
    const std::string dir = ::testing::TempDir();
    const std::string images = be32(0x803) + be32(2) + be32(2) + be32(2) + std::string(8, '\x10');
    const std::string labels = be32(0x801) + be32(2) + std::string("\x01\x02", 2);
    write_gz(dir + "img.gz", images);
    write_gz(dir + "lab.gz", labels);
    const auto ok = load_idx(dir + "img.gz", dir + "lab.gz", 10, "t");
    EXPECT_EQ(ok.count(), 2u);
    EXPECT_EQ(ok.dim, 4);
    write_gz(dir + "magic.gz", be32(0x804) + images.substr(4));
    EXPECT_NE(error_of([&] { load_idx(dir + "magic.gz", dir + "lab.gz", 10, "t"); }).find("expected magic 0x00000803"), std::string::npos);
    write_gz(dir + "trunc.gz", images.substr(0, images.size() - 3));
    EXPECT_NE(error_of([&] { load_idx(dir + "trunc.gz", dir + "lab.gz", 10, "t"); }).find("trunc.gz: truncated"), std::string::npos);
    write_gz(dir + "badlab.gz", be32(0x801) + be32(2) + std::string("\x01\x0b", 2));
    EXPECT_NE(error_of([&] { load_idx(dir + "img.gz", dir + "badlab.gz", 10, "t"); }).find("label 11 at index 1"), std::string::npos);
    EXPECT_NE(error_of([&] { load_idx(dir + "nope.gz", dir + "lab.gz", 10, "t"); }).find("nope.gz: cannot open"), std::string::npos);
}

TEST(Datasets, FoldersAndFifosAreDatasetErrorsWithoutBlocking) {
    const std::string dir = ::testing::TempDir() + "xbar-datasets-" + std::to_string(::getpid()) + "/";
    std::filesystem::create_directories(dir + "folder.csv");
    EXPECT_NE(error_of([&] { load_digits_csv(dir + "folder.csv"); }).find("folder.csv: expected a dataset file, got a folder"),
              std::string::npos);
    ASSERT_EQ(::mkfifo((dir + "fifo.gz").c_str(), 0600), 0);  // nobody writes it: an open would block
    EXPECT_NE(error_of([&] { load_idx(dir + "fifo.gz", dir + "fifo.gz", 10, "t"); }).find("got a FIFO"), std::string::npos);
    std::filesystem::remove_all(dir);
}
