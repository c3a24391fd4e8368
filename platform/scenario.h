#pragma once
// Scenario: the JSON description of one run. One table (scenario_fields()) describes every field
// with its type, range, unit, default and meaning; validation, defaults and `xbar-vp schema` all
// come from it. No SystemC here.
#include <cstdint>
#include <iosfwd>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <memory>

#include <nlohmann/json.hpp>

#include "models/device/lookup_table.h"
#include "models/digital_unit/digital_unit.h"
#include "models/tile/regmap.h"
#include "platform/technology.h"

namespace xbar::platform {

// Bad input: the message names the file, the JSON pointer and what was expected.
class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One clause of the condition under which a field has an effect: the field at `path` (in the
// scenario with defaults filled in) equals one of `values` (or, with `negate`, none of them).
struct Applies {
    std::string path;
    std::vector<nlohmann::json> values;
    bool negate = false;
};

struct FieldSpec {
    // object: a free-form map; tiles: an integer count or a list of tile objects (/platform/tiles)
    enum class Type { integer, number, boolean, string, integer_list, object, tiles };
    std::string path;  // JSON pointer, e.g. "/tile/rows"
    Type type;
    double min = 0, max = 0;           // numbers: inclusive range
    std::vector<std::string> choices;  // strings: allowed values (empty: any)
                                       // integer_list: min/max bound each element
    nlohmann::json dflt;               // null: required
    std::string unit;
    std::string doc;
    std::vector<Applies> applies = {};  // all clauses must hold for the field to have an effect
                                       // (empty: always); written but inapplicable is a warning
    std::string above_max = "";        // numbers: why the maximum is what it is, appended to the
                                       // message of a value above it ("" = nothing to add)
};
const std::vector<FieldSpec>& scenario_fields();
// The field table as Markdown (`xbar-vp schema`; scenarios/README.md is this text).
std::string schema_markdown();

// One tile's composition (the /tile section, or an element of a /platform/tiles list merged over it).
struct TileSpec {
    std::string path = "/tile";  // where it was written (messages): /tile or /platform/tiles/<k>
    std::string variant;
    int rows = 0, cols = 0, bits_in = 8, bits_out = 8, bits_x = 8, bits_delta = 4;
    double pulse_unit_ns = 1;
    std::string activity;
    double read_noise = 0;
    std::uint32_t dma_burst_bytes = 4096;
    std::string adc_type = "ramp";  // ramp | sar
    int columns_per_adc = 1;
    std::string device_model;  // ideal | analytic | lut
    double device_alpha = 0, device_write_noise = 0;
    bool device_symmetric = false;
    std::shared_ptr<const device::LookupTable> lut_increasing, lut_decreasing;  // model lut
    std::string lut_mode;
    double lut_g_min_relative = 0.1, lut_g_max_relative = 0.9;
    int carry_cells = 1, carry_base = 5, carry_every = 10;
    double carry_threshold = 0.5;
    // Architecture: cores per tile (each rows x cols with its own register bank), one ADC bank for
    // all of them or one per core, the input/output buffer sizes, the digital unit's lanes.
    int cores = 1;
    bool adc_shared = false;
    std::uint32_t in_buf_bytes = std::uint32_t(regmap::kBufBytes), out_buf_bytes = std::uint32_t(regmap::kBufBytes);
    int du_lanes = du::Params{}.lanes;
};

struct Scenario {
    std::string file;
    std::string name;
    std::uint64_t seed = 1;
    nlohmann::json effective;  // the whole scenario with defaults filled in (echoed in summary)
    std::vector<std::string> written;  // leaf fields the user's document sets (JSON pointers)

    std::string program;
    std::map<std::string, double> firmware_args;
    std::vector<int> layers;  // train_mlp: layer sizes, input first
    std::string activation, output_activation, dataset;

    int tiles = 1;
    double quantum_ns = 1000;
    std::uint64_t dram_base = 0, dram_size = 0;
    std::uint64_t tile_base = 0, tile_stride = 0;
    double hop_latency_ns = 0, link_bytes_per_ns = 0;
    double wire_length_um = 0, wire_activity = 0;  // the wire's C and swing are technology entries
    Technology technology;  // /technology/file with /technology/overrides applied

    // One spec per tile: /tile, or with /platform/tiles a list, each element merged over /tile.
    std::vector<TileSpec> tile_specs;
    const TileSpec& tile(int k) const { return tile_specs.at(std::size_t(k)); }
    bool mixed() const;  // tiles of more than one variant

    bool write_vcd = true, write_trace = true;
    std::uint64_t trace_max_events = 0;
    std::string trace_level = "kernels";
    double power_window_ns = 1000;
};

// Reads and validates a scenario file. Throws ScenarioError on any problem.
Scenario load_scenario(const std::string& path);
// Parses and validates scenario text (what load_scenario does after reading the file).
Scenario parse_scenario_text(const std::string& text, const std::string& file);
// Validates an already parsed document (the file name is used in messages only).
Scenario parse_scenario(const nlohmann::json& doc, const std::string& file);
// Re-validates `s` with `overrides` merged into its effective document (CLI options such as
// --variant): the fields the user wrote stay those of the original document.
Scenario override_scenario(const Scenario& s, const nlohmann::json& overrides);

// Fields the user wrote that have no effect under the chosen program, variant or model, one
// message each ("<file>: /tile/device/alpha: has no effect: ..."). Defaults never warn.
std::vector<std::string> scenario_warnings(const Scenario& s);
// Prints every warning to `err` ("xbar-vp: warning: ..."); with `strict` they are one
// ScenarioError (exit 2) instead.
void report_warnings(const Scenario& s, bool strict, std::ostream& err);

// The candidate nearest to `key` by edit distance if it is close (a likely typo), else "".
std::string nearest_key(const std::string& key, const std::vector<std::string>& candidates);

// A --seed option checked against the schema range of /seed; ScenarioError if not an integer
// in that range (e.g. "-1").
std::uint64_t parse_seed_option(const std::string& text);

// A run name is used as a folder name: no control characters (NUL included), no '/' or '\\',
// not "." or "..", no leading '.', at most kMaxNameBytes bytes. ScenarioError at /name otherwise.
inline constexpr std::size_t kMaxNameBytes = 100;
void check_run_name(const std::string& name, const std::string& file);

}  // namespace xbar::platform
