// The HTML reports of real runs render in headless Chromium: a screenshot that is not blank and
// shows the charts' colors, and no console message (the report has no script, so any is a fault).
// Needs the Debian package `chromium`; the tests skip without it.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>

#include "e2e_util.h"
#include "platform/report.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string chromium() {
    for (const char* name : {"chromium", "chromium-browser"}) {
        FILE* p = ::popen((std::string("command -v ") + name + " 2>/dev/null").c_str(), "r");
        if (!p) continue;
        char buf[512] = {};
        const bool found = std::fgets(buf, sizeof buf, p) != nullptr;
        ::pclose(p);
        std::string path = buf;
        while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
        if (found && !path.empty()) return path;
    }
    return "";
}

#define REQUIRE_CHROMIUM()                                                                                    \
    const std::string browser = chromium();                                                                   \
    if (browser.empty())                                                                                      \
        GTEST_SKIP() << "chromium not found: install the Debian package `chromium` "                          \
                        "(apt-get install -y --no-install-recommends chromium)"

struct Shot {
    int exit_code = -1;
    std::string log;  // Chromium's stderr with --enable-logging=stderr
};

// Screenshot of `html` (a file) at 1280 x height; one profile folder per call, so tests may run in parallel.
Shot screenshot(const std::string& browser, const fs::path& html, const fs::path& png, int height) {
    const fs::path dir = png.parent_path();
    const fs::path log = dir / (png.stem().string() + ".chromium.log");
    const std::string cmd = "timeout 180 '" + browser +
                            "' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars"
                            " --enable-logging=stderr --v=0 --user-data-dir='" +
                            (dir / (png.stem().string() + "-profile")).string() + "' --window-size=1280," +
                            std::to_string(height) + " --screenshot='" + png.string() + "' 'file://" +
                            fs::absolute(html).string() + "' > '" + log.string() + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, e2e::slurp(log)};
}

// Console messages and uncaught exceptions in Chromium's log (Chromium 1xx logs every console
// message as "INFO:CONSOLE", errors included).
std::vector<std::string> console_lines(const std::string& log) {
    std::vector<std::string> out;
    std::istringstream in(log);
    for (std::string l; std::getline(in, l);)
        if (l.find(":CONSOLE") != std::string::npos || l.find("Uncaught") != std::string::npos) out.push_back(l);
    return out;
}

// Minimal PNG decoder (8-bit RGB or RGBA, not interlaced: what Chromium writes) -> RGB triples.
struct Image {
    unsigned width = 0, height = 0;
    std::vector<std::uint32_t> rgb;  // 0xRRGGBB
};
std::string decode_png(const std::string& f, Image& img) {
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (f.size() < 8 || std::memcmp(f.data(), sig, 8) != 0) return "not a PNG";
    auto be32 = [&](std::size_t p) {
        return std::uint32_t(std::uint8_t(f[p])) << 24 | std::uint32_t(std::uint8_t(f[p + 1])) << 16 |
               std::uint32_t(std::uint8_t(f[p + 2])) << 8 | std::uint32_t(std::uint8_t(f[p + 3]));
    };
    std::string idat;
    int depth = 0, ctype = 0, interlace = 0;
    for (std::size_t p = 8; p + 8 <= f.size();) {
        const std::uint32_t len = be32(p);
        const std::string type = f.substr(p + 4, 4);
        if (p + 12 + len > f.size()) return "truncated chunk " + type;
        if (type == "IHDR") {
            img.width = be32(p + 8), img.height = be32(p + 12);
            depth = std::uint8_t(f[p + 16]), ctype = std::uint8_t(f[p + 17]), interlace = std::uint8_t(f[p + 20]);
        } else if (type == "IDAT") {
            idat.append(f, p + 8, len);
        }
        p += 12 + len;
    }
    if (depth != 8 || (ctype != 2 && ctype != 6) || interlace) return "unsupported PNG format";
    const std::size_t bpp = ctype == 6 ? 4 : 3, stride = img.width * bpp;
    std::vector<unsigned char> raw((stride + 1) * img.height);
    uLongf n = raw.size();
    if (uncompress(raw.data(), &n, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) != Z_OK ||
        n != raw.size())
        return "bad image data";
    std::vector<unsigned char> prev(stride, 0), cur(stride);
    img.rgb.reserve(std::size_t(img.width) * img.height);
    for (unsigned y = 0; y < img.height; ++y) {
        const unsigned char filter = raw[y * (stride + 1)];
        const unsigned char* in = &raw[y * (stride + 1) + 1];
        for (std::size_t x = 0; x < stride; ++x) {
            const int a = x >= bpp ? cur[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
            int pred = 0;
            switch (filter) {
                case 0: pred = 0; break;
                case 1: pred = a; break;
                case 2: pred = b; break;
                case 3: pred = (a + b) / 2; break;
                case 4: {
                    const int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
                    pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    break;
                }
                default: return "bad filter";
            }
            cur[x] = static_cast<unsigned char>(in[x] + pred);
        }
        for (std::size_t x = 0; x < stride; x += bpp) img.rgb.push_back(cur[x] << 16 | cur[x + 1] << 8 | cur[x + 2]);
        std::swap(prev, cur);
    }
    return "";
}

// The solid fills of the SVG charts (the HTML's own color swatches are not counted).
std::set<std::uint32_t> fill_colors(const std::string& html) {
    std::set<std::uint32_t> out;
    const std::regex fill("fill=\"#([0-9a-f]{6})\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), fill); it != std::sregex_iterator(); ++it) {
        const std::uint32_t c = std::uint32_t(std::stoul((*it)[1].str(), nullptr, 16));
        if (c != 0xffffff && c != 0xeaeef2) out.insert(c);
    }
    return out;
}

// Renders the HTML and checks the screenshot: not blank, and at least min_colors of the fills on screen.
void render_and_check(const std::string& browser, const std::string& html, const fs::path& dir, const std::string& stem,
                      int height, std::size_t min_colors) {
    const fs::path page = dir / (stem + ".html"), png = dir / (stem + ".png");
    std::ofstream(page, std::ios::binary) << html;
    const Shot s = screenshot(browser, page, png, height);
    ASSERT_EQ(s.exit_code, 0) << s.log;
    ASSERT_TRUE(fs::exists(png)) << s.log;
    const auto bytes = fs::file_size(png);
    EXPECT_GT(bytes, 20u * 1024) << png;
    EXPECT_TRUE(console_lines(s.log).empty()) << "console output:\n" << testing::PrintToString(console_lines(s.log));

    Image img;
    ASSERT_EQ(decode_png(e2e::slurp(png), img), "") << png;
    EXPECT_EQ(img.width, 1280u);
    EXPECT_EQ(img.height, unsigned(height));
    std::map<std::uint32_t, std::size_t> hist;
    for (auto px : img.rgb) ++hist[px];
    // Not blank: the page background and the white cards are not everything.
    const std::size_t bg = hist[0xf6f8fa] + hist[0xffffff];
    EXPECT_GT(double(img.rgb.size() - bg) / double(img.rgb.size()), 0.03) << png;
    // The charts were drawn: their fill colors cover areas the size of bars, not just of legend
    // swatches (solid interiors keep exact colors).
    std::size_t seen = 0;
    std::string missing;
    for (auto c : fill_colors(html)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%06x", c);
        if (hist[c] >= 400) ++seen;
        else missing += std::string(" #") + hex;
    }
    EXPECT_GE(seen, min_colors) << "colors not on screen:" << missing << " (" << png << ")";
    std::cout << "[ screenshot ] " << png.string() << " " << img.width << "x" << img.height << ", " << bytes
              << " bytes, " << seen << " chart colors seen\n";
}

}  // namespace

TEST(Report, ConsoleErrorsOfAPageAreCaught) {
    // Negative control: the log capture does see a failing script, so a clean log means something.
    REQUIRE_CHROMIUM();
    const auto w = e2e::scratch("report-console");
    fs::create_directories(w);
    std::ofstream(w / "bad.html") << "<!DOCTYPE html><html><body><p>x</p><script>console.error('report-probe');"
                                     "throw new Error('report-boom');</script></body></html>";
    const Shot s = screenshot(browser, w / "bad.html", w / "bad.png", 600);
    ASSERT_EQ(s.exit_code, 0) << s.log;
    const auto lines = console_lines(s.log);
    ASSERT_EQ(lines.size(), 2u) << s.log;
    EXPECT_NE(lines[0].find("report-probe"), std::string::npos);
    EXPECT_NE(lines[1].find("Uncaught Error: report-boom"), std::string::npos);
}

TEST(Report, TrainingRunReportRendersInChromium) {
    REQUIRE_CHROMIUM();
    const auto w = e2e::scratch("report-run");
    const auto r = e2e::xbar("run scenarios/training/digits-analog-ideal.json --out '" + (w / "run").string() + "'", w);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json summary = e2e::summary(w / "run");
    const std::string power = fs::exists(w / "run" / "power.csv") ? e2e::slurp(w / "run" / "power.csv") : "";
    const std::string html = xbar::platform::render_run_report(summary, power);
    for (const char* id : {"chart-accuracy", "chart-energy", "chart-latency", "chart-area"})
        EXPECT_NE(html.find(std::string("<svg id=\"") + id + "\""), std::string::npos) << id;
    // Tall enough for every chart (the area chart is last).
    render_and_check(browser, html, w, "report", 5000, 8);
}

TEST(Report, PaperRunReportRendersInChromium) {
    REQUIRE_CHROMIUM();
    const auto w = e2e::scratch("report-paper");
    const auto r = e2e::xbar("run scenarios/paper/analog-8bit.json --out '" + (w / "run").string() + "'", w);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string power = fs::exists(w / "run" / "power.csv") ? e2e::slurp(w / "run" / "power.csv") : "";
    const std::string html = xbar::platform::render_run_report(e2e::summary(w / "run"), power);
    EXPECT_EQ(html.find("chart-accuracy"), std::string::npos);  // not a training run
    render_and_check(browser, html, w, "report", 3000, 8);
}

TEST(Report, CompareReportRendersInChromium) {
    REQUIRE_CHROMIUM();
    const auto w = e2e::scratch("report-compare");
    const auto r =
        e2e::xbar("compare scenarios/paper/compare-8bit.json -j 2 --out '" + (w / "out").string() + "'", w);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json compare = json::parse(e2e::slurp(w / "out" / "compare.json"));
    std::vector<json> summaries;
    for (const auto& row : compare["variants"])
        summaries.push_back(e2e::summary(w / "out" / row["variant"].get<std::string>()));
    const std::string html = xbar::platform::render_compare_report(compare, summaries);
    for (const char* id : {"chart-cycle-energy", "chart-cycle-latency", "chart-area"})
        EXPECT_NE(html.find(std::string("<svg id=\"") + id + "\""), std::string::npos) << id;
    EXPECT_NE(html.find("\u00d7268 vs analog"), std::string::npos);
    render_and_check(browser, html, w, "compare", 3000, 3);
}

TEST(Report, SweepReportRendersInChromium) {
    REQUIRE_CHROMIUM();
    const auto w = e2e::scratch("report-sweep");
    const auto r = e2e::xbar("sweep scenarios/sweeps/adc-sharing.json -j 2 --out '" + (w / "out").string() + "'", w);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const std::string html = e2e::slurp(w / "out" / "report.html");
    for (const char* id : {"chart-energy-total_nj", "chart-cycle-tile0-latency_ns", "chart-area-tile0-periphery_um2"})
        EXPECT_NE(html.find(std::string("<svg id=\"") + id + "\""), std::string::npos) << id;
    // The series' markers (ramp and sar) are on screen; tall enough for every chart.
    render_and_check(browser, html, w, "sweep", 5000, 2);
}
