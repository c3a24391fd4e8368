#include "platform/system.h"

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

#include <systemc>
#include <tlm>

#include "firmware/hal.h"
#include "models/checker/tlm_checker.h"
#include "models/cores/analog_core.h"
#include "models/cores/digital_core.h"
#include "models/dram/dram.h"
#include "models/energy/ledger.h"
#include "models/interconnect/router.h"
#include "models/tile/tile.h"
#include "platform/datasets.h"
#include "platform/host_cpu.h"
#include "platform/power_probe.h"

namespace xbar::platform {

using namespace sc_core;

namespace {

std::uint32_t variant_code(const std::string& v) { return v == "digital_reram" ? 1 : v == "sram" ? 2 : 0; }

// Array size and code widths: the same scenario fields for every variant's parameters.
template <class Params>
void set_geometry(Params& p, const TileSpec& s) {
    p.rows = s.rows;
    p.cols = s.cols;
    p.bits_in = s.bits_in;
    p.bits_out = s.bits_out;
    p.bits_x = s.bits_x;
    p.bits_delta = s.bits_delta;
}

// The seed of core `core` of tile `tile_index`. Core 0 keeps the seed a tile's one core has always
// had, so single-core runs stay byte-identical; core c >= 1 derives from it with the tag "COR" + c
// (0x434F5201..0x434F520F), distinct per core and from the tags the cores derive their own streams
// with ("READ", "DEV" + k, "CAL" + k, "OPU"), so no two streams of a tile share a seed.
std::uint64_t core_seed(const Scenario& sc, int tile_index, int core) {
    const std::uint64_t tile = device::Rng::derive(sc.seed, 0x54494C45ull + std::uint64_t(tile_index));  // "TILE"
    return core == 0 ? tile : device::Rng::derive(tile, 0x434F5200ull + std::uint64_t(core));             // "COR" + c
}

std::unique_ptr<cores::CrossbarCore> make_core(const Scenario& sc, int tile_index, int core) {
    const std::uint64_t seed = core_seed(sc, tile_index, core);
    const TileSpec& s = sc.tile(tile_index);
    if (s.variant == "digital_reram" || s.variant == "sram") {
        cores::DigitalCoreConfig d;
        d.memory = s.variant == "sram" ? cores::DigitalCoreConfig::Memory::sram : cores::DigitalCoreConfig::Memory::reram;
        // The reference's 8-, 4- and 2-bit designs differ in MAC widths and energy.
        d.params = digital_params(sc.technology, s.bits_in == 4 || s.bits_in == 2 ? s.bits_in : 8);
        set_geometry(d.params, s);
        d.seed = seed;
        return std::make_unique<cores::DigitalCore>(d);
    }
    cores::AnalogCoreConfig c;
    c.params = analog_params(sc.technology);
    set_geometry(c.params, s);
    c.params.pulse_unit_ns = s.pulse_unit_ns;
    c.params.adc_type = s.adc_type == "sar" ? energy::AdcType::sar : energy::AdcType::ramp;
    c.params.lines_per_adc = s.columns_per_adc;
    c.activity = s.activity == "data" ? cores::Activity::data : cores::Activity::nominal;
    c.read_noise = s.read_noise;
    if (s.device_model == "analytic") {
        c.device.kind = cores::DeviceSpec::Kind::analytic;
        c.device.analytic.alpha = float(s.device_alpha);
        c.device.analytic.symmetric = s.device_symmetric;
        c.device.analytic.write_noise = float(s.device_write_noise);
    } else if (s.device_model == "lut") {
        c.device.kind = cores::DeviceSpec::Kind::lut;
        c.device.lut_increasing = s.lut_increasing;
        c.device.lut_decreasing = s.lut_decreasing;
        c.device.lut_mapping.g_min_relative = s.lut_g_min_relative;
        c.device.lut_mapping.g_max_relative = s.lut_g_max_relative;
        c.device.lut_mapping.mode = s.lut_mode == "pulses" ? device::LutUpdateMode::pulses : device::LutUpdateMode::scaled;
    }
    c.carry.cells = s.carry_cells;
    c.carry.base = s.carry_base;
    c.carry.threshold = s.carry_threshold;
    c.carry.every = s.carry_every;
    c.seed = seed;
    return std::make_unique<cores::AnalogCore>(c);
}

// What costs nothing in a run because it is not modelled (summary.json, console, report).
std::vector<NotModelled> not_modelled_parts(const Scenario& sc) {
    std::vector<NotModelled> out = {
        {"host.control", "the firmware's control flow (loops, address arithmetic, driver logic): its bus transactions "
                         "and its scalar arithmetic (host.op_*) are charged, its other instructions are not; the float "
                         "twin of train_mlp and quickstart's reference check are measurements, not charged"},
        {"interconnect.router", "address decode and arbitration logic and router area (the link's wire energy and "
                                "occupancy are charged)"},
        {"dram.background", "DRAM refresh, background, activate and precharge power beyond the per-bit access energy"},
        {"static_power", "leakage of every component (the reference gives none): every energy is dynamic"},
        {"clock_tree", "clock distribution"},
    };
    for (int k = 0; k < sc.tiles; ++k) {
        const TileSpec& s = sc.tile(k);
        const std::string t = "tile" + std::to_string(k);
        out.push_back({t + ".controller", "command decode, sequencing and the done interrupt (time: the register "
                                          "access; energy: the register bits)"});
        out.push_back({t + ".dma_engine", "the DMA engine's control and staging FIFO, and the weight staging of "
                                          "PROGRAM/UPDATE/READBACK (their transfers are charged on the interconnect "
                                          "and in DRAM; DMA_CTRL copies also in the tile buffers they touch)"});
        if (s.variant == "analog_reram" && s.adc_type == "ramp")
            out.push_back({t + ".adc_ramp", "the ramp generator and master counter shared by the array (the comparators "
                                            "are charged; the reference gives no figure for the ramp)"});
        if (s.variant == "analog_reram" && s.columns_per_adc > 1)
            out.push_back({t + ".adc_mux", "the column multiplexer in front of each shared converter: its area and "
                                           "switching energy (the serialized conversions are charged)"});
        if (s.variant == "analog_reram")
            out.push_back({t + ".analog_routing", "the analog mux's pass-gate switching energy (its area is charged; "
                                                  "the reference gives no energy for it)"});
        if (s.variant != "analog_reram")
            out.push_back({t + ".input_register", "the digital core's input-register access energy (its access time and "
                                                  "area are charged; the reference gives no energy for it)"});
        out.push_back({t + ".area", "area of the registers, controller, DMA engine and digital unit (the core and the "
                                    "SRAM memories have area)"});
    }
    return out;
}

// The module tree after elaboration; protocol checkers and the power probe are instrumentation.
// The root of the hardware's module tree: builds it (whatever `build` constructs while this
// constructor runs is a child of "top").
struct Top : sc_core::sc_module {
    template <class Build>
    Top(sc_core::sc_module_name n, Build&& build) : sc_module(n) {
        build();
    }
};

std::vector<ModuleRow> module_tree() {
    std::vector<ModuleRow> out;
    std::vector<sc_object*> todo(sc_get_top_level_objects().begin(), sc_get_top_level_objects().end());
    for (std::size_t i = 0; i < todo.size(); ++i) {  // breadth first: the queue grows behind i
        if (auto* m = dynamic_cast<sc_module*>(todo[i])) {
            const std::string n = m->name();
            if (dynamic_cast<sc_event_queue*>(m)) continue;  // a module only by SystemC's implementation
            out.push_back({n, !(n.rfind("check_", 0) == 0 || n == "power")});
            const auto& kids = m->get_child_objects();
            todo.insert(todo.end(), kids.begin(), kids.end());
        }
    }
    return out;
}

}  // namespace

RunResult run_platform(const Scenario& s, const std::string& vcd_path, trace::Timeline& timeline,
                       std::function<bool()> stop_requested) {
    tlm::tlm_global_quantum::instance().set(sc_time(s.quantum_ns, SC_NS));
    energy::Ledger ledger(std::uint64_t(s.power_window_ns * 1000.0));

    // Address map: DRAM is router target 0, tile k is target k + 1.
    std::vector<models::MapEntry> map{{"dram", s.dram_base, s.dram_size, 0}};
    fw::BootInfo boot;
    boot.program = s.program;
    boot.seed = s.seed;
    boot.dram_base = s.dram_base;
    boot.dram_size = s.dram_size;
    boot.args = s.firmware_args;
    boot.args["trace_detail"] = s.trace_level == "all" ? 1.0 : 0.0;
    for (int k = 0; k < s.tiles; ++k) {
        const std::uint64_t base = s.tile_base + std::uint64_t(k) * s.tile_stride;
        map.push_back({"tile" + std::to_string(k), base, regmap::WINDOW_SIZE, k + 1});
        boot.tile_base.push_back(base);
        boot.tile_irq.push_back(unsigned(k));
    }

    models::LinkParams link;
    link.hop_latency_ns = s.hop_latency_ns;
    link.bytes_per_ns = s.link_bytes_per_ns;
    // Wire energy per transferred bit: activity x C_wire x length x V^2 (M18 Table I wire model).
    const InterconnectTech wire = interconnect_params(s.technology);
    link.energy_pj_per_bit =
        s.wire_activity * wire.wire_c_af_per_um * 1e-18 * s.wire_length_um * wire.voltage * wire.voltage * 1e12;
    link.energy_source =
        "activity x interconnect.wire_c_af_per_um x route length x interconnect.voltage^2 (technology entries)";

    // Training data is staged at the top of DRAM as records of `dim` feature bytes + a label byte.
    std::vector<std::uint8_t> image;
    if (s.program == "train_mlp") {
        Dataset train, test;
        if (s.dataset == "fashion") {
            const std::string dir = "/usr/share/datasets/fashion-mnist/";
            if (!std::filesystem::exists(dir + "train-images-idx3-ubyte.gz"))
                throw DatasetError(dir + ": Fashion-MNIST not found: install the Debian package dataset-fashion-mnist");
            train = load_idx(dir + "train-images-idx3-ubyte.gz", dir + "train-labels-idx1-ubyte.gz", 10, "fashion");
            test = load_idx(dir + "t10k-images-idx3-ubyte.gz", dir + "t10k-labels-idx1-ubyte.gz", 10, "fashion");
        } else {
            const std::string dir = std::string(XBAR_DATASET_DIR) + "/uci-digits/";
            train = load_digits_csv(dir + "optdigits-train.csv.gz");
            test = load_digits_csv(dir + "optdigits-test.csv.gz");
        }
        for (const Dataset* d : {&train, &test})
            for (std::size_t i = 0; i < d->count(); ++i) {
                image.insert(image.end(), d->features.begin() + std::ptrdiff_t(i * d->dim),
                             d->features.begin() + std::ptrdiff_t((i + 1) * d->dim));
                image.push_back(d->labels[i]);
            }
        const std::uint64_t offset = (s.dram_size - image.size()) & ~0xFFFull;
        std::uint64_t largest = 0;  // the firmware stages one weight matrix at a time
        for (const auto& t : s.tile_specs) largest = std::max(largest, std::uint64_t(t.rows) * t.cols * 4);
        if (image.size() + largest > s.dram_size)
            throw DatasetError("the dataset (" + std::to_string(image.size() >> 20) + " MiB) and a weight matrix do not fit in DRAM: raise /platform/dram/size_mib");
        boot.dim = train.dim;
        boot.classes = train.classes;
        boot.feature_scale = train.feature_scale;
        boot.train_addr = s.dram_base + offset;
        boot.train_count = train.count();
        boot.test_addr = boot.train_addr + train.count() * std::uint64_t(train.dim + 1);
        boot.test_count = test.count();
        boot.layers = s.layers;
        boot.activation = s.activation;
        boot.output_activation = s.output_activation;
    }

    const fw::Program program = fw::find_program(s.program);
    if (!program) throw std::logic_error("firmware program " + s.program + " is not registered");

    // Exact per-epoch energy: snapshot the ledger when the firmware's "epoch N" phase ends (all of
    // the epoch's kernels have finished and booked their energy by then).
    struct Snapshot {
        std::map<std::string, double> by_kernel, by_component;
        double total = 0;
    };
    std::vector<Snapshot> snapshots{Snapshot{}};
    auto on_phase_end = [&ledger, &snapshots](const std::string& name, std::uint64_t, std::uint64_t) {
        if (name.rfind("epoch ", 0) != 0) return;
        Snapshot sn;
        for (const auto& row : ledger.rows()) {
            sn.by_kernel[energy::kernel_name(row.kernel)] += row.energy_pj;
            sn.by_component[row.def->owner + "." + row.def->component] += row.energy_pj;
            sn.total += row.energy_pj;
        }
        snapshots.push_back(std::move(sn));
    };
    const SystemTech st = system_params(s.technology);
    models::DramParams dp;
    dp.size_bytes = s.dram_size;
    dp.latency_ns = st.dram_latency_ns;
    dp.bytes_per_ns = st.dram_bytes_per_ns;
    dp.read_pj_per_bit = st.dram_read_pj_per_bit;
    dp.write_pj_per_bit = st.dram_write_pj_per_bit;
    models::TileParams tp;
    tp.digital_unit = digital_unit_params(s.technology);
    tp.reg_access_ns = st.reg_access_ns;
    tp.reg_fj_per_bit = st.reg_fj_per_bit;
    tp.buffer_macro = {st.sram_macro_bits, st.sram_word_bits, st.sram_access_ns, st.sram_read_fj_per_bit,
                       st.sram_write_fj_per_bit, st.sram_macro_um2};
    tp.trace_detail = s.trace_level == "all";

    // The hardware is one module tree under "top" (waves.vcd scopes, trace.json processes and the
    // summary's module list are its paths). The root is destroyed after its children.
    std::unique_ptr<sc_core::sc_module> top;
    std::unique_ptr<HostCpu> host_module;
    std::unique_ptr<models::Router> router_module;
    std::unique_ptr<models::Dram> dram_module;
    std::vector<std::unique_ptr<models::Tile>> tiles;
    top = std::make_unique<Top>("top", [&] {
        host_module = std::make_unique<HostCpu>("host", unsigned(s.tiles), program, boot,
                                                HostParams{st.host_op_ns, st.host_op_pj}, ledger, timeline, on_phase_end);
        router_module = std::make_unique<models::Router>("interconnect", map, link, ledger, timeline);
        dram_module = std::make_unique<models::Dram>("dram", dp, &ledger);
        for (int k = 0; k < s.tiles; ++k) {
            const std::string name = "tile" + std::to_string(k);
            const TileSpec& spec = s.tile(k);
            tp.dma_burst_bytes = spec.dma_burst_bytes;
            tp.variant_code = variant_code(spec.variant);
            tp.in_buf_bytes = spec.in_buf_bytes;
            tp.out_buf_bytes = spec.out_buf_bytes;
            tp.adc_shared = spec.adc_shared;
            tp.digital_unit.lanes = spec.du_lanes;
            // Every core of a tile is built from the same spec (one geometry, code format and
            // device); only their seeds differ.
            std::vector<std::unique_ptr<cores::CrossbarCore>> tile_cores;
            for (int c = 0; c < spec.cores; ++c) tile_cores.push_back(make_core(s, k, c));
            tiles.push_back(std::make_unique<models::Tile>(name.c_str(), tp, std::move(tile_cores), ledger, timeline));
        }
    });
    HostCpu& host = *host_module;
    models::Router& router = *router_module;
    models::Dram& dram = *dram_module;
    host.set_stop_check(std::move(stop_requested));
    router.set_trace_transfers(s.trace_level == "all");
    if (!image.empty()) dram.load(boot.train_addr - s.dram_base, image.data(), image.size());

    std::vector<std::unique_ptr<sc_signal<bool>>> irqs;
    // With XBAR_TLM_CHECK=1 every link gets an LT protocol checker (the test suite sets it).
    const char* check_env = std::getenv("XBAR_TLM_CHECK");
    const bool check = check_env && std::string(check_env) == "1";
    std::vector<std::unique_ptr<checker::TlmChecker>> checkers;
    auto connect = [&](auto& initiator, auto& target, const std::string& name) {
        if (!check) {
            initiator.bind(target);
            return;
        }
        checkers.push_back(std::make_unique<checker::TlmChecker>(("check_" + name).c_str()));
        initiator.bind(checkers.back()->target_socket);
        checkers.back()->initiator_socket.bind(target);
    };
    connect(host.socket, router.target_socket, "host");
    connect(router.initiator_socket, dram.socket, "dram");
    for (int k = 0; k < s.tiles; ++k) {
        const std::string name = "tile" + std::to_string(k);
        irqs.push_back(std::make_unique<sc_signal<bool>>((name + "_irq").c_str()));
        tiles[k]->irq.bind(*irqs.back());
        host.irq[k].bind(*irqs.back());
        connect(tiles[k]->initiator_socket, router.target_socket, name + "_dma");
        connect(router.initiator_socket, tiles[k]->target_socket, name);
    }

    sc_trace_file* tf = nullptr;
    std::unique_ptr<PowerProbe> probe;
    if (!vcd_path.empty()) {
        probe = std::make_unique<PowerProbe>("power", unsigned(s.tiles));
        for (int k = 0; k < s.tiles; ++k) probe->in[k].bind(tiles[k]->power_mw());
        tf = sc_create_vcd_trace_file(vcd_path.c_str());
        tf->set_time_unit(1, SC_PS);  // bus and DRAM timing is not a whole number of ns
        const bool detail = s.trace_level == "all";
        if (detail) router.trace(tf);  // every transaction toggles it: only at the detailed level
        for (auto& t : tiles) t->trace(tf, detail);
        sc_core::sc_trace(tf, probe->total_mw, "power.total_mw");  // tiles' kernels (bus energy is in power.csv)
    }

    sc_start();
    if (tf) {
        sc_close_vcd_trace_file(tf);  // the caller's VcdSink checks and finishes the file
    }

    for (const auto& c : checkers)
        if (!c->violations.empty())
            throw std::logic_error("TLM protocol violation: " + c->violations.front() + " (" +
                                   std::to_string(c->violations.size()) + " in all on this link)");

    RunResult r;
    r.sim_time_ns = sc_time_stamp().to_seconds() * 1e9;
    r.checked_links = checkers.size();
    for (const auto& c : checkers) r.checked_transactions += c->transactions;
    r.firmware_ok = host.report().ok && host.finished();
    r.firmware_error = host.finished() ? host.report().error
                                       : "firmware did not finish: the simulation ran out of events (waiting for an "
                                         "interrupt that never came?)";
    r.firmware_metrics = host.report().metrics;
    r.interrupted = host.interrupted();
    // Per-epoch simulated time and energy (differences of the ledger snapshots).
    std::uint64_t t_prev = 0;
    const auto& rows = host.report().epochs;
    for (std::size_t e = 0; e < rows.size() && e + 1 < snapshots.size(); ++e) {
        nlohmann::json row(rows[e]);
        const auto t_end = std::uint64_t(rows[e].at("end_time_ps"));
        row.erase("end_time_ps");
        row["sim_time_ns"] = double(t_end - t_prev) * 1e-3;
        const Snapshot &a = snapshots[e], &b = snapshots[e + 1];
        row["energy_nj"] = (b.total - a.total) * 1e-3;
        for (const auto& [k, v] : b.by_kernel) {
            const auto it = a.by_kernel.find(k);
            row["energy_by_kernel_nj"][k] = (v - (it == a.by_kernel.end() ? 0.0 : it->second)) * 1e-3;
        }
        for (const auto& [k, v] : b.by_component) {
            const auto it = a.by_component.find(k);
            row["energy_by_component_nj"][k] = (v - (it == a.by_component.end() ? 0.0 : it->second)) * 1e-3;
        }
        r.epochs.push_back(row);
        t_prev = t_end;
    }
    r.power = ledger.power_table();
    // Internal invariants: every energy view is the same ledger, and time only moves forward.
    // A broken one is a simulator bug (exit code 3), never a guest's fault.
    {
        double by_kernel = 0, in_bins = 0;
        for (const auto& row : ledger.rows()) by_kernel += row.energy_pj;
        for (const auto& b : r.power.bins)
            for (double e : b) in_bins += e;
        const double total = ledger.total_pj();
        if (!(std::abs(by_kernel - total) <= 1e-9 * std::max(1.0, total)) ||
            !(std::abs(in_bins - total) <= 1e-9 * std::max(1.0, total)))
            throw std::logic_error("ledger views disagree: rows " + std::to_string(by_kernel) + " pJ, bins " +
                                   std::to_string(in_bins) + " pJ, total " + std::to_string(total) + " pJ");
        if (!(r.sim_time_ns >= 0) || !std::isfinite(total) || total < 0)
            throw std::logic_error("simulated time or energy is not a finite non-negative number");
    }
    // Power counter tracks for the timeline: total and per tile, one value per window.
    if (timeline.enabled()) {
        const int total_track = timeline.track("power", "total");
        const auto totals = r.power.window_totals();
        const double w = double(r.power.bin_ps);
        for (std::size_t b = 0; b < totals.size(); ++b) {
            std::map<std::string, double> per_owner;
            for (std::size_t k = 0; k < r.power.streams.size(); ++k) {
                const std::string& st = r.power.streams[k];
                per_owner[st.substr(0, st.find('.'))] += r.power.bins[k][b];
            }
            const std::uint64_t t = std::uint64_t(b) * r.power.bin_ps;
            timeline.counter(total_track, "power_mw", t, totals[b] / w * 1e3);
            for (const auto& [owner, e] : per_owner) timeline.counter(total_track, owner + "_mw", t, e / w * 1e3);
        }
    }
    r.activity = s.tile(0).activity;
    for (const auto& t : s.tile_specs)
        if (t.activity != r.activity) r.activity = "mixed";
    for (int k = 0; k < s.tiles; ++k) {
        const auto& t = *tiles[k];
        for (int i = 0; i < energy::kKernelCount; ++i) {
            const auto kern = energy::Kernel(i);
            const auto& stat = t.stat(kern);
            KernelResult kr{t.basename(), energy::kernel_name(kern), stat.count, stat.busy_ns, 0.0,
                            stat.staging_ns, 0.0, stat.macs, stat.latency_parts_ns};
            // The tile's memories are the kernel's staging; everything else its compute unit.
            const auto& mem = models::Tile::memory_components();
            for (const auto& row : ledger.rows())
                if (row.def->owner == kr.tile && row.kernel == kern)
                    (std::find(mem.begin(), mem.end(), row.def->component) == mem.end() ? kr.energy_pj : kr.staging_pj) +=
                        row.energy_pj;
            r.kernels.push_back(kr);
        }
        for (const auto& a : t.core_area())
            r.area.push_back({t.basename(), a.component, a.area_um2, a.over_periphery, false});
        for (const auto& a : t.area()) r.area.push_back({t.basename(), a.component, a.area_um2, false, true});
    }
    for (const auto& row : ledger.rows())
        r.energy.push_back({row.def->owner, row.def->component, row.def->action, energy::kernel_name(row.kernel),
                            row.count, row.energy_pj, row.def->energy_pj, row.def->source,
                            energy::basis_name(row.def->basis)});
    r.total_energy_pj = ledger.total_pj();
    r.bus_bytes = router.bytes_moved();
    r.bus_transactions = router.transactions();
    r.bus_busy_ns = router.busy_ns();
    r.host_ops = std::uint64_t(ledger.count(host.op_action(), energy::Kernel::host));
    r.not_modelled = not_modelled_parts(s);
    r.modules = module_tree();
    r.trace_events = timeline.size();
    r.trace_dropped = timeline.dropped();
    return r;
}

}  // namespace xbar::platform
