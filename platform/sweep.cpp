#include "platform/sweep.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "platform/files.h"
#include "platform/scenario.h"

namespace xbar::platform {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string cell(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

const std::vector<std::string> kDefaultMetrics = {
    "/status", "/sim_time_ns", "/energy/total_nj", "/cycle/tile0/latency_ns", "/cycle/tile0/energy_nj",
    "/area/tile0/periphery_um2", "/derived/tile0/fj_per_mac_vmm", "/firmware/metrics/test_accuracy",
    "/firmware/metrics/float_test_accuracy"};

// Appends one line under an exclusive lock, so concurrent points (and shards writing to a
// shared folder) never interleave.
void append_locked(const fs::path& file, const std::string& line) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + file.string());
    ::flock(fd, LOCK_EX);
    const ssize_t n = ::write(fd, line.data(), line.size());
    ::fsync(fd);
    ::flock(fd, LOCK_UN);
    ::close(fd);
    if (n != ssize_t(line.size())) throw std::runtime_error("short write to " + file.string());
}

std::string header(const SweepSpec& spec) {
    std::string h = "point";
    for (const auto& a : spec.axes) h += "," + a;
    for (const auto& m : spec.metrics) h += "," + m;
    return h + "\n";
}

}  // namespace

SweepSpec load_sweep(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ScenarioError(path + ": cannot open the file (does it exist and is it readable?)");
    json doc;
    try {
        doc = json::parse(in);
    } catch (const json::parse_error& e) {
        throw ScenarioError(path + ": /: invalid JSON: " + std::string(e.what()));
    }
    auto fail = [&](const std::string& p, const std::string& what) { throw ScenarioError(path + ": " + p + ": " + what); };
    if (!doc.is_object()) fail("/", "expected an object");
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (it.key() != "name" && it.key() != "scenario" && it.key() != "grid" && it.key() != "zip" && it.key() != "metrics")
            fail("/" + it.key(), "unknown key; expected one of: name, scenario, grid, zip, metrics");
    SweepSpec s;
    s.file = path;
    s.name = doc.value("name", fs::path(path).stem().string());
    if (!doc.contains("scenario") || !doc["scenario"].is_string()) fail("/scenario", "expected the path of the base scenario");
    fs::path base(doc["scenario"].get<std::string>());
    if (base.is_relative()) base = fs::path(path).parent_path() / base;
    s.scenario = base.string();
    std::vector<std::pair<std::string, std::vector<json>>> grid, zip;
    for (const char* key : {"grid", "zip"}) {
        if (!doc.contains(key)) continue;
        if (!doc[key].is_object()) fail(std::string("/") + key, "expected an object of {JSON pointer: [values]}");
        for (auto it = doc[key].begin(); it != doc[key].end(); ++it) {
            const std::string p = std::string("/") + key + "/" + it.key();
            if (it.key().empty() || it.key()[0] != '/') fail(p, "expected a JSON pointer into the scenario, e.g. /tile/bits_in");
            if (!it.value().is_array() || it.value().empty()) fail(p, "expected a non-empty list of values");
            (key[0] == 'g' ? grid : zip).push_back({it.key(), it.value().get<std::vector<json>>()});
        }
    }
    std::size_t zip_len = zip.empty() ? 1 : zip[0].second.size();
    for (const auto& [k, v] : zip)
        if (v.size() != zip_len) fail("/zip/" + k, "all zip lists must have the same length (" + std::to_string(zip_len) + ")");
    if (grid.empty() && zip.empty()) fail("/grid", "expected at least one axis in grid or zip");
    for (const auto& [k, v] : grid) s.axes.push_back(k);
    for (const auto& [k, v] : zip) s.axes.push_back(k);
    // Points: the last grid axis varies fastest; the zip is one more (outermost) axis.
    std::size_t total = zip_len;
    for (const auto& [k, v] : grid) total *= v.size();
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
        s.points.push_back(pt);
    }
    if (doc.contains("metrics")) {
        if (!doc["metrics"].is_array()) fail("/metrics", "expected a list of JSON pointers into summary.json");
        for (const auto& m : doc["metrics"]) {
            if (!m.is_string() || m.get<std::string>().empty() || m.get<std::string>()[0] != '/')
                fail("/metrics", "expected JSON pointers such as /energy/total_nj");
            s.metrics.push_back(m.get<std::string>());
        }
    } else {
        s.metrics = kDefaultMetrics;
    }
    // Every point must be a valid scenario: check them all now, before anything runs.
    std::ifstream bin(s.scenario);
    if (!bin) fail("/scenario", "cannot open " + s.scenario);
    json base_doc;
    try {
        base_doc = json::parse(bin);
    } catch (const json::parse_error& e) {
        fail("/scenario", s.scenario + " is not valid JSON");
    }
    for (const auto& pt : s.points) {
        json d = base_doc;
        for (const auto& [k, v] : pt.values) d[json::json_pointer(k)] = v;
        try {
            parse_scenario(d, s.scenario);
        } catch (const ScenarioError& e) {
            fail("/grid", "point " + std::to_string(pt.id) + " is not a valid scenario: " + e.what());
        }
    }
    return s;
}

int run_sweep(const SweepSpec& spec, const SweepOptions& o) {
    const fs::path out(o.out);
    fs::create_directories(out / "points");
    // The spec travels with the results (merge uses it to list missing points).
    {
        std::ifstream in(spec.scenario);
        json base = json::parse(in);
        json copy{{"name", spec.name}, {"base", base}, {"axes", spec.axes}, {"points", spec.points.size()},
                  {"metrics", spec.metrics}};
        std::ofstream(out / "sweep.json") << copy.dump(2) << "\n";
    }
    const fs::path csv = out / "results.csv";
    if (!fs::exists(csv)) append_locked(csv, header(spec));
    std::ifstream bin(spec.scenario);
    const json base = json::parse(bin);

    std::vector<const SweepPoint*> todo;
    std::size_t skipped = 0;
    for (const auto& pt : spec.points) {
        if (pt.id % o.shards != o.shard) continue;
        if (fs::exists(out / "points" / std::to_string(pt.id) / "done")) {
            ++skipped;
            continue;
        }
        todo.push_back(&pt);
    }
    std::cout << "sweep " << spec.name << ": " << spec.points.size() << " points, shard " << o.shard << "/" << o.shards
              << ": " << todo.size() << " to run, " << skipped << " already done\n";
    std::atomic<std::size_t> next{0};
    std::atomic<int> failures{0};
    auto worker = [&] {
        for (std::size_t i; (i = next++) < todo.size();) {
            const SweepPoint& pt = *todo[i];
            const fs::path dir = out / "points" / std::to_string(pt.id);
            fs::create_directories(dir);
            json d = base;
            for (const auto& [k, v] : pt.values) d[json::json_pointer(k)] = v;
            d["name"] = spec.name + "-" + std::to_string(pt.id);
            d["outputs"]["vcd"] = false;  // sweeps want numbers, not waveforms
            d["outputs"]["trace"] = false;
            // The point's scenario lives in another folder: make relative lookup-table paths absolute.
            for (const char* p : {"/tile/device/lut_increasing", "/tile/device/lut_decreasing"}) {
                const json::json_pointer ptr(p);
                if (!d.contains(ptr) || d[ptr].get<std::string>().empty()) continue;
                const fs::path f(d[ptr].get<std::string>());
                if (f.is_relative()) d[ptr] = fs::absolute(fs::path(spec.scenario).parent_path() / f).lexically_normal().string();
            }
            std::ofstream(dir / "scenario.json") << d.dump(2) << "\n";
            const std::string cmd = shell_quote(o.self) + " run " + shell_quote((dir / "scenario.json").string()) + " --out " +
                                    shell_quote((dir / "run").string()) + " > " + shell_quote((dir / "log.txt").string()) + " 2>&1";
            const int rc = std::system(cmd.c_str());
            const int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + (WIFSIGNALED(rc) ? WTERMSIG(rc) : 0);
            if (code == 130 || code >= 128) {  // interrupted: leave the point to be redone on resume
                failures++;
                continue;
            }
            std::string row = std::to_string(pt.id);
            for (const auto& [k, v] : pt.values) row += "," + cell(v);
            json sum;
            if (fs::exists(dir / "run" / "summary.json")) {
                std::ifstream sin(dir / "run" / "summary.json");
                sum = json::parse(sin);
            }
            for (const auto& m : spec.metrics) {
                const json::json_pointer p(m);
                row += "," + (code != 0 && m == "/status" ? std::string("exit ") + std::to_string(code)
                                                           : (sum.contains(p) ? cell(sum[p]) : std::string()));
            }
            append_locked(csv, row + "\n");
            std::ofstream(dir / "done") << code << "\n";
            if (code != 0) failures++;
        }
    };
    std::vector<std::thread> pool;
    for (int k = 0; k < std::max(1, o.jobs); ++k) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    // A complete sweep (all points of all shards in this folder) gets its rows sorted by point.
    std::size_t done = 0;
    for (const auto& pt : spec.points) done += fs::exists(out / "points" / std::to_string(pt.id) / "done");
    if (done == spec.points.size()) merge_sweeps({o.out}, o.out);
    std::cout << "results: " << csv.string() << (failures ? " (" + std::to_string(failures) + " point(s) failed)" : "")
              << "\n";
    return failures ? 4 : 0;
}

int merge_sweeps(const std::vector<std::string>& dirs, const std::string& out) {
    std::string head;
    std::map<std::size_t, std::string> rows;
    std::size_t total = 0;
    for (const auto& d : dirs) {
        std::ifstream spec(fs::path(d) / "sweep.json");
        if (!spec) throw ScenarioError(d + ": not a sweep folder (no sweep.json)");
        total = std::max<std::size_t>(total, json::parse(spec)["points"].get<std::size_t>());
        std::ifstream in(fs::path(d) / "results.csv");
        std::string line;
        bool first = true;
        while (std::getline(in, line)) {
            if (first) {
                if (head.empty()) head = line;
                else if (line != head) throw ScenarioError(d + "/results.csv: header differs from the other shards");
                first = false;
                continue;
            }
            if (line.empty()) continue;
            rows[std::stoul(line.substr(0, line.find(',')))] = line;  // a point redone later wins
        }
    }
    fs::create_directories(out);
    std::ostringstream os;
    os << head << "\n";
    for (const auto& [id, line] : rows) os << line << "\n";
    write_file_atomically(fs::path(out) / "results.csv", os.str());
    std::vector<std::size_t> missing;
    for (std::size_t id = 0; id < total; ++id)
        if (!rows.count(id)) missing.push_back(id);
    std::cout << "merged " << rows.size() << " of " << total << " points into " << (fs::path(out) / "results.csv").string()
              << "\n";
    if (!missing.empty()) {
        std::cout << "missing points:";
        for (auto id : missing) std::cout << " " << id;
        std::cout << "\n";
        return 1;
    }
    return 0;
}

}  // namespace xbar::platform
