#pragma once
// The building blocks the HTML reports share (platform/report.cpp: run and compare reports,
// platform/sweep_report.cpp: sweep report): tolerant JSON access, number formatting in the C
// locale, SVG primitives, the line chart, and the page skeleton with its inline CSS. Internal to
// the report writers; nothing else includes it. Pure C++ (no SystemC).
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace xbar::platform::html {

using nlohmann::json;

// ---- tolerant JSON access: a report of a failed or partial result must still render

const json& null_json();
// j[k], or null when j is not an object or has no k.
const json& at(const json& j, const std::string& k);
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
double num(const json& j, const std::string& k, double def = kNaN);
// A string, or a number / boolean as its JSON text, else def.
std::string str(const json& j, const std::string& k, const std::string& def = "");

// ---- text and number formatting (the C locale: the program never calls setlocale)

std::string esc(const std::string& s);  // HTML text and attribute values
std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
extern const std::string kDash;         // shown for a missing number
extern const std::string kNarrowSpace;  // thousands separator
// Three significant digits with an SI prefix: si(1.28e-8, "J") = "12.8 nJ".
std::string si(double v, const std::string& unit);
std::string energy_nj(double nj);
std::string time_ns(double ns);
std::string power_mw(double mw);
// Integer with narrow-space thousands separators: 74444.8 -> "74 445".
std::string grouped(double v);
std::string area_um2(double v);
std::string percent(double fraction, int decimals = 2);
// A share of a total with one decimal; tiny non-zero shares read "< 0.1 %", not "0.0 %".
std::string share(double fraction);
// Tick label of a log axis: si() without trailing zeros (10 nJ, 1 µJ).
std::string si_tick(double v, const std::string& unit);
std::string ratio(double r);
std::string plain(double v);  // up to 4 significant digits, no exponent for everyday magnitudes
// SVG coordinate: one decimal, trailing ".0" removed.
std::string c(double v);
// Approximate rendered width of text in px (DejaVu/Helvetica average ~0.58 em).
double text_w(const std::string& s, double font_px = 12);

// ---- SVG building blocks. Charts are 960 units wide and scale to the page (viewBox, width 100 %).

inline constexpr double kW = 960;

// About n "nice" ticks (1, 2, 5 × 10^k apart) within [lo, hi]; the step in *step_out.
std::vector<double> nice_ticks(double lo, double hi, int n, double* step_out = nullptr);
std::string svg_open(const std::string& id, double h, const std::string& label);
std::string text(double x, double y, const std::string& s, const char* anchor = "start", const std::string& cls = "",
                 const std::string& extra = "");
std::string rect(double x, double y, double w, double h, const std::string& fill, const std::string& tip = "",
                 const std::string& extra = "");
std::string line(double x1, double y1, double x2, double y2, const std::string& cls);

struct LegendItem {
    std::string label, color, dash;  // dash: "" solid
    bool line = false;                // a line sample (line charts) or a swatch (bars)
};
// Draws a wrapping legend from (x0, y0) within width w; returns the height used.
double legend(std::ostringstream& o, const std::vector<LegendItem>& items, double x0, double y0, double w);

// ---- line chart: one <path> per series (a sub-path per run of points), markers optional

struct Series {
    std::string label, color, dash;
    double width = 2;
    bool markers = false;
    std::vector<std::pair<double, double>> pts;
    std::vector<bool> breaks;  // breaks[i]: start a new sub-path at point i (a gap in the data)
    bool in_legend = true;          // false: no legend entry (the path's title still names it)
    std::vector<std::string> tips = {};  // tips[i]: the marker's hover text (default: label, x and y)
};
struct Axis {
    double lo = 0, hi = 1;
    std::vector<double> ticks;
    std::function<std::string(double)> label;
    std::string title;
    double margin = 72;  // y axis only: room left of the plot for the tick labels and the title
};
std::string line_chart(const std::string& id, const std::string& aria, const std::vector<Series>& series,
                       const Axis& xa, const Axis& ya, const std::string& note = "");

// ---- page skeleton

// The whole document: <head> with the shared inline CSS (and `extra_css`), then `body` inside <main>.
std::string page(const std::string& title, const std::string& body, const std::string& extra_css = "");
// A table with a header row; every cell is escaped.
std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
                  const std::string& id = "");
// Where a chart would be when there is nothing to draw.
std::string empty_chart(const std::string& id, const std::string& msg);
std::string section(const std::string& id, const std::string& title, const std::string& lead,
                    const std::string& content);

}  // namespace xbar::platform::html
