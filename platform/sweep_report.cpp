#include "platform/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "platform/report_html.h"

namespace xbar::platform {

using nlohmann::json;
using namespace html;

namespace {

// A value as results.csv has it (platform/sweep.cpp): a string is its text, anything else its JSON.
std::string cell_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

// The finite number that is the whole cell, or NaN (text, an empty cell, nan, inf).
double number(const std::string& s) {
    if (s.empty() || s.size() > 64) return kNaN;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && std::isfinite(v) ? v : kNaN;
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
std::string last_segment(const std::string& ptr) {
    const auto p = ptr.find_last_of('/');
    return p == std::string::npos ? ptr : ptr.substr(p + 1);
}
std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string o;
    for (std::size_t i = 0; i < v.size(); ++i) o += (i ? sep : "") + v[i];
    return o;
}

// ---- what the sweep varies

struct AxisInfo {
    std::string ptr, name;            // JSON pointer; short name (last segment unless ambiguous)
    std::size_t col = 0;              // its results.csv column
    std::vector<std::string> values;  // as results.csv cells: the spec's order, then any other the rows have
    bool zip = false, numeric = false;
};

std::vector<AxisInfo> read_axes(const json& doc, const std::vector<std::string>& columns,
                                const std::vector<const std::vector<std::string>*>& rows) {
    std::map<std::string, std::pair<const json*, bool>> listed;  // pointer -> (values, zip)
    for (const char* key : {"grid", "zip"}) {
        const json& list = at(doc, key);
        if (!list.is_array()) continue;
        for (const auto& a : list)
            if (at(a, "axis").is_string() && at(a, "values").is_array())
                listed.emplace(at(a, "axis").get<std::string>(), std::make_pair(&at(a, "values"), key == std::string("zip")));
    }
    std::vector<AxisInfo> axes;
    const json& names = at(doc, "axes");
    if (!names.is_array()) return axes;
    for (const auto& n : names) {
        if (!n.is_string()) continue;
        const auto col = std::find(columns.begin() + std::min<std::size_t>(2, columns.size()), columns.end(), n.get<std::string>());
        if (col == columns.end()) continue;
        AxisInfo a;
        a.ptr = n.get<std::string>();
        a.col = std::size_t(col - columns.begin());
        const auto it = listed.find(a.ptr);
        a.numeric = true;
        if (it != listed.end()) {
            a.zip = it->second.second;
            for (const auto& v : *it->second.first) {
                a.values.push_back(cell_text(v));
                a.numeric = a.numeric && v.is_number();
            }
        }
        const bool from_rows = it == listed.end();
        for (const auto* r : rows) {
            const std::string& v = (*r)[a.col];
            if (std::find(a.values.begin(), a.values.end(), v) == a.values.end()) {
                a.values.push_back(v);
                if (from_rows) a.numeric = a.numeric && std::isfinite(number(v));
            }
        }
        a.numeric = a.numeric && !a.values.empty();
        axes.push_back(std::move(a));
    }
    for (auto& a : axes) {
        a.name = last_segment(a.ptr);
        for (const auto& b : axes)
            if (&a != &b && last_segment(b.ptr) == a.name) a.name = a.ptr;
        if (a.name.empty()) a.name = a.ptr;
    }
    return axes;
}

// ---- numbers of a metric, by the unit its name ends in (traces/README.md: units in names)

struct MetricFormat {
    std::function<std::string(double)> value;  // table cells and hover texts
    std::function<std::string(double)> tick;   // axis ticks (short: no trailing zeros)
    bool fraction = false;                      // a share in [0, 1], shown in percent: the axis stays in it
};

std::string compact(double v) {  // 75k, 1.2M, 0.02
    const double a = std::fabs(v);
    if (a >= 1e6) return fmt("%.3gM", v / 1e6);
    if (a >= 1e4) return fmt("%.3gk", v / 1e3);
    return fmt("%.4g", v);
}
std::string short_percent(double fraction) {  // 95 %, 95.5 %, 95.27 %
    std::string s = fmt("%.2f", 100 * fraction);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s + " %";
}

MetricFormat format_of(const std::string& ptr) {
    const std::string n = last_segment(ptr);
    auto scaled = [](double scale, const std::string& unit) {
        return MetricFormat{[=](double v) { return si(v * scale, unit); }, [=](double v) { return si_tick(v * scale, unit); },
                            false};
    };
    static const std::pair<const char*, std::pair<double, const char*>> units[] = {
        {"_nj", {1e-9, "J"}}, {"_pj", {1e-12, "J"}}, {"_fj", {1e-15, "J"}}, {"_uj", {1e-6, "J"}},
        {"_ns", {1e-9, "s"}}, {"_us", {1e-6, "s"}},  {"_ms", {1e-3, "s"}},  {"_mw", {1e-3, "W"}},
        {"_uw", {1e-6, "W"}}, {"_bytes", {1, "B"}}};
    for (const auto& [tail, u] : units)
        if (ends_with(n, tail)) return scaled(u.first, u.second);
    if (n.rfind("fj_per_", 0) == 0) return scaled(1e-15, "J");
    if (ends_with(n, "_um2"))
        return {[](double v) { return area_um2(v); }, [](double v) { return compact(v) + " \u00b5m\u00b2"; }, false};
    if (n.find("accuracy") != std::string::npos) return {[](double v) { return percent(v); }, short_percent, true};
    return {[](double v) { return plain(v); }, compact, false};
}

// ---- status of a point from its exit code (README.md, exit codes)

std::string status_of(const std::string& code) {
    if (code == "0") return "ok";
    if (code == "2") return "failed: bad input (exit 2)";
    if (code == "3") return "failed: write or internal error (exit 3)";
    if (code == "4") return "failed: firmware (exit 4)";
    const double c = number(code);
    if (c > 128 && c < 128 + 65) return "killed by signal " + fmt("%.0f", c - 128) + " (exit " + code + ")";
    return "failed (exit " + code + ")";
}

// ---- one chart per numeric metric

const char* const kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#79706e"};
const char* const kDashes[] = {"", "6 4", "2 3", "8 3 2 3"};
constexpr std::size_t kMaxLegend = 24, kMaxMarkers = 2000;

// An id from a JSON pointer: /energy/total_nj -> chart-energy-total_nj (unique within `used`).
std::string chart_id(const std::string& ptr, std::set<std::string>& used) {
    std::string s;
    for (char ch : ptr) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
        if (ok) s += ch;
        else if (!s.empty() && s.back() != '-') s += '-';
    }
    while (!s.empty() && s.back() == '-') s.pop_back();
    std::string id = "chart-" + (s.empty() ? std::string("metric") : s);
    for (int k = 2; !used.insert(id).second; ++k) id = "chart-" + s + "-" + std::to_string(k);
    return id;
}

// A numeric axis over [lo, hi] (data values, already log10 when `log`): ticks at the values
// themselves when there are few and they are apart, else nice ticks (decades on a log axis).
Axis numeric_axis(double lo, double hi, bool log, std::vector<double> at_values, const std::string& title,
                  const std::function<std::string(double)>& label, const std::function<std::string(double)>& log_label) {
    Axis a;
    if (!(hi > lo)) {
        const double pad = log ? 0.5 : (lo != 0 ? std::fabs(lo) * 0.1 : 1);
        lo -= pad, hi += pad;
    }
    const double pad = 0.04 * (hi - lo);
    a.lo = lo - pad, a.hi = hi + pad;
    std::sort(at_values.begin(), at_values.end());
    bool apart = !at_values.empty() && at_values.size() <= 10;
    for (std::size_t i = 1; apart && i < at_values.size(); ++i) apart = at_values[i] - at_values[i - 1] >= 0.05 * (hi - lo);
    if (apart) a.ticks = at_values;
    else if (log)
        for (double d = std::ceil(a.lo); d <= a.hi; d += 1) a.ticks.push_back(d);
    else
        a.ticks = nice_ticks(lo, hi, 6);
    if (log) a.label = [log_label](double v) { return log_label(std::pow(10.0, v)); };
    else a.label = label;
    a.title = title + (log ? " (log scale)" : "");
    return a;
}

// The metric's axis: decades when `log`, else nice ticks around [lo, hi].
Axis metric_axis(double lo, double hi, bool log, const std::string& title, const MetricFormat& f) {
    Axis a;
    a.title = title + (log ? " (log scale)" : "");
    if (log) {
        a.lo = std::floor(std::log10(lo)), a.hi = std::ceil(std::log10(hi));
        if (!(a.hi > a.lo)) a.hi = a.lo + 1;
        for (double d = a.lo; d <= a.hi + 1e-9; d += 1) a.ticks.push_back(d);
        a.label = [f](double v) { return f.tick(std::pow(10.0, v)); };
        return a;
    }
    const bool in_unit = f.fraction && lo >= 0 && hi <= 1;  // the axis stays within 0 to 100 %
    if (!(hi > lo)) {
        const double pad = lo != 0 ? std::fabs(lo) * 0.1 : in_unit ? 0.1 : 1;
        lo -= pad, hi += pad;
    }
    if (in_unit) lo = std::max(lo, 0.0), hi = std::min(hi, 1.0);
    double step = 1;
    nice_ticks(lo, hi, 5, &step);
    a.lo = std::floor(lo / step + 1e-9) * step, a.hi = std::ceil(hi / step - 1e-9) * step;
    if (in_unit) a.lo = std::max(a.lo, 0.0), a.hi = std::min(a.hi, 1.0);
    for (double k = std::round(a.lo / step); k * step <= a.hi + step * 1e-9; k += 1)
        a.ticks.push_back(std::fabs(k) < 0.5 ? 0.0 : k * step);
    a.label = f.tick;
    return a;
}

struct ChartInput {
    const std::vector<AxisInfo>& axes;
    const std::vector<const std::vector<std::string>*>& rows;
};

// The chart of metric column `col` against axes[0]: one series per combination of the axes that
// vary independently of it (the other grid axes and, for a grid x, the zip as one more).
std::string metric_chart(const ChartInput& in, const std::string& metric, std::size_t col, const std::string& id) {
    const AxisInfo& x = in.axes[0];
    std::vector<const AxisInfo*> keys;
    for (std::size_t a = 1; a < in.axes.size(); ++a)
        if (!(x.zip && in.axes[a].zip)) keys.push_back(&in.axes[a]);
    const MetricFormat f = format_of(metric);
    struct Pt {
        double x, y;
        std::string tip;
    };
    std::vector<std::string> order;  // series keys in the order they first appear
    std::map<std::string, std::vector<Pt>> by;
    std::map<std::string, std::string> label_of;
    std::size_t failed = 0, no_value = 0;
    for (const auto* r : in.rows) {
        const auto& row = *r;
        if (row[1] != "0") {
            ++failed;
            continue;
        }
        const double y = number(row[col]);
        double xv = kNaN;
        if (x.numeric) xv = number(row[x.col]);
        else xv = double(std::find(x.values.begin(), x.values.end(), row[x.col]) - x.values.begin());
        if (!std::isfinite(y) || !std::isfinite(xv)) {
            ++no_value;
            continue;
        }
        std::vector<std::string> parts;
        std::string key;
        for (const auto* k : keys) {
            parts.push_back(k->name + "=" + row[k->col]);
            key += row[k->col] + '\x1f';
        }
        if (!by.count(key)) {
            order.push_back(key);
            label_of[key] = parts.empty() ? "all points" : join(parts, ", ");
        }
        by[key].push_back({xv, y, "point " + row[0] + ": " + x.name + "=" + row[x.col] +
                                      (parts.empty() ? "" : ", " + join(parts, ", ")) + ": " + f.value(y)});
    }
    if (order.empty()) return "";
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    std::size_t total = 0;
    for (const auto& [k, pts] : by)
        for (const auto& p : pts) {
            x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
            ++total;
        }
    const bool ylog = y0 > 0 && y1 / y0 > 100, xlog = x.numeric && x0 > 0 && x1 / x0 > 100;
    auto tx = [xlog](double v) { return xlog ? std::log10(v) : v; };
    auto ty = [ylog](double v) { return ylog ? std::log10(v) : v; };
    std::vector<Series> series;
    for (std::size_t k = 0; k < order.size(); ++k) {
        auto pts = by[order[k]];
        std::stable_sort(pts.begin(), pts.end(), [](const Pt& a, const Pt& b) { return a.x < b.x; });
        Series s;
        s.label = label_of[order[k]];
        s.color = kPalette[k % 10];
        s.dash = kDashes[(k / 10) % 4];
        s.markers = total <= kMaxMarkers || pts.size() < 2;
        s.in_legend = order.size() <= kMaxLegend;
        for (const auto& p : pts) {
            s.pts.emplace_back(tx(p.x), ty(p.y));
            s.tips.push_back(p.tip);
        }
        series.push_back(std::move(s));
    }
    Axis xa;
    if (x.numeric) {
        std::vector<double> vals;
        for (const auto& v : x.values)  // the values a drawn point has (a failed point's may lie outside)
            if (const double d = number(v); d >= x0 && d <= x1) vals.push_back(tx(d));
        xa = numeric_axis(tx(x0), tx(x1), xlog, vals, x.ptr, [](double v) { return fmt("%.4g", v); },
                          [](double v) { return compact(v); });
    } else {
        xa.lo = -0.5, xa.hi = double(x.values.size()) - 0.5;
        for (std::size_t i = 0; i < x.values.size(); ++i) xa.ticks.push_back(double(i));
        const std::vector<std::string> cats = x.values;
        xa.label = [cats](double v) {
            const long i = std::lround(v);
            if (i < 0 || std::size_t(i) >= cats.size()) return std::string();
            const std::string& s = cats[std::size_t(i)];
            return s.size() > 24 ? s.substr(0, 23) + "\u2026" : s;
        };
        xa.title = x.ptr;
    }
    Axis ya = metric_axis(y0, y1, ylog, metric, f);
    for (double t : ya.ticks) ya.margin = std::max(ya.margin, text_w(ya.label(t), 11.5) + 34);
    std::string caption = std::to_string(total) + " point(s)";
    if (!keys.empty()) {
        std::vector<std::string> kn;
        for (const auto* k : keys) kn.push_back(k->name);
        caption += "; one line per combination of " + join(kn, ", ") + " (" + std::to_string(order.size()) + ")";
        if (order.size() > kMaxLegend) caption += "; too many for a legend: hover a line for its parameters";
    }
    if (failed) caption += "; " + std::to_string(failed) + " failed point(s) left out";
    if (no_value) caption += "; " + std::to_string(no_value) + " point(s) without a number left out";
    caption += ".";
    return "<figure>" + line_chart(id, metric + " against " + x.ptr, series, xa, ya) + "<figcaption>" + esc(caption) +
           "</figcaption></figure>\n";
}

const char* const kSweepCss = R"(#grid-table th,#grid-table td{text-align:left;white-space:normal}
tr.failed td{background:#ffebe9}
td.st{text-align:left}
td.cat{text-align:left}
)";

}  // namespace

std::string render_sweep_report(const json& doc, const std::vector<std::string>& columns,
                                const std::vector<std::vector<std::string>>& all_rows) {
    std::vector<const std::vector<std::string>*> rows;
    for (const auto& r : all_rows)
        if (r.size() == columns.size() && columns.size() >= 2) rows.push_back(&r);
    const std::vector<AxisInfo> axes = read_axes(doc, columns, rows);
    std::vector<std::size_t> metric_cols;
    for (std::size_t c = 2; c < columns.size(); ++c)
        if (std::none_of(axes.begin(), axes.end(), [c](const AxisInfo& a) { return a.col == c; })) metric_cols.push_back(c);
    std::string name = str(doc, "name");
    if (name.empty()) name = "sweep";
    const double points = num(doc, "points", double(rows.size()));
    std::size_t ok = 0;
    for (const auto* r : rows) ok += (*r)[1] == "0";
    const std::size_t failed = rows.size() - ok;

    std::ostringstream b;
    b << "<header id=\"title\">\n<div class=\"kicker\">xbar-vp sweep report</div>\n<h1>" << esc(name) << "</h1>\n"
      << "<div class=\"badges\"><span>spec " << esc(str(doc, "spec_file", kDash)) << "</span><span>base scenario "
      << esc(str(at(doc, "base"), "name", kDash)) << "</span>";
    if (double(rows.size()) < points)
        b << "<span class=\"warn\">" << rows.size() << " of " << fmt("%.0f", points) << " points</span>";
    else
        b << "<span>" << rows.size() << " points</span>";
    b << "<span" << (failed ? "" : " class=\"ok\"") << ">" << ok << " ok</span>";
    if (failed) b << "<span class=\"failed\">" << failed << " failed</span>";
    b << "<span>spec hash " << esc(str(doc, "spec_hash", kDash)) << "</span></div>\n"
      << "<nav><a href=\"#grid\">Grid</a><a href=\"#points\">Points</a><a href=\"#charts\">Charts</a>"
         "<a href=\"#base\">Base scenario</a></nav>\n</header>\n";
    if (double(rows.size()) < points)
        b << "<div class=\"error warn\">Incomplete: " << rows.size() << " of " << fmt("%.0f", points)
          << " points have a row.</div>\n";

    // ---- the grid
    {
        std::vector<std::vector<std::string>> t;
        std::vector<std::string> dims, parts;
        std::size_t zip = 0;
        for (const auto& a : axes) {
            t.push_back({a.ptr, a.zip ? "zip" : "grid", join(a.values, ", "), std::to_string(a.values.size())});
            if (a.zip) zip = std::max(zip, a.values.size());
            else dims.push_back(std::to_string(a.values.size()));
        }
        if (!dims.empty()) parts.push_back("every combination of the grid axes (" + join(dims, " \u00d7 ") + ")");
        if (zip) parts.push_back("the zip axes' values taken together, step by step (" + std::to_string(zip) + " steps)");
        const std::string lead = "Each point sets these scenario fields in the base scenario: " + join(parts, ", times ") +
                                 ". The first axis is the x axis of the charts.";
        b << section("grid", "Grid", lead, table({"parameter", "kind", "values", "count"}, t, "grid-table"));
    }

    // ---- every row
    {
        std::string t = "<div class=\"scroll\"><table id=\"points-table\">\n<thead><tr><th>point</th><th class=\"l\">status</th>";
        for (const auto& a : axes) t += "<th" + std::string(a.numeric ? "" : " class=\"l\"") + ">" + esc(a.ptr) + "</th>";
        for (std::size_t c : metric_cols) t += "<th>" + esc(columns[c]) + "</th>";
        t += "</tr></thead>\n<tbody>\n";
        std::vector<MetricFormat> fmts;
        for (std::size_t c : metric_cols) fmts.push_back(format_of(columns[c]));
        for (const auto* r : rows) {
            const auto& row = *r;
            t += row[1] == "0" ? "<tr>" : "<tr class=\"failed\">";
            t += "<td>" + esc(row[0]) + "</td><td class=\"st\">" + esc(status_of(row[1])) + "</td>";
            for (const auto& a : axes) t += (a.numeric ? "<td>" : "<td class=\"cat\">") + esc(row[a.col]) + "</td>";
            for (std::size_t m = 0; m < metric_cols.size(); ++m) {
                const std::string& v = row[metric_cols[m]];
                const double d = number(v);
                if (v.empty()) t += "<td>" + kDash + "</td>";
                else if (!std::isfinite(d)) t += "<td class=\"cat\">" + esc(v) + "</td>";
                else if (const std::string s = fmts[m].value(d); s == v) t += "<td>" + esc(v) + "</td>";
                else t += "<td title=\"" + esc(v) + "\">" + esc(s) + "</td>";
            }
            t += "</tr>\n";
        }
        t += "</tbody></table></div>\n";
        b << section("points", "Points",
                     "One row per point of results.csv, by point id; a failed point shows its exit code (its log is "
                     "points/<id>/log.txt of the sweep folder). Hover a number for the exact value.",
                     t);
    }

    // ---- the charts
    {
        std::string body, skipped;
        std::set<std::string> ids;
        if (axes.empty()) body = empty_chart("charts-none", "no parameter axis in sweep.json: nothing to draw against");
        else if (!ok) body = empty_chart("charts-none", "no point finished ok: nothing to draw");
        else
            for (std::size_t c : metric_cols) {
                const std::string chart = metric_chart({axes, rows}, columns[c], c, chart_id(columns[c], ids));
                if (chart.empty()) skipped += (skipped.empty() ? "" : ", ") + columns[c];
                else body += "<h3>" + esc(columns[c]) + "</h3>\n" + chart;
            }
        if (!skipped.empty()) body += "<p class=\"note\">Not drawn (no number in any ok point): " + esc(skipped) + ".</p>\n";
        b << section("charts", "Metrics against " + (axes.empty() ? std::string("the first axis") : axes[0].ptr),
                     "Each numeric metric of the ok points against the first axis; a log scale where the values span "
                     "more than 100\u00d7. Failed points are left out.",
                     body);
    }
    b << section("base", "Base scenario", "What every point starts from before its values are set.",
                 "<details><summary>Base scenario (JSON)</summary>\n<pre>" + esc(at(doc, "base").dump(2)) +
                     "</pre></details>\n");
    b << "<footer>xbar-vp \u00b7 sweep.json version " << esc(str(doc, "xbar_vp_sweep", "?")) << "</footer>\n";
    return page(name + " \u2013 xbar-vp sweep", b.str(), kSweepCss);
}

}  // namespace xbar::platform
