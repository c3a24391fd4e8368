#pragma once
// report.html of a sweep or a merge: the grid, every point's row (status, parameters, metrics) and
// one line chart per numeric metric against the first axis, one series per combination of the
// other axes. One self-contained file like the run and compare reports (platform/report.h):
// inline CSS and SVG, no JavaScript; the same input gives the same bytes. Pure C++ (no SystemC).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xbar::platform {

// sweep_doc: the sweep's sweep.json (name, spec_file, spec_hash, base, axes, grid, zip, points,
// metrics; a sweep.json without grid and zip, from an older xbar-vp, takes each axis's values from
// the rows and treats every axis as a grid axis). columns: the results.csv header (point,
// exit_code, the axes, the metrics). rows: its records, in the order to list them (by point); a
// record of another length than the header is skipped. Failed points (exit_code not 0) are in the
// table, not in the charts. Fewer rows than sweep_doc["points"]: the header says "n of N points".
std::string render_sweep_report(const nlohmann::json& sweep_doc, const std::vector<std::string>& columns,
                                const std::vector<std::vector<std::string>>& rows);

}  // namespace xbar::platform
