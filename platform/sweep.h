#pragma once
// `xbar-vp sweep` and `xbar-vp merge`: a grid (and zip) over scenario fields, one supervised
// process per point, rows in results.csv (RFC 4180, platform/csv.h) and, once every point has a
// row, report.html (platform/sweep_report.h); finished points skipped and failed points retried on
// resume, deterministic shards for Slurm job arrays, and a merge that validates every shard. The
// guarantees are listed in traces/README.md ("Sweeps, merge").
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xbar::platform {

struct SweepPoint {
    std::size_t id;
    std::vector<std::pair<std::string, nlohmann::json>> values;  // (JSON pointer, value)
};

inline constexpr std::size_t kMaxSweepPoints = 50000;

struct SweepSpec {
    std::string file, name;
    std::string scenario;                 // base scenario (path resolved)
    nlohmann::json base;                  // its content
    std::vector<std::string> axes;        // pointers, grid axes first then zip axes
    std::vector<std::vector<nlohmann::json>> values;  // each axis's values as the spec lists them
    std::size_t grid_axes = 0;            // axes[0, grid_axes) are the grid, the rest the zip
    std::vector<SweepPoint> points;       // in deterministic order
    std::vector<std::string> metrics;     // summary.json pointers reported per point
    std::string hash;                     // of the canonical spec: base content, axes, points, metrics

    // results.csv header: point, exit_code, the axes, the metrics.
    std::vector<std::string> columns() const;
};

// Reads the spec and its base scenario (platform/json_input.h) and checks every point.
// Throws ScenarioError / InputError (exit 2).
SweepSpec load_sweep(const std::string& path);
// The same without file access: `base_doc` is the base scenario found at `base_path`.
SweepSpec parse_sweep(const nlohmann::json& doc, const std::string& file, const nlohmann::json& base_doc,
                      const std::string& base_path);

struct Shard {
    std::size_t index = 0, count = 1;
};
// "i/N" with 0 <= i < N (digits only); anything else is a UsageError.
Shard parse_shard(const std::string& text);

struct SweepOptions {
    std::string self, out;
    int jobs = 2;
    std::size_t shard = 0, shards = 1;
    bool force = false;         // start a new sweep in `out` (deletes only what xbar-vp wrote there)
    bool retry_failed = true;   // on resume, run the points that failed again
    std::string max_memory;     // --max-memory, passed to every point's run ("" = its default)
};
// 0 all points of the shard ok, 4 some failed, 130 interrupted (SIGINT / SIGTERM).
int run_sweep(const SweepSpec& spec, const SweepOptions& o);

// Combines the results.csv of shard folders into out/results.csv (rows sorted by point), with
// sweep.json and report.html. Every
// shard is checked against the first one's spec hash and header, every row for its column count
// and point; missing, duplicate and corrupt points are listed on stderr with exit 2.
int merge_sweeps(const std::vector<std::string>& dirs, const std::string& out);

// The rows of one results.csv text, checked against `header` and the point count: problems
// (truncated or malformed records, wrong column counts, bad or duplicate points) are appended
// to `problems`, each naming the file and the line.
std::map<std::size_t, std::vector<std::string>> check_rows(const std::string& text, const std::vector<std::string>& header,
                                                           std::size_t points, const std::string& file,
                                                           std::vector<std::string>& problems);


}  // namespace xbar::platform
