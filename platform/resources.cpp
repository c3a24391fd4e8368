#include "platform/resources.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace xbar::platform {

namespace {

// Calibration: peak RSS ("Maximum resident set size" of /usr/bin/time -v) of release builds of
// `xbar-vp run` on Debian 12 x86-64, VCD off, --max-memory 100G:
//   64x64 tile, quickstart n=16, 20 kernels, trace off ................... 10.9 MB (the base)
//   1024^2 / 4096^2 analog tile, same program ............................ 14.8 / 76.3 MB
//   4096^2 analog, 8 carry cells (8 digit arrays + combined weights) ...... 600.7 MB
//   8 tiles of 2048^2 analog .............................................. 144.7 MB
//   4096^2 digital ReRAM .................................................. 27.1 MB
//   4096^2 analog, paper_kernels (whole matrix staged) .................... 273.9 MB
//   16 GiB DRAM (lazily mapped), 64x64 tile .............................. 10.9 MB
//   quickstart 64x64, 200,000 kernels: trace off 33.2 MB, on (319,836 events) 184.4 MB
//   train_mlp digits 64-36-10 (26,500 kernels per epoch): 1 epoch 17.7 MB, 2 epochs 24.3 MB
//   train_mlp fashion (70,000 x 785-byte records staged), 10 samples ....... 189.5 MB
//   validate with the TaOx tables (2 x 501 x 501 entries, 3.9 MB text each) 19.8 MB
//   4096^2 paper_kernels: analytic device 273.8 MB, TaOx LUT 282.6 MB, TaOx LUT with 4 carry
//   cells 548.1 MB (this estimate: 285.2, 295.3 and 569.7 MB: within 5 %, never below)
// The device models keep no per-cell state beyond the digit arrays (analytic and LUT devices
// hold per-column scratch and, for a LUT, a float copy of both tables per digit array).
// Hence 4 bytes per analog cell and digit array, 1 per digital cell, 12 per staged weight
// (firmware vector, DRAM, tile copy), ~480 per trace event (stored event plus its trace.json
// text twice), ~250 per kernel in the energy ledger, ~3.2 copies of a staged dataset.
constexpr std::uint64_t kProcessBase = 16ull << 20;  // SystemC kernel, libraries, small tables
constexpr std::uint64_t kAnalogBytesPerCell = 4;     // one float per cell per digit array
constexpr std::uint64_t kDigitalBytesPerCell = 1;    // one int8 weight code per cell
constexpr std::uint64_t kStagingBytesPerWeight = 12;
constexpr std::uint64_t kTraceBytesPerEvent = 500;
constexpr std::uint64_t kLedgerBytesPerKernel = 250;
// Trace events per kernel of the estimate above: quickstart measured 1.6 at level kernels
// (319,836 events for 200,000 kernels); train_mlp also runs ~1.6 digital ops per counted kernel.
constexpr std::uint64_t kTraceEventsPerKernel = 4;
constexpr std::uint64_t kTraceEventsPerKernelAll = 12;
constexpr std::uint64_t kDatasetCopies = 4;
constexpr std::uint64_t kLutTextBytesPerEntry = 16;  // the decompressed text while it is parsed

// Bytes of the crossbar state of every core of every tile: a digital core keeps codes; an analog
// core one float array per digit (carry cell), plus the combined weights when there are several.
MemoryItem crossbar(const Scenario& s) {
    std::uint64_t bytes = 0;
    bool analog = false;
    for (const auto& t : s.tile_specs) {
        const std::uint64_t cells = std::uint64_t(t.rows) * std::uint64_t(t.cols);
        const std::uint64_t arrays = std::uint64_t(t.carry_cells) + (t.carry_cells > 1 ? 1 : 0);
        analog = analog || t.variant == "analog_reram";
        const std::uint64_t core = t.variant == "analog_reram" ? cells * arrays * kAnalogBytesPerCell : cells * kDigitalBytesPerCell;
        bytes += core * std::uint64_t(t.cores);
    }
    if (!analog) return {"crossbar weight codes", {"/platform/tiles", "/tile/cores", "/tile/rows", "/tile/cols"}, bytes};
    return {"crossbar cells", {"/platform/tiles", "/tile/cores", "/tile/rows", "/tile/cols", "/tile/carry/cells"}, bytes};
}

// Weights the firmware programs at once: quickstart's n x n region, the paper's whole array,
// train_mlp's layer matrices (bias row included).
std::uint64_t programmed_weights(const Scenario& s) {
    if (s.program == "quickstart") return std::uint64_t(s.firmware_args.at("size")) * std::uint64_t(s.firmware_args.at("size"));
    if (s.program == "paper_kernels") return std::uint64_t(s.tile(0).rows) * std::uint64_t(s.tile(0).cols);
    std::uint64_t n = 0;
    if (s.program == "train_mlp")
        for (std::size_t l = 0; l + 1 < s.layers.size(); ++l) n += std::uint64_t(s.layers[l] + 1) * std::uint64_t(s.layers[l + 1]);
    return n;
}

MemoryItem staging(const Scenario& s) {
    const std::vector<std::string> fields = s.program == "quickstart" ? std::vector<std::string>{"/firmware/size"}
                                            : s.program == "train_mlp" ? std::vector<std::string>{"/firmware/layers"}
                                                                       : std::vector<std::string>{"/tile/rows", "/tile/cols"};
    return {"weight staging", fields, programmed_weights(s) * kStagingBytesPerWeight};
}

// Samples per epoch of train_mlp (the limits cut the dataset's split).
std::uint64_t samples(const Scenario& s, const char* limit, std::uint64_t all) {
    const auto lim = std::uint64_t(s.firmware_args.at(limit));
    return lim ? std::min(lim, all) : all;
}

// Kernels the firmware issues (an estimate by program; fields that drive it).
std::pair<std::uint64_t, std::vector<std::string>> kernels(const Scenario& s) {
    const auto& a = s.firmware_args;
    if (s.program == "quickstart")
        return {std::uint64_t(a.at("vmm_count")) + std::uint64_t(a.at("mvm_count")), {"/firmware/vmm_count", "/firmware/mvm_count"}};
    if (s.program != "train_mlp") return {16, {}};  // paper_kernels, fault_demo: a handful
    const bool fashion = s.dataset == "fashion";
    const std::uint64_t layers = s.layers.size() - 1;
    const std::uint64_t per_epoch = samples(s, "train_limit", fashion ? 60000 : 3823) * 3 * layers +
                                    samples(s, "test_limit", fashion ? 10000 : 1797) * layers;
    return {std::uint64_t(a.at("epochs")) * per_epoch, {"/firmware/epochs", "/firmware/train_limit", "/firmware/test_limit"}};
}

// Each kernel leaves its actions in the energy ledger.
MemoryItem ledger(const Scenario& s) {
    const auto [n, fields] = kernels(s);
    return {"energy ledger", fields, s.program == "quickstart" || s.program == "train_mlp" ? n * kLedgerBytesPerKernel : 0};
}

// The timeline holds at most trace_max_events, and no more than the run produces: a few events
// per kernel (the kernel, its DMA bursts, firmware phases; at level "all" every bus transfer
// too), plus the power counters (at most 65,536 windows, one track per tile and the total).
MemoryItem trace(const Scenario& s) {
    if (!s.write_trace) return {"trace buffer", {"/outputs/trace_max_events"}, 0};
    auto [n, fields] = kernels(s);
    const std::uint64_t per_kernel = s.trace_level == "all" ? kTraceEventsPerKernelAll : kTraceEventsPerKernel;
    const std::uint64_t produced = n * per_kernel + 65536ull * std::uint64_t(s.tiles + 1);
    fields.insert(fields.begin(), "/outputs/trace_max_events");
    return {"trace buffer", fields, std::min<std::uint64_t>(s.trace_max_events, produced) * kTraceBytesPerEvent};
}

MemoryItem lut(const Scenario& s) {
    // Both tables as loaded (doubles), the text of one while it is parsed, and each digit device
    // of each core keeps a float copy of both (tiles and cores share the tables they were loaded with).
    std::uint64_t bytes = 0;
    for (const auto& t : s.tile_specs) {
        if (t.device_model != "lut" || t.variant != "analog_reram" || !t.lut_increasing) continue;
        const std::uint64_t entries = t.lut_increasing->dg.size() + t.lut_decreasing->dg.size();
        bytes += entries * (8 + kLutTextBytesPerEntry / 2) + entries * std::uint64_t(t.carry_cells) * std::uint64_t(t.cores) * 4;
    }
    if (!bytes) return {"lookup tables", {}, 0};
    return {"lookup tables", {"/tile/device/lut_increasing", "/tile/device/lut_decreasing", "/platform/tiles", "/tile/cores",
                              "/tile/carry/cells"},
            bytes};
}

MemoryItem dataset(const Scenario& s) {
    if (s.program != "train_mlp") return {"dataset", {}, 0};
    // 60,000 + 10,000 Fashion-MNIST images of 784 bytes, or 5,620 UCI digits of 64 bytes (+ label).
    const std::uint64_t bytes = s.dataset == "fashion" ? 70000ull * 785 : 5620ull * 65;
    return {"dataset", {"/firmware/dataset"}, bytes * kDatasetCopies};
}

std::uint64_t meminfo_available() {
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    std::uint64_t kib = 0;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    return 0;
}

}  // namespace

// The sum of the items above the process base; DRAM counts only through what is staged in it
// (models/dram maps its memory lazily).
MemoryEstimate estimate_memory(const Scenario& s) {
    MemoryEstimate e;
    e.items = {crossbar(s), staging(s), ledger(s), trace(s), lut(s), dataset(s)};
    std::sort(e.items.begin(), e.items.end(), [](const MemoryItem& a, const MemoryItem& b) { return a.bytes > b.bytes; });
    e.total = kProcessBase;
    for (const auto& i : e.items) e.total += i.bytes;
    return e;
}

std::uint64_t default_memory_limit() {
    std::uint64_t avail = meminfo_available();
    if (avail == 0) {
        const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
        avail = pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) : (8ull << 30);
    }
    return avail / 2;
}

std::uint64_t parse_memory_size(const std::string& text) {
    auto bad = [&] {
        return ScenarioError("--max-memory: expected a size such as 8G, 512M or 1000000 (bytes), got '" + text + "'");
    };
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        throw bad();
    }
    if (text.find_first_not_of("0123456789.") < used) throw bad();  // no hex, exponents or signs
    std::string unit = text.substr(used);
    if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
    if (unit.size() == 2 && (unit[1] == 'i' || unit[1] == 'I')) unit.pop_back();
    static const std::string units = "KMGT";
    double scale = 1;
    if (unit.size() == 1) {
        const auto k = units.find(char(std::toupper(static_cast<unsigned char>(unit[0]))));
        if (k == std::string::npos) throw bad();
        scale = std::pow(1024.0, double(k + 1));
    } else if (!unit.empty()) {
        throw bad();
    }
    const double bytes = v * scale;
    if (!std::isfinite(bytes) || bytes < 1 || bytes > 1.8e19 || !std::isdigit(static_cast<unsigned char>(text[0]))) throw bad();
    return std::uint64_t(bytes);
}

std::string format_bytes(std::uint64_t bytes) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = double(bytes);
    int k = 0;
    while (v >= 1024 && k < 6) v /= 1024, ++k;
    char buf[32];
    std::snprintf(buf, sizeof buf, k == 0 ? "%.0f %s" : "%.1f %s", v, units[k]);
    return buf;
}

void check_memory(const Scenario& s, std::uint64_t limit) {
    const MemoryEstimate e = estimate_memory(s);
    if (e.total <= limit) return;
    std::string drivers;
    for (const auto& i : e.items) {
        if (i.bytes == 0 || i.bytes * 10 < e.total) continue;  // the items that matter
        std::string fields;
        for (const auto& f : i.fields) fields += (fields.empty() ? "" : ", ") + f;
        drivers += (drivers.empty() ? "" : "; ") + i.what + " " + format_bytes(i.bytes) + " (" + fields + ")";
    }
    const auto& top = e.items.front();
    throw ScenarioError(s.file + ": " + (top.fields.empty() ? std::string("/") : top.fields.front()) + ": the run needs about " + format_bytes(e.total) +
                        " of memory, above the limit of " + format_bytes(limit) + ": " + drivers +
                        "; make them smaller, or raise the limit with --max-memory");
}

}  // namespace xbar::platform
