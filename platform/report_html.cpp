#include "platform/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace xbar::platform::html {

// ---------------------------------------------------------------------------------------------
// Tolerant JSON access: a report of a failed or partial run must still render.

const json& null_json() {
    static const json j;
    return j;
}
const json& at(const json& j, const std::string& k) {
    if (j.is_object()) {
        const auto it = j.find(k);
        if (it != j.end()) return *it;
    }
    return null_json();
}
double num(const json& j, const std::string& k, double def) {
    const json& v = at(j, k);
    return v.is_number() ? v.get<double>() : def;
}
std::string str(const json& j, const std::string& k, const std::string& def) {
    const json& v = at(j, k);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return def;
}

// ---------------------------------------------------------------------------------------------
// Text and number formatting (the C locale: the program never calls setlocale).

std::string esc(const std::string& s) {
    std::string o;
    o.reserve(s.size());
    for (char c : s) switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&#39;"; break;
            default: o += c;
        }
    return o;
}

std::string fmt(const char* f, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, f);
    std::vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

const std::string kDash = "\u2013";          // shown for a missing number
const std::string kNarrowSpace = "\u202f";  // thousands separator

// Three significant digits with an SI prefix: si(1.28e-8, "J") = "12.8 nJ".
std::string si(double v, const std::string& unit) {
    if (!std::isfinite(v)) return kDash;
    if (v == 0) return "0 " + unit;
    static const char* const prefix[] = {"a", "f", "p", "n", "\u00b5", "m", "", "k", "M", "G", "T", "P", "E"};
    int e = static_cast<int>(std::floor(std::log10(std::fabs(v)) / 3.0));
    e = std::clamp(e, -6, 6);
    auto mant = [](double m) {
        const double a = std::fabs(m);
        return fmt("%.*f", a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2, m);
    };
    std::string s = mant(v / std::pow(10.0, 3 * e));
    if (std::fabs(std::strtod(s.c_str(), nullptr)) >= 1000 && e < 6) {  // 999.7 rounds to the next prefix
        ++e;
        s = mant(v / std::pow(10.0, 3 * e));
    }
    return s + " " + prefix[e + 6] + unit;
}
std::string energy_nj(double nj) { return si(nj * 1e-9, "J"); }
std::string time_ns(double ns) { return si(ns * 1e-9, "s"); }
std::string power_mw(double mw) { return si(mw * 1e-3, "W"); }

// Integer with narrow-space thousands separators: 74444.8 -> "74 445".
std::string grouped(double v) {
    if (!std::isfinite(v)) return kDash;
    std::string d = fmt("%.0f", std::fabs(v)), o;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (i && (d.size() - i) % 3 == 0) o += kNarrowSpace;
        o += d[i];
    }
    return (v < 0 && d != "0" ? "-" : "") + o;
}
std::string area_um2(double v) {
    if (!std::isfinite(v)) return kDash;
    return (std::fabs(v) >= 100 ? grouped(v) : fmt("%.3g", v)) + " \u00b5m\u00b2";
}
std::string percent(double fraction, int decimals) {
    if (!std::isfinite(fraction)) return kDash;
    return fmt("%.*f", decimals, 100.0 * fraction) + " %";
}
// A share of a total with one decimal; tiny non-zero shares read "< 0.1 %", not "0.0 %".
std::string share(double fraction) {
    if (std::isfinite(fraction) && fraction > 0 && fraction < 0.0005) return "< 0.1 %";
    return percent(fraction, 1);
}
// Tick label of a log axis: si() without trailing zeros (10 nJ, 1 µJ).
std::string si_tick(double v, const std::string& unit) {
    std::string s = si(v, unit);
    const auto sp = s.find(' ');
    if (sp == std::string::npos || s.find('.') > sp) return s;
    std::string m = s.substr(0, sp);
    while (m.back() == '0') m.pop_back();
    if (m.back() == '.') m.pop_back();
    return m + s.substr(sp);
}
std::string ratio(double r) {
    if (!std::isfinite(r) || r <= 0) return kDash;
    return "\u00d7" + fmt("%.*f", r >= 99.95 ? 0 : r >= 9.995 ? 1 : 2, r);
}
std::string plain(double v) {  // up to 4 significant digits, no exponent for everyday magnitudes
    if (!std::isfinite(v)) return kDash;
    if (v == std::floor(v) && std::fabs(v) < 1e15) return grouped(v);
    return fmt("%.4g", v);
}
// SVG coordinate: one decimal, trailing ".0" removed.
std::string c(double v) {
    if (std::fabs(v) < 0.05) return "0";
    std::string s = fmt("%.1f", v);
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
}
// Approximate rendered width of text in px (DejaVu/Helvetica average ~0.58 em).
double text_w(const std::string& s, double font_px) {
    std::size_t n = 0;
    for (unsigned char ch : s)
        if ((ch & 0xC0) != 0x80) ++n;
    return 0.6 * font_px * double(n);
}

// ---------------------------------------------------------------------------------------------
// SVG building blocks. Charts are 960 units wide and scale to the page (viewBox, width 100 %).

std::vector<double> nice_ticks(double lo, double hi, int n, double* step_out) {
    if (!(hi > lo)) hi = lo + 1;
    const double raw = (hi - lo) / n, mag = std::pow(10.0, std::floor(std::log10(raw))), f = raw / mag;
    const double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    std::vector<double> t;
    for (long k = long(std::ceil(lo / step - 1e-9)); k * step <= hi + step * 1e-9; ++k) t.push_back(double(k) * step);
    if (step_out) *step_out = step;
    return t;
}

std::string svg_open(const std::string& id, double h, const std::string& label) {
    return "<svg id=\"" + esc(id) + "\" class=\"chart\" viewBox=\"0 0 " + c(kW) + " " + c(h) +
           "\" role=\"img\" aria-label=\"" + esc(label) + "\" preserveAspectRatio=\"xMinYMin meet\">\n<title>" +
           esc(label) + "</title>\n";
}
std::string text(double x, double y, const std::string& s, const char* anchor, const std::string& cls,
                 const std::string& extra) {
    std::string o = "<text x=\"" + c(x) + "\" y=\"" + c(y) + "\"";
    if (std::string(anchor) != "start") o += std::string(" text-anchor=\"") + anchor + "\"";
    if (!cls.empty()) o += " class=\"" + cls + "\"";
    return o + extra + ">" + esc(s) + "</text>\n";
}
std::string rect(double x, double y, double w, double h, const std::string& fill, const std::string& tip,
                 const std::string& extra) {
    std::string o = "<rect x=\"" + c(x) + "\" y=\"" + c(y) + "\" width=\"" + c(std::max(w, 0.0)) + "\" height=\"" +
                    c(h) + "\" fill=\"" + fill + "\"" + extra;
    if (tip.empty()) return o + "/>\n";
    return o + "><title>" + esc(tip) + "</title></rect>\n";
}
std::string line(double x1, double y1, double x2, double y2, const std::string& cls) {
    return "<line x1=\"" + c(x1) + "\" y1=\"" + c(y1) + "\" x2=\"" + c(x2) + "\" y2=\"" + c(y2) + "\" class=\"" + cls +
           "\"/>\n";
}

// Draws a wrapping legend from (x0, y0) within width w; returns the height used.
double legend(std::ostringstream& o, const std::vector<LegendItem>& items, double x0, double y0, double w) {
    double x = x0, y = y0;
    const double row_h = 20;
    for (const auto& it : items) {
        const double iw = 22 + text_w(it.label) + 18;
        if (x > x0 && x + iw > x0 + w) {
            x = x0;
            y += row_h;
        }
        if (it.line) {
            o << "<line x1=\"" << c(x) << "\" y1=\"" << c(y + 6) << "\" x2=\"" << c(x + 18) << "\" y2=\"" << c(y + 6)
              << "\" stroke=\"" << it.color << "\" stroke-width=\"2.5\""
              << (it.dash.empty() ? "" : " stroke-dasharray=\"" + it.dash + "\"") << "/>\n";
        } else {
            o << rect(x + 2, y, 14, 12, it.color, "", " rx=\"2\"");
        }
        o << text(x + 22, y + 10.5, it.label, "start", "lg");
        x += iw;
    }
    return items.empty() ? 0 : y - y0 + row_h;
}

// ---- line chart ------------------------------------------------------------------------------


std::string line_chart(const std::string& id, const std::string& aria, const std::vector<Series>& series,
                       const Axis& xa, const Axis& ya, const std::string& note) {
    std::ostringstream body;
    std::vector<LegendItem> items;
    for (const auto& s : series)
        if (s.in_legend) items.push_back({s.label, s.color, s.dash, true});
    const double ml = ya.margin, mr = 24;
    const double lh = legend(body, items, ml, 8, kW - ml - mr);
    const double top = 8 + lh + 12, ph = 300, bottom = top + ph;
    const double pw = kW - ml - mr;
    auto X = [&](double v) { return ml + (v - xa.lo) / (xa.hi - xa.lo) * pw; };
    auto Y = [&](double v) { return bottom - (v - ya.lo) / (ya.hi - ya.lo) * ph; };
    for (double t : ya.ticks) {
        body << line(ml, Y(t), ml + pw, Y(t), "grid");
        body << text(ml - 8, Y(t) + 4, ya.label(t), "end", "tick");
    }
    for (double t : xa.ticks) {
        body << line(X(t), bottom, X(t), bottom + 5, "axis");
        body << text(X(t), bottom + 19, xa.label(t), "middle", "tick");
    }
    body << line(ml, bottom, ml + pw, bottom, "axis") << line(ml, top, ml, bottom, "axis");
    body << text(ml + pw / 2, bottom + 40, xa.title, "middle", "atitle");
    body << text(18, top + ph / 2, ya.title, "middle", "atitle",
                 " transform=\"rotate(-90 18 " + c(top + ph / 2) + ")\"");
    for (const auto& s : series) {
        if (s.pts.empty()) continue;
        std::string d;
        for (std::size_t i = 0; i < s.pts.size(); ++i) {
            const bool move = i == 0 || (i < s.breaks.size() && s.breaks[i]);
            d += (move ? "M" : "L") + c(X(s.pts[i].first)) + "," + c(Y(s.pts[i].second));
        }
        body << "<path d=\"" << d << "\" fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"" << c(s.width)
             << "\" stroke-linejoin=\"round\"" << (s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"")
             << "><title>" << esc(s.label) << "</title></path>\n";
        if (s.markers)
            for (std::size_t i = 0; i < s.pts.size(); ++i) {
                const auto& [x, y] = s.pts[i];
                body << "<circle cx=\"" << c(X(x)) << "\" cy=\"" << c(Y(y)) << "\" r=\"3.2\" fill=\""
                     << (s.dash.empty() ? s.color : "#ffffff") << "\" stroke=\"" << s.color
                     << "\" stroke-width=\"1.5\"><title>"
                     << esc(i < s.tips.size() ? s.tips[i] : s.label + ": " + xa.label(x) + ", " + ya.label(y))
                     << "</title></circle>\n";
            }
    }
    double h = bottom + 52;
    if (!note.empty()) {
        body << text(ml, h, note, "start", "note");
        h += 10;
    }
    return svg_open(id, h, aria) + body.str() + "</svg>\n";
}

// ---------------------------------------------------------------------------------------------
// Page skeleton.

namespace {

const char* const kCss = R"(
:root{--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;background:var(--soft);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","DejaVu Sans",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:20px 24px 40px}
header h1{font-size:1.65em;margin:4px 0 6px;word-break:break-word}
header .kicker{color:var(--muted);font-size:.85em;letter-spacing:.04em;text-transform:uppercase}
.badges span{display:inline-block;border:1px solid var(--border);border-radius:999px;padding:1px 10px;margin:3px 6px 3px 0;font-size:.85em;background:#fff}
.badges .ok{background:#dafbe1;border-color:#4ac26b;color:#116329;font-weight:600}
.badges .warn{background:#fff8c5;border-color:#d4a72c;color:#7d4e00;font-weight:600}
.error.warn{background:#fff8c5;border-color:#d4a72c}
.badges .failed{background:#ffebe9;border-color:#ff8182;color:#a40e26;font-weight:600}
nav{margin:10px 0 0;font-size:.9em}
nav a{color:#0969da;text-decoration:none;margin-right:14px}
section{background:#fff;border:1px solid var(--border);border-radius:10px;padding:16px 20px;margin:18px 0}
h2{font-size:1.2em;margin:0 0 4px}
h3{font-size:1em;margin:18px 0 6px}
p.lead{color:var(--muted);margin:0 0 12px;font-size:.9em}
.error{background:#ffebe9;border:1px solid #ff8182;border-radius:8px;padding:8px 12px;margin:10px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:8px 0 6px}
.card{border:1px solid var(--border);border-radius:8px;padding:8px 12px;background:var(--soft)}
.card .v{font-size:1.3em;font-weight:600;white-space:nowrap}
.card .k{color:var(--muted);font-size:.8em}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.88em;font-variant-numeric:tabular-nums}
th,td{padding:5px 10px;border-bottom:1px solid #e8ecf0;text-align:right;white-space:nowrap}
th:first-child,td:first-child,th.l,td.l{text-align:left}
thead th{background:var(--soft);font-weight:600;border-bottom:1px solid var(--border)}
tbody tr:hover{background:#f6f8fa}
table.side{width:auto;min-width:60%}
table.side th{text-align:right}
tr.grp td{text-align:left;font-weight:600;color:var(--muted);background:#fbfcfd;padding-top:10px}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:0}
details{margin-top:10px}
summary{cursor:pointer;color:#0969da}
pre{background:var(--soft);border:1px solid var(--border);border-radius:6px;padding:10px;overflow:auto;font-size:.8em;max-height:480px}
figure{margin:0}
figcaption,.note{color:var(--muted);font-size:.85em;margin-top:6px}
.empty{border:1px dashed var(--border);border-radius:8px;padding:28px;text-align:center;color:var(--muted)}
svg.chart{width:100%;height:auto;display:block;font-family:inherit}
svg text{fill:var(--fg);font-size:12px}
svg .tick{fill:var(--muted);font-size:11.5px}
svg .atitle{font-size:12.5px;fill:var(--muted)}
svg .rowlabel{font-size:13px}
svg .rowlabel.b{font-weight:700}
svg .rowvalue{font-size:12px;font-weight:600}
svg .grouplabel{font-size:13px;font-weight:700}
svg .inbar{font-size:11px;fill:#fff}
svg .inbar.dk{fill:#1f2328}
svg .inbar.dim{fill:var(--muted)}
svg .note{font-size:11.5px;fill:var(--muted)}
svg .grid{stroke:#e6eaef;stroke-width:1}
svg .grid.minor{stroke:#f2f4f7}
svg .axis{stroke:#8c959f;stroke-width:1}
footer{color:var(--muted);font-size:.8em;text-align:center;margin-top:24px}
@media (max-width:640px){main{padding:12px}section{padding:12px}}
@media print{body{background:#fff}section{break-inside:avoid;border-color:#ccc}nav{display:none}}
)";

}  // namespace

std::string page(const std::string& title, const std::string& body, const std::string& extra_css) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"generator\" content=\"xbar-vp\">\n<title>" +
           esc(title) + "</title>\n<style>" + kCss + extra_css + "</style>\n</head>\n<body>\n<main>\n" + body +
           "</main>\n</body>\n</html>\n";
}

std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
                  const std::string& id) {
    std::string o = "<div class=\"scroll\"><table" + (id.empty() ? std::string() : " id=\"" + esc(id) + "\"") +
                    ">\n<thead><tr>";
    for (const auto& h : head) o += "<th>" + esc(h) + "</th>";
    o += "</tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        o += "<tr>";
        for (std::size_t j = 0; j < rows[i].size(); ++j)
            o += "<td>" + esc(rows[i][j]) + "</td>";
        o += "</tr>\n";
    }
    return o + "</tbody></table></div>\n";
}

std::string empty_chart(const std::string& id, const std::string& msg) {
    return "<div id=\"" + esc(id) + "\" class=\"empty\">" + esc(msg) + "</div>\n";
}

std::string section(const std::string& id, const std::string& title, const std::string& lead,
                    const std::string& content) {
    return "<section id=\"" + id + "\">\n<h2>" + esc(title) + "</h2>\n" +
           (lead.empty() ? "" : "<p class=\"lead\">" + esc(lead) + "</p>\n") + content + "</section>\n";
}

}  // namespace xbar::platform::html
