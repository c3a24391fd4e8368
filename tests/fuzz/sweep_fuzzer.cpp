// libFuzzer target for what `sweep` and `merge` read: the first byte picks the input.
//   'S' + text: a sweep spec (the one JSON reader, then the spec checks over a fixed base
//               scenario): either a spec or a ScenarioError, never a crash or a hang.
//   else + text: a shard's results.csv checked against a fixed header; when it passes, writing
//               its rows back must give the same bytes (the writer and the reader agree), and
//               the sweep report of those rows renders with every cell escaped.
// Built by tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/csv.h"
#include "platform/json_input.h"
#include "platform/scenario.h"
#include "platform/sweep.h"
#include "platform/sweep_report.h"

namespace {

using nlohmann::json;

const json& base_scenario() {
    static const json base = json::parse(R"({"name": "fuzz", "seed": 1,
        "firmware": {"program": "quickstart", "size": 16, "vmm_count": 1, "mvm_count": 1},
        "tile": {"variant": "analog_reram", "rows": 64, "cols": 64}})");
    return base;
}

void fuzz_spec(const std::string& text) {
    try {
        const json doc = xbar::platform::parse_json_input(text, "fuzz-spec.json");
        const auto spec = xbar::platform::parse_sweep(doc, "fuzz-spec.json", base_scenario(), "base.json");
        if (spec.points.empty() || spec.hash.size() != 16 || spec.columns().size() != 2 + spec.axes.size() + spec.metrics.size())
            __builtin_trap();
    } catch (const xbar::platform::ScenarioError&) {
    }
}

void fuzz_rows(const std::string& text) {
    static const std::vector<std::string> header{"point", "exit_code", "/seed", "/status"};
    std::vector<std::string> problems;
    const auto rows = xbar::platform::check_rows(text, header, 8, "fuzz.csv", problems);
    if (!problems.empty()) return;
    std::string back = xbar::platform::csv_record(header);
    for (const auto& [id, row] : rows) back += xbar::platform::csv_record(row);
    // Rows come back sorted by point and quoted only where needed: compare after parsing.
    const auto a = xbar::platform::parse_csv(back, "back.csv");
    if (a.size() != rows.size() + 1) __builtin_trap();
    for (std::size_t i = 1; i < a.size(); ++i)
        if (rows.at(std::stoul(a[i].fields[0])) != a[i].fields) __builtin_trap();
    // The sweep report renders whatever rows pass (a results.csv edited by hand), and no cell
    // reaches the page as markup.
    static const json doc = json::parse(R"({"name": "fuzz", "axes": ["/seed"], "points": 8,
        "grid": [{"axis": "/seed", "values": [1, 2, 3]}], "zip": [], "base": {"name": "fuzz"}})");
    std::vector<std::vector<std::string>> list;
    for (const auto& [id, row] : rows) list.push_back(row);
    const std::string html = xbar::platform::render_sweep_report(doc, header, list);
    if (html.find("</html>\n") != html.size() - 8 || html.find("<script") != std::string::npos) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] == 'S') fuzz_spec(text);
    else fuzz_rows(text);
    return 0;
}
