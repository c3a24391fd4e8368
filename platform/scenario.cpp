#include "platform/scenario.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <tuple>

#include "models/digital_unit/digital_unit.h"
#include "models/tile/regmap.h"
#include "platform/errors.h"
#include "platform/files.h"
#include "platform/json_input.h"

namespace xbar::platform {

using nlohmann::json;
using Type = FieldSpec::Type;

namespace {
// Conditions under which a field has an effect (FieldSpec::applies).
using A = std::vector<Applies>;
A program(const char* p) { return {{"/firmware/program", {p}}}; }
const Applies kAnalogTile{"/tile/variant", {"analog_reram"}};
A analog() { return {kAnalogTile}; }
A device(const char* model) { return {kAnalogTile, {"/tile/device/model", {model}}}; }
A carry() { return {kAnalogTile, {"/tile/carry/cells", {1}, true}}; }
A shared_adc() { return {kAnalogTile, {"/tile/cores", {1}, true}}; }
const double kBuf = double(regmap::kBufBytes);
// Why the architecture fields stop where they do (appended to a value above the maximum).
std::string window_banks() { return "the tile window has register banks for " + std::to_string(regmap::kMaxCores) + " cores"; }
std::string window_room() { return "the tile window has room for " + std::to_string(regmap::kBufBytes / 1024) + " KiB per buffer"; }
A traced() { return {{"/outputs/trace", {true}}}; }
}  // namespace

const std::vector<FieldSpec>& scenario_fields() {
    static const std::vector<FieldSpec> f = {
        {"/name", Type::string, 0, 0, {}, nullptr, "", "run name, the output folder's name: 1 to 100 bytes, no control characters, no / or \\, no leading dot; default: the file name without .json"},
        {"/seed", Type::integer, 0, 9007199254740991.0, {}, 1, "", "seed of every random draw (firmware data, noise)"},
        {"/firmware/program", Type::string, 0, 0, {"quickstart", "paper_kernels", "train_mlp", "fault_demo"}, "quickstart", "", "firmware program the host boots (fault_demo misbehaves on purpose)"},
        {"/firmware/fault", Type::integer, 0, 2, {}, 0, "", "fault_demo: 0 unmapped read, 1 unknown tile command, 2 weight fetch from an unmapped address", program("fault_demo")},
        {"/firmware/size", Type::integer, 1, 4096, {}, 256, "", "quickstart: matrix size n (n x n region of tile 0)", program("quickstart")},
        {"/firmware/vmm_count", Type::integer, 0, 1e7, {}, 1000, "", "quickstart: number of checked VMMs", program("quickstart")},
        {"/firmware/mvm_count", Type::integer, 0, 1e7, {}, 1000, "", "quickstart: number of checked MVMs", program("quickstart")},
        {"/firmware/layers", Type::integer_list, 1, 4096, {}, json::array({64, 36, 10}), "", "train_mlp: layer sizes, input first (2 to 8 entries)", program("train_mlp")},
        {"/firmware/activation", Type::string, 0, 0, {"sigmoid", "tanh", "relu"}, "sigmoid", "", "train_mlp: activation of the hidden layers (the reference uses sigmoid)", program("train_mlp")},
        {"/firmware/output_activation", Type::string, 0, 0, {"sigmoid", "tanh", "relu"}, "sigmoid", "", "train_mlp: activation of the output layer", program("train_mlp")},
        {"/firmware/dataset", Type::string, 0, 0, {"digits", "fashion"}, "digits", "", "train_mlp: UCI 8x8 digits (datasets/uci-digits) or Fashion-MNIST 28x28 (Debian package dataset-fashion-mnist)", program("train_mlp")},
        {"/firmware/batch_size", Type::integer, 1, 65536, {}, 1, "samples", "train_mlp: 1 = per-sample parallel OPU (the reference's mode); >1 = accumulate, then a serial update", program("train_mlp")},
        {"/firmware/epochs", Type::integer, 1, 1000, {}, 10, "", "train_mlp: passes over the training set", program("train_mlp")},
        {"/firmware/learning_rate", Type::number, 1e-6, 100, {}, 0.1, "", "train_mlp: SGD learning rate (batch 1)", program("train_mlp")},
        {"/firmware/lr_decay", Type::number, 0.01, 1, {}, 1.0, "", "train_mlp: learning rate multiplied by this after every epoch", program("train_mlp")},
        {"/firmware/train_limit", Type::integer, 0, 1e7, {}, 0, "samples", "train_mlp: use only the first N training samples (0 = all)", program("train_mlp")},
        {"/firmware/test_limit", Type::integer, 0, 1e7, {}, 0, "samples", "train_mlp: use only the first N test samples (0 = all)", program("train_mlp")},
        {"/firmware/fwd_fullscale", Type::number, 1e-3, 1e3, {}, 6.0, "", "train_mlp: forward ADC full scale (CrossSim sigmoid default +-6)", program("train_mlp")},
        {"/firmware/bwd_fullscale", Type::number, 1e-3, 1e3, {}, 4.0, "", "train_mlp: backward ADC full scale, in units of max|delta| (CrossSim +-4)", program("train_mlp")},
        {"/firmware/init_scale", Type::number, 0, 1, {}, 1.0, "", "train_mlp: initial weights uniform in +-init_scale/sqrt(fan-in + 1)", program("train_mlp")},
        {"/platform/tiles", Type::tiles, 1, 64, {}, 1, "", "tiles on the interconnect: a count of /tile tiles, or a list of tile objects, each merged over /tile (its keys as under /tile), e.g. [{\"variant\": \"analog_reram\"}, {\"variant\": \"sram\"}]"},
        {"/platform/quantum_ns", Type::number, 1, 1e9, {}, 1000.0, "ns", "global quantum of the host's temporal decoupling"},
        {"/platform/dram/base", Type::integer, 0, 281474976710655.0, {}, 2147483648.0, "byte", "DRAM base address"},
        {"/platform/dram/size_mib", Type::integer, 1, 16384, {}, 64, "MiB", "DRAM size"},
        {"/platform/tile_map/base", Type::integer, 0, 281474976710655.0, {}, 1073741824.0, "byte", "address of tile 0's window"},
        {"/platform/tile_map/stride", Type::integer, double(regmap::WINDOW_SIZE), 1099511627776.0, {}, double(regmap::WINDOW_SIZE), "byte", "distance between tile windows (>= 1 MiB window)"},
        {"/platform/interconnect/hop_latency_ns", Type::number, 0, 1e6, {}, 2.0, "ns", "router traversal latency per transaction"},
        {"/platform/interconnect/bandwidth_gb_s", Type::number, 0.001, 1e5, {}, 32.0, "GB/s", "shared link bandwidth (256 bit at 1 GHz)"},
        {"/platform/interconnect/wire_length_um", Type::number, 0, 1e6, {}, 1000.0, "um", "host-to-tile route length (assumption: 1 mm)"},
        {"/platform/interconnect/activity", Type::number, 0, 1, {}, 0.5, "", "fraction of bits that toggle (the wire's capacitance and swing are technology entries interconnect.*)"},
        {"/technology/file", Type::string, 0, 0, {}, "", "path", "technology file (every physical parameter with value, unit, source), relative to the scenario file; \"\" = technologies/marinella2018.json"},
        {"/technology/overrides", Type::object, 0, 0, {}, json::object(), "", "single technology entries replaced: {\"<entry>\": number in the entry's unit, or {\"value\", \"unit\", \"source\"}} (see Technology entries below)"},
        {"/tile/variant", Type::string, 0, 0, {"analog_reram", "digital_reram", "sram"}, "analog_reram", "", "crossbar core variant (the firmware is the same for all)"},
        {"/tile/rows", Type::integer, 1, 4096, {}, 1024, "", "crossbar rows"},
        {"/tile/cols", Type::integer, 1, 4096, {}, 1024, "", "crossbar columns"},
        {"/tile/cores", Type::integer, 1, double(regmap::kMaxCores), {}, 1, "", "crossbar cores in the tile, each rows x cols with its own register bank (" + window_banks() + ")", {}, window_banks()},
        {"/tile/bits_in", Type::integer, 2, 8, {}, 8, "bit", "VMM/MVM input code width incl. sign"},
        {"/tile/bits_out", Type::integer, 2, 8, {}, 8, "bit", "ADC output code width incl. sign"},
        {"/tile/bits_x", Type::integer, 2, 8, {}, 8, "bit", "OPU row (time-coded) width incl. sign"},
        {"/tile/bits_delta", Type::integer, 2, 8, {}, 4, "bit", "OPU column (voltage-coded) width incl. sign"},
        {"/tile/pulse_unit_ns", Type::number, 0.001, 1000, {}, 1.0, "ns", "LSB pulse length (M18: 1 ns; 7 ns in the 2-bit design)", analog()},
        {"/tile/activity", Type::string, 0, 0, {"nominal", "data"}, "nominal", "", "switching activity for energy: the paper's 50 % or the real operands", analog()},
        {"/tile/read_noise", Type::number, 0, 1, {}, 0.0, "fraction of range", "Gaussian read noise per cell per read", analog()},
        {"/tile/adc/type", Type::string, 0, 0, {"ramp", "sar"}, "ramp", "", "ADC bank converter: the reference's shared-ramp ADC or a SAR ADC (technology adc_sar.*)", analog()},
        {"/tile/adc/columns_per_adc", Type::integer, 1, 4096, {}, 1, "", "adjacent lines sharing one converter through a mux (columns in VMM, rows in MVM): their conversions serialize; must divide rows and cols", analog()},
        {"/tile/adc/shared", Type::boolean, 0, 0, {}, false, "", "one ADC bank serves all the tile's cores (their conversions serialize; one bank's area) instead of one bank per core", shared_adc()},
        {"/tile/buffers/input_bytes", Type::integer, 1, kBuf, {}, std::uint64_t(regmap::kBufBytes), "byte", "input SRAM buffer (IN_BUF, int8 codes); at least one vector, max(rows, cols)", {}, window_room()},
        {"/tile/buffers/output_bytes", Type::integer, 1, kBuf, {}, std::uint64_t(regmap::kBufBytes), "byte", "output SRAM buffer (OUT_BUF, int8 codes); at least one vector, max(rows, cols)", {}, window_room()},
        {"/tile/digital_unit/lanes", Type::integer, 1, kBuf, {}, du::Params{}.lanes, "", "elementwise lanes of the tile's digital unit: an op on n elements takes ceil(n / lanes) clocks", {},
         "an op has at most " + std::to_string(regmap::kBufBytes) + " elements, a buffer of codes"},
        {"/tile/dma_burst_bytes", Type::integer, 4, 65536, {}, 4096, "byte", "largest burst the tile's DMA issues"},
        {"/tile/device/model", Type::string, 0, 0, {"ideal", "analytic", "lut"}, "ideal", "", "conductance-update model of the cells", analog()},
        {"/tile/device/alpha", Type::number, 0, 50, {}, 0.0, "", "analytic: nonlinearity alpha (0 = linear)", device("analytic")},
        {"/tile/device/symmetric", Type::boolean, 0, 0, {}, false, "", "analytic: symmetric (logistic) form instead of the asymmetric one", device("analytic")},
        {"/tile/device/write_noise", Type::number, 0, 10, {}, 0.0, "", "analytic: write-noise sigma_wn; sigma = sigma_wn sqrt(|dw| range)", device("analytic")},
        {"/tile/device/lut_increasing", Type::string, 0, 0, {}, "", "path", "lut: dG table for increasing pulses (CrossSim text format, .txt or .txt.gz), relative to the scenario file", device("lut")},
        {"/tile/device/lut_decreasing", Type::string, 0, 0, {}, "", "path", "lut: dG table for decreasing pulses", device("lut")},
        {"/tile/device/lut_mode", Type::string, 0, 0, {"scaled", "pulses"}, "scaled", "", "lut: CrossSim's scaled single draw, or a literal pulse train", device("lut")},
        {"/tile/device/lut_g_min_relative", Type::number, 0, 1, {}, 0.1, "", "lut: fraction of the table's G span mapped to weight -1", device("lut")},
        {"/tile/device/lut_g_max_relative", Type::number, 0, 1, {}, 0.9, "", "lut: fraction of the table's G span mapped to weight +1", device("lut")},
        {"/tile/carry/cells", Type::integer, 1, 8, {}, 1, "", "periodic carry: cells (digit arrays) per weight; 1 = no carry", analog()},
        {"/tile/carry/base", Type::integer, 2, 64, {}, 5, "", "periodic carry: number base between digits", carry()},
        {"/tile/carry/threshold", Type::number, 0.01, 1, {}, 0.5, "fraction of range", "periodic carry: digits beyond this are carried", carry()},
        {"/tile/carry/every", Type::integer, 1, 1e9, {}, 10, "updates", "periodic carry: OPUs between carries", carry()},
        {"/outputs/vcd", Type::boolean, 0, 0, {}, true, "", "write waves.vcd"},
        {"/outputs/trace", Type::boolean, 0, 0, {}, true, "", "write trace.json"},
        {"/outputs/trace_max_events", Type::integer, 0, 1e8, {}, 2000000, "", "events kept in trace.json (the rest are counted as dropped)", traced()},
        {"/outputs/trace_level", Type::string, 0, 0, {"kernels", "all"}, "kernels", "", "trace.json detail: kernels, DMA, firmware phases and power counters; all adds every bus transfer and per-sample firmware phases", traced()},
        {"/outputs/power_window_ns", Type::number, 1, 1e9, {}, 1000.0, "ns", "power.csv window (doubled as needed to keep at most 65,536 windows)"},
    };
    return f;
}

namespace {
const char* type_name(Type t);

std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// "/tile/variant is analog_reram and /tile/carry/cells is not 1" ("" when always).
std::string applies_text(const std::vector<Applies>& applies) {
    std::string out;
    for (const auto& a : applies) {
        std::string values;
        for (const auto& v : a.values) values += (values.empty() ? "" : " or ") + value_text(v);
        out += (out.empty() ? "" : " and ") + a.path + (a.negate ? " is not " : " is ") + values;
    }
    return out;
}

bool clause_holds(const Applies& a, const json& effective) {
    const json& v = effective.at(json::json_pointer(a.path));
    const bool match = std::find(a.values.begin(), a.values.end(), v) != a.values.end();
    return match != a.negate;
}
}  // namespace
Scenario parse_scenario_checked(const json& doc, const std::string& file);

std::string schema_markdown() {
    std::ostringstream os;
    os << "# Scenario fields\n\n"
          "Generated by `xbar-vp schema` from the table in `platform/scenario.cpp` that validation uses, so it\n"
          "cannot drift from what is accepted (a test compares this file with the command's output).\n"
          "A scenario is a JSON object; every field is optional unless its default is \"required\"; unknown\n"
          "keys are errors. Paths are JSON pointers.\n\n"
          "The last column says when a field has an effect: a field you write that has none under the\n"
          "chosen program, variant or model is a warning (an error with `--strict`).\n\n"
          "| field | type | range / values | default | unit | meaning | applies when |\n"
          "|---|---|---|---|---|---|---|\n";
    for (const auto& f : scenario_fields()) {
        std::string range;
        if (f.type == Type::integer || f.type == Type::number || f.type == Type::integer_list || f.type == Type::tiles) {
            std::ostringstream r;
            r << std::setprecision(17) << "[" << f.min << ", " << f.max << "]";
            range = r.str();
        } else if (!f.choices.empty()) {
            for (const auto& c : f.choices) range += (range.empty() ? "" : ", ") + c;
        }
        std::string dflt = f.dflt.is_null() ? "required" : f.dflt.dump();
        if (f.path == "/name") dflt = "file name";
        std::string type = type_name(f.type);
        if (type.rfind("a ", 0) == 0) type = type.substr(2);
        if (type.rfind("an ", 0) == 0) type = type.substr(3);
        const std::string when = applies_text(f.applies);
        os << "| `" << f.path << "` | " << type << " | " << range << " | `" << dflt << "` | " << f.unit << " | " << f.doc
           << " | " << (when.empty() ? "always" : when) << " |\n";
    }
    os << technology_markdown();
    return os.str();
}

namespace {

const char* type_name(Type t) {
    switch (t) {
        case Type::integer: return "an integer";
        case Type::number: return "a number";
        case Type::boolean: return "true or false";
        case Type::string: return "a string";
        case Type::integer_list: return "a list of integers";
        case Type::object: return "an object";
        case Type::tiles: return "an integer or a list of tile objects";
    }
    return "?";
}

std::string describe(const json& v) {
    // Replace invalid UTF-8 instead of throwing: messages must be built from any input.
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    const char* t = v.is_object() ? "an object" : v.is_array() ? "an array" : v.is_string() ? "a string"
                    : v.is_boolean() ? "a boolean" : v.is_number() ? "a number" : "null";
    return std::string(t) + " (" + s + ")";
}


std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> d(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t prev = d[0];
        d[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cur = d[j];
            d[j] = std::min({d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1])});
            prev = cur;
        }
    }
    return d[b.size()];
}

// Scenario fields that became technology entries (old scenarios get a pointer to the new place).
const char* moved_to_technology(const std::string& path) {
    if (path == "/platform/interconnect/wire_c_af_per_um") return "interconnect.wire_c_af_per_um";
    if (path == "/platform/interconnect/voltage") return "interconnect.voltage";
    if (path == "/platform/dram/latency_ns") return "dram.latency_ns";
    if (path == "/platform/dram/bandwidth_gb_s") return "dram.bandwidth_gb_s";
    return nullptr;
}

class Validator {
public:
    explicit Validator(std::string file) : m_file(std::move(file)) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw ScenarioError(m_file + ": " + (path.empty() ? "/" : shown(path)) + ": " + what);
    }
    // The same checks for a tile object written elsewhere: messages name `at` for "/tile".
    Validator for_tile(const std::string& at) const {
        Validator v(m_file);
        v.m_tile_at = at;
        return v;
    }
    std::string shown(const std::string& path) const {
        if (m_tile_at.empty() || path.compare(0, 5, "/tile") != 0) return path;
        return m_tile_at + path.substr(5);
    }

    const FieldSpec* leaf(const std::string& path) const {
        for (const auto& f : scenario_fields())
            if (f.path == path) return &f;
        return nullptr;
    }
    bool is_object_path(const std::string& path) const {
        for (const auto& f : scenario_fields())
            if (f.path.compare(0, path.size() + 1, path + "/") == 0) return true;
        return false;
    }
    std::vector<std::string> children(const std::string& path) const {
        std::vector<std::string> out;
        for (const auto& f : scenario_fields())
            if (f.path.compare(0, path.size() + 1, path + "/") == 0) {
                const std::string rest = f.path.substr(path.size() + 1);
                const std::string key = rest.substr(0, rest.find('/'));
                if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
            }
        return out;
    }

    void check_leaf(const FieldSpec& f, const json& v) const {
        switch (f.type) {
            case Type::integer: {
                if (!v.is_number()) fail(f.path, std::string("expected ") + type_name(f.type) + ", got " + describe(v));
                const double d = v.get<double>();
                if (!v.is_number_integer() && std::floor(d) != d)
                    fail(f.path, std::string("expected an integer, got ") + describe(v));
                check_range(f, d);
                break;
            }
            case Type::number: {
                if (!v.is_number()) fail(f.path, std::string("expected ") + type_name(f.type) + ", got " + describe(v));
                const double d = v.get<double>();
                if (!std::isfinite(d)) fail(f.path, "expected a finite number");
                check_range(f, d);
                break;
            }
            case Type::boolean:
                if (!v.is_boolean()) fail(f.path, std::string("expected true or false, got ") + describe(v));
                break;
            case Type::integer_list: {
                if (!v.is_array() || v.size() < 2 || v.size() > 8)
                    fail(f.path, "expected a list of 2 to 8 integers, got " + describe(v));
                for (std::size_t k = 0; k < v.size(); ++k) {
                    const std::string p = f.path + "/" + std::to_string(k);
                    if (!v[k].is_number_integer()) fail(p, "expected an integer, got " + describe(v[k]));
                    const double d = v[k].get<double>();
                    if (d < f.min || d > f.max) {
                        std::ostringstream os;
                        os << "expected a value in [" << f.min << ", " << f.max << "], got " << d;
                        fail(p, os.str());
                    }
                }
                break;
            }
            case Type::tiles:  // a count here; a list is walked element by element (walk_tiles)
                if (!v.is_number()) fail(f.path, std::string("expected ") + type_name(f.type) + ", got " + describe(v));
                if (!v.is_number_integer() && std::floor(v.get<double>()) != v.get<double>())
                    fail(f.path, std::string("expected an integer, got ") + describe(v));
                check_range(f, v.get<double>());
                break;
            case Type::object:  // its content is checked by its own reader (technology overrides)
                if (!v.is_object()) fail(f.path, std::string("expected an object, got ") + describe(v));
                break;
            case Type::string: {
                if (!v.is_string()) fail(f.path, std::string("expected a string, got ") + describe(v));
                if (!f.choices.empty() &&
                    std::find(f.choices.begin(), f.choices.end(), v.get<std::string>()) == f.choices.end()) {
                    std::string list;
                    for (const auto& c : f.choices) list += (list.empty() ? "" : ", ") + c;
                    fail(f.path, "expected one of [" + list + "], got \"" + v.get<std::string>() + "\"");
                }
                break;
            }
        }
    }

    void check_range(const FieldSpec& f, double d) const {
        if (d < f.min || d > f.max) {
            std::ostringstream os;
            os << std::setprecision(15) << "expected a value in [" << f.min << ", " << f.max << "]"
               << (f.unit.empty() ? "" : " " + f.unit)
               << ", got " << d;
            if (d > f.max && !f.above_max.empty()) os << " (" << f.above_max << ")";
            fail(f.path, os.str());
        }
    }

    // Recursion is bounded by the field table (objects nest 3 levels); `written` collects the
    // leaf fields present in the document.
    void walk(const json& obj, const std::string& path, std::vector<std::string>& written) const {
        if (!obj.is_object()) fail(path, "expected an object, got " + describe(obj));
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string child = path + "/" + pointer_escape(it.key());
            if (const FieldSpec* f = leaf(child)) {
                if (f->type == Type::tiles && it.value().is_array()) {
                    walk_tiles(*f, it.value(), written);
                    continue;
                }
                check_leaf(*f, it.value());
                written.push_back(child);
            } else if (is_object_path(child)) {
                walk(it.value(), child, written);
            } else if (const char* entry = moved_to_technology(child)) {
                fail(child, std::string("moved to the technology: set the entry \"") + entry +
                                "\" in /technology/overrides (or in the technology file)");
            } else {
                std::string msg = "unknown key \"" + it.key() + "\"";
                const std::string best = nearest_key(it.key(), children(path));
                if (!best.empty()) msg += " (did you mean \"" + best + "\"?)";
                auto keys = children(path);
                std::string list;
                for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
                fail(child, msg + "; expected one of: " + list);
            }
        }
    }

    // A /platform/tiles list: 1 to max tile objects, each checked like /tile; the fields written
    // are recorded at their own place (/platform/tiles/<k>/...).
    void walk_tiles(const FieldSpec& f, const json& list, std::vector<std::string>& written) const {
        if (list.empty() || double(list.size()) > f.max)
            fail(f.path, "expected a list of 1 to " + std::to_string(int(f.max)) + " tile objects, got " + describe(list));
        for (std::size_t k = 0; k < list.size(); ++k) {
            const std::string at = f.path + "/" + std::to_string(k);
            const Validator sub = for_tile(at);
            std::vector<std::string> w;
            sub.walk(list[k], "/tile", w);
            for (const auto& p : w) written.push_back(sub.shown(p));
        }
    }

private:
    std::string m_file;
    std::string m_tile_at;  // messages name this place for /tile (a /platform/tiles element)
};

// Depth of a parsed document without recursion (documents built by other readers may be deep).
void check_depth(const json& doc, const std::string& file) {
    std::vector<std::pair<const json*, int>> todo{{&doc, 1}};
    while (!todo.empty()) {
        const auto [v, depth] = todo.back();
        todo.pop_back();
        if (!v->is_structured()) continue;
        if (depth > kMaxJsonDepth)
            throw ScenarioError(file + ": /: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (a scenario nests 3)");
        for (const auto& child : *v) todo.push_back({&child, depth + 1});
    }
}

// The lookup table named by the field `path`, relative to the scenario file; a path that is not
// a readable regular file, or a bad table, is a ScenarioError at `path` (never a blocking open).
std::shared_ptr<const device::LookupTable> load_table(const json& eff, const char* path, const Validator& v,
                                                      const std::string& file) {
    const std::string rel = eff.at(json::json_pointer(path)).get<std::string>();
    if (rel.empty()) v.fail(path, "required when /tile/device/model is \"lut\": a lookup-table file");
    std::filesystem::path f(rel);
    if (f.is_relative()) f = std::filesystem::path(file).parent_path() / f;
    try {
        check_input_file(f, "lookup-table");
        return std::make_shared<const device::LookupTable>(device::load_lut(f.string()));
    } catch (const InputError& e) {
        v.fail(path, std::string("bad lookup table: ") + e.what());
    } catch (const device::LutError& e) {
        v.fail(path, std::string("bad lookup table: ") + e.what());
    }
}

// Tables are loaded and checked as a pair here (what the LUT device would reject at run time:
// swapped tables, different G bins or CDF points, all-zero tables), so they are exit 2.
void load_lut_pair(TileSpec& t, const json& doc, const Validator& v, const std::string& file) {
    t.lut_increasing = load_table(doc, "/tile/device/lut_increasing", v, file);
    t.lut_decreasing = load_table(doc, "/tile/device/lut_decreasing", v, file);
    try {
        device::check_lut_pair(*t.lut_increasing, *t.lut_decreasing, t.lut_g_min_relative, t.lut_g_max_relative);
    } catch (const device::LutPairError& e) {
        v.fail(e.side() == device::LutSide::increasing ? "/tile/device/lut_increasing" : "/tile/device/lut_decreasing",
               std::string("bad lookup-table pair: ") + e.what());
    }
}

// The technology the scenario names (relative to the scenario file; "" = the default) with its
// overrides. A bad file's message names that file and its JSON path, then the scenario field.
Technology load_scenario_technology(const json& eff, const std::string& file) {
    const std::string rel = eff.at(json::json_pointer("/technology/file")).get<std::string>();
    std::filesystem::path f(rel.empty() ? default_technology_path() : rel);
    if (f.is_relative()) f = std::filesystem::path(file).parent_path() / f;
    Technology t;
    try {
        t = load_technology(f.string());
    } catch (const InputError& e) {
        throw ScenarioError(file + ": /technology/file: bad technology file: " + e.what());
    } catch (const ScenarioError& e) {
        throw ScenarioError(std::string(e.what()) + " (the technology of " + file + ", /technology/file)");
    }
    t.file = rel;
    apply_overrides(t, eff.at(json::json_pointer("/technology/overrides")), file, "/technology/overrides");
    return t;
}

}  // namespace

std::string nearest_key(const std::string& key, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = 3;  // suggest only close matches
    for (const auto& k : candidates) {
        const std::size_t d = edit_distance(key, k);
        if (d < best_d) best_d = d, best = k;
    }
    return best;
}

void check_run_name(const std::string& name, const std::string& file) {
    auto bad = [&](const std::string& why) {
        throw ScenarioError(file + ": /name: " + why + " (the name is the output folder's name; without \"name\" it is the file name)");
    };
    if (name.empty()) bad("expected a non-empty name");
    if (name.size() > kMaxNameBytes)
        bad("expected at most " + std::to_string(kMaxNameBytes) + " bytes, got " + std::to_string(name.size()));
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) bad("expected no control characters (such as NUL or a newline)");
        if (c == '/' || c == '\\') bad("expected a name without path separators ('/' or '\\')");
    }
    if (name == "." || name == "..") bad("expected a name other than \".\" or \"..\"");
    if (name.front() == '.') bad("expected a name that does not start with '.' (hidden and temporary folders do)");
}

namespace {
// One tile's fields from `doc`, a document whose /tile is the tile's object with every default
// filled in; `v` names the place the tile was written in its messages.
TileSpec read_tile(const json& doc, const Validator& v, const std::string& file) {
    auto get = [&](const char* path) -> const json& { return doc.at(json::json_pointer(path)); };
    auto i32 = [&](const char* path) { return static_cast<int>(get(path).get<double>()); };
    auto num = [&](const char* path) { return get(path).get<double>(); };
    auto str = [&](const char* path) { return get(path).get<std::string>(); };
    TileSpec t;
    t.path = v.shown("/tile");
    t.variant = str("/tile/variant");
    t.rows = i32("/tile/rows");
    t.cols = i32("/tile/cols");
    t.bits_in = i32("/tile/bits_in");
    t.bits_out = i32("/tile/bits_out");
    t.bits_x = i32("/tile/bits_x");
    t.bits_delta = i32("/tile/bits_delta");
    t.pulse_unit_ns = num("/tile/pulse_unit_ns");
    t.activity = str("/tile/activity");
    t.read_noise = num("/tile/read_noise");
    t.dma_burst_bytes = static_cast<std::uint32_t>(num("/tile/dma_burst_bytes"));
    t.adc_type = str("/tile/adc/type");
    t.columns_per_adc = i32("/tile/adc/columns_per_adc");
    t.device_model = str("/tile/device/model");
    t.device_alpha = num("/tile/device/alpha");
    t.device_symmetric = get("/tile/device/symmetric").get<bool>();
    t.device_write_noise = num("/tile/device/write_noise");
    t.lut_mode = str("/tile/device/lut_mode");
    t.lut_g_min_relative = num("/tile/device/lut_g_min_relative");
    t.lut_g_max_relative = num("/tile/device/lut_g_max_relative");
    t.carry_cells = i32("/tile/carry/cells");
    t.carry_base = i32("/tile/carry/base");
    t.carry_threshold = num("/tile/carry/threshold");
    t.carry_every = i32("/tile/carry/every");
    t.cores = i32("/tile/cores");
    t.adc_shared = get("/tile/adc/shared").get<bool>();
    t.in_buf_bytes = static_cast<std::uint32_t>(num("/tile/buffers/input_bytes"));
    t.out_buf_bytes = static_cast<std::uint32_t>(num("/tile/buffers/output_bytes"));
    t.du_lanes = i32("/tile/digital_unit/lanes");
    if (t.lut_g_min_relative >= t.lut_g_max_relative)
        v.fail("/tile/device/lut_g_max_relative", "expected a value above lut_g_min_relative");
    if (t.device_model == "lut") load_lut_pair(t, doc, v, file);
    if (t.rows % t.columns_per_adc || t.cols % t.columns_per_adc)
        v.fail("/tile/adc/columns_per_adc", "a divisor of " + v.shown("/tile/rows") + " (" + std::to_string(t.rows) + ") and " +
                                                v.shown("/tile/cols") + " (" + std::to_string(t.cols) +
                                                "): the bank serves rows in MVM and columns in VMM");
    // A VMM reads rows codes from IN_BUF and writes cols codes to OUT_BUF, an MVM the reverse: each
    // buffer holds at least one vector of either length.
    const std::uint32_t vector = std::uint32_t(std::max(t.rows, t.cols));
    for (const auto& [path, bytes] : {std::pair{"/tile/buffers/input_bytes", t.in_buf_bytes},
                                      std::pair{"/tile/buffers/output_bytes", t.out_buf_bytes}})
        if (bytes < vector)
            v.fail(path, "expected at least " + std::to_string(vector) + " bytes, got " + std::to_string(bytes) +
                             ": smaller than one vector (max(rows, cols) = " + std::to_string(vector) +
                             " bytes; a VMM reads rows codes and writes cols codes, an MVM the reverse)");
    return t;
}

// The tiles: /platform/tiles copies of /tile, or one per element of a /platform/tiles list, the
// element merged over /tile.
std::vector<TileSpec> read_tiles(const json& eff, const Validator& v, const std::string& file) {
    const json& tiles = eff.at(json::json_pointer("/platform/tiles"));
    const json& tile = eff.at("tile");
    if (!tiles.is_array())
        return std::vector<TileSpec>(std::size_t(tiles.get<double>()), read_tile(eff, v, file));
    std::vector<TileSpec> out;
    for (std::size_t k = 0; k < tiles.size(); ++k) {
        json doc = {{"tile", tile}};
        doc["tile"].merge_patch(tiles[k]);
        out.push_back(read_tile(doc, v.for_tile("/platform/tiles/" + std::to_string(k)), file));
    }
    return out;
}
}  // namespace

bool Scenario::mixed() const {
    for (const auto& t : tile_specs)
        if (t.variant != tile_specs.front().variant) return true;
    return false;
}

Scenario parse_scenario(const json& doc, const std::string& file) {
    try {
        return parse_scenario_checked(doc, file);
    } catch (const ScenarioError&) {
        throw;
    } catch (const std::exception& e) {  // nothing but ScenarioError may leave the parser
        throw ScenarioError(file + ": /: cannot be read as a scenario (" + e.what() + ")");
    }
}

Scenario parse_scenario_checked(const json& doc, const std::string& file) {
    Validator v(file);
    check_depth(doc, file);
    std::vector<std::string> written;
    v.walk(doc, "", written);
    json eff = doc;
    for (const auto& f : scenario_fields()) {
        const json::json_pointer p(f.path);
        if (!eff.contains(p)) {
            if (f.path == "/name") {
                eff[p] = std::filesystem::path(file).stem().string();
                continue;
            }
            if (f.dflt.is_null()) v.fail(f.path, "required field is missing");
            eff[p] = f.dflt;
        }
    }
    auto get = [&](const char* path) -> const json& { return eff.at(json::json_pointer(path)); };
    auto u64 = [&](const char* path) { return static_cast<std::uint64_t>(get(path).get<double>()); };
    auto i32 = [&](const char* path) { return static_cast<int>(get(path).get<double>()); };
    auto num = [&](const char* path) { return get(path).get<double>(); };

    Scenario s;
    s.file = file;
    s.written = std::move(written);
    s.name = get("/name").get<std::string>();
    check_run_name(s.name, file);
    s.seed = u64("/seed");
    s.program = get("/firmware/program").get<std::string>();
    for (const char* k : {"size", "vmm_count", "mvm_count", "epochs", "learning_rate", "lr_decay", "batch_size", "train_limit", "fault",
                          "test_limit", "fwd_fullscale", "bwd_fullscale", "init_scale"})
        s.firmware_args[k] = num((std::string("/firmware/") + k).c_str());
    s.layers = get("/firmware/layers").get<std::vector<int>>();
    s.activation = get("/firmware/activation").get<std::string>();
    s.output_activation = get("/firmware/output_activation").get<std::string>();
    s.dataset = get("/firmware/dataset").get<std::string>();
    s.quantum_ns = num("/platform/quantum_ns");
    s.dram_base = u64("/platform/dram/base");
    s.dram_size = u64("/platform/dram/size_mib") << 20;
    s.tile_base = u64("/platform/tile_map/base");
    s.tile_stride = u64("/platform/tile_map/stride");
    s.hop_latency_ns = num("/platform/interconnect/hop_latency_ns");
    s.link_bytes_per_ns = num("/platform/interconnect/bandwidth_gb_s");
    s.wire_length_um = num("/platform/interconnect/wire_length_um");
    s.wire_activity = num("/platform/interconnect/activity");
    s.tile_specs = read_tiles(eff, v, file);
    s.tiles = int(s.tile_specs.size());
    s.technology = load_scenario_technology(eff, file);
    s.write_vcd = get("/outputs/vcd").get<bool>();
    s.write_trace = get("/outputs/trace").get<bool>();
    s.trace_max_events = u64("/outputs/trace_max_events");
    s.trace_level = get("/outputs/trace_level").get<std::string>();
    s.power_window_ns = num("/outputs/power_window_ns");

    // Cross-field rules.
    const std::uint64_t tiles_end = s.tile_base + std::uint64_t(s.tiles) * s.tile_stride;
    if (s.dram_base < tiles_end && s.tile_base < s.dram_base + s.dram_size) {
        std::ostringstream os;
        os << "tile windows [0x" << std::hex << s.tile_base << ", 0x" << tiles_end << ") overlap DRAM [0x"
           << s.dram_base << ", 0x" << s.dram_base + s.dram_size << ")";
        v.fail("/platform/tile_map/base", os.str());
    }
    const TileSpec& t0 = s.tile(0);
    if (s.program == "quickstart") {
        const int n = int(s.firmware_args["size"]);
        if (n > t0.rows || n > t0.cols)
            v.fail("/firmware/size", "expected at most tile 0's size " + std::to_string(std::min(t0.rows, t0.cols)) +
                                         ", got " + std::to_string(n));
    }
    if (s.program == "train_mlp") {
        const int dim = s.dataset == "digits" ? 64 : 784;
        if (s.layers.front() != dim || s.layers.back() != 10)
            v.fail("/firmware/layers", "the " + s.dataset + " dataset needs " + std::to_string(dim) +
                                           " inputs and 10 outputs, e.g. [" + std::to_string(dim) + ", " +
                                           (dim == 64 ? "36" : "300") + ", 10]");
        // Layers are cut into row chunks placed as blocks over the tiles' cores (firmware/mlp_placement.h).
        long rows = 0, capacity = 0;
        int widest = 0;
        for (const auto& t : s.tile_specs) capacity += long(t.rows) * t.cores, widest = std::max(widest, t.cols);
        for (std::size_t l = 0; l + 1 < s.layers.size(); ++l) {
            rows += s.layers[l] + 1;
            if (s.layers[l + 1] > widest)
                v.fail("/firmware/layers/" + std::to_string(l + 1), "a layer's outputs must fit one tile's " +
                                                                       std::to_string(widest) + " columns");
        }
        if (rows > capacity)
            v.fail("/firmware/layers", "the layers need " + std::to_string(rows) + " rows (bias rows included), the " +
                                           std::to_string(s.tiles) + " tile(s)' cores have " + std::to_string(capacity));
        for (const auto& t : s.tile_specs) {
            const Validator tv = t.path == "/tile" ? v : v.for_tile(t.path);
            if (t.bits_x != t.bits_in) tv.fail("/tile/bits_x", "train_mlp reuses the forward input codes for the update: bits_x must equal bits_in");
            // The firmware codes every tile's vectors alike (it reads tile 0's BITS register).
            for (const auto& [name, a, b] : {std::tuple{"bits_in", t.bits_in, t0.bits_in}, std::tuple{"bits_out", t.bits_out, t0.bits_out},
                                             std::tuple{"bits_delta", t.bits_delta, t0.bits_delta}})
                if (a != b)
                    tv.fail(std::string("/tile/") + name, std::string("train_mlp uses one code format on every tile: expected ") +
                                                              std::to_string(b) + " as on tile 0, got " + std::to_string(a));
        }
    }
    // Firmware stages a whole float32 weight matrix in DRAM before programming it.
    for (const auto& t : s.tile_specs)
        if (std::uint64_t(t.rows) * t.cols * 4 > s.dram_size)
            v.fail("/platform/dram/size_mib", "DRAM must hold one float32 weight matrix of a tile (" +
                                                   std::to_string(std::uint64_t(t.rows) * t.cols * 4 >> 20) + " MiB)");
    s.effective = eff;
    return s;
}

Scenario load_scenario(const std::string& path) {
    return parse_scenario(load_json_input(path, "scenario"), path);
}

Scenario parse_scenario_text(const std::string& text, const std::string& path) {
    return parse_scenario(parse_json_input(text, path), path);
}

Scenario override_scenario(const Scenario& s, const json& overrides) {
    json doc = s.effective;
    doc.merge_patch(overrides);
    Scenario out = parse_scenario(doc, s.file);
    out.written = s.written;
    return out;
}

namespace {
// The effective document as tile k sees it: /tile replaced by tile k's merged object.
std::vector<json> tile_documents(const Scenario& s) {
    const json& list = s.effective.at(json::json_pointer("/platform/tiles"));
    if (!list.is_array()) return {s.effective};
    std::vector<json> out;
    for (const auto& element : list) {
        json doc = s.effective;
        doc["tile"].merge_patch(element);
        out.push_back(std::move(doc));
    }
    return out;
}

// The first clause of `f` that fails in `doc` (nullptr: the field has an effect there).
const Applies* failing_clause(const FieldSpec& f, const json& doc) {
    for (const auto& a : f.applies)
        if (!clause_holds(a, doc)) return &a;
    return nullptr;
}

std::string no_effect(const Scenario& s, const std::string& at, const FieldSpec& f, const Applies& a, const json& doc,
                      const std::string& tile_at) {
    std::string where = a.path;
    if (!tile_at.empty() && where.rfind("/tile", 0) == 0) where = tile_at + where.substr(5);
    return s.file + ": " + at + ": has no effect: it applies only when " + applies_text(f.applies) + ", but " + where +
           " is " + value_text(doc.at(json::json_pointer(a.path))) + " (remove the field)";
}

// Fields the document writes that no tile (or the firmware) uses.
void field_warnings(const Scenario& s, std::vector<std::string>& out) {
    const std::vector<json> docs = tile_documents(s);
    const bool list = s.effective.at(json::json_pointer("/platform/tiles")).is_array();
    for (const auto& f : scenario_fields()) {
        if (std::find(s.written.begin(), s.written.end(), f.path) != s.written.end()) {
            // /tile under a list: without effect only if it has none on every tile
            const Applies* a = nullptr;
            std::size_t k = 0;
            for (; k < docs.size(); ++k)
                if (!(a = failing_clause(f, docs[k]))) break;
            if (a && k == docs.size()) out.push_back(no_effect(s, f.path, f, *a, docs.back(), list ? s.tile(int(docs.size()) - 1).path : ""));
        }
        if (!list || f.path.rfind("/tile/", 0) != 0) continue;
        for (std::size_t k = 0; k < docs.size(); ++k) {  // the same field written in tile k's element
            const std::string at = s.tile(int(k)).path + f.path.substr(5);
            if (std::find(s.written.begin(), s.written.end(), at) == s.written.end()) continue;
            if (const Applies* a = failing_clause(f, docs[k])) out.push_back(no_effect(s, at, f, *a, docs[k], s.tile(int(k)).path));
        }
    }
}

// Technology overrides no tile uses: an entry of another variant (an SRAM figure on analog tiles),
// a MAC figure of another design width (the digital cores take the 4- or 2-bit design for bits_in
// 4 or 2, else the 8-bit one), the unused converter's entries, the ON/OFF ratio with nominal
// activity (it reaches only the data-activity read current).
std::string override_unused(const TechEntrySpec& e, const TileSpec& t) {
    const auto used = entry_variants(e);
    if (std::find(used.begin(), used.end(), t.variant) == used.end()) {
        std::string list;
        for (const auto& u : used) list += (list.empty() ? "" : " or ") + u;
        return "the entry applies only when /tile/variant is " + list + ", but " + t.path + "/variant is " + t.variant;
    }
    const int design = t.bits_in == 4 || t.bits_in == 2 ? t.bits_in : 8;
    const bool digital = t.variant == "digital_reram" || t.variant == "sram";
    const bool design_only = !e.targets.empty() && std::all_of(e.targets.begin(), e.targets.end(),
                                                               [](const TechTarget& x) { return x.design_bits != 0; });
    const bool this_design = std::any_of(e.targets.begin(), e.targets.end(), [&](const TechTarget& x) { return x.design_bits == design; });
    if (digital && design_only && !this_design)
        return "the entry applies only to another MAC design width, but " + t.path + "/bits_in " + std::to_string(t.bits_in) +
               " selects the " + std::to_string(design) + "-bit design";
    const bool sar_entry = e.name.rfind("adc_sar.", 0) == 0, ramp_entry = e.name.rfind("adc.", 0) == 0;
    if (t.variant == "analog_reram" && ((sar_entry && t.adc_type != "sar") || (ramp_entry && t.adc_type != "ramp")))
        return std::string("the entry applies only when /tile/adc/type is ") + (sar_entry ? "sar" : "ramp") + ", but " + t.path +
               "/adc/type is " + t.adc_type;
    if (e.name == "analog_cell.on_off_ratio" && t.variant == "analog_reram" && t.activity == "nominal")
        return "the entry applies only when /tile/activity is data, but " + t.path + "/activity is nominal";
    return "";
}
}  // namespace

std::vector<std::string> scenario_warnings(const Scenario& s) {
    std::vector<std::string> out;
    field_warnings(s, out);
    for (const auto& [name, v] : s.effective.at(json::json_pointer("/technology/overrides")).items())
        for (const auto& e : technology_entries()) {
            if (e.name != name) continue;
            std::string why;
            for (const auto& t : s.tile_specs) {
                why = override_unused(e, t);
                if (why.empty()) break;  // some tile uses it
            }
            if (!why.empty())
                out.push_back(s.file + ": /technology/overrides/" + name + ": has no effect: " + why + " (remove the override)");
        }
    return out;
}

void report_warnings(const Scenario& s, bool strict, std::ostream& err) {
    const std::vector<std::string> w = scenario_warnings(s);
    if (w.empty()) return;
    if (strict) {
        std::string msg;
        for (const auto& line : w) msg += (msg.empty() ? "" : "; ") + line;
        throw ScenarioError(msg + " [--strict makes fields without effect errors]");
    }
    for (const auto& line : w) err << "xbar-vp: warning: " << line << "\n";
}

std::uint64_t parse_seed_option(const std::string& text) {
    const FieldSpec* seed = nullptr;
    for (const auto& f : scenario_fields())
        if (f.path == "/seed") seed = &f;
    std::ostringstream range;
    range << std::setprecision(17) << "[" << seed->min << ", " << seed->max << "]";
    const bool digits = !text.empty() && text.size() <= 16 && text.find_first_not_of("0123456789") == std::string::npos;
    const double value = digits ? std::stod(text) : -1;
    if (!digits || value < seed->min || value > seed->max)
        throw ScenarioError("--seed: expected an integer in " + range.str() + " (the range of /seed), got '" + text + "'");
    return std::stoull(text);
}

}  // namespace xbar::platform
