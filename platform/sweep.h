#pragma once
// `xbar-vp sweep` and `xbar-vp merge`: a grid (and zip) over scenario fields, one process per
// point, rows appended to results.csv, finished points skipped on resume, deterministic shards
// for Slurm job arrays, and a merge of shard outputs.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xbar::platform {

struct SweepPoint {
    std::size_t id;
    std::vector<std::pair<std::string, nlohmann::json>> values;  // (JSON pointer, value)
};

struct SweepSpec {
    std::string file, name;
    std::string scenario;                 // base scenario (path resolved)
    std::vector<std::string> axes;        // pointers, grid axes first then zip axes
    std::vector<SweepPoint> points;       // in deterministic order
    std::vector<std::string> metrics;     // summary.json pointers reported per point
};

// Throws ScenarioError (file, JSON path, what was expected) on a bad spec.
SweepSpec load_sweep(const std::string& path);

struct SweepOptions {
    std::string self, out;
    int jobs = 2;
    std::size_t shard = 0, shards = 1;
};
int run_sweep(const SweepSpec& spec, const SweepOptions& o);
// Combines the results.csv of shard folders into out/results.csv (rows sorted by point);
// returns 0 if every point is present, 1 and a list of missing points otherwise.
int merge_sweeps(const std::vector<std::string>& dirs, const std::string& out);

}  // namespace xbar::platform
