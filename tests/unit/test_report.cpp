// HTML reports (platform/report.*): structure, numbers, escaping, well-formed markup, determinism,
// self-containment, and the tolerant power.csv parser. Rendering in a browser is in
// tests/e2e/test_report_render.cpp.
#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "html_checks.h"
#include "platform/report.h"

using namespace xbar::platform;
using namespace html_checks;
using nlohmann::json;

namespace {

// A one-tile analog run shaped like scenarios/paper/analog-8bit.json, plus two training epochs.
json sample_summary(bool training = true) {
    json s = json::parse(R"({
      "schema_version": 1, "tool": {"name": "xbar-vp", "version": "0.1.0"}, "status": "ok",
      "scenario": {"name": "paper-analog-8bit", "seed": 1, "platform": {"tiles": 1},
                   "firmware": {"program": "paper_kernels"},
                   "tile": {"variant": "analog_reram", "rows": 1024, "cols": 1024, "activity": "nominal"}},
      "sim_time_ns": 960096.049, "activity": "nominal",
      "firmware": {"program": "paper_kernels", "ok": true, "error": "",
                   "metrics": {"test_accuracy": 0.9526989426822482, "float_test_accuracy": 0.9543683917640512}},
      "kernels": [
        {"tile": "tile0", "kernel": "vmm", "count": 1, "latency_ns_mean": 384.212, "busy_ns": 384.212,
         "energy_nj_mean": 12.843488175303811, "energy_nj_total": 12.843488175303811, "macs": 1048576.0,
         "latency_breakdown_ns_mean": {"adc": 256.0, "array": 0.2117150441472, "temporal_driver": 128.0}},
        {"tile": "tile0", "kernel": "mvm", "count": 1, "latency_ns_mean": 384.212, "busy_ns": 384.212,
         "energy_nj_mean": 12.843488175303811, "energy_nj_total": 12.843488175303811, "macs": 1048576.0,
         "latency_breakdown_ns_mean": {"adc": 256.0, "array": 0.2117150441472, "temporal_driver": 128.0}},
        {"tile": "tile0", "kernel": "opu", "count": 1, "latency_ns_mean": 512.0, "busy_ns": 512.0,
         "energy_nj_mean": 2.2039466736180504, "energy_nj_total": 2.2039466736180504, "macs": 1048576.0,
         "latency_breakdown_ns_mean": {"temporal_driver": 512.0}},
        {"tile": "tile0", "kernel": "digital", "count": 10, "latency_ns_mean": 3.0, "busy_ns": 30.0,
         "energy_nj_mean": 0.03358, "energy_nj_total": 0.3358, "macs": 0.0, "latency_breakdown_ns_mean": {}}
      ],
      "cycle": {"tile0": {"energy_nj": 27.890923024225675, "latency_ns": 1280.424}},
      "derived": {"tile0": {"fj_per_mac_cycle": 8.866285649689253, "fj_per_mac_vmm": 12.248504805854617,
                            "tops_per_w_vmm": 163.28523617380853}},
      "energy": {
        "total_nj": 4527.119976912764,
        "by_kernel_nj": {"bus": 4297.12384, "mvm": 12.843488175303811, "opu": 2.2039466736180504,
                         "vmm": 12.843488175303811, "digital": 0.3358},
        "by_owner_nj": {"interconnect": 4297.12384, "tile0": 229.9961369127634},
        "by_component_nj": {
          "interconnect.link": {"bus": 4297.12384},
          "tile0.adc": {"mvm": 9.437184, "vmm": 9.437184},
          "tile0.array": {"mvm": 0.32074250059776, "opu": 1.622421798912, "vmm": 0.32074250059776},
          "tile0.integrator": {"mvm": 2.8090368, "vmm": 2.8090368},
          "tile0.temporal_driver": {"mvm": 0.205, "opu": 0.41, "vmm": 0.205},
          "tile0.voltage_driver": {"opu": 0.1},
          "tile0.core_link": {"mvm": 0.0715, "opu": 0.0715, "vmm": 0.0715},
          "tile0.digital_unit": {"digital": 0.3358}},
        "actions": []},
      "area": {"tile0": {"array_um2": 8589.934592, "periphery_um2": 74444.8,
                         "components_um2": {"adc": 5836.8, "analog_routing": 2867.2, "arrays": 8589.934592,
                                            "integrators": 6553.6, "temporal_driver.hv": 7168.0,
                                            "temporal_driver.logic": 8806.4, "voltage_driver.hv": 25804.8,
                                            "voltage_driver.logic": 17408.0}}},
      "interconnect": {"bytes": 8392820, "transactions": 2080, "busy_ns": 262275.625,
                       "utilization": 0.27317644445384026},
      "trace": {"events": 3114, "dropped_events": 0},
      "power": {"window_ns": 1000.0, "peak_mw": 15.8, "average_mw": 4.7152, "streams": ["interconnect.link"]}
    })");
    if (training)
        s["training"]["epochs"] = json::parse(R"([
          {"epoch": 1.0, "learning_rate": 0.6, "train_accuracy": 0.7441799633795448, "test_accuracy": 0.9215358931552587,
           "float_train_accuracy": 0.7415642165838346, "float_test_accuracy": 0.9282136894824707,
           "sim_time_ns": 11178642.824, "energy_nj": 8007.282066571245},
          {"epoch": 2.0, "learning_rate": 0.45, "train_accuracy": 0.9521318336385038, "test_accuracy": 0.9526989426822482,
           "float_train_accuracy": 0.9542244310750719, "float_test_accuracy": 0.9543683917640512,
           "sim_time_ns": 11150501.699, "energy_nj": 7996.406512229458}])");
    return s;
}

std::string sample_power_csv(int windows = 60) {
    std::string csv = "t_start_us,t_end_us,total_mw,interconnect.link_mw,tile0.adc_mw,tile0.array_mw,tile0.idle_mw\n";
    for (int i = 0; i < windows; ++i) {
        const double adc = (i % 10) * 0.5, link = 2.0 + (i % 3), arr = 0.25;
        char buf[200];
        std::snprintf(buf, sizeof buf, "%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,0\n", double(i), double(i + 1), adc + link + arr,
                      link, adc, arr);
        csv += buf;
    }
    return csv;
}

json sample_compare(bool with_analog = true) {
    json c = json::parse(R"({"schema_version": 1, "scenario": "scenarios/paper/compare-8bit.json", "variants": [
      {"variant": "analog_reram", "vmm_latency_ns": 384.212, "vmm_energy_nj": 12.8434, "mvm_latency_ns": 384.212,
       "mvm_energy_nj": 12.8434, "opu_latency_ns": 512.0, "opu_energy_nj": 2.2039, "cycle_latency_ns": 1280.424,
       "cycle_energy_nj": 27.8909, "area_um2": 74444.8, "energy_vs_analog": 1.0, "latency_vs_analog": 1.0,
       "area_vs_analog": 1.0, "total_energy_nj": 4527.12, "sim_time_ns": 960096.049, "test_accuracy": 0.9527},
      {"variant": "digital_reram", "vmm_latency_ns": 176131.0, "vmm_energy_nj": 2136.29, "mvm_latency_ns": 176131.0,
       "mvm_energy_nj": 2136.29, "opu_latency_ns": 339971.0, "opu_energy_nj": 3209.72, "cycle_latency_ns": 692233.0,
       "cycle_energy_nj": 7482.31, "area_um2": 137000.0, "energy_vs_analog": 268.27, "latency_vs_analog": 540.63,
       "area_vs_analog": 1.8403, "total_energy_nj": 12852.86, "sim_time_ns": 1552744.625, "test_accuracy": 0.9411},
      {"variant": "sram", "vmm_latency_ns": 4099.0, "vmm_energy_nj": 2797.65, "mvm_latency_ns": 32771.0,
       "mvm_energy_nj": 4794.14, "opu_latency_ns": 8195.0, "opu_energy_nj": 4165.04, "cycle_latency_ns": 45065.0,
       "cycle_energy_nj": 11756.83, "area_um2": 835592.0, "energy_vs_analog": 421.53, "latency_vs_analog": 35.195,
       "area_vs_analog": 11.2243, "total_energy_nj": 17421.34, "sim_time_ns": 745832.625, "test_accuracy": 0.9399}]})");
    if (!with_analog) {
        c["variants"].erase(0);
        for (auto& r : c["variants"]) {
            r.erase("energy_vs_analog");
            r.erase("latency_vs_analog");
            r.erase("area_vs_analog");
            r.erase("test_accuracy");
        }
    }
    return c;
}

std::vector<json> sample_variant_summaries() {
    std::vector<json> out;
    for (const char* v : {"analog_reram", "digital_reram", "sram"}) {
        json s = sample_summary(true);
        s["scenario"]["tile"]["variant"] = v;
        out.push_back(s);
    }
    return out;
}

}  // namespace

TEST(RunReport, HasEverySectionAndChart) {
    const std::string html = render_run_report(sample_summary(), sample_power_csv());
    for (const char* id : {"title", "summary", "kernels", "kernels-table", "tiles-table", "accuracy", "power", "energy",
                           "latency", "area", "scenario"})
        EXPECT_TRUE(has(html, std::string("id=\"") + id + "\"")) << id;
    for (const char* chart : {"chart-accuracy", "chart-power", "chart-energy", "chart-latency", "chart-area"})
        EXPECT_FALSE(svg_with_id(html, chart).empty()) << chart;
    EXPECT_TRUE(has(html, "<title>paper-analog-8bit"));
}

TEST(RunReport, TechnologySectionShowsOverriddenEntriesFirst) {
    EXPECT_FALSE(has(render_run_report(sample_summary(), ""), "id=\"technology\""));  // no technology: no section
    json s = sample_summary();
    s["technology"] = json::parse(R"({"file": "t.json", "technology": "low-v", "entries": {
        "adc.comparator_ua": {"value": 10, "unit": "uA", "source": "override in s.json", "overridden": true},
        "analog_cell.v_read": {"value": 0.785, "unit": "V", "source": "M18 Table I", "overridden": false}}})");
    const std::string html = render_run_report(s, "");
    EXPECT_TRUE(has(html, "low-v from t.json"));
    const auto overrides = html.find("id=\"technology-overrides\""), every = html.find("id=\"technology-table\"");
    ASSERT_NE(overrides, std::string::npos);
    ASSERT_NE(every, std::string::npos);
    const std::string first = html.substr(overrides, every - overrides);
    EXPECT_TRUE(has(first, "adc.comparator_ua"));
    EXPECT_FALSE(has(first, "analog_cell.v_read"));  // not overridden: only in the full table
    EXPECT_TRUE(has(html.substr(every), "M18 Table I"));
}

TEST(RunReport, EnergySectionShowsTheBasisSplitAndEveryActionWithItsBasis) {
    EXPECT_FALSE(has(render_run_report(sample_summary(), ""), "energy-basis-table"));  // older summaries: nothing
    json s = sample_summary();
    s["energy"]["by_basis_nj"] = {{"physics", 4526.3}, {"stated", 0.82}, {"assumption", 0.0}};
    s["energy"]["actions"] = json::parse(R"([
      {"owner": "tile0", "component": "adc", "action": "comparator_ns", "kernel": "vmm", "count": 262144.0,
       "energy_pj_per_event": 0.036, "energy_nj": 9.437184, "source": "M18 IV-E: I x V x 1 ns", "basis": "physics"},
      {"owner": "tile0", "component": "voltage_driver", "action": "column_write", "kernel": "opu", "count": 1024.0,
       "energy_pj_per_event": 0.078125, "energy_nj": 0.08, "source": "M18 IV-C: <80 pJ> / 1024", "basis": "stated"}])");
    const std::string html = render_run_report(s, "");
    const auto split = html.find("id=\"energy-basis-table\""), rows = html.find("id=\"energy-actions-table\"");
    ASSERT_NE(split, std::string::npos);
    ASSERT_NE(rows, std::string::npos);
    const std::string t = html.substr(split, rows - split);
    for (const char* v : {"<td>physics</td><td>4.53 \u00b5J</td><td>100.0 %</td>", "<td>stated</td><td>820 pJ</td>",
                          "<td>assumption</td><td>0 J</td>"})
        EXPECT_TRUE(has(t, v)) << v;
    const std::string a = html.substr(rows);
    EXPECT_TRUE(has(a, "<td>comparator_ns</td><td>vmm</td><td>262\u202f144</td><td>36.0 fJ</td><td>9.44 nJ</td><td>physics</td>"));
    EXPECT_TRUE(has(a, "<td>column_write</td><td>opu</td><td>1\u202f024</td><td>78.1 fJ</td><td>80.0 pJ</td><td>stated</td>"));
    EXPECT_TRUE(has(a, "M18 IV-C: &lt;80 pJ&gt; / 1024"));  // sources are escaped
    EXPECT_TRUE(has(html, "Every action (2 ledger rows)"));
}

TEST(RunReport, AccuracyChartOnlyWithEpochs) {
    const std::string html = render_run_report(sample_summary(false), sample_power_csv());
    EXPECT_FALSE(has(html, "chart-accuracy"));
    EXPECT_FALSE(has(html, "id=\"accuracy\""));
    const std::string with = render_run_report(sample_summary(true), "");
    const std::string acc = svg_with_id(with, "chart-accuracy");
    for (const char* series : {"train (platform)", "test (platform)", "train (float twin)", "test (float twin)"})
        EXPECT_TRUE(has(acc, series)) << series;
    EXPECT_EQ(count(acc, "<path "), 4u);  // one line per series
}

TEST(RunReport, NumbersFromTheSummaryAppear) {
    const std::string html = render_run_report(sample_summary(), "");
    for (const char* s : {"paper-analog-8bit", "analog_reram", "1024 \u00d7 1024", "activity nominal", "status ok",
                          "960 \u00b5s",       // simulated time
                          "4.53 \u00b5J",      // total energy
                          "12.8 nJ",           // VMM mean energy
                          "384 ns",            // VMM mean latency
                          "1.28 \u00b5s",      // cycle latency
                          "27.9 nJ",           // cycle energy
                          "12.2 fJ", "8.87 fJ", "163.3 TOPS/W", "95.27 %",
                          "74\u202f445 \u00b5m\u00b2",  // periphery area
                          "8\u202f590 \u00b5m\u00b2 \u00b7 on top of the periphery",
                          ">4.72 mW<",  // average power
                          ">15.8 mW</div><div class=\"k\">peak power (1.00 \u00b5s window)"})
        EXPECT_TRUE(has(html, s)) << s;
}

TEST(RunReport, SiPrefixesRoundIntoTheNextPrefix) {
    json s = sample_summary(false);
    s["energy"]["total_nj"] = 999.96;  // rounds to 1000 nJ -> 1.00 µJ, never "1000 nJ"
    s["sim_time_ns"] = 0.0012;
    const std::string html = render_run_report(s, "");
    EXPECT_TRUE(has(html, ">1.00 \u00b5J<"));
    EXPECT_FALSE(has(html, "1000 nJ"));
    EXPECT_TRUE(has(html, ">1.20 ps<"));
}

TEST(RunReport, EscapesNames) {
    json s = sample_summary();
    const std::string evil = "<b onclick=\"x\">A&B's</b>";
    s["scenario"]["name"] = evil;
    s["energy"]["by_component_nj"]["tile0.<i>evil</i>"] = {{"vmm", 1.0}};
    s["area"]["tile0"]["components_um2"]["<u>pad</u>"] = 10.0;
    s["firmware"]["metrics"]["<m>"] = 1.0;
    const std::string html = render_run_report(s, "");
    EXPECT_FALSE(has(html, evil));
    EXPECT_FALSE(has(html, "<i>evil"));
    EXPECT_FALSE(has(html, "<u>pad"));
    EXPECT_FALSE(has(html, "<m>"));
    EXPECT_TRUE(has(html, "&lt;b onclick=&quot;x&quot;&gt;A&amp;B&#39;s&lt;/b&gt;"));
    EXPECT_TRUE(has(html, "&lt;i&gt;evil&lt;/i&gt;"));
    EXPECT_EQ(well_formed(html), "");
}

TEST(RunReport, WellFormedSvgAndHtml) {
    const std::string html = render_run_report(sample_summary(), sample_power_csv());
    EXPECT_EQ(well_formed(html), "");
    EXPECT_EQ(count(html, "<svg "), count(html, "</svg>"));
    EXPECT_EQ(count(html, "<svg "), 5u);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_TRUE(has(html, "<meta charset=\"utf-8\">"));
    // Every chart scales with the page and has axes or a legend.
    for (const char* chart : {"chart-accuracy", "chart-power", "chart-energy", "chart-latency", "chart-area"}) {
        const std::string svg = svg_with_id(html, chart);
        EXPECT_TRUE(has(svg, "viewBox=\"0 0 960 ")) << chart;
        EXPECT_TRUE(has(svg, "class=\"axis\"")) << chart;
        EXPECT_TRUE(has(svg, "class=\"tick\"")) << chart;
        EXPECT_TRUE(has(svg, "class=\"atitle\"")) << chart;
    }
}

TEST(RunReport, Deterministic) {
    const json s = sample_summary();
    const std::string a = render_run_report(s, sample_power_csv()), b = render_run_report(s, sample_power_csv());
    EXPECT_EQ(a, b);
    // A round trip through the file gives the same bytes.
    EXPECT_EQ(a, render_run_report(json::parse(s.dump(2)), sample_power_csv()));
}

TEST(RunReport, SelfContained) {
    expect_self_contained(render_run_report(sample_summary(), sample_power_csv()));
}

TEST(RunReport, NoPowerData) {
    for (const std::string csv : {"", "t_start_us,t_end_us,total_mw,tile0.adc_mw\n", "\n\n"}) {
        const std::string html = render_run_report(sample_summary(), csv);
        EXPECT_TRUE(has(html, "no power data")) << csv;
        EXPECT_TRUE(has(html, "id=\"chart-power\"")) << csv;
        EXPECT_TRUE(svg_with_id(html, "chart-power").empty()) << csv;
    }
}

TEST(RunReport, PowerChartShowsTotalAndTopComponents) {
    const std::string svg = svg_with_id(render_run_report(sample_summary(), sample_power_csv()), "chart-power");
    ASSERT_FALSE(svg.empty());
    EXPECT_TRUE(has(svg, ">total<"));
    EXPECT_TRUE(has(svg, "interconnect.link (mean 3.00 mW)"));
    EXPECT_TRUE(has(svg, "tile0.adc (mean 2.25 mW)"));
    EXPECT_TRUE(has(svg, "tile0.array (mean 250 \u00b5W)"));
    EXPECT_FALSE(has(svg, "tile0.idle"));  // no energy: not drawn
    EXPECT_TRUE(has(svg, "simulated time (\u00b5s)"));
    EXPECT_TRUE(has(svg, "power (mW)"));
}

TEST(RunReport, ManyPowerWindowsAreAveragedForDrawing) {
    const std::string small = render_run_report(sample_summary(), sample_power_csv(100));
    const std::string large = render_run_report(sample_summary(), sample_power_csv(100000));
    EXPECT_TRUE(has(large, "energy-preserving averages"));
    EXPECT_LT(large.size(), small.size() + 200000);  // bounded, whatever the run length
    EXPECT_TRUE(has(large, "simulated time (ms)"));
    EXPECT_TRUE(has(large, "mean 5.50 mW"));  // the mean of the total survives the averaging
}

TEST(RunReport, EnergyChartStacksComponentsPerKernel) {
    const std::string svg = svg_with_id(render_run_report(sample_summary(), ""), "chart-energy");
    for (const char* row : {">vmm<", ">mvm<", ">opu<", ">digital<", ">bus<"}) EXPECT_TRUE(has(svg, row)) << row;
    EXPECT_TRUE(has(svg, "adc in vmm: 9.44 nJ (73.5 % of the kernel&#39;s energy)"));
    EXPECT_TRUE(has(svg, "interconnect link"));  // legend names the interconnect's component by owner
    EXPECT_TRUE(has(svg, "4.30 \u00b5J \u00b7 94.9 %"));
    // vmm is drawn before mvm before opu (the ledger's kernel order).
    EXPECT_LT(svg.find(">vmm<"), svg.find(">mvm<"));
    EXPECT_LT(svg.find(">mvm<"), svg.find(">opu<"));
}

TEST(RunReport, LatencyChartFromTheBreakdown) {
    const std::string svg = svg_with_id(render_run_report(sample_summary(), ""), "chart-latency");
    EXPECT_TRUE(has(svg, "adc in vmm: 256 ns (66.6 % of the mean latency)"));
    EXPECT_TRUE(has(svg, "temporal_driver in opu: 512 ns (100.0 % of the mean latency)"));
    EXPECT_TRUE(has(svg, "no breakdown recorded"));  // the digital kernel has none
    EXPECT_TRUE(has(svg, "384 ns per call"));
}

TEST(RunReport, ComponentColorsAreConsistentAcrossCharts) {
    const std::string html = render_run_report(sample_summary(), "");
    const std::regex seg("fill=\"(#[0-9a-f]{6})\"[^>]*><title>([a-z_]+) in ");
    std::map<std::string, std::set<std::string>> colors;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), seg); it != std::sregex_iterator(); ++it)
        colors[(*it)[2]].insert((*it)[1]);
    ASSERT_TRUE(colors.count("adc") && colors.count("temporal_driver"));
    for (const auto& [comp, set] : colors) EXPECT_EQ(set.size(), 1u) << comp;
    EXPECT_NE(*colors["adc"].begin(), *colors["temporal_driver"].begin());
}

TEST(RunReport, AreaMarksTheArraysOnTopOfThePeriphery) {
    const std::string svg = svg_with_id(render_run_report(sample_summary(), ""), "chart-area");
    EXPECT_TRUE(has(svg, "<pattern id=\"hatch-"));
    EXPECT_TRUE(has(svg, "arrays: 8\u202f590 \u00b5m\u00b2 (on top of the periphery, not added)"));
    EXPECT_TRUE(has(svg, ">periphery (total)<"));
    EXPECT_TRUE(has(svg, "74\u202f445 \u00b5m\u00b2"));
    EXPECT_EQ(count(svg, "on top of the periphery, not added"), 1u);  // only the arrays
}

TEST(RunReport, IdenticalTilesShareOneAreaGroup) {
    json s = sample_summary(false);
    s["area"]["tile1"] = s["area"]["tile0"];
    const std::string svg = svg_with_id(render_run_report(s, ""), "chart-area");
    EXPECT_TRUE(has(svg, "tile0, tile1 (identical)"));
    EXPECT_EQ(count(svg, ">periphery (total)<"), 1u);
}

TEST(RunReport, PartialOrFailedSummariesStillRender) {
    const std::string empty = render_run_report(json::object(), "");
    EXPECT_EQ(well_formed(empty), "");
    for (const char* id : {"chart-power", "chart-energy", "chart-latency", "chart-area"})
        EXPECT_TRUE(has(empty, std::string("id=\"") + id + "\"")) << id;
    json s = sample_summary();
    s["status"] = "failed";
    s["firmware"]["error"] = "VMM <timeout>";
    s["kernels"][0]["energy_nj_mean"] = "not a number";
    s.erase("area");
    const std::string html = render_run_report(s, "garbage\n1,2,3\n");
    EXPECT_TRUE(has(html, "status failed"));
    EXPECT_TRUE(has(html, "VMM &lt;timeout&gt;"));
    EXPECT_TRUE(has(html, "no area recorded"));
    EXPECT_EQ(well_formed(html), "");
    EXPECT_NO_THROW(render_run_report(json::array(), ""));
}

TEST(RunReport, InterruptedRunIsMarkedNotFailed) {
    json s = sample_summary();
    s["status"] = "interrupted";
    const std::string html = render_run_report(s, "");
    EXPECT_TRUE(has(html, "<span class=\"warn\">status interrupted</span>"));
    EXPECT_TRUE(has(html, "id=\"interrupted\""));
    EXPECT_FALSE(has(html, "Firmware failed"));
}

TEST(PowerCsv, ParsesTheDocumentedFormat) {
    const PowerSeries p = parse_power_csv(sample_power_csv(4));
    ASSERT_EQ(p.total_mw.size(), 4u);
    EXPECT_EQ(p.columns, (std::vector<std::string>{"interconnect.link", "tile0.adc", "tile0.array", "tile0.idle"}));
    EXPECT_DOUBLE_EQ(p.t_start_us[3], 3.0);
    EXPECT_DOUBLE_EQ(p.t_end_us[3], 4.0);
    EXPECT_DOUBLE_EQ(p.mw[1][3], 1.5);
    EXPECT_DOUBLE_EQ(p.total_mw[3], 1.5 + 2.0 + 0.25);
}

TEST(PowerCsv, ToleratesCrlfBlankLinesAndBadRows) {
    const std::string csv = "t_start_us, t_end_us ,total_mw,tile0.adc_mw\r\n"
                            "\r\n"
                            "0,1,2.5,2.5\r\n"
                            "1,2,oops,1\r\n"      // not a number
                            "2,3,1\r\n"           // short row
                            "4,3,1,1\r\n"         // ends before it starts
                            "3,4,1e-3,1e-3\r\n"
                            "4,5,nan,1\r\n"       // not finite
                            "5,6,0.5,0.5";        // no final newline
    const PowerSeries p = parse_power_csv(csv);
    ASSERT_EQ(p.total_mw.size(), 3u);
    EXPECT_DOUBLE_EQ(p.total_mw[1], 1e-3);
    EXPECT_DOUBLE_EQ(p.t_start_us[2], 5.0);
}

TEST(PowerCsv, MissingTotalIsTheSumAndMissingTimesIsNoData) {
    const PowerSeries p = parse_power_csv("t_start_us,t_end_us,a.x_mw,b.y_mw\n0,1,1,2\n");
    ASSERT_EQ(p.total_mw.size(), 1u);
    EXPECT_DOUBLE_EQ(p.total_mw[0], 3.0);
    EXPECT_TRUE(parse_power_csv("time,total_mw\n0,1\n").empty());
    EXPECT_TRUE(parse_power_csv("").empty());
    EXPECT_TRUE(parse_power_csv("t_start_us,t_end_us,total_mw\n").empty());
}

TEST(CompareReport, HasTheTableAndTheLogCharts) {
    const std::string html = render_compare_report(sample_compare(), sample_variant_summaries());
    for (const char* id : {"variants", "compare-table", "cycle-energy", "cycle-latency", "area", "kernels", "accuracy"})
        EXPECT_TRUE(has(html, std::string("id=\"") + id + "\"")) << id;
    for (const char* chart : {"chart-cycle-energy", "chart-cycle-latency", "chart-area", "chart-kernel-energy",
                              "chart-kernel-latency", "chart-accuracy"})
        EXPECT_FALSE(svg_with_id(html, chart).empty()) << chart;
    EXPECT_EQ(well_formed(html), "");
    EXPECT_EQ(count(html, "<svg "), count(html, "</svg>"));
    for (const char* s : {"paper-analog-8bit", "27.9 nJ", "7.48 \u00b5J", "692 \u00b5s", "835\u202f592 \u00b5m\u00b2",
                          "\u00d7268", "\u00d7422", "\u00d7541", "\u00d735.2", "\u00d71.84", "\u00d711.2", "95.27 %"})
        EXPECT_TRUE(has(html, s)) << s;
    const std::string energy = svg_with_id(html, "chart-cycle-energy");
    EXPECT_TRUE(has(energy, "7.48 \u00b5J \u00b7 \u00d7268 vs analog"));
    EXPECT_TRUE(has(energy, "27.9 nJ \u00b7 reference"));
    EXPECT_TRUE(has(energy, "(log scale)"));
    for (const char* tick : {">10 nJ<", ">100 nJ<", ">1 \u00b5J<", ">10 \u00b5J<", ">100 \u00b5J<"})
        EXPECT_TRUE(has(energy, tick)) << tick;
}

TEST(CompareReport, WithoutTheAnalogVariantThereAreNoRatios) {
    const std::string html = render_compare_report(sample_compare(false), {});
    EXPECT_FALSE(has(html, "vs analog"));
    EXPECT_FALSE(has(html, "ratio over the analog tile"));
    EXPECT_FALSE(has(html, "chart-accuracy"));
    EXPECT_FALSE(svg_with_id(html, "chart-cycle-energy").empty());
    EXPECT_TRUE(has(html, "<h1>compare-8bit</h1>"));  // the name falls back to the scenario file
    EXPECT_EQ(well_formed(html), "");
}

TEST(CompareReport, DeterministicSelfContainedAndEscaped) {
    json c = sample_compare();
    c["variants"][2]["variant"] = "<sram&>";
    const auto sums = sample_variant_summaries();
    const std::string html = render_compare_report(c, sums);
    EXPECT_EQ(html, render_compare_report(c, sums));
    expect_self_contained(html);
    EXPECT_FALSE(has(html, "<sram&>"));
    EXPECT_TRUE(has(html, "&lt;sram&amp;&gt;"));
    EXPECT_NO_THROW(render_compare_report(json::object(), {}));
    EXPECT_EQ(well_formed(render_compare_report(json::object(), {})), "");
}
