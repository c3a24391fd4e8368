#include "platform/sweep.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>

#include "platform/csv.h"
#include "platform/errors.h"
#include "platform/files.h"
#include "platform/json_input.h"
#include "platform/output_dir.h"
#include "platform/scenario.h"
#include "platform/supervisor.h"
#include "platform/sweep_report.h"

namespace xbar::platform {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::vector<std::string> kDefaultMetrics = {
    "/status", "/sim_time_ns", "/energy/total_nj", "/cycle/tile0/latency_ns", "/cycle/tile0/energy_nj",
    "/area/tile0/periphery_um2", "/derived/tile0/fj_per_mac_vmm", "/firmware/metrics/test_accuracy",
    "/firmware/metrics/float_test_accuracy"};

constexpr std::size_t kMaxResultsBytes = std::size_t(1) << 30;

std::string cell(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

// A stable 64-bit FNV-1a of the text, as 16 hex digits (change detection, not security).
std::string fnv1a_hex(const std::string& text) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// A JSON pointer, or a ScenarioError naming where it came from.
json::json_pointer pointer(const std::string& text, const std::string& file, const std::string& where) {
    if (text.empty() || text[0] != '/')
        throw ScenarioError(file + ": " + where + ": expected a JSON pointer such as /tile/bits_in, got \"" + text + "\"");
    try {
        return json::json_pointer(text);
    } catch (const json::exception&) {
        throw ScenarioError(file + ": " + where + ": \"" + text + "\" is not a valid JSON pointer ('~' must be "
                            "followed by 0 or 1)");
    }
}

using Axes = std::vector<std::pair<std::string, std::vector<json>>>;

Axes read_axes(const json& doc, const char* key, const std::string& file) {
    Axes out;
    if (!doc.contains(key)) return out;
    const std::string where = std::string("/") + key;
    if (!doc[key].is_object()) throw ScenarioError(file + ": " + where + ": expected an object of {JSON pointer: [values]}");
    for (auto it = doc[key].begin(); it != doc[key].end(); ++it) {
        const std::string p = where + "/" + it.key();
        pointer(it.key(), file, p);
        if (!it.value().is_array() || it.value().empty())
            throw ScenarioError(file + ": " + p + ": expected a non-empty list of values");
        out.push_back({it.key(), it.value().get<std::vector<json>>()});
    }
    return out;
}

// The number of points of the grid times the zip, checked against kMaxSweepPoints.
std::size_t count_points(const Axes& grid, std::size_t zip_len, const std::string& file) {
    std::size_t total = zip_len;
    for (const auto& [k, v] : grid) {
        if (v.size() > kMaxSweepPoints || total > kMaxSweepPoints / v.size())
            throw ScenarioError(file + ": /grid: more than " + std::to_string(kMaxSweepPoints) +
                                " points; split the sweep into several specs");
        total *= v.size();
    }
    if (total > kMaxSweepPoints)
        throw ScenarioError(file + ": /zip: more than " + std::to_string(kMaxSweepPoints) + " points");
    return total;
}

// Points: the last grid axis varies fastest; the zip is one more (outermost) axis.
std::vector<SweepPoint> make_points(const Axes& grid, const Axes& zip, std::size_t total) {
    std::vector<SweepPoint> points;
    for (std::size_t id = 0; id < total; ++id) {
        SweepPoint pt{id, {}};
        std::size_t rest = id;
        std::vector<std::pair<std::string, json>> gv(grid.size());
        for (std::size_t a = grid.size(); a-- > 0;) {
            gv[a] = {grid[a].first, grid[a].second[rest % grid[a].second.size()]};
            rest /= grid[a].second.size();
        }
        pt.values = gv;
        for (const auto& [k, v] : zip) pt.values.push_back({k, v[rest]});
        points.push_back(std::move(pt));
    }
    return points;
}

std::vector<std::string> read_metrics(const json& doc, const std::string& file) {
    if (!doc.contains("metrics")) return kDefaultMetrics;
    if (!doc["metrics"].is_array()) throw ScenarioError(file + ": /metrics: expected a list of JSON pointers into summary.json");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < doc["metrics"].size(); ++i) {
        const json& m = doc["metrics"][i];
        const std::string where = "/metrics/" + std::to_string(i);
        if (!m.is_string()) throw ScenarioError(file + ": " + where + ": expected a JSON pointer such as /energy/total_nj");
        pointer(m.get<std::string>(), file, where);
        if (std::find(out.begin(), out.end(), m.get<std::string>()) != out.end())
            throw ScenarioError(file + ": " + where + ": \"" + m.get<std::string>() + "\" is listed twice");
        out.push_back(m.get<std::string>());
    }
    return out;
}

// The point's scenario lives in another folder: relative lookup-table paths become absolute.
void absolute_luts(json& d, const std::string& base_path) {
    for (const char* p : {"/tile/device/lut_increasing", "/tile/device/lut_decreasing"}) {
        const json::json_pointer ptr(p);
        if (!d.contains(ptr) || !d[ptr].is_string() || d[ptr].get<std::string>().empty()) continue;
        const fs::path f(d[ptr].get<std::string>());
        if (f.is_relative()) d[ptr] = fs::absolute(fs::path(base_path).parent_path() / f).lexically_normal().string();
    }
}

// Sets the field at JSON pointer `ptr` (already checked well formed): missing objects on the way
// are created, a list is only indexed inside its length (json's operator[] would create or grow a
// list up to any index a number in the path names). False when the path cannot be set.
bool set_field(json& d, const std::string& ptr, const json& v) {
    json* n = &d;
    for (std::size_t at = 1; at <= ptr.size();) {
        const std::size_t end = std::min(ptr.find('/', at), ptr.size());
        std::string tok = ptr.substr(at, end - at);
        for (std::size_t i = 0; (i = tok.find("~1", i)) != std::string::npos;) tok.replace(i, 2, "/");
        for (std::size_t i = 0; (i = tok.find("~0", i)) != std::string::npos; ++i) tok.replace(i, 2, "~");
        if (n->is_null()) *n = json::object();
        if (n->is_object()) {
            n = &(*n)[tok];
        } else if (n->is_array()) {
            if (tok.empty() || tok.size() > 9 || tok.find_first_not_of("0123456789") != std::string::npos) return false;
            const std::size_t k = std::stoul(tok);
            if (k >= n->size()) return false;
            n = &(*n)[k];
        } else {
            return false;
        }
        at = end + 1;
    }
    *n = v;
    return true;
}

// The scenario one point runs: the base with the point's values set, its own name, no VCD or
// trace (sweeps want numbers). A pointer that cannot be set (it goes through a number or a
// list) is a ScenarioError.
json point_doc(const json& base, const SweepPoint& pt, const std::string& name, const std::string& base_path,
               const std::string& file) {
    json d = base;
    for (const auto& [k, v] : pt.values) {
        if (k.empty() || !set_field(d, k, v))
            throw ScenarioError(file + ": " + k + ": cannot set this field in the base scenario (a part of the path is "
                                "not an object, or indexes past the end of a list)");
    }
    try {
        d["name"] = name + "-" + std::to_string(pt.id);
        d["outputs"]["vcd"] = false;
        d["outputs"]["trace"] = false;
        absolute_luts(d, base_path);
    } catch (const json::exception&) {
        throw ScenarioError(file + ": /outputs: expected an object in the base scenario");
    }
    return d;
}

std::string canonical_hash(const SweepSpec& s) {
    json points = json::array();
    for (const auto& pt : s.points) {
        json v = json::array();
        for (const auto& [k, val] : pt.values) v.push_back(val);
        points.push_back(v);
    }
    const json canon{{"name", s.name}, {"base", s.base}, {"axes", s.axes}, {"points", points}, {"metrics", s.metrics}};
    return fnv1a_hex(canon.dump());
}

}  // namespace

std::vector<std::string> SweepSpec::columns() const {
    std::vector<std::string> c{"point", "exit_code"};
    c.insert(c.end(), axes.begin(), axes.end());
    c.insert(c.end(), metrics.begin(), metrics.end());
    return c;
}

SweepSpec parse_sweep(const json& doc, const std::string& file, const json& base_doc, const std::string& base_path) {
    auto fail = [&](const std::string& p, const std::string& what) { throw ScenarioError(file + ": " + p + ": " + what); };
    if (!doc.is_object()) fail("/", "expected an object");
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (it.key() != "name" && it.key() != "scenario" && it.key() != "grid" && it.key() != "zip" && it.key() != "metrics")
            fail("/" + it.key(), "unknown key; expected one of: name, scenario, grid, zip, metrics");
    SweepSpec s;
    s.file = file;
    if (doc.contains("name") && !doc["name"].is_string()) fail("/name", "expected a string");
    s.name = doc.value("name", fs::path(file).stem().string());
    // The name becomes a folder name (traces/<name>-sweep) and a part of every point's name.
    if (s.name.empty() || s.name.size() > 200 || s.name == "." || s.name == ".." ||
        s.name.find_first_of(std::string("/\0", 2)) != std::string::npos)
        fail("/name", "expected a name of 1 to 200 characters without '/' or NUL, not . or ..");
    s.scenario = base_path;
    s.base = base_doc;
    if (!base_doc.is_object()) fail("/scenario", base_path + ": expected a scenario object");
    const Axes grid = read_axes(doc, "grid", file), zip = read_axes(doc, "zip", file);
    const std::size_t zip_len = zip.empty() ? 1 : zip[0].second.size();
    for (const auto& [k, v] : zip)
        if (v.size() != zip_len) fail("/zip/" + k, "all zip lists must have the same length (" + std::to_string(zip_len) + ")");
    if (grid.empty() && zip.empty()) fail("/grid", "expected at least one axis in grid or zip");
    for (const auto* axes : {&grid, &zip})
        for (const auto& [k, v] : *axes) {
            if (std::find(s.axes.begin(), s.axes.end(), k) != s.axes.end()) fail("/zip/" + k, "already an axis of /grid");
            s.axes.push_back(k);
            s.values.push_back(v);
        }
    s.grid_axes = grid.size();
    s.points = make_points(grid, zip, count_points(grid, zip_len, file));
    s.metrics = read_metrics(doc, file);
    // Every point must be a valid scenario: check them all now, before anything runs.
    for (const auto& pt : s.points) {
        try {
            parse_scenario(point_doc(s.base, pt, s.name, base_path, file), base_path);
        } catch (const ScenarioError& e) {
            fail("/grid", "point " + std::to_string(pt.id) + " is not a valid scenario: " + e.what());
        }
    }
    s.hash = canonical_hash(s);
    return s;
}

SweepSpec load_sweep(const std::string& path) {
    const json doc = load_json_input(path, "sweep spec");
    if (!doc.is_object() || !doc.contains("scenario") || !doc["scenario"].is_string())
        throw ScenarioError(path + ": /scenario: expected the path of the base scenario");
    fs::path base(doc["scenario"].get<std::string>());
    if (base.is_relative()) base = fs::path(path).parent_path() / base;
    const json base_doc = load_json_input(base.string(), "base scenario");
    return parse_sweep(doc, path, base_doc, base.string());
}

Shard parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    auto digits = [](const std::string& s) {
        return !s.empty() && s.size() <= 6 && s.find_first_not_of("0123456789") == std::string::npos;
    };
    const std::string i = slash == std::string::npos ? "" : text.substr(0, slash);
    const std::string n = slash == std::string::npos ? "" : text.substr(slash + 1);
    if (!digits(i) || !digits(n)) throw UsageError("--shard: expected i/N with 0 <= i < N, e.g. 0/3, got '" + text + "'");
    const Shard s{std::stoul(i), std::stoul(n)};
    if (s.count == 0 || s.index >= s.count) throw UsageError("--shard: expected 0 <= i < N, got '" + text + "'");
    return s;
}

// ---- the sweep folder: sweep.json (spec and hash), results.csv, points/<id>/, a lock file ----

namespace {

const std::vector<std::string> kSweepEntries{".sweep.lock", "sweep.json", "results.csv", "report.html", "points/"};

[[noreturn]] void throw_fs(const std::string& what, const std::error_code& ec) {
    throw IoError(what + ": " + ec.message());
}

// An exclusive lock on DIR/.sweep.lock while results.csv is read or written: shards that share
// a folder never interleave rows, and only the first one writes the header.
class SweepLock : public ExclusiveLock {
public:
    explicit SweepLock(const fs::path& dir) : ExclusiveLock(dir / ".sweep.lock", true) {}
};

std::string render_results(const std::vector<std::string>& header, const std::map<std::size_t, std::vector<std::string>>& rows) {
    std::string text = csv_record(header);
    for (const auto& [id, row] : rows) text += csv_record(row);
    return text;
}

// Appends `text` to `file`; a failed write or fsync is cut back to the old size (IoError).
void append_checked(const fs::path& file, const std::string& text) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) throw IoError("cannot open " + file.string() + ": " + std::strerror(errno));
    struct stat st {};
    ::fstat(fd, &st);
    try {
        write_all(fd, text.data(), text.size(), file.string());
        if (::fsync(fd) != 0) throw IoError("cannot write " + file.string() + ": " + std::strerror(errno));
    } catch (...) {
        if (::ftruncate(fd, st.st_size) != 0) std::cerr << "xbar-vp: warning: could not cut " << file.string() << " back\n";
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) throw IoError("cannot write " + file.string() + ": " + std::strerror(errno));
}

// The rows of the folder's results.csv (the lock held). An incomplete last record (a write cut
// short by a crash) is cut off: its point has no row and runs again. Anything else wrong is an
// InputError: the file was changed by hand or by something else.
std::map<std::size_t, std::vector<std::string>> read_results(const fs::path& csv, const SweepSpec& spec) {
    std::string text = read_input_file(csv, "results", kMaxResultsBytes);
    const std::size_t keep = complete_prefix(text);
    if (keep < text.size()) {
        if (::truncate(csv.c_str(), off_t(keep)) != 0)
            throw IoError("cannot repair " + csv.string() + ": " + std::strerror(errno));
        std::cerr << "xbar-vp: sweep: " << csv.string() << ": dropped an incomplete last row (a write was cut short); "
                  << "its point runs again\n";
        text.resize(keep);
    }
    std::vector<std::string> problems;
    auto rows = check_rows(text, spec.columns(), spec.points.size(), csv.string(), problems);
    if (!problems.empty())
        throw InputError(problems.front() + (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : "") +
                         "; the sweep's results are damaged: repair the file, or start a new sweep with --force");
    return rows;
}

// Writes the row of point `id`: appended, or replacing the point's earlier row (a retry).
void store_row(const fs::path& out, const SweepSpec& spec, std::size_t id, const std::vector<std::string>& row) {
    SweepLock lock(out);
    const fs::path csv = out / "results.csv";
    auto rows = read_results(csv, spec);
    if (!rows.count(id)) return append_checked(csv, csv_record(row));
    rows[id] = row;
    write_file_atomically(csv, render_results(spec.columns(), rows));
}

// sweep.json. `grid` and `zip` list each axis with its values, in the order of `axes` (the report
// draws them; merge has nothing else to read them from).
json sweep_meta(const SweepSpec& spec) {
    json grid = json::array(), zip = json::array();
    for (std::size_t a = 0; a < spec.axes.size(); ++a)
        (a < spec.grid_axes ? grid : zip).push_back({{"axis", spec.axes[a]}, {"values", spec.values[a]}});
    return json{{"xbar_vp_sweep", 1}, {"name", spec.name}, {"spec_file", spec.file}, {"spec_hash", spec.hash},
                {"base", spec.base}, {"axes", spec.axes}, {"grid", grid}, {"zip", zip}, {"points", spec.points.size()},
                {"metrics", spec.metrics}, {"columns", spec.columns()}};
}

// A new sweep folder (the lock held): marker first, so everything written is listed; sweep.json
// last, so a folder with sweep.json is complete.
void start_folder(const fs::path& out, const SweepSpec& spec) {
    mark_own_folder(out, "sweep", kSweepEntries);
    std::error_code ec;
    fs::create_directories(out / "points", ec);
    if (ec) throw_fs("cannot create " + (out / "points").string(), ec);
    std::vector<std::string> names;
    for (const auto& pt : spec.points) names.push_back(std::to_string(pt.id) + "/");
    mark_own_folder(out / "points", "points", names);
    write_file_atomically(out / "results.csv", csv_record(spec.columns()));
    write_file_atomically(out / "sweep.json", sweep_meta(spec).dump(2) + "\n");
}

void check_same_spec(const fs::path& out, const SweepSpec& spec) {
    const json meta = load_json_input((out / "sweep.json").string(), "sweep.json");
    const std::string old = meta.is_object() && meta.contains("spec_hash") && meta["spec_hash"].is_string()
                                ? meta["spec_hash"].get<std::string>() : std::string("none");
    if (old == spec.hash) return;
    throw InputError("sweep: " + out.string() + " holds the results of another sweep spec (spec hash " + old + "; " +
                     spec.file + " has " + spec.hash + ": its base scenario, axes, points or metrics differ). The old "
                     "results are kept. Start a new sweep there with --force (deletes only what xbar-vp wrote) or "
                     "choose another --out");
}

// True if `dir` holds nothing but the lock file (and a marker being written): another shard has
// just created the folder and is starting the sweep in it.
bool being_started(const fs::path& dir) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    if (ec) return false;
    for (; it != end; it.increment(ec)) {
        const std::string n = it->path().filename().string();
        if (n != ".sweep.lock" && n != std::string(kMarkerFile) + ".part") return false;
    }
    return true;
}

void check_sweep_destination(const fs::path& out) {
    const std::vector<std::string> planned{"sweep.json", "results.csv", "report.html", "points", ".sweep.lock"};
    try {
        check_destination(out, "sweep", planned);
        return;
    } catch (const UsageError&) {
        if (!being_started(out)) throw;
    }
    { SweepLock wait(out); }  // the other shard holds the lock until its marker and header are written
    check_destination(out, "sweep", planned);
}

// Checks `out`, starts it or checks that it holds this spec's sweep; --force starts anew.
void open_folder(const SweepSpec& spec, const SweepOptions& o) {
    const fs::path out(o.out);
    check_sweep_destination(out);
    check_output_kind(o.out, "sweep", "sweep");
    if (o.force && is_own_folder(out)) {
        const auto left = remove_own_folder(out);
        std::cout << "sweep: --force: removed the previous sweep in " << out.string();
        if (!left.empty()) std::cout << " (kept " << left.size() << " file(s) xbar-vp did not write)";
        std::cout << "\n";
    }
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) throw_fs("cannot create " + out.string(), ec);
    SweepLock lock(out);
    if (fs::exists(out / "sweep.json")) check_same_spec(out, spec);
    else start_folder(out, spec);
}

}  // namespace

std::map<std::size_t, std::vector<std::string>> check_rows(const std::string& text, const std::vector<std::string>& header,
                                                           std::size_t points, const std::string& file,
                                                           std::vector<std::string>& problems) {
    std::map<std::size_t, std::vector<std::string>> rows;
    const std::size_t keep = complete_prefix(text);
    if (keep < text.size())
        problems.push_back(file + ": line " + std::to_string(1 + std::count(text.begin(), text.begin() + keep, '\n')) +
                           ": the last row is truncated (no line end)");
    std::vector<CsvRecord> recs;
    try {
        recs = parse_csv(text.substr(0, keep), file);
    } catch (const CsvError& e) {
        problems.push_back(e.what());
        return rows;
    }
    if (recs.empty() || recs[0].fields != header) {
        problems.push_back(file + ": line 1: " + (recs.empty() ? "no header" : "the header differs from the sweep's") +
                           " (expected " + csv_record(header).substr(0, 200) + ")");
        return rows;
    }
    auto number = [](const std::string& s) {
        return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
    };
    for (std::size_t r = 1; r < recs.size(); ++r) {
        const auto& f = recs[r].fields;
        const std::string at = file + ": line " + std::to_string(recs[r].line) + ": ";
        if (f.size() != header.size()) {
            problems.push_back(at + std::to_string(f.size()) + " fields, expected " + std::to_string(header.size()) +
                               (f.size() < header.size() ? " (a truncated row)" : " (extra columns)"));
            continue;
        }
        if (!number(f[0]) || std::stoul(f[0]) >= points) {
            problems.push_back(at + "point '" + f[0].substr(0, 40) + "' is not a point of this sweep (0 to " +
                               std::to_string(points ? points - 1 : 0) + ")");
            continue;
        }
        if (!number(f[1])) {
            problems.push_back(at + "exit_code '" + f[1].substr(0, 40) + "' is not an exit code");
            continue;
        }
        if (!rows.emplace(std::stoul(f[0]), f).second) problems.push_back(at + "point " + f[0] + " appears twice");
    }
    return rows;
}

// ---- running the points ----

namespace {

fs::path point_dir(const fs::path& out, std::size_t id) { return out / "points" / std::to_string(id); }

// The point's folder, marker and scenario, written just before its process starts.
void prepare_point(const SweepSpec& spec, const fs::path& out, const SweepPoint& pt) {
    const fs::path dir = point_dir(out, pt.id);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw_fs("cannot create " + dir.string(), ec);
    mark_own_folder(dir, "point", {"scenario.json", "log.txt", "done", "run/"});
    write_file_atomically(dir / "scenario.json", point_doc(spec.base, pt, spec.name, spec.scenario, spec.file).dump(2) + "\n");
    fs::remove(dir / "done", ec);
}

// The point's row; `code` becomes 3 when a run that said 0 left no readable summary.json.
std::vector<std::string> point_row(const SweepSpec& spec, const fs::path& out, const SweepPoint& pt, int& code) {
    json sum;
    try {
        sum = load_json_input((point_dir(out, pt.id) / "run" / "summary.json").string(), "summary");
    } catch (const std::exception& e) {
        if (code == 0) code = 3;
        std::cerr << "xbar-vp: sweep: point " << pt.id << ": " << e.what() << "\n";
    }
    std::vector<std::string> row{std::to_string(pt.id), std::to_string(code)};
    for (const auto& [k, v] : pt.values) row.push_back(cell(v));
    for (const auto& m : spec.metrics) {
        const json::json_pointer p(m);
        // contains() throws for an array index past the integer range ("/kernels/99999999999999999999"):
        // such a metric is just absent, like any other that the summary does not have.
        std::string value;
        try {
            if (sum.is_object() && sum.contains(p)) value = cell(sum.at(p));
        } catch (const json::exception&) {
        }
        row.push_back(value);
    }
    return row;
}

struct Plan {
    std::vector<const SweepPoint*> todo;
    std::size_t done = 0, retried = 0, kept_failed = 0;
};

Plan plan_points(const SweepSpec& spec, const SweepOptions& o) {
    std::map<std::size_t, std::vector<std::string>> rows;
    {
        SweepLock lock(o.out);
        rows = read_results(fs::path(o.out) / "results.csv", spec);
    }
    Plan plan;
    for (const auto& pt : spec.points) {
        if (pt.id % o.shards != o.shard) continue;
        const auto it = rows.find(pt.id);
        if (it == rows.end()) plan.todo.push_back(&pt);
        else if (it->second[1] == "0") ++plan.done;
        else if (o.retry_failed) ++plan.retried, plan.todo.push_back(&pt);
        else ++plan.kept_failed;
    }
    return plan;
}

struct Outcome {
    std::vector<std::pair<std::size_t, int>> failed;  // (point, exit code) of this shard
    std::size_t written = 0, unfinished = 0, rows = 0;
    bool report = false;  // report.html written
};

std::vector<std::vector<std::string>> row_list(const std::map<std::size_t, std::vector<std::string>>& rows) {
    std::vector<std::vector<std::string>> out;
    for (const auto& [id, row] : rows) out.push_back(row);
    return out;
}

// report.html of a complete sweep folder (the lock held). A folder that an xbar-vp without the
// sweep report started has a marker without it: the entry is added first, unless a file of that
// name is there already, which xbar-vp did not write: it is kept and no report is written
// (check_sweep_destination refuses such a folder; this covers a file made since).
bool write_sweep_report(const fs::path& out, const SweepSpec& spec, const std::map<std::size_t, std::vector<std::string>>& rows) {
    std::vector<std::string> own = own_entries(out);
    if (std::find(own.begin(), own.end(), "report.html") == own.end()) {
        std::error_code ec;
        if (fs::exists(fs::symlink_status(out / "report.html", ec))) {
            std::cerr << "xbar-vp: sweep: " << (out / "report.html").string() << " was not written by xbar-vp: it is kept "
                      << "and the sweep's report is not written\n";
            return false;
        }
        own.push_back("report.html");
        mark_own_folder(out, "sweep", own);
    }
    write_file_atomically(out / "report.html", render_sweep_report(sweep_meta(spec), spec.columns(), row_list(rows)));
    return true;
}

// The shard's failed points as results.csv has them, and, when every point of the sweep has a
// row, the whole file sorted and report.html (the last shard of a shared folder writes them).
void finish_folder(const SweepSpec& spec, const SweepOptions& o, Outcome& r) {
    SweepLock lock(o.out);
    const fs::path csv = fs::path(o.out) / "results.csv";
    const auto rows = read_results(csv, spec);
    r.failed.clear();
    r.rows = rows.size();
    for (const auto& [id, row] : rows)
        if (id % o.shards == o.shard && row[1] != "0") r.failed.push_back({id, std::stoi(row[1])});
    if (rows.size() == spec.points.size()) {
        write_file_atomically(csv, render_results(spec.columns(), rows));
        r.report = write_sweep_report(o.out, spec, rows);
    }
}

void report(const SweepSpec& spec, const SweepOptions& o, const Outcome& r, int stop) {
    std::cout << "results: " << (fs::path(o.out) / "results.csv").string() << " (" << r.written << " row(s) written by this run)\n";
    if (r.report) std::cout << "report: " << (fs::path(o.out) / "report.html").string() << "\n";
    else if (r.rows < spec.points.size())
        std::cout << "report: none yet (" << r.rows << " of " << spec.points.size() << " points have a row; report.html is "
                  << "written when every point has one, or by merge)\n";
    if (!r.failed.empty()) {
        std::cout << r.failed.size() << " failed point(s) (exit code; log in points/<id>/log.txt):";
        for (const auto& [id, code] : r.failed) std::cout << " " << id << " (" << code << ")";
        std::cout << (o.retry_failed ? "\n  they run again when the sweep is started again\n"
                                     : "\n  kept (--no-retry-failed); without it they run again on the next start\n");
    }
    if (stop)
        std::cout << "interrupted by " << (stop == SIGINT ? "SIGINT" : "SIGTERM") << ": " << r.unfinished
                  << " point(s) did not finish and run when the sweep " << spec.name << " is started again\n";
}

}  // namespace

int run_sweep(const SweepSpec& spec, const SweepOptions& o) {
    check_jobs(o.jobs, "sweep");
    if (o.shards == 0 || o.shard >= o.shards) throw UsageError("--shard: expected 0 <= i < N");
    open_folder(spec, o);
    const fs::path out(o.out);
    const Plan plan = plan_points(spec, o);
    std::cout << "sweep " << spec.name << ": " << spec.points.size() << " points, shard " << o.shard << "/" << o.shards
              << ": " << plan.todo.size() << " to run, " << plan.done << " already done";
    if (plan.retried) std::cout << ", " << plan.retried << " failed before and run again";
    if (plan.kept_failed) std::cout << ", " << plan.kept_failed << " failed before and kept (--no-retry-failed)";
    std::cout << " (spec hash " << spec.hash << ")\n" << std::flush;
    std::vector<ChildJob> jobs;
    for (const SweepPoint* pt : plan.todo) {
        const fs::path dir = point_dir(out, pt->id);
        jobs.push_back({{o.self, "run", (dir / "scenario.json").string(), "--out", (dir / "run").string()}, dir / "log.txt"});
        if (!o.max_memory.empty()) jobs.back().argv.insert(jobs.back().argv.end(), {"--max-memory", o.max_memory});
    }
    Outcome r;
    Supervisor sup;
    sup.run(
        jobs, o.jobs, [&](std::size_t i) { prepare_point(spec, out, *plan.todo[i]); },
        [&](std::size_t i, const ChildExit& e) {
            const SweepPoint& pt = *plan.todo[i];
            if (e.code == 130 || (e.signaled && sup.stop_signal())) {  // interrupted: runs again on resume
                ++r.unfinished;
                return;
            }
            int code = e.code;
            const auto row = point_row(spec, out, pt, code);
            store_row(out, spec, pt.id, row);
            write_file_atomically(point_dir(out, pt.id) / "done", std::to_string(code) + "\n");
            ++r.written;
        });
    r.unfinished += jobs.size() - r.written - r.unfinished;  // never started after a signal
    finish_folder(spec, o, r);
    report(spec, o, r, sup.stop_signal());
    if (sup.stop_signal()) return 130;
    return r.failed.empty() ? 0 : 4;
}

// ---- merge ----

namespace {

struct ShardMeta {
    json doc;
    std::string hash;
    std::size_t points = 0;
    std::vector<std::string> columns;
};

ShardMeta read_meta(const std::string& dir) {
    const fs::path f = fs::path(dir) / "sweep.json";
    std::error_code ec;
    if (!fs::exists(f, ec)) throw InputError(dir + ": not a sweep folder (no sweep.json)");
    ShardMeta m;
    m.doc = load_json_input(f.string(), "sweep.json");
    const json& d = m.doc;
    auto bad = [&](const std::string& p, const std::string& what) {
        throw ScenarioError(f.string() + ": " + p + ": " + what + " (is it from an older xbar-vp? run the sweep again)");
    };
    if (!d.is_object()) bad("/", "expected an object");
    if (!d.contains("spec_hash") || !d["spec_hash"].is_string()) bad("/spec_hash", "expected the spec's hash");
    if (!d.contains("points") || !d["points"].is_number_unsigned() || d["points"].get<std::size_t>() > kMaxSweepPoints)
        bad("/points", "expected the number of points (at most " + std::to_string(kMaxSweepPoints) + ")");
    if (!d.contains("columns") || !d["columns"].is_array() || d["columns"].size() < 2) bad("/columns", "expected the header");
    for (const auto& c : d["columns"])
        if (!c.is_string()) bad("/columns", "expected a list of column names");
    m.hash = d["spec_hash"].get<std::string>();
    m.points = d["points"].get<std::size_t>();
    m.columns = d["columns"].get<std::vector<std::string>>();
    if (m.columns[0] != "point" || m.columns[1] != "exit_code") bad("/columns", "expected point, exit_code first");
    return m;
}

bool same_folder(const std::string& a, const std::string& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec) ||
           fs::absolute(a).lexically_normal().string() == fs::absolute(b).lexically_normal().string();
}

void print_problems(const std::vector<std::string>& problems, const std::vector<std::size_t>& missing) {
    const std::size_t shown = std::min<std::size_t>(problems.size(), 20);
    for (std::size_t i = 0; i < shown; ++i) std::cerr << "xbar-vp: merge: " << problems[i] << "\n";
    if (problems.size() > shown) std::cerr << "xbar-vp: merge: ... and " << problems.size() - shown << " more problem(s)\n";
    if (!missing.empty()) {
        std::cerr << "xbar-vp: merge: missing points:";
        for (std::size_t i = 0; i < missing.size() && i < 200; ++i) std::cerr << " " << missing[i];
        std::cerr << (missing.size() > 200 ? " ..." : "") << " (" << missing.size() << " in all)\n";
    }
    std::cerr << "xbar-vp: merge: nothing was written\n";
}

}  // namespace

int merge_sweeps(const std::vector<std::string>& dirs, const std::string& out) {
    if (out.empty()) throw UsageError("merge: --out: expected a folder, got an empty path");
    for (const auto& d : dirs)
        if (same_folder(d, out)) throw UsageError("merge: --out " + out + " is one of the merged folders; give a new folder");
    check_output_kind(out, "merge", "merge");
    const ShardMeta first = read_meta(dirs.at(0));
    std::vector<std::string> problems;
    std::map<std::size_t, std::vector<std::string>> rows;
    std::map<std::size_t, std::string> from;
    for (const auto& d : dirs) {
        const ShardMeta m = read_meta(d);
        if (m.hash != first.hash || m.columns != first.columns || m.points != first.points) {
            problems.push_back(d + ": a shard of a different sweep (spec hash " + m.hash + "; " + dirs[0] + " has " +
                               first.hash + ")");
            continue;
        }
        const fs::path csv = fs::path(d) / "results.csv";
        for (auto& [id, row] : check_rows(read_input_file(csv, "results", kMaxResultsBytes), first.columns, first.points,
                                          csv.string(), problems)) {
            if (rows.count(id)) {
                problems.push_back(csv.string() + ": point " + std::to_string(id) + " is also in " + from[id] + " (a duplicate)");
                continue;
            }
            rows[id] = std::move(row);
            from[id] = csv.string();
        }
    }
    std::vector<std::size_t> missing;
    for (std::size_t id = 0; id < first.points; ++id)
        if (!rows.count(id)) missing.push_back(id);
    if (!problems.empty() || !missing.empty()) {
        print_problems(problems, missing);
        return 2;
    }
    StagedOutput staged(out, "merge", "merge", {"results.csv", "sweep.json", "report.html"});
    staged.write("results.csv", render_results(first.columns, rows));
    staged.write("sweep.json", first.doc.dump(2) + "\n");
    staged.write("report.html", render_sweep_report(first.doc, first.columns, row_list(rows)));
    staged.commit();
    std::cout << "merged " << rows.size() << " of " << first.points << " points into " << (fs::path(out) / "results.csv").string()
              << "\nreport: " << (fs::path(out) / "report.html").string() << "\n";
    return 0;
}

}  // namespace xbar::platform
