#pragma once
// `xbar-vp compare`: one scenario on several tile variants (one process each, -j at a time), then
// a side-by-side table with ratios against the analog tile, compare.json and compare.csv.
#include <optional>
#include <string>
#include <vector>

namespace xbar::platform {

const std::vector<std::string>& variant_names();

struct CompareOptions {
    std::string self;       // path of the xbar-vp binary
    std::string scenario;   // scenario file
    std::vector<std::string> variants;
    int jobs = 2;
    std::string out;        // output folder
    std::optional<unsigned long long> seed;
    std::string max_memory;  // --max-memory, passed to every variant's run ("" = its default)
};

// Returns the exit code: 0; 130 when interrupted (SIGINT / SIGTERM: the finished variants are
// compared, "status": "interrupted"); or the first non-zero exit code of a variant (its folder
// and log are kept, no comparison is written). Outputs are staged and replace --out atomically.
int run_compare(const CompareOptions& o);

}  // namespace xbar::platform
