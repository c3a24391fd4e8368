#pragma once
// HTML reports of a run (summary.json + power.csv) and of a comparison (compare.json + the
// variants' summaries). Each report is one self-contained file: inline CSS and inline SVG charts
// drawn here, no JavaScript, no network, no external files. The same input gives the same bytes.
// Pure C++ (no SystemC).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xbar::platform {

// power.csv: header `t_start_us,t_end_us,total_mw,<owner>.<component>_mw,...`, then one row per
// window. Tolerant: CRLF, blank lines and spaces are accepted, malformed rows are skipped, a
// missing total column is the sum of the component columns. Empty or header only => empty().
struct PowerSeries {
    std::vector<std::string> columns;  // "<owner>.<component>" (the "_mw" suffix removed)
    std::vector<double> t_start_us, t_end_us, total_mw;
    std::vector<std::vector<double>> mw;  // [column][window]
    bool empty() const { return total_mw.empty(); }
};
PowerSeries parse_power_csv(const std::string& text);

// power_csv: the text of power.csv (may be empty: then the power chart says "no power data").
std::string render_run_report(const nlohmann::json& summary, const std::string& power_csv);

// summaries: the variants' summary.json in the order of compare["variants"] (may be empty; matched
// to a row by scenario.tile.variant, else by position).
std::string render_compare_report(const nlohmann::json& compare, const std::vector<nlohmann::json>& summaries);

}  // namespace xbar::platform
