#include "platform/report.h"

#include <charconv>
#include <string_view>
#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
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

// ---------------------------------------------------------------------------------------------
// Colors: one per component family, the same in every chart and report.

std::string family(std::string comp) {
    // "tile0.adc" (energy) -> "adc"; "temporal_driver.hv" (area) -> "temporal_driver"
    static const std::set<std::string> owners_known{"interconnect", "host", "dram"};
    const auto dot = comp.find('.');
    if (dot != std::string::npos) {
        const std::string head = comp.substr(0, dot);
        const bool owner = owners_known.count(head) ||
                           (head.rfind("tile", 0) == 0 && head.size() > 4 &&
                            std::all_of(head.begin() + 4, head.end(), [](char ch) { return ch >= '0' && ch <= '9'; }));
        comp = owner ? comp.substr(dot + 1) : head;
        const auto dot2 = comp.find('.');
        if (dot2 != std::string::npos) comp = comp.substr(0, dot2);
    }
    static const std::map<std::string, std::string> alias{{"arrays", "array"}, {"integrators", "integrator"}};
    const auto it = alias.find(comp);
    return it == alias.end() ? comp : it->second;
}

std::string color_of(const std::string& comp) {
    static const std::map<std::string, std::string> known{
        {"adc", "#4e79a7"},           {"array", "#59a14f"},          {"reram_array", "#59a14f"},
        {"sram_macro", "#59a14f"},    {"integrator", "#f28e2b"},     {"temporal_driver", "#e15759"},
        {"voltage_driver", "#b07aa1"}, {"core_link", "#76b7b2"},      {"link", "#9c755f"},
        {"digital_unit", "#edc948"},  {"mac", "#ff9da7"},            {"sense_amp", "#79706e"},
        {"input_register", "#17becf"}, {"analog_routing", "#86bcb6"}, {"total", "#24292f"}};
    const std::string f = family(comp);
    const auto it = known.find(f);
    if (it != known.end()) return it->second;
    static const char* const extra[] = {"#1f77b4", "#8c564b", "#bcbd22", "#9467bd", "#d62728", "#2ca02c",
                                        "#ff7f0e", "#7f7f7f", "#e377c2", "#aec7e8"};
    std::uint32_t h = 2166136261u;  // FNV-1a: stable across runs and platforms
    for (unsigned char ch : f) h = (h ^ ch) * 16777619u;
    return extra[h % 10];
}

std::string lighten(const std::string& hex, double t) {
    if (hex.size() != 7) return hex;
    std::string o = "#";
    for (int i = 0; i < 3; ++i) {
        const int v = std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16);
        o += fmt("%02x", static_cast<int>(std::lround(v + (255 - v) * t)));
    }
    return o;
}
bool dark(const std::string& hex) {
    if (hex.size() != 7) return true;
    const int r = std::stoi(hex.substr(1, 2), nullptr, 16), g = std::stoi(hex.substr(3, 2), nullptr, 16),
              b = std::stoi(hex.substr(5, 2), nullptr, 16);
    return 0.299 * r + 0.587 * g + 0.114 * b < 150;
}

std::string variant_color(const std::string& v) {
    if (v == "analog_reram") return "#4e79a7";
    if (v == "digital_reram") return "#f28e2b";
    if (v == "sram") return "#59a14f";
    return color_of(v);
}

int kernel_rank(const std::string& k) {
    static const std::vector<std::string> order{"vmm", "mvm", "opu", "program", "readback",
                                                "digital", "update", "carry", "bus"};
    const auto it = std::find(order.begin(), order.end(), k);
    return it == order.end() ? int(order.size()) : int(it - order.begin());
}
bool kernel_less(const std::string& a, const std::string& b) {
    const int ra = kernel_rank(a), rb = kernel_rank(b);
    return ra != rb ? ra < rb : a < b;
}

std::string hatch_def(const std::string& id, const std::string& color) {
    return "<defs><pattern id=\"" + id +
           "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
           "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"" +
           color + "\" stroke-width=\"3\"/></pattern></defs>\n";
}

// ---- 100 % stacked horizontal bars (one row per kernel) --------------------------------------

struct StackRow {
    std::string label;
    std::vector<std::pair<std::string, double>> parts;  // component -> value
    std::string right;                                  // the row's total, printed after the bar
};

std::string stacked_share_chart(const std::string& id, const std::string& aria, const std::vector<StackRow>& rows,
                                const std::vector<std::string>& order,
                                const std::function<std::string(const std::string&)>& legend_label,
                                const std::function<std::string(double)>& value_fmt, const std::string& axis_title,
                                const std::string& what) {
    double lw = 60, rw = 60;
    for (const auto& r : rows) {
        lw = std::max(lw, text_w(r.label, 13));
        rw = std::max(rw, text_w(r.right, 12));
    }
    const double ml = lw + 20, mr = rw + 20, pw = kW - ml - mr, row_h = 30, bar_h = 20, top = 10;
    std::ostringstream body;
    const double bottom = top + row_h * double(rows.size());
    for (double t : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        body << line(ml + t * pw, top, ml + t * pw, bottom, "grid");
        body << line(ml + t * pw, bottom, ml + t * pw, bottom + 5, "axis");
        body << text(ml + t * pw, bottom + 19, fmt("%.0f %%", 100 * t), "middle", "tick");
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        const double y = top + row_h * double(i) + (row_h - bar_h) / 2;
        body << text(ml - 10, y + bar_h / 2 + 4.5, r.label, "end", "rowlabel");
        double sum = 0;
        for (const auto& p : r.parts) sum += std::max(p.second, 0.0);
        if (!(sum > 0)) {
            body << rect(ml, y, pw, bar_h, "#eaeef2", r.label + ": no breakdown recorded");
            body << text(ml + pw / 2, y + bar_h / 2 + 4, "no breakdown recorded", "middle", "inbar dim");
        } else {
            double x = ml;
            for (const auto& comp : order)
                for (const auto& [name, v] : r.parts) {
                    if (name != comp || !(v > 0)) continue;
                    const double w = v / sum * pw;
                    const std::string col = color_of(name);
                    body << rect(x, y, w, bar_h, col,
                                 legend_label(name) + " in " + r.label + ": " + value_fmt(v) + " (" +
                                     percent(v / sum, 1) + " of " + what + ")");
                    const std::string lab = value_fmt(v);
                    if (text_w(lab, 11) + 8 < w)
                        body << text(x + w / 2, y + bar_h / 2 + 4, lab, "middle", dark(col) ? "inbar" : "inbar dk");
                    x += w;
                }
        }
        body << text(ml + pw + 10, y + bar_h / 2 + 4.5, r.right, "start", "rowvalue");
    }
    body << line(ml, bottom, ml + pw, bottom, "axis");
    body << text(ml + pw / 2, bottom + 40, axis_title, "middle", "atitle");
    std::vector<LegendItem> items;
    for (const auto& comp : order) items.push_back({legend_label(comp), color_of(comp), "", false});
    const double lh = legend(body, items, ml, bottom + 56, pw + mr - 10);
    return svg_open(id, bottom + 56 + lh + 4, aria) + body.str() + "</svg>\n";
}

// ---- horizontal bars on a log axis (compare report) ------------------------------------------

struct LogRow {
    std::string group;  // a header row is drawn when it changes (may be empty)
    std::string label, color;
    double value = kNaN;
    std::string right;  // printed after the bar
};

std::string log_bar_chart(const std::string& id, const std::string& aria, const std::vector<LogRow>& rows,
                          const std::function<std::string(double)>& tick_fmt, const std::string& axis_title) {
    double vmin = std::numeric_limits<double>::infinity(), vmax = 0, lw = 60, rw = 60;
    for (const auto& r : rows) {
        if (r.value > 0 && std::isfinite(r.value)) {
            vmin = std::min(vmin, r.value);
            vmax = std::max(vmax, r.value);
        }
        lw = std::max(lw, text_w(r.label, 13));
        rw = std::max(rw, text_w(r.right, 12));
    }
    if (!(vmax > 0)) vmin = 1, vmax = 10;
    int d0 = int(std::floor(std::log10(vmin))), d1 = int(std::ceil(std::log10(vmax)));
    if (d1 <= d0) d1 = d0 + 1;
    if (std::pow(10.0, d0) == vmin && d0 > -18) --d0;  // keep the smallest bar visible
    const double ml = lw + 20, mr = rw + 20, pw = kW - ml - mr, row_h = 30, bar_h = 20, head_h = 22, top = 8;
    auto X = [&](double v) { return ml + (std::log10(v) - d0) / double(d1 - d0) * pw; };
    double y = top;
    std::ostringstream bars;
    std::string group = "\x01";
    for (const auto& r : rows) {
        if (r.group != group && !r.group.empty()) {
            bars << text(ml - 10 - lw, y + 15, r.group, "start", "grouplabel");
            y += head_h;
        }
        group = r.group;
        const double by = y + (row_h - bar_h) / 2;
        bars << text(ml - 10, by + bar_h / 2 + 4.5, r.label, "end", "rowlabel");
        double end = ml;
        if (r.value > 0 && std::isfinite(r.value)) {
            end = X(r.value);
            bars << rect(ml, by, end - ml, bar_h, r.color, r.label + ": " + r.right, " rx=\"2\"");
        }
        bars << text(end + 8, by + bar_h / 2 + 4.5, r.right, "start", "rowvalue");
        y += row_h;
    }
    const double bottom = y;
    std::ostringstream grid;
    for (int d = d0; d <= d1; ++d) {
        const double v = std::pow(10.0, d);
        grid << line(X(v), top, X(v), bottom, "grid");
        grid << line(X(v), bottom, X(v), bottom + 5, "axis");
        grid << text(X(v), bottom + 19, tick_fmt(v), "middle", "tick");
        if (d < d1)
            for (int m = 2; m <= 9; ++m) grid << line(X(m * v), top, X(m * v), bottom, "grid minor");
    }
    grid << line(ml, bottom, ml + pw, bottom, "axis") << line(ml, top, ml, bottom, "axis");
    grid << text(ml + pw / 2, bottom + 40, axis_title + " (log scale)", "middle", "atitle");
    return svg_open(id, bottom + 52, aria) + grid.str() + bars.str() + "</svg>\n";
}

std::string card(const std::string& k, const std::string& v, const std::string& tip = "") {
    return "<div class=\"card\"" + (tip.empty() ? std::string() : " title=\"" + esc(tip) + "\"") + "><div class=\"v\">" +
           esc(v) + "</div><div class=\"k\">" + esc(k) + "</div></div>\n";
}

std::string swatch(const std::string& color) {
    return "<span class=\"sw\" style=\"background:" + color + "\"></span>";
}

// ---------------------------------------------------------------------------------------------
// Run report: sections.

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : s) {
        if (ch == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    out.push_back(cur);
    return out;
}
std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\"\r\n"), e = s.find_last_not_of(" \t\"\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string accuracy_chart(const json& epochs) {
    struct Col {
        const char* key;
        const char* label;
        const char* color;
        const char* dash;
    };
    const Col cols[] = {{"train_accuracy", "train (platform)", "#4e79a7", ""},
                        {"test_accuracy", "test (platform)", "#e15759", ""},
                        {"float_train_accuracy", "train (float twin)", "#4e79a7", "6 4"},
                        {"float_test_accuracy", "test (float twin)", "#e15759", "6 4"}};
    std::vector<Series> series;
    double lo = 1, hi = 0, e0 = std::numeric_limits<double>::infinity(), e1 = -e0;
    for (const auto& col : cols) {
        Series s{col.label, col.color, col.dash, col.dash[0] ? 1.8 : 2.4, true, {}, {}};
        double idx = 0;
        for (const auto& e : epochs) {
            ++idx;
            const double ep = num(e, "epoch", idx), v = num(e, col.key);
            if (!std::isfinite(v) || !std::isfinite(ep)) continue;
            s.pts.emplace_back(ep, 100 * v);
            lo = std::min(lo, v), hi = std::max(hi, v), e0 = std::min(e0, ep), e1 = std::max(e1, ep);
        }
        if (!s.pts.empty()) series.push_back(std::move(s));
    }
    if (series.empty()) return empty_chart("chart-accuracy", "no accuracy recorded");
    Axis xa, ya;
    xa.lo = e0, xa.hi = e1;
    if (!(xa.hi > xa.lo)) xa.lo -= 0.5, xa.hi += 0.5;
    if (e1 - e0 <= 20) {
        for (double e = std::ceil(xa.lo); e <= xa.hi + 1e-9; e += 1) xa.ticks.push_back(e);
    } else {
        xa.ticks = nice_ticks(xa.lo, xa.hi, 8);
    }
    xa.label = [](double v) { return fmt("%g", v); };
    xa.title = "epoch";
    double step = 1;
    ya.ticks = nice_ticks(100 * lo, 100 * hi, 6, &step);
    ya.lo = std::max(0.0, std::floor(100 * lo / step) * step);
    ya.hi = std::min(100.0, std::ceil(100 * hi / step) * step);
    if (!(ya.hi > ya.lo)) ya.lo = std::max(0.0, ya.lo - step), ya.hi = std::min(100.0, ya.hi + step);
    if (!(ya.hi > ya.lo)) ya.lo = 0, ya.hi = 100;
    ya.ticks = nice_ticks(ya.lo, ya.hi, 6);
    ya.label = [step](double v) { return fmt("%.*f %%", step < 1 ? 1 : 0, v); };
    ya.title = "accuracy";
    return line_chart("chart-accuracy", "Accuracy per epoch, platform vs float twin", series, xa, ya);
}

std::string power_chart(const std::string& csv, std::string* caption) {
    const PowerSeries p = parse_power_csv(csv);
    if (p.empty()) return empty_chart("chart-power", "no power data (power.csv is missing or has no windows)");
    const std::size_t n = p.total_mw.size();
    const double t0 = p.t_start_us.front();
    double t1 = t0, e_tot = 0, dt_tot = 0, peak = 0;
    for (std::size_t i = 0; i < n; ++i) {
        t1 = std::max(t1, p.t_end_us[i]);
        const double dt = p.t_end_us[i] - p.t_start_us[i];
        e_tot += p.total_mw[i] * dt, dt_tot += dt;
        peak = std::max(peak, p.total_mw[i]);
    }
    if (!(t1 > t0)) t1 = t0 + 1;
    // Top components by energy.
    std::vector<std::pair<double, std::size_t>> rank;
    for (std::size_t k = 0; k < p.columns.size(); ++k) {
        double e = 0;
        for (std::size_t i = 0; i < n; ++i) e += p.mw[k][i] * (p.t_end_us[i] - p.t_start_us[i]);
        if (e > 0) rank.emplace_back(-e, k);
    }
    std::sort(rank.begin(), rank.end());
    const std::size_t top_n = std::min<std::size_t>(rank.size(), 6);

    // Windows are drawn as steps; more than 1200 are averaged (energy-preserving) into 600 buckets,
    // which keeps the file small whatever the run length.
    const bool bucketed = n > 1200;
    const std::size_t nb = bucketed ? 600 : n;
    auto make = [&](const std::vector<double>& v, Series& s) {
        if (!bucketed) {
            for (std::size_t i = 0; i < n; ++i) {
                s.breaks.push_back(i > 0 && std::fabs(p.t_start_us[i] - p.t_end_us[i - 1]) > 1e-9);
                s.pts.emplace_back(p.t_start_us[i], v[i]);
                s.breaks.push_back(false);
                s.pts.emplace_back(p.t_end_us[i], v[i]);
            }
            return;
        }
        std::vector<double> e(nb, 0), w(nb, 0);
        const double bw = (t1 - t0) / double(nb);
        for (std::size_t i = 0; i < n; ++i) {
            const double dt = p.t_end_us[i] - p.t_start_us[i], mid = 0.5 * (p.t_start_us[i] + p.t_end_us[i]);
            const std::size_t b = std::min(nb - 1, std::size_t(std::max(0.0, (mid - t0) / bw)));
            e[b] += v[i] * dt, w[b] += dt;
        }
        bool gap = false;
        for (std::size_t b = 0; b < nb; ++b) {
            if (!(w[b] > 0)) {
                gap = true;
                continue;
            }
            s.breaks.push_back(gap);
            s.pts.emplace_back(t0 + bw * double(b), e[b] / w[b]);
            s.breaks.push_back(false);
            s.pts.emplace_back(t0 + bw * double(b + 1), e[b] / w[b]);
            gap = false;
        }
    };
    std::vector<Series> series;
    Series tot{"total", color_of("total"), "", 2.2, false, {}, {}};
    make(p.total_mw, tot);
    series.push_back(tot);
    // Same component color on every tile; tiles other than tile0 dashed (tile number picks the dash).
    static const char* const dashes[] = {"", "7 3", "2 3", "10 3 2 3"};
    for (std::size_t r = 0; r < top_n; ++r) {
        const std::size_t k = rank[r].second;
        const std::string& name = p.columns[k];
        int tile_no = 0;
        if (name.rfind("tile", 0) == 0) tile_no = std::atoi(name.c_str() + 4);
        Series s{name + " (mean " + power_mw(-rank[r].first / dt_tot) + ")", color_of(name), dashes[tile_no % 4], 1.6,
                 false, {}, {}};
        make(p.mw[k], s);
        series.push_back(std::move(s));
    }
    double ymax = 0;
    for (const auto& s : series)
        for (const auto& pt : s.pts) ymax = std::max(ymax, pt.second);
    if (!(ymax > 0)) ymax = 1;
    // Axis units: the prefix of the largest value.
    const double ymax_w = ymax * 1e-3;
    const int ey = std::clamp(int(std::floor(std::log10(ymax_w) / 3.0)), -6, 6);
    static const char* const prefix[] = {"a", "f", "p", "n", "\u00b5", "m", "", "k", "M", "G", "T", "P", "E"};
    const double yscale = std::pow(10.0, -3 * ey) * 1e-3;  // mW -> axis unit
    const std::string yunit = std::string(prefix[ey + 6]) + "W";
    const double span = t1 - t0;
    const double tscale = span >= 1e6 ? 1e-6 : span >= 1e3 ? 1e-3 : 1;  // µs -> axis unit
    const std::string tunit = span >= 1e6 ? "s" : span >= 1e3 ? "ms" : "\u00b5s";
    for (auto& s : series)
        for (auto& pt : s.pts) pt.first *= tscale, pt.second *= yscale;
    Axis xa, ya;
    xa.lo = t0 * tscale, xa.hi = t1 * tscale;
    xa.ticks = nice_ticks(xa.lo, xa.hi, 8);
    xa.label = [](double v) { return fmt("%g", v); };
    xa.title = "simulated time (" + tunit + ")";
    double step = 1;
    ya.ticks = nice_ticks(0, ymax * yscale * 1.05, 5, &step);
    ya.lo = 0, ya.hi = ya.ticks.back() < ymax * yscale ? ya.ticks.back() + step : ya.ticks.back();
    ya.ticks = nice_ticks(ya.lo, ya.hi, 5);
    ya.label = [](double v) { return fmt("%g", v); };
    ya.title = "power (" + yunit + ")";
    *caption = grouped(double(n)) + " windows of " + si((t1 - t0) / double(n) * 1e-6, "s") + " on average; mean " +
               power_mw(dt_tot > 0 ? e_tot / dt_tot : kNaN) + ", peak window " + power_mw(peak) +
               (bucketed ? "; drawn as " + grouped(double(nb)) + " energy-preserving averages of " +
                               si((t1 - t0) / double(nb) * 1e-6, "s") + " (peaks look lower)"
                         : "") +
               (rank.size() > top_n ? "; " + std::to_string(rank.size() - top_n) + " smaller component" +
                                          (rank.size() - top_n > 1 ? "s" : "") + " not drawn"
                                    : "") +
               ". Components of other tiles share the color, dashed.";
    return line_chart("chart-power", "Power over time: total and the top components", series, xa, ya);
}

// Energy per kernel (all calls), composition by component, 100 % stacked.
std::string energy_chart(const json& summary) {
    const json& byc = at(at(summary, "energy"), "by_component_nj");
    std::map<std::string, std::map<std::string, double>> per_kernel;  // kernel -> component -> nJ
    std::map<std::string, double> comp_total;
    std::map<std::string, std::set<std::string>> owners;
    if (byc.is_object())
        for (const auto& [key, kernels] : byc.items()) {
            const auto dot = key.find('.');
            const std::string owner = dot == std::string::npos ? "" : key.substr(0, dot);
            const std::string comp = dot == std::string::npos ? key : key.substr(dot + 1);
            owners[comp].insert(owner);
            if (!kernels.is_object()) continue;
            for (const auto& [k, v] : kernels.items()) {
                if (!v.is_number()) continue;
                per_kernel[k][comp] += v.get<double>();
                comp_total[comp] += v.get<double>();
            }
        }
    if (per_kernel.empty()) return empty_chart("chart-energy", "no energy recorded");
    std::vector<std::string> kernels;
    for (const auto& kv : per_kernel) kernels.push_back(kv.first);
    std::sort(kernels.begin(), kernels.end(), kernel_less);
    std::vector<std::pair<double, std::string>> ord;
    for (const auto& [comp, e] : comp_total) ord.emplace_back(-e, comp);
    std::sort(ord.begin(), ord.end());
    std::vector<std::string> order;
    for (const auto& o : ord) order.push_back(o.second);
    double run_total = num(at(summary, "energy"), "total_nj");
    if (!(run_total > 0)) {
        run_total = 0;
        for (const auto& kv : comp_total) run_total += kv.second;
    }
    std::vector<StackRow> rows;
    for (const auto& k : kernels) {
        StackRow r{k, {}, ""};
        double sum = 0;
        for (const auto& [comp, v] : per_kernel[k]) r.parts.emplace_back(comp, v), sum += v;
        r.right = energy_nj(sum) + " \u00b7 " + share(sum / run_total);
        rows.push_back(std::move(r));
    }
    auto label = [&owners](const std::string& comp) {
        const auto& o = owners[comp];
        bool tiles_only = true;
        for (const auto& ow : o) tiles_only = tiles_only && ow.rfind("tile", 0) == 0;
        return tiles_only || o.size() != 1 ? comp : *o.begin() + " " + comp;
    };
    return stacked_share_chart("chart-energy", "Energy per kernel, stacked by component", rows, order, label,
                               energy_nj, "share of the kernel's energy (all calls)", "the kernel's energy");
}

std::string latency_chart(const json& summary) {
    const json& ks = at(summary, "kernels");
    std::vector<StackRow> rows;
    std::map<std::string, double> comp_total;
    std::set<std::string> tiles;
    if (ks.is_array())
        for (const auto& k : ks) tiles.insert(str(k, "tile"));
    if (ks.is_array())
        for (const auto& k : ks) {
            StackRow r;
            r.label = (tiles.size() > 1 ? str(k, "tile") + " " : "") + str(k, "kernel", "?");
            const json& br = at(k, "latency_breakdown_ns_mean");
            if (br.is_object())
                for (const auto& [comp, v] : br.items())
                    if (v.is_number()) r.parts.emplace_back(comp, v.get<double>()), comp_total[comp] += v.get<double>();
            r.right = time_ns(num(k, "latency_ns_mean")) + " per call";
            rows.push_back(std::move(r));
        }
    if (rows.empty()) return empty_chart("chart-latency", "no kernels ran");
    std::vector<std::string> order;
    for (const auto& kv : comp_total) order.push_back(kv.first);
    std::stable_sort(order.begin(), order.end(),
                     [&](const std::string& a, const std::string& b) { return comp_total[a] > comp_total[b]; });
    return stacked_share_chart("chart-latency", "Mean latency per kernel, stacked by component", rows, order,
                               [](const std::string& s) { return s; }, time_ns,
                               "share of the kernel's mean latency", "the mean latency");
}

// Area per tile: the periphery (stacked), each component, and the arrays that sit on top.
std::string area_chart(const json& summary) {
    const json& area = at(summary, "area");
    // Tiles with identical areas are drawn once.
    std::vector<std::pair<std::string, const json*>> groups;
    if (area.is_object())
        for (const auto& [tile, a] : area.items()) {
            bool merged = false;
            for (auto& g : groups)
                if (*g.second == a) g.first += ", " + tile, merged = true;
            if (!merged) groups.emplace_back(tile, &a);
        }
    if (groups.empty()) return empty_chart("chart-area", "no area recorded");
    struct Row {
        std::string label;
        std::vector<std::pair<std::string, double>> parts;
        bool on_top = false, total = false;
    };
    struct Group {
        std::string title;
        std::vector<Row> rows;
        double periphery = 0, array = 0;
    };
    std::vector<Group> gs;
    double vmax = 0, lw = 120;
    for (const auto& [title, a] : groups) {
        Group g;
        g.title = title + (title.find(',') != std::string::npos ? " (identical)" : "");
        std::vector<std::pair<std::string, double>> comps;
        const json& cj = at(*a, "components_um2");
        if (cj.is_object())
            for (const auto& [name, v] : cj.items())
                if (v.is_number()) comps.emplace_back(name, v.get<double>());
        const double arr = num(*a, "array_um2", 0);
        std::set<std::string> top;
        if (arr > 0) {
            double s = 0;
            for (const auto& [name, v] : comps)
                if (name.find("array") != std::string::npos) s += v, top.insert(name);
            if (std::fabs(s - arr) > 1e-6 * arr) {
                top.clear();
                for (const auto& [name, v] : comps)
                    if (std::fabs(v - arr) <= 1e-6 * arr) {
                        top.insert(name);
                        break;
                    }
            }
        }
        std::vector<std::pair<std::string, double>> per;
        double per_sum = 0;
        for (const auto& cv : comps)
            if (!top.count(cv.first)) per.push_back(cv), per_sum += cv.second;
        std::stable_sort(per.begin(), per.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
        g.periphery = num(*a, "periphery_um2", per_sum);
        g.array = arr;
        g.rows.push_back({"periphery (total)", per, false, true});
        for (const auto& cv : per) g.rows.push_back({cv.first, {cv}, false, false});
        for (const auto& cv : comps)
            if (top.count(cv.first)) g.rows.push_back({cv.first, {cv}, true, false});
        vmax = std::max({vmax, g.periphery, per_sum});
        for (const auto& cv : comps) vmax = std::max(vmax, cv.second);
        for (const auto& r : g.rows) lw = std::max(lw, text_w(r.label, 13));
        gs.push_back(std::move(g));
    }
    if (!(vmax > 0)) vmax = 1;
    double step = 1;
    auto ticks = nice_ticks(0, vmax, 6, &step);
    const double xmax = ticks.back() < vmax ? ticks.back() + step : ticks.back();
    ticks = nice_ticks(0, xmax, 6);
    const double ml = lw + 20, mr = 170, pw = kW - ml - mr, row_h = 28, bar_h = 18, head_h = 24, top0 = 6;
    auto X = [&](double v) { return ml + v / xmax * pw; };
    // Component colors: sub-parts of one family (".hv", ".logic") are shades of its color.
    std::map<std::string, std::vector<std::string>> subs;
    for (const auto& g : gs)
        for (const auto& r : g.rows)
            if (!r.total) {
                auto& v = subs[family(r.label)];
                if (std::find(v.begin(), v.end(), r.label) == v.end()) v.push_back(r.label);
            }
    auto col = [&](const std::string& name) {
        const auto& v = subs[family(name)];
        const auto i = std::find(v.begin(), v.end(), name) - v.begin();
        return lighten(color_of(name), 0.38 * double(i) / double(std::max<std::size_t>(1, v.size() - 1)) *
                                           (v.size() > 1 ? 1.0 : 0.0));
    };
    std::ostringstream bars, defs;
    std::set<std::string> hatches;
    double y = top0;
    for (const auto& g : gs) {
        bars << text(ml - 10 - lw, y + 16, g.title, "start", "grouplabel");
        y += head_h;
        for (const auto& r : g.rows) {
            const double by = y + (row_h - bar_h) / 2;
            bars << text(ml - 10, by + bar_h / 2 + 4.5, r.label, "end", r.total ? "rowlabel b" : "rowlabel");
            double x = ml, sum = 0;
            for (const auto& [name, v] : r.parts) {
                const std::string cc = col(name);
                std::string fill = cc, extra;
                if (r.on_top) {
                    const std::string hid = "hatch-" + cc.substr(1);
                    if (hatches.insert(hid).second) defs << hatch_def(hid, cc);
                    fill = "url(#" + hid + ")";
                    extra = " stroke=\"" + cc + "\" stroke-width=\"1\"";
                }
                bars << rect(x, by, X(v) - ml, bar_h, fill,
                             name + ": " + area_um2(v) + (r.on_top ? " (on top of the periphery, not added)" : ""),
                             extra);
                x += X(v) - ml, sum += v;
            }
            if (r.total) sum = g.periphery;
            const std::string lab = area_um2(sum) + (r.on_top ? " \u00b7 on top of the periphery" : "");
            double tx = x + 8;
            const char* anchor = "start";
            if (tx + text_w(lab) > kW - 4) tx = kW - 4, anchor = "end";
            bars << text(tx, by + bar_h / 2 + 4.5, lab, anchor, "rowvalue");
            y += row_h;
        }
        y += 6;
    }
    const double bottom = y;
    std::ostringstream grid;
    for (double t : ticks) {
        grid << line(X(t), top0, X(t), bottom, "grid") << line(X(t), bottom, X(t), bottom + 5, "axis");
        grid << text(X(t), bottom + 19, grouped(t), "middle", "tick");
    }
    grid << line(ml, bottom, ml + pw, bottom, "axis") << line(ml, top0, ml, bottom, "axis");
    grid << text(ml + pw / 2, bottom + 40, "area (\u00b5m\u00b2)", "middle", "atitle");
    return svg_open("chart-area", bottom + 52, "Area breakdown per tile") + defs.str() + grid.str() + bars.str() +
           "</svg>\n";
}

// Where the run's energy goes by owner (host, interconnect, DRAM, tiles), the tile memories' area,
// and what the run does not charge (summaries written before these lists have none: no section).
std::string system_section(const json& s) {
    const json& owners = at(at(s, "energy"), "by_owner_nj");
    const json& nm = at(s, "not_modelled");
    if (!nm.is_array()) return "";
    const double total = num(at(s, "energy"), "total_nj", 0);
    std::vector<std::pair<double, std::string>> by;
    if (owners.is_object())
        for (const auto& [o, nj] : owners.items()) by.push_back({nj.get<double>(), o});
    std::sort(by.rbegin(), by.rend());
    std::vector<std::vector<std::string>> rows, gaps;
    for (const auto& [nj, o] : by) rows.push_back({o, energy_nj(nj), total > 0 ? share(nj / total) : ""});
    std::string body = table({"owner", "energy", "share"}, rows, "owners-table");
    const json& area = at(s, "area");
    if (area.is_object())
        for (const auto& [t, a] : area.items())
            if (a.contains("memories_total_um2"))
                body += "<p>" + esc(t) + ": core periphery " + area_um2(num(a, "periphery_um2", 0)) +
                        " + SRAM memories (buffers, derivative store) " + area_um2(num(a, "memories_total_um2", 0)) +
                        " = " + area_um2(num(a, "tile_um2", 0)) + ".</p>\n";
    for (const auto& n : nm) gaps.push_back({str(n, "component"), str(n, "what")});
    body += "<h3>Not modelled (cost 0 in this run)</h3>\n" + table({"component", "what is and is not charged"}, gaps,
                                                                    "not-modelled-table");
    return section("system", "System",
                   "Energy by owner: the host's arithmetic, the interconnect, DRAM and every tile (core, buffers, "
                   "registers, digital unit). Kernel figures elsewhere are the compute unit's own (the reference's "
                   "tables); the tile's buffer staging is listed next to them.",
                   body);
}

// The effective technology: the entries a scenario overrode in view, every entry in a collapsed
// table (summaries written before the technology file have none: no section).
std::string technology_section(const json& tech) {
    const json& entries = at(tech, "entries");
    if (!entries.is_object()) return "";
    std::vector<std::vector<std::string>> all, overridden;
    for (const auto& [name, e] : entries.items()) {
        std::vector<std::string> row{name, str(e, "value"), str(e, "unit"), str(e, "source")};
        if (at(e, "overridden") == true) overridden.push_back(row);
        all.push_back(std::move(row));
    }
    const std::vector<std::string> head{"entry", "value", "unit", "source"};
    std::string body = overridden.empty() ? "<p>No entry overridden.</p>\n" : table(head, overridden, "technology-overrides");
    body += "<details><summary>Every entry (" + std::to_string(all.size()) + ")</summary>\n" +
            table(head, all, "technology-table") + "</details>\n";
    return section("technology", "Technology",
                   "Every physical parameter of the run with its source: " + str(tech, "technology") + " from " +
                       str(tech, "file") + ".",
                   body);
}

// Where the energy comes from: the split by the basis of the per-event energies
// (energy.by_basis_nj) and every ledger row with its per-event energy, basis and source
// (energy.actions, collapsed). Summaries written before the basis existed have neither: nothing.
std::string energy_provenance_html(const json& energy) {
    std::string o;
    const json& by = at(energy, "by_basis_nj");
    const double total = num(energy, "total_nj");
    if (by.is_object()) {
        const std::pair<const char*, const char*> bases[] = {
            {"physics", "an equation of technology entries (C V\u00b2, I V t, wire C \u00d7 length \u00d7 V\u00b2)"},
            {"stated", "a figure the reference states (for a whole operation or per event), restated per event"},
            {"assumption", "a value the reference does not give (its source says whose)"}};
        std::vector<std::vector<std::string>> rows;
        for (const auto& [b, what] : bases)
            rows.push_back({b, energy_nj(num(by, b, 0.0)), share(num(by, b, 0.0) / total), what});
        o += "<h3>Energy by basis of the per-event energy</h3>\n" +
             table({"basis", "energy", "share of run", "per-event energy is"}, rows, "energy-basis-table");
    }
    const json& actions = at(energy, "actions");
    if (actions.is_array() && !actions.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& a : actions)
            rows.push_back({str(a, "owner"), str(a, "component"), str(a, "action"), str(a, "kernel"), plain(num(a, "count")),
                            si(num(a, "energy_pj_per_event") * 1e-12, "J"), energy_nj(num(a, "energy_nj")),
                            str(a, "basis", kDash), str(a, "source")});
        o += "<details><summary>Every action (" + std::to_string(rows.size()) +
             " ledger rows): count, per-event energy, basis and source</summary>\n" +
             table({"owner", "component", "action", "kernel", "count", "per event", "energy", "basis", "source"}, rows,
                   "energy-actions-table") +
             "</details>\n";
    }
    return o;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

PowerSeries parse_power_csv(const std::string& text) {
    PowerSeries p;
    std::vector<std::string> lines;
    {
        std::string cur;
        for (char ch : text) {
            if (ch == '\n' || ch == '\r') {
                if (!trim(cur).empty()) lines.push_back(cur);
                cur.clear();
            } else {
                cur += ch;
            }
        }
        if (!trim(cur).empty()) lines.push_back(cur);
    }
    if (lines.empty()) return p;
    const auto head = split(lines[0], ',');
    int i_start = -1, i_end = -1, i_total = -1;
    std::vector<int> comp_idx;
    for (std::size_t i = 0; i < head.size(); ++i) {
        const std::string h = trim(head[i]);
        if (h == "t_start_us") i_start = int(i);
        else if (h == "t_end_us") i_end = int(i);
        else if (h == "total_mw") i_total = int(i);
        else if (h.size() > 3 && h.compare(h.size() - 3, 3, "_mw") == 0) {
            comp_idx.push_back(int(i));
            p.columns.push_back(h.substr(0, h.size() - 3));
        }
    }
    if (i_start < 0 || i_end < 0) return PowerSeries{};
    p.mw.assign(p.columns.size(), {});
    auto parse = [](std::string_view t, double& out) {
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        if (!t.empty() && t.front() == '+') t.remove_prefix(1);
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
        return !t.empty() && ec == std::errc() && end == t.data() + t.size() && std::isfinite(out);
    };
    std::vector<std::string_view> cells;
    for (std::size_t l = 1; l < lines.size(); ++l) {
        cells.clear();
        for (std::string_view rest = lines[l];;) {  // fields as views into the line, no copies
            const auto comma = rest.find(',');
            cells.push_back(rest.substr(0, comma));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        if (cells.size() < head.size()) continue;
        double ts = 0, te = 0, tot = 0;
        std::vector<double> v(comp_idx.size(), 0);
        bool ok = parse(cells[i_start], ts) && parse(cells[i_end], te) && te >= ts;
        for (std::size_t k = 0; ok && k < comp_idx.size(); ++k) ok = parse(cells[comp_idx[k]], v[k]);
        if (ok && i_total >= 0) ok = parse(cells[i_total], tot);
        if (!ok) continue;
        if (i_total < 0)
            for (double x : v) tot += x;
        p.t_start_us.push_back(ts);
        p.t_end_us.push_back(te);
        p.total_mw.push_back(tot);
        for (std::size_t k = 0; k < v.size(); ++k) p.mw[k].push_back(v[k]);
    }
    return p;
}

std::string render_run_report(const json& s, const std::string& power_csv) {
    const json& sc = at(s, "scenario");
    const json& tile = at(sc, "tile");
    const std::string name = str(sc, "name", "run");
    const std::string status = str(s, "status", "unknown");
    const json& fw = at(s, "firmware");
    std::ostringstream b;

    // ---- header
    b << "<header id=\"title\">\n<div class=\"kicker\">xbar-vp run report</div>\n<h1>" << esc(name) << "</h1>\n"
      << "<div class=\"badges\">";
    b << "<span class=\"" << (status == "ok" ? "ok" : status == "interrupted" ? "warn" : "failed") << "\">status "
      << esc(status) << "</span>";
    b << "<span>variant " << esc(str(tile, "variant", kDash)) << "</span>";
    b << "<span>size " << esc(str(tile, "rows", "?")) << " \u00d7 " << esc(str(tile, "cols", "?")) << "</span>";
    b << "<span>activity " << esc(str(s, "activity", str(tile, "activity", kDash))) << "</span>";
    b << "<span>program " << esc(str(fw, "program", str(at(sc, "firmware"), "program", kDash))) << "</span>";
    if (at(sc, "platform").is_object()) b << "<span>tiles " << esc(str(at(sc, "platform"), "tiles", "1")) << "</span>";
    b << "<span>seed " << esc(str(sc, "seed", kDash)) << "</span>";
    b << "</div>\n";
    const bool training = at(at(s, "training"), "epochs").is_array() && !at(at(s, "training"), "epochs").empty();
    b << "<nav><a href=\"#summary\">Summary</a><a href=\"#kernels\">Kernels</a>"
      << (training ? "<a href=\"#accuracy\">Accuracy</a>" : "")
      << "<a href=\"#power\">Power</a><a href=\"#energy\">Energy</a><a href=\"#latency\">Latency</a>"
         "<a href=\"#area\">Area</a><a href=\"#scenario\">Scenario</a></nav>\n</header>\n";
    if (status == "interrupted")
        b << "<div class=\"error warn\" id=\"interrupted\"><strong>Interrupted:</strong> the run was stopped at a "
             "safe point; the results cover the simulated time up to the stop.</div>\n";
    else if (status != "ok" || !str(fw, "error").empty())
        b << "<div class=\"error\" id=\"firmware-error\"><strong>Firmware "
          << (status == "ok" ? "message" : "failed") << ":</strong> " << esc(str(fw, "error", "no message"))
          << "</div>\n";

    // ---- summary cards and tables
    const double sim_ns = num(s, "sim_time_ns"), e_nj = num(at(s, "energy"), "total_nj");
    std::string cards = "<div class=\"cards\">\n";
    cards += card("simulated time", time_ns(sim_ns));
    cards += card("total energy", energy_nj(e_nj), "the energy ledger's total, all owners");
    const json& pw = at(s, "power");
    const double avg_mw = num(pw, "average_mw", sim_ns > 0 ? e_nj / sim_ns * 1e3 : kNaN);
    cards += card("average power", power_mw(avg_mw), "total energy / simulated time");
    if (std::isfinite(num(pw, "peak_mw")))
        cards += card("peak power (" + time_ns(num(pw, "window_ns")) + " window)", power_mw(num(pw, "peak_mw")),
                      "the highest power.csv window");
    const json& cycle = at(s, "cycle");
    const json& derived = at(s, "derived");
    std::string first_tile;
    if (cycle.is_object() && !cycle.empty()) first_tile = cycle.begin().key();
    else if (derived.is_object() && !derived.empty()) first_tile = derived.begin().key();
    const std::string tsuf = first_tile.empty() ? "" : " (" + first_tile + ")";
    if (!first_tile.empty()) {
        const json& cy = at(cycle, first_tile);
        const json& d = at(derived, first_tile);
        cards += card("cycle latency" + tsuf, time_ns(num(cy, "latency_ns")), "mean VMM + mean MVM + mean OPU");
        cards += card("cycle energy" + tsuf, energy_nj(num(cy, "energy_nj")), "mean VMM + mean MVM + mean OPU");
        cards += card("energy per MAC, VMM" + tsuf, si(num(d, "fj_per_mac_vmm") * 1e-15, "J"));
        cards += card("energy per op, cycle" + tsuf, si(num(d, "fj_per_mac_cycle") * 1e-15, "J"),
                      "cycle energy / (VMM MACs + MVM MACs + OPU cell updates)");
        cards += card("efficiency, VMM" + tsuf, fmt("%.4g", num(d, "tops_per_w_vmm")) + " TOPS/W",
                      "2 ops per MAC / VMM energy");
    }
    const json& metrics = at(fw, "metrics");
    if (std::isfinite(num(metrics, "test_accuracy")))
        cards += card("test accuracy (float twin " + percent(num(metrics, "float_test_accuracy")) + ")",
                      percent(num(metrics, "test_accuracy")));
    const json& ic = at(s, "interconnect");
    if (ic.is_object())
        cards += card("interconnect busy", percent(num(ic, "utilization"), 1),
                      grouped(num(ic, "transactions")) + " transactions, " + si(num(ic, "bytes"), "B"));
    cards += "</div>\n";

    std::string tables;
    // Per tile: cycle and derived metrics.
    std::set<std::string> tile_names;
    for (const json* o : {&cycle, &derived})
        if (o->is_object())
            for (const auto& kv : o->items()) tile_names.insert(kv.key());
    if (!tile_names.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& t : tile_names) {
            const json& cy = at(cycle, t);
            const json& d = at(derived, t);
            rows.push_back({t, time_ns(num(cy, "latency_ns")), energy_nj(num(cy, "energy_nj")),
                            si(num(d, "fj_per_mac_vmm") * 1e-15, "J"), si(num(d, "fj_per_mac_cycle") * 1e-15, "J"),
                            std::isfinite(num(d, "tops_per_w_vmm")) ? fmt("%.4g", num(d, "tops_per_w_vmm")) : kDash,
                            energy_nj(num(at(at(s, "energy"), "by_owner_nj"), t))});
        }
        tables += "<h3>Training cycle and efficiency per tile</h3>\n" +
                  table({"tile", "cycle latency", "cycle energy", "energy/MAC (VMM)", "energy/op (cycle)",
                         "TOPS/W (VMM)", "tile energy (run)"},
                        rows, "tiles-table");
    }
    std::string summary_html = cards + tables;
    // Energy by owner, interconnect, trace.
    {
        std::vector<std::vector<std::string>> rows;
        const json& bo = at(at(s, "energy"), "by_owner_nj");
        if (bo.is_object())
            for (const auto& [owner, v] : bo.items())
                if (v.is_number()) rows.push_back({owner, energy_nj(v.get<double>()), share(v.get<double>() / e_nj)});
        if (!rows.empty())
            summary_html += "<h3>Energy by owner</h3>\n" + table({"owner", "energy", "share"}, rows, "owners-table");
    }

    // Kernel table.
    std::string kernels_html;
    {
        std::vector<std::vector<std::string>> rows;
        const json& ks = at(s, "kernels");
        if (ks.is_array())
            for (const auto& k : ks) {
                const double cnt = num(k, "count", 0);
                rows.push_back({str(k, "tile"), str(k, "kernel"), grouped(cnt), time_ns(num(k, "latency_ns_mean")),
                                energy_nj(num(k, "energy_nj_mean")), time_ns(num(k, "busy_ns")),
                                energy_nj(num(k, "energy_nj_total")), share(num(k, "energy_nj_total") / e_nj),
                                cnt > 0 && num(k, "macs", 0) > 0 ? grouped(num(k, "macs") / cnt) : kDash});
            }
        kernels_html = rows.empty() ? "<p class=\"note\">No kernel ran.</p>\n"
                                    : table({"tile", "kernel", "calls", "mean latency", "mean energy", "busy time",
                                             "total energy", "share of run", "MACs per call"},
                                            rows, "kernels-table");
        const json& bk = at(at(s, "energy"), "by_kernel_nj");
        if (bk.is_object() && bk.contains("bus"))
            kernels_html += "<p class=\"note\">Kernel energy counts tile actions only; the interconnect's " +
                            esc(energy_nj(num(bk, "bus"))) + " are under the kernel \u201cbus\u201d.</p>\n";
    }
    // Firmware metrics.
    if (metrics.is_object() && !metrics.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [k, v] : metrics.items())
            rows.push_back({k, v.is_number() ? plain(v.get<double>()) : v.dump()});
        kernels_html += "<h3>Firmware metrics (" + esc(str(fw, "program")) + ")</h3>\n" +
                        table({"metric", "value"}, rows, "metrics-table");
    }

    b << section("summary", "Summary",
                 "Simulated time and energy of the whole run; a training cycle is mean VMM + mean MVM + mean OPU.",
                 summary_html);
    b << section("kernels", "Kernels", "Per tile and kernel type, over all calls.", kernels_html);

    if (training) {
        const json& epochs = at(at(s, "training"), "epochs");
        std::vector<std::vector<std::string>> rows;
        for (const auto& e : epochs)
            rows.push_back({plain(num(e, "epoch")), fmt("%.4g", num(e, "learning_rate")),
                            percent(num(e, "train_accuracy")), percent(num(e, "float_train_accuracy")),
                            percent(num(e, "test_accuracy")), percent(num(e, "float_test_accuracy")),
                            time_ns(num(e, "sim_time_ns")), energy_nj(num(e, "energy_nj"))});
        b << section("accuracy", "Accuracy per epoch",
                     "Platform (solid) vs its float twin (dashed: same initialization and sample order, no "
                     "quantization). Train accuracy is measured online during the epoch.",
                     "<figure>" + accuracy_chart(epochs) + "</figure>\n<details><summary>Epoch table</summary>\n" +
                         table({"epoch", "learning rate", "train", "train (float)", "test", "test (float)",
                                "sim time", "energy"},
                               rows, "epochs-table") +
                         "</details>\n");
    }
    std::string caption;
    const std::string pc = power_chart(power_csv, &caption);
    b << section("power", "Power over time", "Energy per window / window length, from power.csv.",
                 "<figure>" + pc + (caption.empty() ? "" : "<figcaption>" + esc(caption) + "</figcaption>") +
                     "</figure>\n");
    b << section("energy", "Energy per kernel",
                 "Each bar is one kernel type over the whole run, split by component; the label is its total and "
                 "its share of the run's energy. Hover a segment for its value.",
                 "<figure>" + energy_chart(s) + "</figure>\n" + energy_provenance_html(at(s, "energy")));
    b << section("latency", "Latency per kernel",
                 "Mean latency of one call split by component (Table III style); the label is the mean latency.",
                 "<figure>" + latency_chart(s) + "</figure>\n");
    b << section("area", "Area",
                 "Periphery components add up to the tile's footprint; the analog arrays (hatched) sit on top of "
                 "the periphery and are not added.",
                 "<figure>" + area_chart(s) + "</figure>\n");
    b << system_section(s);
    b << technology_section(at(s, "technology"));
    b << section("scenario", "Scenario", "Every default filled in: what actually ran.",
                 "<details><summary>Effective scenario (JSON)</summary>\n<pre>" + esc(sc.dump(2)) +
                     "</pre></details>\n");
    const json& tool = at(s, "tool");
    const json& tr = at(s, "trace");
    b << "<footer>" << esc(str(tool, "name", "xbar-vp")) << " " << esc(str(tool, "version")) << " \u00b7 summary.json schema "
      << esc(str(s, "schema_version", "?")) << " \u00b7 trace " << esc(grouped(num(tr, "events", 0))) << " events, "
      << esc(grouped(num(tr, "dropped_events", 0))) << " dropped</footer>\n";
    return page(name + " \u2013 xbar-vp report", b.str());
}

std::string render_compare_report(const json& compare, const std::vector<json>& summaries) {
    const json& variants = at(compare, "variants");
    std::vector<const json*> rows;
    if (variants.is_array())
        for (const auto& r : variants) rows.push_back(&r);
    // Summary of each row: by variant name, else by position.
    std::vector<const json*> sums(rows.size(), nullptr);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string v = str(*rows[i], "variant");
        for (const auto& sm : summaries)
            if (str(at(at(sm, "scenario"), "tile"), "variant") == v) sums[i] = &sm;
        if (!sums[i] && i < summaries.size()) sums[i] = &summaries[i];
    }
    const json* first = summaries.empty() ? nullptr : &summaries.front();
    const std::string scen_path = str(compare, "scenario");
    std::string name = first ? str(at(*first, "scenario"), "name") : "";
    if (name.empty()) {
        name = scen_path.substr(scen_path.find_last_of('/') == std::string::npos ? 0 : scen_path.find_last_of('/') + 1);
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) name.resize(name.size() - 5);
        if (name.empty()) name = "comparison";
    }
    bool have_ratio = false, have_acc = false;
    for (const auto* r : rows) {
        have_ratio = have_ratio || std::isfinite(num(*r, "energy_vs_analog"));
        have_acc = have_acc || std::isfinite(num(*r, "test_accuracy"));
    }
    std::ostringstream b;
    b << "<header id=\"title\">\n<div class=\"kicker\">xbar-vp comparison report</div>\n<h1>" << esc(name) << "</h1>\n"
      << "<div class=\"badges\"><span>scenario " << esc(scen_path.empty() ? kDash : scen_path) << "</span>";
    if (first) {
        const json& t = at(at(*first, "scenario"), "tile");
        b << "<span>size " << esc(str(t, "rows", "?")) << " \u00d7 " << esc(str(t, "cols", "?")) << "</span>"
          << "<span>activity " << esc(str(*first, "activity", kDash)) << "</span>";
    }
    b << "<span>" << rows.size() << " variants</span></div>\n"
      << "<nav><a href=\"#variants\">Variants</a><a href=\"#cycle-energy\">Cycle energy</a>"
         "<a href=\"#cycle-latency\">Cycle latency</a><a href=\"#area\">Area</a><a href=\"#kernels\">Kernels</a>"
      << (have_acc ? "<a href=\"#accuracy\">Accuracy</a>" : "") << "</nav>\n</header>\n";

    // ---- side-by-side table: one column per variant
    {
        std::string t = "<div class=\"scroll\"><table id=\"compare-table\" class=\"side\">\n<thead><tr><th></th>";
        for (const auto* r : rows) {
            const std::string v = str(*r, "variant", "?");
            t += "<th>" + swatch(variant_color(v)) + esc(v) + "</th>";
        }
        t += "</tr></thead>\n<tbody>\n";
        auto group = [&](const std::string& title) {
            t += "<tr class=\"grp\"><td colspan=\"" + std::to_string(rows.size() + 1) + "\">" + esc(title) +
                 "</td></tr>\n";
        };
        auto row = [&](const std::string& label, const std::function<std::string(std::size_t)>& cell) {
            t += "<tr><td>" + esc(label) + "</td>";
            for (std::size_t i = 0; i < rows.size(); ++i) t += "<td>" + esc(cell(i)) + "</td>";
            t += "</tr>\n";
        };
        auto field = [&](const std::string& key, const std::function<std::string(double)>& f) {
            return [&rows, key, f](std::size_t i) { return f(num(*rows[i], key)); };
        };
        group("per call on tile0 (means)");
        for (const char* k : {"vmm", "mvm", "opu"}) {
            const std::string K = k == std::string("vmm") ? "VMM" : k == std::string("mvm") ? "MVM" : "OPU";
            row(K + " latency", field(std::string(k) + "_latency_ns", time_ns));
            row(K + " energy", field(std::string(k) + "_energy_nj", energy_nj));
        }
        group("training cycle (VMM + MVM + OPU) and area");
        row("cycle latency", field("cycle_latency_ns", time_ns));
        row("cycle energy", field("cycle_energy_nj", energy_nj));
        row("area (periphery)", field("area_um2", area_um2));
        if (have_ratio) {
            group("ratio over the analog tile");
            row("cycle energy", field("energy_vs_analog", ratio));
            row("cycle latency", field("latency_vs_analog", ratio));
            row("area", field("area_vs_analog", ratio));
        }
        group("whole run");
        if (have_acc) row("test accuracy (last epoch)", field("test_accuracy", [](double v) { return percent(v); }));
        row("simulated time", field("sim_time_ns", time_ns));
        row("total energy", field("total_energy_nj", energy_nj));
        if (!summaries.empty()) {
            auto derived = [&sums](std::size_t i) -> const json& {
                return sums[i] ? at(at(*sums[i], "derived"), "tile0") : null_json();
            };
            row("status", [&sums](std::size_t i) { return sums[i] ? str(*sums[i], "status", kDash) : kDash; });
            row("energy per MAC (VMM)", [&](std::size_t i) { return si(num(derived(i), "fj_per_mac_vmm") * 1e-15, "J"); });
            row("TOPS/W (VMM)", [&](std::size_t i) {
                const double v = num(derived(i), "tops_per_w_vmm");
                return std::isfinite(v) ? fmt("%.4g", v) : kDash;
            });
        }
        t += "</tbody></table></div>\n";
        b << section("variants", "Variants side by side",
                     "Cycle = VMM + MVM + OPU; area is the periphery of one tile (the analog arrays sit on top); "
                     "ratios are this variant's cycle energy, cycle latency and area over the analog tile's.",
                     t);
    }

    // ---- log-scale bar charts
    auto bars = [&](const char* key, const char* ratio_key, const std::function<std::string(double)>& f) {
        std::vector<LogRow> lr;
        for (const auto* r : rows) {
            const std::string v = str(*r, "variant", "?");
            const double x = num(*r, key), q = num(*r, ratio_key);
            std::string note;
            if (v == "analog_reram") note = " \u00b7 reference";
            else if (std::isfinite(q) && q > 0) note = " \u00b7 " + ratio(q) + " vs analog";
            lr.push_back({"", v, variant_color(v), x, f(x) + note});
        }
        return lr;
    };
    auto decade_energy = [](double v) { return si_tick(v * 1e-9, "J"); };
    auto decade_time = [](double v) { return si_tick(v * 1e-9, "s"); };
    auto decade_area = [](double v) { return grouped(v); };
    b << section("cycle-energy", "Cycle energy", "Mean VMM + MVM + OPU energy on tile0.",
                 "<figure>" +
                     log_bar_chart("chart-cycle-energy", "Cycle energy per variant",
                                   bars("cycle_energy_nj", "energy_vs_analog", energy_nj), decade_energy,
                                   "energy per training cycle") +
                     "</figure>\n");
    b << section("cycle-latency", "Cycle latency", "Mean VMM + MVM + OPU latency on tile0.",
                 "<figure>" +
                     log_bar_chart("chart-cycle-latency", "Cycle latency per variant",
                                   bars("cycle_latency_ns", "latency_vs_analog", time_ns), decade_time,
                                   "latency per training cycle") +
                     "</figure>\n");
    b << section("area", "Area", "Periphery area of one tile; the analog arrays sit on top and are not added.",
                 "<figure>" +
                     log_bar_chart("chart-area", "Area per variant", bars("area_um2", "area_vs_analog", area_um2),
                                   decade_area, "area (\u00b5m\u00b2)") +
                     "</figure>\n");
    {
        std::vector<LogRow> le, ll;
        for (const char* k : {"vmm", "mvm", "opu"})
            for (const auto* r : rows) {
                const std::string v = str(*r, "variant", "?"), g = k;
                const double e = num(*r, g + "_energy_nj"), t = num(*r, g + "_latency_ns");
                le.push_back({g == "vmm" ? "VMM" : g == "mvm" ? "MVM" : "OPU", v, variant_color(v), e, energy_nj(e)});
                ll.push_back({le.back().group, v, variant_color(v), t, time_ns(t)});
            }
        b << section("kernels", "Kernels", "Mean energy and latency of one call per kernel type.",
                     "<figure>" +
                         log_bar_chart("chart-kernel-energy", "Energy per kernel call", le, decade_energy,
                                       "energy per call") +
                         "</figure>\n<figure>" +
                         log_bar_chart("chart-kernel-latency", "Latency per kernel call", ll, decade_time,
                                       "latency per call") +
                         "</figure>\n");
    }
    // ---- accuracy of each variant per epoch
    if (have_acc) {
        std::vector<Series> series;
        Series twin;
        double lo = 1, hi = 0, e1 = 1;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (!sums[i]) continue;
            const json& ep = at(at(*sums[i], "training"), "epochs");
            if (!ep.is_array()) continue;
            const std::string v = str(*rows[i], "variant", "?");
            Series s{v + " (test)", variant_color(v), "", 2.4, true, {}, {}};
            Series f{"float twin (test)", "#8c959f", "6 4", 1.8, false, {}, {}};
            double idx = 0;
            for (const auto& e : ep) {
                ++idx;
                const double x = num(e, "epoch", idx), a = num(e, "test_accuracy"), fa = num(e, "float_test_accuracy");
                if (std::isfinite(a)) s.pts.emplace_back(x, 100 * a), lo = std::min(lo, a), hi = std::max(hi, a);
                if (std::isfinite(fa)) f.pts.emplace_back(x, 100 * fa), lo = std::min(lo, fa), hi = std::max(hi, fa);
                e1 = std::max(e1, x);
            }
            if (twin.pts.empty()) twin = f;  // the float twin does not depend on the tile
            if (!s.pts.empty()) series.push_back(s);
        }
        if (!twin.pts.empty()) series.push_back(twin);
        if (!series.empty()) {
            Axis xa, ya;
            xa.lo = 1, xa.hi = e1 > 1 ? e1 : 2;
            if (xa.hi - xa.lo <= 20)
                for (double e = 1; e <= xa.hi + 1e-9; e += 1) xa.ticks.push_back(e);
            else
                xa.ticks = nice_ticks(xa.lo, xa.hi, 8);
            xa.label = [](double v) { return fmt("%g", v); };
            xa.title = "epoch";
            double step = 1;
            nice_ticks(100 * lo, 100 * hi, 6, &step);
            ya.lo = std::max(0.0, std::floor(100 * lo / step) * step - step);
            ya.hi = std::min(100.0, std::ceil(100 * hi / step) * step);
            if (!(ya.hi > ya.lo)) ya.lo = 0, ya.hi = 100;
            ya.ticks = nice_ticks(ya.lo, ya.hi, 6);
            ya.label = [step](double v) { return fmt("%.*f %%", step < 1 ? 1 : 0, v); };
            ya.title = "test accuracy";
            b << section("accuracy", "Test accuracy per epoch", "Each variant's platform accuracy; dashed: float twin.",
                         "<figure>" + line_chart("chart-accuracy", "Test accuracy per epoch per variant", series, xa, ya) +
                             "</figure>\n");
        }
    }
    b << "<footer>xbar-vp \u00b7 compare.json schema " << esc(str(compare, "schema_version", "?")) << "</footer>\n";
    return page(name + " \u2013 xbar-vp comparison", b.str());
}

}  // namespace xbar::platform
