// xbar-vp command line: run | validate a scenario.
// Exit codes: 0 success, 2 bad input (scenario, CLI), 3 internal error, 4 firmware (guest) failure.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <boost/program_options.hpp>
#include <systemc>

#include "platform/compare.h"
#include "platform/datasets.h"
#include "platform/errors.h"
#include "platform/files.h"
#include "platform/output_dir.h"
#include "platform/report.h"
#include "platform/resources.h"
#include "platform/supervisor.h"
#include "platform/sweep.h"
#include "platform/results.h"
#include "platform/scenario.h"
#include "platform/system.h"
#include "platform/vcd_sink.h"

namespace fs = std::filesystem;
namespace po = boost::program_options;
using namespace xbar::platform;

namespace {

const int kQuietBanner = ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

// SIGINT / SIGTERM: the first asks the firmware to stop at its next safe point (the run then
// writes complete outputs marked "interrupted"); a second one terminates at once (the output
// folder is then never created: only its hidden temporary sibling remains).
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int sig) {
    g_stop = 1;
    std::signal(sig, SIG_DFL);
}

constexpr const char* kUsage =
    "usage: xbar-vp <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO [--out DIR] [--seed N] [--variant V] [--trace-level kernels|all]\n"
    "               [--power-window NS]\n"
    "                      simulate the scenario; writes summary.json, trace.json, waves.vcd\n"
    "                      into DIR (default traces/<scenario name>/); replaces only an\n"
    "                      earlier xbar-vp result there, and keeps files you added to it\n"
    "  compare SCENARIO [--variants analog_reram,digital_reram,sram] [-j N] [--out DIR] [--seed N]\n"
    "                      run the scenario once per tile variant (separate processes, N at a\n"
    "                      time) and print them side by side; writes compare.json, compare.csv\n"
    "                      (default DIR traces/<scenario name>-compare/)\n"
    "  sweep SPEC [-j N] [--shard i/N] [--out DIR] [--force] [--no-retry-failed]\n"
    "                      run a grid/zip of scenario variations, one process per point, rows in\n"
    "                      DIR/results.csv (default traces/<spec name>-sweep/), and report.html\n"
    "                      once every point has a row; finished points are skipped and failed\n"
    "                      ones run again on a re-run; a changed spec needs --force (a new\n"
    "                      sweep); --shard runs every N-th point (Slurm job arrays)\n"
    "  merge DIR... --out DIR\n"
    "                      combine shard folders into one results.csv and report.html, and list\n"
    "                      missing points\n"
    "  validate SCENARIO   check a scenario and print it with defaults filled in\n"
    "                      (run, validate, compare: --strict makes fields without effect errors;\n"
    "                      --max-memory SIZE, e.g. 8G, caps the estimated memory, default half\n"
    "                      of the available memory)\n"
    "  schema              print every scenario field (type, range, default, unit, meaning)\n"
    "\n"
    "options:\n"
    "  -h, --help          this text\n"
    "  --version           print the version\n"
    "\n"
    "exit codes: 0 ok, 2 bad input, 3 internal error, 4 firmware failure, 130 interrupted\n";

// Which options each command takes: any other option given is an error, never ignored.
const std::map<std::string, std::set<std::string>>& command_options() {
    static const std::map<std::string, std::set<std::string>> m{
        {"run", {"out", "seed", "variant", "trace-level", "power-window", "strict", "max-memory"}},
        {"validate", {"strict", "max-memory"}},
        {"compare", {"out", "seed", "variants", "jobs", "strict", "max-memory"}},
        {"sweep", {"out", "jobs", "shard", "force", "retry-failed", "no-retry-failed", "max-memory"}},
        {"merge", {"out"}},
        {"schema", {}},
    };
    return m;
}

void check_options_apply(const std::string& cmd, const po::variables_map& vm) {
    const auto& allowed = command_options().at(cmd);
    for (const auto& [name, value] : vm) {
        if (name == "command" || name == "scenario" || name == "more" || value.defaulted()) continue;
        if (allowed.count(name)) continue;
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + std::string("--") + a;
        throw UsageError("--" + name + " does not apply to " + cmd + (list.empty() ? " (it takes no options)" : " (its options: " + list + ")") +
                         (name == "force" && cmd == "run" ? "; a run replaces its own earlier result without it, and never a folder xbar-vp did not create" : ""));
    }
}

// "a,b,c" -> {"a", "b", "c"} (an empty item stays, and is then rejected as an unknown name).
std::vector<std::string> split_commas(const std::string& list) {
    std::vector<std::string> out;
    for (std::string rest = list + ","; !rest.empty(); rest.erase(0, rest.find(',') + 1))
        out.push_back(rest.substr(0, rest.find(',')));
    return out;
}

// --max-memory SIZE, or half of what this machine has available.
std::uint64_t memory_limit(const po::variables_map& vm) {
    return vm.count("max-memory") ? parse_memory_size(vm["max-memory"].as<std::string>()) : default_memory_limit();
}

// Warnings once (errors with --strict), then the memory bound: both before any simulation.
void check_before_running(const Scenario& s, const po::variables_map& vm) {
    report_warnings(s, vm.count("strict") > 0, std::cerr);
    check_memory(s, memory_limit(vm));
}

int cmd_validate(const std::string& file, const po::variables_map& vm) {
    const Scenario s = load_scenario(file);
    check_before_running(s, vm);
    std::cout << s.effective.dump(2) << "\n" << file << ": valid\n";
    return 0;
}

int cmd_run(const std::string& file, const po::variables_map& vm) {
    Scenario s = load_scenario(file);
    nlohmann::json overrides = nlohmann::json::object();  // CLI options, re-validated like the file
    if (vm.count("seed")) overrides["seed"] = parse_seed_option(vm["seed"].as<std::string>());
    if (vm.count("trace-level")) overrides["outputs"]["trace_level"] = vm["trace-level"].as<std::string>();
    if (vm.count("power-window")) overrides["outputs"]["power_window_ns"] = vm["power-window"].as<double>();
    if (vm.count("variant")) overrides["tile"]["variant"] = vm["variant"].as<std::string>();
    if (!overrides.empty()) s = override_scenario(s, overrides);
    // --variant sets /tile/variant; a tile of a /platform/tiles list that names its own keeps it.
    if (vm.count("variant"))
        for (const auto& t : s.tile_specs)
            if (t.variant != vm["variant"].as<std::string>())
                throw ScenarioError("--variant: " + file + ": " + t.path + "/variant is " + t.variant +
                                    ": the option sets /tile/variant, which this tile overrides (remove its variant "
                                    "to compare the variants on every tile)");
    check_before_running(s, vm);
    fs::path out = vm.count("out") ? fs::path(vm["out"].as<std::string>()) : fs::path("traces") / s.name;
    out = out.lexically_normal();
    if (out.filename().empty() && out.has_parent_path()) out = out.parent_path();  // DIR/ and DIR/. are DIR
    // The output contract (platform/output_dir.h, traces/README.md): checked before simulating,
    // written into a private temporary folder, swapped into place when complete.
    std::vector<std::string> planned{"summary.json", "power.csv", "report.html"};
    if (s.write_trace) planned.push_back("trace.json");
    if (s.write_vcd) planned.push_back("waves.vcd");
    StagedOutput staged(out, "run", "run", planned);

    xbar::trace::Timeline timeline(s.write_trace, s.trace_max_events);
    const auto wall0 = std::chrono::steady_clock::now();
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::unique_ptr<VcdSink> vcd;
    if (s.write_vcd) {
        staged.record("waves.vcd");
        vcd = std::make_unique<VcdSink>(staged.dir() / "waves.vcd");
    }
    const RunResult r = run_platform(s, vcd ? vcd->systemc_name() : std::string(), timeline, [] { return g_stop != 0; });
    if (vcd) vcd->finish();
    const nlohmann::json summary = summary_json(s, r);
    const std::string power = power_csv(r);
    staged.write("summary.json", summary.dump(2) + "\n");
    staged.write("power.csv", power);
    staged.write("report.html", render_run_report(summary, power));
    if (s.write_trace) {
        std::ostringstream os;
        timeline.write(os);
        staged.write("trace.json", os.str());
    }
    staged.commit();
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

    print_summary(std::cout, s, r);
    std::cout << "\n  wall-clock " << wall_s << " s\n  outputs:\n    " << (out / "summary.json").string() << "\n    "
              << (out / "power.csv").string() << "\n";
    if (s.write_trace) {
        std::cout << "    " << (out / "trace.json").string();
        if (r.trace_dropped)
            std::cout << "  (" << r.trace_dropped << " events past the " << s.trace_max_events
                      << "-event cap were dropped: the timeline ends early; raise /outputs/trace_max_events)";
        std::cout << "\n";
    }
    if (s.write_vcd) std::cout << "    " << (out / "waves.vcd").string() << "\n";
    std::cout << "    " << (out / "report.html").string() << "\n";
    if (r.interrupted) return 130;
    return r.firmware_ok ? 0 : 4;
}

int dispatch(int argc, char** argv) {
    po::options_description opts;
    opts.add_options()("help,h", "")("version", "")("out", po::value<std::string>(), "")(
        "seed", po::value<std::string>(), "")("strict", "")("max-memory", po::value<std::string>(), "")("force", "")("variant", po::value<std::string>(), "")(
        "variants", po::value<std::string>(), "")("jobs,j", po::value<int>(), "")(
        "trace-level", po::value<std::string>(), "")("power-window", po::value<double>(), "")(
        "shard", po::value<std::string>(), "")("retry-failed", "")("no-retry-failed", "")("more", po::value<std::vector<std::string>>(), "")("command", po::value<std::string>(), "")(
        "scenario", po::value<std::string>(), "");
    po::positional_options_description pos;
    pos.add("command", 1).add("scenario", 1).add("more", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    if (vm.count("help")) {
        std::cout << kUsage;
        return 0;
    }
    if (vm.count("version")) {
        std::cout << "xbar-vp 0.1.0 (SystemC " << sc_core::sc_release() << ")\n";
        return 0;
    }
    if (!vm.count("command")) throw UsageError("missing command");
    const std::string cmd = vm["command"].as<std::string>();
    if (!command_options().count(cmd))
        throw UsageError("unknown command '" + cmd + "' (expected run, compare, sweep, merge, validate or schema)");
    check_options_apply(cmd, vm);
    if (cmd == "schema") {
        if (vm.count("scenario")) throw UsageError("schema: unexpected argument '" + vm["scenario"].as<std::string>() + "'");
        std::cout << schema_markdown();
        return 0;
    }
    if (!vm.count("scenario")) throw UsageError(cmd + ": missing " + (cmd == "merge" ? "DIR" : cmd == "sweep" ? "SPEC" : "SCENARIO"));
    const std::string file = vm["scenario"].as<std::string>();
    if (vm.count("more") && cmd != "merge") throw UsageError(cmd + ": unexpected extra arguments");
    if (cmd == "sweep") {
        const SweepSpec spec = load_sweep(file);
        SweepOptions o;
        o.self = fs::read_symlink("/proc/self/exe").string();
        o.out = vm.count("out") ? vm["out"].as<std::string>() : (fs::path("traces") / (spec.name + "-sweep")).string();
        o.jobs = vm.count("jobs") ? vm["jobs"].as<int>() : 2;
        check_jobs(o.jobs, "sweep");
        if (vm.count("shard")) {
            const Shard sh = parse_shard(vm["shard"].as<std::string>());
            o.shard = sh.index;
            o.shards = sh.count;
        }
        if (vm.count("retry-failed") && vm.count("no-retry-failed"))
            throw UsageError("sweep: --retry-failed and --no-retry-failed contradict each other");
        o.retry_failed = !vm.count("no-retry-failed");
        o.force = vm.count("force") > 0;
        if (vm.count("max-memory")) {
            (void)memory_limit(vm);  // a bad size is exit 2 here, not in every point's log
            o.max_memory = vm["max-memory"].as<std::string>();
        }
        return run_sweep(spec, o);
    }
    if (cmd == "merge") {
        std::vector<std::string> dirs{file};
        if (vm.count("more"))
            for (const auto& d : vm["more"].as<std::vector<std::string>>()) dirs.push_back(d);
        if (!vm.count("out")) throw UsageError("merge: --out DIR is required");
        return merge_sweeps(dirs, vm["out"].as<std::string>());
    }
    for (const char* key : {"variant", "variants"})
        if (vm.count(key))
            for (const std::string& v : split_commas(vm[key].as<std::string>())) {
                const auto& names = variant_names();
                if (std::find(names.begin(), names.end(), v) == names.end())
                    throw UsageError("unknown variant '" + v + "' (valid: analog_reram, digital_reram, sram)");
            }
    if (cmd == "compare") {
        const Scenario s = load_scenario(file);  // bad input fails here, before any child runs
        check_before_running(s, vm);
        CompareOptions o;
        o.self = fs::read_symlink("/proc/self/exe").string();
        o.scenario = file;
        o.variants = variant_names();
        if (vm.count("variants")) o.variants = split_commas(vm["variants"].as<std::string>());
        for (std::size_t i = 0; i < o.variants.size(); ++i)  // two processes would share one folder and log
            if (std::find(o.variants.begin(), o.variants.begin() + std::ptrdiff_t(i), o.variants[i]) != o.variants.begin() + std::ptrdiff_t(i))
                throw UsageError("compare: --variants: " + o.variants[i] + " is listed twice");
        if (vm.count("max-memory")) o.max_memory = vm["max-memory"].as<std::string>();
        o.jobs = vm.count("jobs") ? vm["jobs"].as<int>() : 2;
        check_jobs(o.jobs, "compare");
        o.out = vm.count("out") ? vm["out"].as<std::string>() : (fs::path("traces") / (s.name + "-compare")).string();
        if (vm.count("seed")) o.seed = parse_seed_option(vm["seed"].as<std::string>());
        return run_compare(o);
    }
    return cmd == "run" ? cmd_run(file, vm) : cmd_validate(file, vm);
}

}  // namespace

int sc_main(int argc, char** argv) {
    (void)kQuietBanner;
    adopt_supervisor_death_signal();  // a point or variant process dies with its compare / sweep
    // A write past a file-size limit or into a closed pipe must fail as an error we report, not
    // kill the process: SIGXFSZ and SIGPIPE are ignored, so write() returns EFBIG / EPIPE.
    std::signal(SIGXFSZ, SIG_IGN);
    std::signal(SIGPIPE, SIG_IGN);
    // Info messages (timescale, "stopped by user") are noise on the console.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    try {
        return dispatch(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "xbar-vp: " << e.what() << " (xbar-vp --help lists the commands and options)\n";
        return 2;
    } catch (const ScenarioError& e) {
        std::cerr << "xbar-vp: " << e.what() << "\n";
        return 2;
    } catch (const InputError& e) {
        std::cerr << "xbar-vp: " << e.what() << "\n";
        return 2;
    } catch (const DatasetError& e) {
        std::cerr << "xbar-vp: dataset: " << e.what() << "\n";
        return 2;
    } catch (const IoError& e) {
        std::cerr << "xbar-vp: " << e.what() << " (the previous result, if any, is unchanged)\n";
        return 3;
    } catch (const std::filesystem::filesystem_error& e) {
        // The OS refused a folder operation: a full or failing disk is exit 3, anything else
        // (permission denied, a file where a folder should be) is the environment's, exit 2.
        const int err = e.code().value();
        std::cerr << "xbar-vp: " << e.what() << "\n";
        return err == ENOSPC || err == EDQUOT || err == EFBIG || err == EIO || err == EROFS ? 3 : 2;
    } catch (const std::exception& e) {
        std::cerr << "xbar-vp: internal error: " << e.what() << "\n";
        return 3;
    }
}
