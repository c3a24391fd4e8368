// Lookup-table parser, writer, synthesizer and LUT device. Expected values are recomputed here
// from the raw tables (siemens) with this file's own mapping and sampling-probability code.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/device/device_model.h"
#include "models/device/lookup_table.h"

using namespace xbar::device;
namespace fs = std::filesystem;

namespace {

const std::string kLuts = std::string(XBAR_SOURCE_DIR) + "/datasets/device-luts/";

std::shared_ptr<const LookupTable> load_shared(const std::string& rel) {
    return std::make_shared<const LookupTable>(load_lut(kLuts + rel));
}

// Cached real tables (parsing taox takes ~0.1 s).
std::shared_ptr<const LookupTable> taox(bool inc) {
    static auto i = load_shared("taox-1/dG_increasing.txt.gz");
    static auto d = load_shared("taox-1/dG_decreasing.txt.gz");
    return inc ? i : d;
}
std::shared_ptr<const LookupTable> enode(bool inc) {
    static auto i = load_shared("enode/dG_increasing.txt.gz");
    static auto d = load_shared("enode/dG_decreasing.txt.gz");
    return inc ? i : d;
}

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        m_path = fs::temp_directory_path() /
                 ("xbar_lut_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    std::string file(const std::string& name, const std::string& content) const {
        const std::string p = (m_path / name).string();
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
    std::string path(const std::string& name) const { return (m_path / name).string(); }

private:
    fs::path m_path;
};

// u ~ U(0,1) takes the nearest CDF point: each row owns the u between the midpoints.
std::vector<double> row_probs(const std::vector<double>& cdf) {
    std::vector<double> p(cdf.size());
    for (std::size_t k = 0; k < cdf.size(); ++k) {
        const double lo = k == 0 ? 0.0 : (cdf[k - 1] + cdf[k]) / 2;
        const double hi = k + 1 == cdf.size() ? 1.0 : (cdf[k] + cdf[k + 1]) / 2;
        p[k] = hi - lo;
    }
    return p;
}

// This file's own version of the weight <-> conductance mapping.
struct Map {
    double g_lo, g_hi, w_per_g, w_min, clip_lo, clip_hi;
    Map(const LookupTable& t, const LutMapping& m) {
        const double g0 = t.g_bins.front(), g1 = t.g_bins.back();
        g_lo = g0 + (g1 - g0) * m.g_min_relative;
        g_hi = g0 + (g1 - g0) * m.g_max_relative;
        w_per_g = (static_cast<double>(m.w_max) - m.w_min) / (g_hi - g_lo);
        w_min = m.w_min;
        clip_lo = w(g0);
        clip_hi = w(g1);
    }
    double w(double g) const { return w_min + (g - g_lo) * w_per_g; }
};

// Per-bin distribution of the weight change, from the raw table.
struct BinStats {
    double mean = 0, sd = 0;
};
BinStats bin_stats(const LookupTable& t, int bin, double w_per_g) {
    const std::vector<double> p = row_probs(t.cdf);
    BinStats s;
    for (int r = 0; r < t.n_cdf(); ++r) s.mean += p[r] * t.dG(r, bin) * w_per_g;
    for (int r = 0; r < t.n_cdf(); ++r) s.sd += p[r] * std::pow(t.dG(r, bin) * w_per_g - s.mean, 2);
    s.sd = std::sqrt(s.sd);
    return s;
}

// Runs `reps` rank-1 updates of rows x cols cells, each row reset to w_row[i] before every call,
// with request a[i]*b[j] = dw_row[i]; returns per-row (mean, sd) of the weight change.
std::vector<BinStats> sample_rows(DeviceModel& dev, const std::vector<float>& w_row,
                                  const std::vector<float>& dw_row, int cols, int reps) {
    const int rows = static_cast<int>(w_row.size());
    std::vector<double> s1(rows, 0), s2(rows, 0), shift(rows, 0);  // shifted sums: no cancellation
    std::vector<float> w(static_cast<std::size_t>(rows) * cols), b(cols, 1.f);
    for (int rep = 0; rep < reps; ++rep) {
        for (int i = 0; i < rows; ++i)
            std::fill_n(w.begin() + static_cast<std::ptrdiff_t>(i) * cols, cols, w_row[i]);
        dev.update_rank1(w.data(), rows, cols, cols, dw_row.data(), b.data());
        for (int i = 0; i < rows; ++i) {
            if (rep == 0) shift[i] = static_cast<double>(w[static_cast<std::size_t>(i) * cols]) - w_row[i];
            for (int j = 0; j < cols; ++j) {
                const double d =
                    static_cast<double>(w[static_cast<std::size_t>(i) * cols + j]) - w_row[i] - shift[i];
                s1[i] += d;
                s2[i] += d * d;
            }
        }
    }
    std::vector<BinStats> out(rows);
    const double n = static_cast<double>(cols) * reps;
    for (int i = 0; i < rows; ++i) {
        out[i].mean = shift[i] + s1[i] / n;
        out[i].sd = std::sqrt(std::max(0.0, s2[i] / n - (s1[i] / n) * (s1[i] / n)));
    }
    return out;
}

std::string small_lut(const std::string& matrix, const std::string& g = "1e-6, 2e-6, 3e-6",
                      const std::string& cdf = "0, 1") {
    return "1st Row = Gbins, 2nd Row = CDF Points, 3rd row onward = dG matrix\n" + g + "\n" + cdf + "\n\n" +
           matrix;
}

void expect_lut_error(const std::string& path, const std::vector<std::string>& fragments) {
    try {
        load_lut(path);
        ADD_FAILURE() << "no LutError for " << path;
    } catch (const LutError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(path), std::string::npos) << msg;
        for (const auto& f : fragments)
            EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type: " << e.what();
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Parser

TEST(DeviceLutParse, TaoxTables) {
    const auto& t = *taox(true);
    EXPECT_EQ(t.n_bins(), 501);
    EXPECT_EQ(t.n_cdf(), 501);
    EXPECT_EQ(t.dg.size(), 501u * 501u);
    EXPECT_EQ(t.header.rfind("1st Row = Gbins", 0), 0u);
    EXPECT_DOUBLE_EQ(t.g_bins[0], 1.86312369e-05);
    EXPECT_DOUBLE_EQ(t.g_bins[1], 1.88312624e-05);
    EXPECT_DOUBLE_EQ(t.g_bins[500], 1.18644007e-04);
    EXPECT_DOUBLE_EQ(t.cdf[0], 0.0);
    EXPECT_DOUBLE_EQ(t.cdf[2], 0.004);
    EXPECT_DOUBLE_EQ(t.cdf[500], 1.0);
    EXPECT_DOUBLE_EQ(t.dG(0, 0), 1.23648754e-04);
    EXPECT_DOUBLE_EQ(t.dG(0, 1), 1.23312009e-04);
    EXPECT_DOUBLE_EQ(t.dG(0, 500), -5.57944767e-07);
    EXPECT_DOUBLE_EQ(t.dG(500, 500), 5.48146171e-07);
    const auto& d = *taox(false);
    EXPECT_EQ(d.g_bins, t.g_bins);
    EXPECT_EQ(d.cdf, t.cdf);
    EXPECT_DOUBLE_EQ(d.dG(0, 0), -5.33203056e-06);
    EXPECT_DOUBLE_EQ(d.dG(500, 500), -7.93143523e-07);
}

TEST(DeviceLutParse, EnodeTables) {
    const auto& t = *enode(true);
    EXPECT_EQ(t.n_bins(), 48);
    EXPECT_EQ(t.n_cdf(), 122);
    EXPECT_DOUBLE_EQ(t.g_bins[0], 0.00029772);
    EXPECT_DOUBLE_EQ(t.g_bins[47], 0.00097828);
    EXPECT_DOUBLE_EQ(t.cdf[1], 9.86426768e-06);
    EXPECT_DOUBLE_EQ(t.cdf[121], 1.0);
    EXPECT_DOUBLE_EQ(t.dG(0, 0), 5.999999999999983211e-06);
    EXPECT_DOUBLE_EQ(t.dG(121, 47), 3.000000000000181341e-06);
    EXPECT_DOUBLE_EQ(enode(false)->dG(0, 47), -4.000000000000314068e-06);
}

TEST(DeviceLutParse, PlainTextTabsCrlfAndGzip) {
    TempDir tmp;
    const std::string body =
        "header\r\n1e-6\t2e-6\t3e-6\r\n0\t0.5\t1\r\n\r\n1\t2\t3\r\n4\t5\t6\r\n7\t8\t9\r\n\r\n";
    const LookupTable a = load_lut(tmp.file("tabs.txt", body));
    EXPECT_EQ(a.header, "header");
    EXPECT_EQ(a.g_bins, (std::vector<double>{1e-6, 2e-6, 3e-6}));
    EXPECT_EQ(a.dg, (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    // Same content gzip-compressed, with comma + space separators and a trailing comma.
    const std::string gzpath = tmp.path("c.txt.gz");
    gzFile f = gzopen(gzpath.c_str(), "wb");
    const std::string csv = small_lut("1, 2, 3,\n4 ,5, 6\n", "1e-6 , 2e-6, 3e-6", "0., 1.");
    gzwrite(f, csv.data(), static_cast<unsigned>(csv.size()));
    gzclose(f);
    const LookupTable b = load_lut(gzpath);
    EXPECT_EQ(b.n_cdf(), 2);
    EXPECT_EQ(b.dg, (std::vector<double>{1, 2, 3, 4, 5, 6}));
}

TEST(DeviceLutParse, BadInputNamesFileLineAndExpectation) {
    TempDir tmp;
    expect_lut_error(tmp.path("missing.txt"), {":0:", "cannot open"});
    expect_lut_error(tmp.file("empty.txt", ""), {":1:", "empty"});
    expect_lut_error(tmp.file("header_only.txt", "just a header\n"), {":2:", "G bins"});
    expect_lut_error(tmp.file("no_cdf.txt", "h\n1e-6, 2e-6\n"), {":3:", "CDF points"});
    expect_lut_error(tmp.file("short_row.txt", small_lut("1, 2, 3\n4, 5\n")),
                     {":6:", "expected 3 dG values (one per G bin), found 2"});
    expect_lut_error(tmp.file("long_row.txt", small_lut("1, 2, 3, 4\n4, 5, 6\n")),
                     {":5:", "expected 3 dG values", "found 4"});
    expect_lut_error(tmp.file("few_rows.txt", small_lut("1, 2, 3\n")),
                     {"expected 2 dG rows (one per CDF point), found 1"});
    expect_lut_error(tmp.file("no_rows.txt", small_lut("")), {"expected 2 dG rows", "found 0"});
    expect_lut_error(tmp.file("many_rows.txt", small_lut("1, 2, 3\n4, 5, 6\n7, 8, 9\n")),
                     {":7:", "expected 2 dG rows", "found more"});
    expect_lut_error(tmp.file("nan.txt", small_lut("1, nan, 3\n4, 5, 6\n")),
                     {":5:", "field 2", "finite", "nan"});
    expect_lut_error(tmp.file("inf.txt", small_lut("1, 2, 3\n4, 5, 6\n", "1e-6, inf, 3e-6")),
                     {":2:", "finite"});
    expect_lut_error(tmp.file("overflow.txt", small_lut("1, 2, 3\n4, 1e999, 6\n")), {":6:", "finite"});
    expect_lut_error(tmp.file("word.txt", small_lut("1, 2, 3\n4, abc, 6\n")),
                     {":6:", "expected a number, found 'abc'"});
    expect_lut_error(tmp.file("hole.txt", small_lut("1, , 3\n4, 5, 6\n")), {":5:", "empty field"});
    expect_lut_error(tmp.file("cdf_order.txt",
                              small_lut("1, 2, 3\n4, 5, 6\n7, 8, 9\n", "1e-6, 2e-6, 3e-6", "0, 0.7, 0.5")),
                     {":3:", "CDF points must be strictly increasing"});
    expect_lut_error(tmp.file("cdf_range.txt", small_lut("1, 2, 3\n4, 5, 6\n", "1e-6, 2e-6, 3e-6", "0, 1.5")),
                     {":3:", "[0, 1]"});
    expect_lut_error(tmp.file("g_order.txt", small_lut("1, 2, 3\n4, 5, 6\n", "1e-6, 3e-6, 2e-6")),
                     {":2:", "G bins must be strictly increasing"});
    expect_lut_error(tmp.file("g_dup.txt", small_lut("1, 2, 3\n4, 5, 6\n", "1e-6, 1e-6, 2e-6")),
                     {":2:", "strictly increasing"});
    expect_lut_error(tmp.file("one_bin.txt", small_lut("1\n4\n", "1e-6")), {":2:", "at least 2 G bins"});
    expect_lut_error(tmp.file("gap.txt", small_lut("1, 2, 3\n\n4, 5, 6\n")),
                     {":6:", "blank line inside the dG matrix"});
    // A gzip stream cut in half, and gzip magic followed by garbage.
    std::string gz;
    {
        const std::string p = tmp.path("full.txt.gz");
        gzFile f = gzopen(p.c_str(), "wb");
        std::string big;
        for (int r = 0; r < 2000; ++r) big += std::to_string(r) + ", 2, 3\n";
        const std::string s = small_lut(big);
        gzwrite(f, s.data(), static_cast<unsigned>(s.size()));
        gzclose(f);
        std::ifstream in(p, std::ios::binary);
        gz.assign(std::istreambuf_iterator<char>(in), {});
    }
    expect_lut_error(tmp.file("cut.txt.gz", gz.substr(0, gz.size() / 2)), {":0:", "read error"});
    expect_lut_error(tmp.file("garbage.txt.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) +
                                                    std::string(200, '\x7f')),
                     {":0:", "read error"});
}

TEST(DeviceLutParse, SaveLoadRoundTripIsExact) {
    TempDir tmp;
    AnalyticParams p;
    p.alpha = 2.f;
    p.write_noise = 0.03f;
    LookupTable s = synthesize_lut(p, 37, 55, 3e-6f, 9e-5f, 0.01f);
    for (const LookupTable* t : {static_cast<const LookupTable*>(&s), taox(false).get()}) {
        for (const char* name : {"rt.txt", "rt.txt.gz"}) {
            const std::string path = tmp.path(name);
            save_lut(*t, path);
            const LookupTable r = load_lut(path);
            EXPECT_EQ(r.header, t->header);
            EXPECT_EQ(r.g_bins, t->g_bins);
            EXPECT_EQ(r.cdf, t->cdf);
            ASSERT_EQ(r.dg.size(), t->dg.size());
            EXPECT_EQ(std::memcmp(r.dg.data(), t->dg.data(), r.dg.size() * sizeof(double)), 0) << name;
        }
    }
    EXPECT_THROW(save_lut(s, tmp.path("no/such/dir/x.txt")), LutError);
}

// ---------------------------------------------------------------------------------------------
// LUT device

TEST(DeviceLut, MappingAndClipLimits) {
    LutMapping m;  // CrossSim v2 defaults: 10%..90% of the G span -> [-1, 1]
    auto dev = make_lut(taox(true), taox(false), m, 1);
    EXPECT_STREQ(dev->kind(), "lut");
    EXPECT_EQ(dev->w_min(), -1.f);
    EXPECT_EQ(dev->w_max(), 1.f);
    EXPECT_NEAR(dev->w_clip_min(), -1.25, 1e-6);
    EXPECT_NEAR(dev->w_clip_max(), 1.25, 1e-6);
    // Weights may leave [w_min, w_max] but never the table span.
    std::mt19937 g(3);
    std::uniform_real_distribution<float> u(-1.25f, 1.25f), v(-3.f, 3.f);
    std::vector<float> w(20000), dw(w.size());
    for (auto& x : w) x = u(g);
    int beyond = 0;
    for (int k = 0; k < 5; ++k) {
        for (auto& x : dw) x = v(g);
        dev->update_cells(w.data(), dw.data(), w.size());
        for (float x : w) {
            ASSERT_GE(x, dev->w_clip_min());
            ASSERT_LE(x, dev->w_clip_max());
            beyond += std::fabs(x) > 1.f;
        }
    }
    EXPECT_GT(beyond, 1000);
    // With a linear synthesized table huge requests saturate exactly at the span.
    AnalyticParams lin;
    auto inc = std::make_shared<const LookupTable>(synthesize_lut(lin, 21, 3, 1e-5f, 1e-4f, 0.01f));
    auto dec = std::make_shared<const LookupTable>(synthesize_lut(lin, 21, 3, 1e-5f, 1e-4f, -0.01f));
    auto ldev = make_lut(inc, dec, m, 2);
    std::fill(w.begin(), w.end(), 0.f);
    std::fill(dw.begin(), dw.end(), 100.f);
    ldev->update_cells(w.data(), dw.data(), w.size());
    for (float x : w) ASSERT_EQ(x, ldev->w_clip_max());
    std::fill(dw.begin(), dw.end(), -100.f);
    ldev->update_cells(w.data(), dw.data(), w.size());
    for (float x : w) ASSERT_EQ(x, ldev->w_clip_min());
    EXPECT_NEAR(ldev->w_clip_max(), 1.25, 1e-6);
}

TEST(DeviceLut, RejectsBadTablesAndMappings) {
    LutMapping m;
    EXPECT_THROW(make_lut(taox(false), taox(true), m, 1), LutError);  // swapped
    try {
        make_lut(taox(false), taox(true), m, 1);
    } catch (const LutError& e) {
        EXPECT_NE(std::string(e.what()).find("swapped"), std::string::npos);
    }
    EXPECT_THROW(make_lut(taox(true), enode(false), m, 1), LutError);  // different G bins
    auto shifted = std::make_shared<LookupTable>(*enode(false));
    shifted->cdf[5] *= 1.01;
    EXPECT_THROW(make_lut(enode(true), shifted, m, 1), LutError);  // different CDF points
    auto broken = std::make_shared<LookupTable>(*enode(true));
    broken->dg.pop_back();
    EXPECT_THROW(make_lut(broken, enode(false), m, 1), LutError);
    EXPECT_THROW(make_lut(nullptr, enode(false), m, 1), std::invalid_argument);
    LutMapping bad = m;
    bad.g_min_relative = 0.9;
    bad.g_max_relative = 0.1;
    EXPECT_THROW(make_lut(enode(true), enode(false), bad, 1), std::invalid_argument);
    bad = m;
    bad.max_pulses = 0;
    EXPECT_THROW(make_lut(enode(true), enode(false), bad, 1), std::invalid_argument);
    bad = m;
    bad.dw_pulse = -1.f;
    EXPECT_THROW(make_lut(enode(true), enode(false), bad, 1), std::invalid_argument);
}

// The pair checks validate uses (check_lut_pair) name the table at fault.
LutSide pair_error_side(const LookupTable& inc, const LookupTable& dec, const std::string& fragment) {
    try {
        check_lut_pair(inc, dec, 0.1, 0.9);
    } catch (const LutPairError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        return e.side();
    }
    ADD_FAILURE() << "no LutPairError, expected: " << fragment;
    return LutSide::increasing;
}

TEST(DeviceLut, PairChecksNameTheTableAtFault) {
    EXPECT_NO_THROW(check_lut_pair(*taox(true), *taox(false), 0.1, 0.9));
    EXPECT_NO_THROW(check_lut_pair(*enode(true), *enode(false), 0.1, 0.9));
    EXPECT_EQ(pair_error_side(*taox(false), *taox(true), "are the tables swapped?"), LutSide::increasing);
    EXPECT_EQ(pair_error_side(*taox(true), *taox(true), "decreasing (RESET) table"), LutSide::decreasing);
    EXPECT_EQ(pair_error_side(*taox(true), *enode(false), "expected the same G bins"), LutSide::decreasing);
    LookupTable zero = *enode(true);
    std::fill(zero.dg.begin(), zero.dg.end(), 0.0);
    EXPECT_EQ(pair_error_side(zero, *enode(false), "every dG value is zero"), LutSide::increasing);
    EXPECT_EQ(pair_error_side(*enode(true), zero, "every dG value is zero"), LutSide::decreasing);
}

TEST(DeviceLutParse, FoldersFifosAndGzipBombsAreErrorsWithoutBlocking) {
    TempDir tmp;
    fs::create_directories(tmp.path("folder"));
    expect_lut_error(tmp.path("folder"), {":0:", "got a folder"});
    ASSERT_EQ(::mkfifo(tmp.path("fifo").c_str(), 0600), 0);
    expect_lut_error(tmp.path("fifo"), {":0:", "FIFO"});  // returns at once: nobody writes the FIFO
    // 70 MiB of zeros compress to about 70 KiB: rejected at the cap, not parsed.
    const std::string bomb = tmp.path("bomb.txt.gz");
    gzFile f = gzopen(bomb.c_str(), "wb9");
    const std::string zeros(1 << 20, '0');
    for (int k = 0; k < 70; ++k) gzwrite(f, zeros.data(), unsigned(zeros.size()));
    gzclose(f);
    EXPECT_LT(fs::file_size(bomb), 1u << 20);
    expect_lut_error(bomb, {":0:", "larger than 64 MiB once decompressed"});
}

// One pulse per cell (pulses mode, request = exactly one pulse): the weight change of a cell at
// bin i must follow column i of the table, including the clip at the table span.
void check_single_pulse_sampler(const std::shared_ptr<const LookupTable>& inc,
                                const std::shared_ptr<const LookupTable>& dec, int bin_step) {
    LutMapping m;
    m.mode = LutUpdateMode::pulses;
    m.max_pulses = 1;
    m.dw_pulse = 0.125f;
    auto dev = make_lut(inc, dec, m, 99);
    const Map map(*inc, m);
    const std::vector<double> p = row_probs(inc->cdf);
    for (bool up : {true, false}) {
        const LookupTable& t = up ? *inc : *dec;
        std::vector<int> bins;
        for (int i = bin_step / 2; i < t.n_bins(); i += bin_step) bins.push_back(i);
        std::vector<float> w_row, dw_row;
        for (int i : bins) {
            w_row.push_back(static_cast<float>(map.w(t.g_bins[i])));
            dw_row.push_back(up ? m.dw_pulse : -m.dw_pulse);
        }
        const int cols = 4096, reps = 6;
        const auto got = sample_rows(*dev, w_row, dw_row, cols, reps);
        for (std::size_t k = 0; k < bins.size(); ++k) {
            const int i = bins[k];
            double mean = 0, var = 0;  // expected change with the clip at the table span
            for (int r = 0; r < t.n_cdf(); ++r)
                mean += p[r] * (std::clamp(w_row[k] + t.dG(r, i) * map.w_per_g, map.clip_lo, map.clip_hi) -
                                w_row[k]);
            for (int r = 0; r < t.n_cdf(); ++r)
                var += p[r] *
                       std::pow(std::clamp(w_row[k] + t.dG(r, i) * map.w_per_g, map.clip_lo, map.clip_hi) -
                                    w_row[k] - mean,
                                2);
            const double se = std::sqrt(var / (cols * reps));
            EXPECT_NEAR(got[k].mean, mean, 5 * se + 1e-6 * std::fabs(mean) + 2e-7)
                << (up ? "inc" : "dec") << " bin " << i << " sd " << std::sqrt(var);
            EXPECT_NEAR(got[k].sd, std::sqrt(var), 0.05 * std::sqrt(var) + 2e-7) << "bin " << i;
        }
    }
}

TEST(DeviceLut, SamplerReproducesTaoxMeanPerBin) {
    check_single_pulse_sampler(taox(true), taox(false), 20);
}

TEST(DeviceLut, SamplerReproducesEnodeMeanPerBin) {  // non-uniform CDF points (guide-table path)
    check_single_pulse_sampler(enode(true), enode(false), 3);
}

TEST(DeviceLut, NonUniformCdfRowFrequencies) {
    // Rows with probabilities 0.0005 .. 0.49 and one distinct dG each: the frequency of each
    // value must match the nearest-point probability (binomial tolerance).
    const std::vector<double> cdf = {0, 0.001, 0.01, 0.5, 0.99, 0.999, 1};
    auto make = [&](double sign) {
        auto t = std::make_shared<LookupTable>();
        t->source = "freq";
        t->g_bins = {1e-6, 2e-6, 3e-6, 4e-6, 5e-6};
        t->cdf = cdf;
        for (std::size_t r = 0; r < cdf.size(); ++r)
            for (int i = 0; i < 5; ++i) t->dg.push_back(sign * 1e-9 * static_cast<double>(r + 1));
        return t;
    };
    LutMapping m;
    m.mode = LutUpdateMode::pulses;
    m.max_pulses = 1;
    m.dw_pulse = 0.5f;
    auto dev = make_lut(make(1), make(-1), m, 3);
    const double w_per_g = 2.0 / (0.8 * 4e-6);
    const std::vector<double> p = row_probs(cdf);
    std::vector<double> count(cdf.size(), 0);
    const int n = 1 << 20;
    std::vector<float> w(4096), req(4096, 0.5f);
    for (int rep = 0; rep < n / 4096; ++rep) {
        std::fill(w.begin(), w.end(), 0.f);
        dev->update_cells(w.data(), req.data(), w.size());
        for (float x : w) {
            const long r = std::lround(x / (1e-9 * w_per_g)) - 1;
            ASSERT_GE(r, 0);
            ASSERT_LT(r, static_cast<long>(cdf.size()));
            count[r] += 1;
        }
    }
    for (std::size_t r = 0; r < cdf.size(); ++r)
        EXPECT_NEAR(count[r] / n, p[r], 5 * std::sqrt(p[r] * (1 - p[r]) / n)) << "row " << r;
}

TEST(DeviceLut, ScaledModeFollowsCrossSimCalibration) {
    // Default mapping and calibration: pulse = mean over the targeted bins of the per-bin mean dG.
    // A request of s pulses gives s mu(G) + sqrt(s) (dG - mu(G)) per cell, then the clip.
    LutMapping m;
    auto dev = make_lut(taox(true), taox(false), m, 17);
    const Map map(*taox(true), m);
    const auto& g = taox(true)->g_bins;
    auto nearest = [&](double x) {
        return static_cast<int>(
            std::min_element(g.begin(), g.end(),
                             [&](double a, double b) { return std::fabs(a - x) < std::fabs(b - x); }) -
            g.begin());
    };
    const int i0 = nearest(map.g_lo), i1 = nearest(map.g_hi);
    const std::vector<double> p = row_probs(taox(true)->cdf);
    for (bool up : {true, false}) {
        const LookupTable& t = up ? *taox(true) : *taox(false);
        double ave = 0;
        for (int i = i0; i <= i1; ++i) ave += bin_stats(t, i, map.w_per_g).mean;
        ave /= (i1 - i0 + 1);
        for (double s : {0.01, 0.3, 2.0}) {
            std::vector<int> bins = {i0 + 7, 150, 250, 350, i1 - 3};
            std::vector<float> w_row, dw_row;
            for (int i : bins) {
                w_row.push_back(static_cast<float>(map.w(g[i])));
                dw_row.push_back(static_cast<float>(s * ave));
            }
            const auto got = sample_rows(*dev, w_row, dw_row, 4096, 4);
            for (std::size_t k = 0; k < bins.size(); ++k) {
                const BinStats bs = bin_stats(t, bins[k], map.w_per_g);
                const double ss = static_cast<double>(dw_row[k]) / ave;
                double mean = 0, var = 0;
                auto val = [&](int r) {
                    const double d =
                        ss * bs.mean + std::sqrt(ss) * (t.dG(r, bins[k]) * map.w_per_g - bs.mean);
                    return std::clamp(w_row[k] + d, map.clip_lo, map.clip_hi) - w_row[k];
                };
                for (int r = 0; r < t.n_cdf(); ++r) mean += p[r] * val(r);
                for (int r = 0; r < t.n_cdf(); ++r) var += p[r] * std::pow(val(r) - mean, 2);
                const double se = std::sqrt(var / (4096.0 * 4));
                EXPECT_NEAR(got[k].mean, mean, 5 * se + 1e-5 * std::fabs(mean) + 2e-7)
                    << (up ? "inc" : "dec") << " s=" << s << " bin " << bins[k];
                EXPECT_NEAR(got[k].sd, std::sqrt(var), 0.05 * std::sqrt(var) + 2e-7);
            }
        }
    }
}

TEST(DeviceLut, CalibrationIsCrossSimAverageStepExactly) {
    // Noiseless nonlinear table: the scaled update is deterministic, s mu(G) with
    // s = dw / ave and ave = mean of mu over the bins nearest to Gmin..Gmax (inclusive), per
    // direction (CrossSim ave_dw_inc / ave_dw_dec).
    AnalyticParams ap;
    ap.alpha = 1.5f;
    const int nb = 101;
    auto inc = std::make_shared<const LookupTable>(synthesize_lut(ap, nb, 9, 2e-5f, 1.2e-4f, 0.05f));
    auto dec = std::make_shared<const LookupTable>(synthesize_lut(ap, nb, 9, 2e-5f, 1.2e-4f, -0.03f));
    LutMapping m;  // 10%..90%: targeted bins 10..90
    m.g_min_relative = 0.1;
    m.g_max_relative = 0.9;
    auto dev = make_lut(inc, dec, m, 1);
    const Map map(*inc, m);
    for (bool up : {true, false}) {
        const LookupTable& t = up ? *inc : *dec;
        double ave = 0;
        for (int i = 10; i <= 90; ++i) ave += t.dG(0, i) * map.w_per_g;
        ave /= 81;
        for (int i : {0, 5, 33, 50, 77, 100}) {
            float w = static_cast<float>(map.w(t.g_bins[i]));
            const float w0 = w, dw = up ? 0.02f : -0.02f;
            dev->update_cells(&w, &dw, 1);
            const double expect =
                std::clamp(w0 + dw / ave * t.dG(0, i) * map.w_per_g, map.clip_lo, map.clip_hi);
            EXPECT_NEAR(w, expect, 2e-7 + 1e-5 * std::fabs(expect - w0))
                << (up ? "inc" : "dec") << " bin " << i;
        }
    }
}

TEST(DeviceLut, SynthesizedTableMatchesAnalyticModelOnAverage) {
    for (bool sym : {false, true}) {
        SCOPED_TRACE(sym ? "symmetric" : "asymmetric");
        AnalyticParams ap;
        ap.alpha = 2.f;
        ap.symmetric = sym;
        ap.write_noise = 0.01f;
        const float pulse = 0.02f;
        const int nb = 101;
        auto inc = std::make_shared<const LookupTable>(synthesize_lut(ap, nb, 201, 1e-5f, 1e-4f, pulse));
        auto dec = std::make_shared<const LookupTable>(synthesize_lut(ap, nb, 201, 1e-5f, 1e-4f, -pulse));
        // The table itself: nearest-point mean of each column is the analytic step.
        const double g0 = 1e-5f, g1 = 1e-4f;  // the float arguments, as the synthesizer sees them
        const double w_per_g = 2.0 / (g1 - g0);
        for (int i = 0; i < nb; i += 10) {
            const double w = -1.0 + (inc->g_bins[i] - g0) * w_per_g;
            EXPECT_NEAR(bin_stats(*inc, i, w_per_g).mean, analytic_delta(ap, w, pulse), 1e-12);
            EXPECT_NEAR(bin_stats(*dec, i, w_per_g).mean, analytic_delta(ap, w, -pulse), 1e-12);
        }
        LutMapping m;
        m.w_min = ap.w_min;
        m.w_max = ap.w_max;
        m.g_min_relative = 0.0;
        m.g_max_relative = 1.0;
        m.dw_pulse = pulse;
        auto lut = make_lut(inc, dec, m, 5);
        auto ana = make_analytic(ap, 6);
        EXPECT_FLOAT_EQ(lut->w_clip_min(), ap.w_min);
        EXPECT_FLOAT_EQ(lut->w_clip_max(), ap.w_max);
        std::vector<float> w_row, dw_row;
        for (int i = 10; i < nb - 10; i += 8)
            for (float s : {1.f, -1.f}) {
                w_row.push_back(-1.f + 2.f * i / (nb - 1));
                dw_row.push_back(s * pulse);
            }
        const int cols = 4096, reps = 4;
        const auto g_lut = sample_rows(*lut, w_row, dw_row, cols, reps);
        const auto g_ana = sample_rows(*ana, w_row, dw_row, cols, reps);
        const double sd = ap.write_noise * std::sqrt(pulse * 2.0);
        const double se = sd / std::sqrt(cols * reps);
        for (std::size_t k = 0; k < w_row.size(); ++k) {
            const double ref = analytic_delta(ap, w_row[k], dw_row[k]);
            EXPECT_NEAR(g_lut[k].mean, ref, 5 * se + 1e-6) << "w=" << w_row[k] << " dw=" << dw_row[k];
            EXPECT_NEAR(g_ana[k].mean, ref, 5 * se + 1e-6);
            EXPECT_NEAR(g_lut[k].mean, g_ana[k].mean, 5 * std::sqrt(2.0) * se + 1e-6);
            // 201 quantile points carry ~99% of the Gaussian variance
            EXPECT_NEAR(g_lut[k].sd, sd, 0.03 * sd);
            EXPECT_NEAR(g_ana[k].sd, sd, 0.03 * sd);
        }
    }
}

TEST(DeviceLut, PulseModeStochasticRoundingAndCap) {
    // Linear noiseless synthesized table: every pulse moves a weight by exactly 0.01.
    AnalyticParams ap;  // alpha = 0, no noise
    const float pulse = 0.01f;
    auto inc = std::make_shared<const LookupTable>(synthesize_lut(ap, 11, 5, 1e-5f, 1e-4f, pulse));
    auto dec = std::make_shared<const LookupTable>(synthesize_lut(ap, 11, 5, 1e-5f, 1e-4f, -pulse));
    LutMapping m;
    m.g_min_relative = 0.0;
    m.g_max_relative = 1.0;
    m.mode = LutUpdateMode::pulses;
    m.dw_pulse = pulse;
    for (int cap : {255, 2}) {
        m.max_pulses = cap;
        auto dev = make_lut(inc, dec, m, 8);
        for (float req : {0.3f, -2.6f, 0.f}) {
            const int n = 100000;
            std::vector<float> w(n, 0.f), dw(n, req * pulse);
            const std::uint64_t cnt = dev->update_cells(w.data(), dw.data(), w.size());
            EXPECT_EQ(cnt, req == 0.f ? 0u : static_cast<std::uint64_t>(n));
            std::map<long, int> hist;
            for (float x : w) ++hist[std::lround(x / pulse)];
            for (float x : w) ASSERT_NEAR(x, std::lround(x / pulse) * pulse, 1e-6f) << "whole pulses only";
            const double fl = std::floor(std::fabs(req)), frac = std::fabs(req) - fl;
            const long lo = static_cast<long>(std::copysign(std::min<double>(fl, cap), req));
            const long hi = static_cast<long>(std::copysign(std::min<double>(fl + 1, cap), req));
            if (req == 0.f) {
                EXPECT_EQ(hist[0], n);
            } else if (fl + 1 <= cap) {
                EXPECT_NEAR(static_cast<double>(hist[hi]) / n, frac, 5 * std::sqrt(frac * (1 - frac) / n))
                    << "req=" << req << " cap=" << cap;
                EXPECT_EQ(hist[lo] + hist[hi], n);
            } else {
                EXPECT_EQ(hist[lo], n) << "capped at " << cap;
            }
        }
    }
}

TEST(DeviceLut, DeterministicZeroRequestsUntouchedAndCounted) {
    for (LutUpdateMode mode : {LutUpdateMode::scaled, LutUpdateMode::pulses}) {
        LutMapping m;
        m.mode = mode;
        auto run = [&](std::uint64_t seed) {
            auto dev = make_lut(taox(true), taox(false), m, seed);
            std::mt19937 g(1);
            std::uniform_real_distribution<float> u(-1.2f, 1.2f), v(-0.01f, 0.01f);
            const int rows = 31, cols = 45, ldim = 48;
            std::vector<float> w(rows * ldim), a(rows), b(cols);
            for (auto& x : w) x = u(g);
            for (int i = 0; i < rows; ++i) a[i] = i % 4 == 0 ? 0.f : v(g) * 100;
            for (int j = 0; j < cols; ++j) b[j] = j % 5 == 0 ? 0.f : v(g);
            const std::vector<float> w0 = w;
            std::uint64_t cnt = 0;
            for (int call = 0; call < 3; ++call)
                cnt += dev->update_rank1(w.data(), rows, cols, ldim, a.data(), b.data());
            std::uint64_t expect = 0;
            for (int i = 0; i < rows; ++i)
                for (int j = 0; j < ldim; ++j) {
                    const std::size_t c = static_cast<std::size_t>(i) * ldim + j;
                    if (j >= cols || a[i] * b[j] == 0.f)
                        EXPECT_EQ(std::memcmp(&w[c], &w0[c], 4), 0) << i << "," << j;
                    else
                        expect += 3;
                }
            EXPECT_EQ(cnt, expect);
            return w;
        };
        const auto a = run(7), b = run(7), c = run(8);
        EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * 4), 0);
        EXPECT_NE(a, c);
    }
}
