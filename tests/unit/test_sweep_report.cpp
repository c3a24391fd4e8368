// The sweep report (platform/sweep_report.*): the grid and every row in the table, one chart per
// numeric metric with one series per combination of the other axes (counted here from the rows
// each test builds), categorical and log axes, failed points in the table but not in the charts,
// escaping, well-formed markup, determinism, tolerance of old or partial input.
#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "html_checks.h"
#include "platform/sweep_report.h"

using namespace xbar::platform;
using namespace html_checks;
using nlohmann::json;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// A sweep.json as platform/sweep.cpp writes it, for `grid` and `zip` lists of {axis, values}.
json sweep_doc(const std::string& name, const json& grid, const json& zip, const std::vector<std::string>& metrics,
               std::size_t points) {
    json axes = json::array();
    for (const auto* list : {&grid, &zip})
        for (const auto& a : *list) axes.push_back(a["axis"]);
    std::vector<std::string> columns{"point", "exit_code"};
    for (const auto& a : axes) columns.push_back(a.get<std::string>());
    columns.insert(columns.end(), metrics.begin(), metrics.end());
    return json{{"xbar_vp_sweep", 1}, {"name", name}, {"spec_file", "scenarios/sweeps/" + name + ".json"},
                {"spec_hash", "0123456789abcdef"}, {"base", {{"name", "base-scenario"}}}, {"axes", axes},
                {"grid", grid}, {"zip", zip}, {"points", points}, {"metrics", metrics}, {"columns", columns}};
}
std::vector<std::string> columns_of(const json& doc) { return doc["columns"].get<std::vector<std::string>>(); }

// The <path> elements of a chart: (title, number of vertices: M and L commands of its d).
std::map<std::string, std::size_t> paths(const std::string& svg) {
    std::map<std::string, std::size_t> out;
    const std::regex path("<path d=\"([^\"]*)\"[^>]*><title>([^<]*)</title>");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), path); it != std::sregex_iterator(); ++it) {
        const std::string d = (*it)[1].str();
        out[(*it)[2].str()] = std::size_t(std::count(d.begin(), d.end(), 'M') + std::count(d.begin(), d.end(), 'L'));
    }
    return out;
}

// The adc-sharing grid (scenarios/sweeps/adc-sharing.json: the axes in pointer order) with made-up
// metrics: energy grows with the sharing, time spans more than 100x, accuracy is absent.
struct AdcSweep {
    json doc;
    Rows rows;
};
AdcSweep adc_sweep(std::set<int> failed = {}) {
    const json grid = json::parse(R"([{"axis": "/tile/adc/columns_per_adc", "values": [1, 4, 8, 16]},
                                      {"axis": "/tile/adc/type", "values": ["ramp", "sar"]}])");
    AdcSweep s{sweep_doc("adc-sharing", grid, json::array(),
                         {"/status", "/energy/total_nj", "/sim_time_ns", "/firmware/metrics/test_accuracy"}, 8),
               {}};
    const int cols[] = {1, 4, 8, 16};
    for (int id = 0; id < 8; ++id) {
        const int c = cols[id / 2];
        const std::string type = id % 2 ? "sar" : "ramp";
        const bool bad = failed.count(id) > 0;
        s.rows.push_back({std::to_string(id), bad ? "4" : "0", std::to_string(c), type, bad ? "failed" : "ok",
                          bad ? "" : std::to_string(100.0 + 10 * c + (id % 2)), std::to_string(1.5 * c * c * c), ""});
    }
    return s;
}

}  // namespace

TEST(SweepReport, HasTheGridAndEveryPointWithItsParameters) {
    const auto s = adc_sweep();
    const std::string html = render_sweep_report(s.doc, columns_of(s.doc), s.rows);
    EXPECT_TRUE(has(html, "<h1>adc-sharing</h1>"));
    for (const char* id : {"grid", "grid-table", "points", "points-table", "charts", "base"})
        EXPECT_TRUE(has(html, std::string("id=\"") + id + "\"")) << id;
    EXPECT_TRUE(has(html, "<td>/tile/adc/columns_per_adc</td><td>grid</td><td>1, 4, 8, 16</td><td>4</td>"));
    EXPECT_TRUE(has(html, "<td>/tile/adc/type</td><td>grid</td><td>ramp, sar</td><td>2</td>"));
    EXPECT_TRUE(has(html, "(4 \u00d7 2)"));
    // One table row per point, in order, with its id, status and parameter values.
    const auto b = html.find("id=\"points-table\""), e = html.find("</table>", b);
    const std::string table = html.substr(b, e - b);
    EXPECT_EQ(count(table, "<tr><td>"), 8u);  // the body rows (the header row has <th>)
    std::size_t at = 0;
    for (const auto& r : s.rows) {
        const std::string row = "<tr><td>" + r[0] + "</td><td class=\"st\">ok</td><td>" + r[2] + "</td><td class=\"cat\">" +
                                r[3] + "</td>";
        const auto p = table.find(row, at);
        ASSERT_NE(p, std::string::npos) << row;
        at = p + 1;
    }
    EXPECT_TRUE(has(html, "<span class=\"ok\">8 ok</span>"));
    EXPECT_FALSE(has(html, "Incomplete"));
    EXPECT_TRUE(has(html, "base-scenario"));
}

TEST(SweepReport, AChartPerNumericMetricWithOneSeriesPerCombination) {
    // x = /a (3 numbers); /b (2 numbers) and /c (2 strings) vary independently: 4 series of 3
    // points, but point 4 failed and point 7 has no energy, so two of them have 2 points.
    const json grid = json::parse(R"([{"axis": "/a", "values": [1, 2, 3]}, {"axis": "/b", "values": [10, 20]},
                                      {"axis": "/c", "values": ["p", "q"]}])");
    const json doc = sweep_doc("abc", grid, json::array(), {"/energy_nj", "/status"}, 12);
    Rows rows;
    std::map<std::string, std::size_t> expected;  // legend label -> points drawn
    std::size_t drawn = 0;
    for (int id = 0; id < 12; ++id) {
        const std::string a = std::to_string(1 + id / 4), b = id / 2 % 2 ? "20" : "10", c = id % 2 ? "q" : "p";
        const bool failed = id == 4, missing = id == 7;
        rows.push_back({std::to_string(id), failed ? "4" : "0", a, b, c, missing ? "" : std::to_string(5 + id), "ok"});
        if (!failed && !missing) ++expected["b=" + b + ", c=" + c], ++drawn;
    }
    const std::string html = render_sweep_report(doc, columns_of(doc), rows);
    const std::string svg = svg_with_id(html, "chart-energy_nj");
    ASSERT_FALSE(svg.empty());
    EXPECT_EQ(paths(svg), expected);
    EXPECT_EQ(count(svg, "<path "), expected.size());
    EXPECT_EQ(count(svg, "<circle "), drawn);  // one marker per drawn point
    EXPECT_TRUE(has(html, "1 failed point(s) left out"));
    EXPECT_TRUE(has(html, "1 point(s) without a number left out"));
    // /status is text: no chart, and it says so.
    EXPECT_TRUE(svg_with_id(html, "chart-status").empty());
    EXPECT_TRUE(has(html, "Not drawn (no number in any ok point): /status."));
    // Every chart is a chart: axes, ticks, titles.
    EXPECT_TRUE(has(svg, "viewBox=\"0 0 960 "));
    EXPECT_TRUE(has(svg, "class=\"axis\""));
    EXPECT_TRUE(has(svg, "class=\"tick\""));
    EXPECT_TRUE(has(svg, ">/a</text>"));
}

TEST(SweepReport, FailedPointsAreInTheTableButNotInTheCharts) {
    const auto s = adc_sweep({3, 6});
    const std::string html = render_sweep_report(s.doc, columns_of(s.doc), s.rows);
    EXPECT_TRUE(has(html, "<tr class=\"failed\"><td>3</td><td class=\"st\">failed: firmware (exit 4)</td>"));
    EXPECT_TRUE(has(html, "<tr class=\"failed\"><td>6</td><td class=\"st\">failed: firmware (exit 4)</td>"));
    EXPECT_TRUE(has(html, "<span class=\"failed\">2 failed</span>"));
    EXPECT_TRUE(has(html, "<span>6 ok</span>"));
    for (const char* chart : {"chart-energy-total_nj", "chart-sim_time_ns"}) {
        const std::string svg = svg_with_id(html, chart);
        ASSERT_FALSE(svg.empty()) << chart;
        // The markers' hover texts name their points: 3 and 6 are not there, the others are.
        for (int id = 0; id < 8; ++id)
            EXPECT_EQ(has(svg, "<title>point " + std::to_string(id) + ":"), id != 3 && id != 6) << chart << " " << id;
        std::size_t n = 0;
        for (const auto& [label, pts] : paths(svg)) n += pts;
        EXPECT_EQ(n, 6u) << chart;
    }
    EXPECT_TRUE(has(html, "2 failed point(s) left out"));
}

TEST(SweepReport, LogScaleOnlyWhereValuesSpanMoreThan100x) {
    const auto s = adc_sweep();
    const std::string html = render_sweep_report(s.doc, columns_of(s.doc), s.rows);
    // sim_time: 1.5 to 6144 (> 100x): decades; energy 110 to 261: linear.
    const std::string t = svg_with_id(html, "chart-sim_time_ns"), e = svg_with_id(html, "chart-energy-total_nj");
    EXPECT_TRUE(has(t, "/sim_time_ns (log scale)"));
    for (const char* tick : {">1 ns<", ">10 ns<", ">100 ns<", ">1 \u00b5s<", ">10 \u00b5s<"}) EXPECT_TRUE(has(t, tick)) << tick;
    EXPECT_FALSE(has(e, "log scale"));
    // The x axis is /tile/adc/columns_per_adc (numeric, 1 to 16: linear, ticked at the values);
    // /tile/adc/type gives two series.
    for (const char* tick : {">1</text>", ">4</text>", ">8</text>", ">16</text>"}) EXPECT_TRUE(has(e, tick)) << tick;
    EXPECT_EQ(paths(e), (std::map<std::string, std::size_t>{{"type=ramp", 4}, {"type=sar", 4}}));
    // Accuracy is empty in every row: not drawn.
    EXPECT_TRUE(has(html, "Not drawn (no number in any ok point): /status, /firmware/metrics/test_accuracy."));
}

TEST(SweepReport, StringValuesOnTheFirstAxisAreCategories) {
    // bits-variants: grid /tile/variant, zip /tile/bits_in + /tile/bits_out. The zip is one axis:
    // 3 series (one per zip step) of 3 points, not 9 of 1.
    const json grid = json::parse(R"([{"axis": "/tile/variant", "values": ["analog_reram", "digital_reram", "sram"]}])");
    const json zip = json::parse(R"([{"axis": "/tile/bits_in", "values": [2, 4, 8]},
                                     {"axis": "/tile/bits_out", "values": [2, 4, 8]}])");
    const json doc = sweep_doc("bits-variants", grid, zip, {"/cycle/tile0/energy_nj"}, 9);
    Rows rows;
    const char* variants[] = {"analog_reram", "digital_reram", "sram"};
    for (int id = 0; id < 9; ++id) {
        const std::string bits = std::to_string(2 << (id / 3)), v = variants[id % 3];
        rows.push_back({std::to_string(id), "0", v, bits, bits, std::to_string(1.0 + id)});
    }
    const std::string html = render_sweep_report(doc, columns_of(doc), rows);
    const std::string svg = svg_with_id(html, "chart-cycle-tile0-energy_nj");
    ASSERT_FALSE(svg.empty());
    EXPECT_EQ(paths(svg), (std::map<std::string, std::size_t>{{"bits_in=2, bits_out=2", 3},
                                                               {"bits_in=4, bits_out=4", 3},
                                                               {"bits_in=8, bits_out=8", 3}}));
    for (const char* v : variants) EXPECT_TRUE(has(svg, std::string(">") + v + "</text>")) << v;
    EXPECT_TRUE(has(html, "<td>/tile/bits_in</td><td>zip</td><td>2, 4, 8</td><td>3</td>"));
    // A zip-only sweep: x is the first zip axis, the others move with it: one series.
    const json doc2 = sweep_doc("zip-only", json::array(), zip, {"/cycle/tile0/energy_nj"}, 3);
    Rows rows2;
    for (int id = 0; id < 3; ++id) {
        const std::string bits = std::to_string(2 << id);
        rows2.push_back({std::to_string(id), "0", bits, bits, std::to_string(1.0 + id)});
    }
    EXPECT_EQ(paths(svg_with_id(render_sweep_report(doc2, columns_of(doc2), rows2), "chart-cycle-tile0-energy_nj")),
              (std::map<std::string, std::size_t>{{"all points", 3}}));
}

TEST(SweepReport, DeterministicSelfContainedEscapedAndWellFormed) {
    auto s = adc_sweep({2});
    s.doc["name"] = "<b onclick=\"x\">A&B's</b>";
    s.doc["grid"][1]["values"] = {"<i>ramp</i>", "sar&"};
    for (auto& r : s.rows) r[3] = r[3] == "ramp" ? "<i>ramp</i>" : "sar&";
    s.rows[5][4] = "</td><script>x</script>";
    const std::string html = render_sweep_report(s.doc, columns_of(s.doc), s.rows);
    EXPECT_EQ(html, render_sweep_report(s.doc, columns_of(s.doc), s.rows));
    EXPECT_EQ(html, render_sweep_report(json::parse(s.doc.dump(2)), columns_of(s.doc), s.rows));  // through the file
    EXPECT_EQ(well_formed(html), "");
    expect_self_contained(html);
    EXPECT_FALSE(has(html, "<b onclick"));
    EXPECT_FALSE(has(html, "<i>ramp"));
    EXPECT_TRUE(has(html, "&lt;b onclick=&quot;x&quot;&gt;A&amp;B&#39;s&lt;/b&gt;"));
    EXPECT_TRUE(has(html, "type=&lt;i&gt;ramp&lt;/i&gt;"));
    EXPECT_TRUE(has(html, "sar&amp;"));
    EXPECT_EQ(count(html, "<svg "), count(html, "</svg>"));
    EXPECT_EQ(count(html, "<svg "), 2u);  // energy and time
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
}

TEST(SweepReport, PartialOldOrEmptyInputStillRenders) {
    // Fewer rows than points: said in the header.
    auto s = adc_sweep();
    s.rows.resize(5);
    const std::string html = render_sweep_report(s.doc, columns_of(s.doc), s.rows);
    EXPECT_TRUE(has(html, "<span class=\"warn\">5 of 8 points</span>"));
    EXPECT_TRUE(has(html, "Incomplete: 5 of 8 points have a row."));
    // A sweep.json of an older xbar-vp has no grid and zip: the values come from the rows.
    auto old = adc_sweep();
    old.doc.erase("grid");
    old.doc.erase("zip");
    const std::string h2 = render_sweep_report(old.doc, columns_of(old.doc), old.rows);
    EXPECT_TRUE(has(h2, "<td>/tile/adc/columns_per_adc</td><td>grid</td><td>1, 4, 8, 16</td><td>4</td>"));
    EXPECT_EQ(paths(svg_with_id(h2, "chart-energy-total_nj")),
              (std::map<std::string, std::size_t>{{"type=ramp", 4}, {"type=sar", 4}}));
    // A row of another length is skipped; nothing at all still gives a page.
    old.rows[0].pop_back();
    EXPECT_FALSE(has(render_sweep_report(old.doc, columns_of(old.doc), old.rows), "<td>0</td>"));
    for (const auto& h : {render_sweep_report(json::object(), {}, {}), render_sweep_report(json::object(), {"point"}, {{"0"}}),
                          render_sweep_report(s.doc, columns_of(s.doc), {})}) {
        EXPECT_EQ(well_formed(h), "");
        EXPECT_TRUE(has(h, "</html>"));
    }
    // All points failed: the table has them, the charts say why they are empty.
    const auto f = adc_sweep({0, 1, 2, 3, 4, 5, 6, 7});
    const std::string h3 = render_sweep_report(f.doc, columns_of(f.doc), f.rows);
    EXPECT_TRUE(has(h3, "no point finished ok"));
    EXPECT_EQ(count(h3, "<svg "), 0u);
}
