// Trains an MLP on the accelerator and, alongside, a float twin with the same initial weights and
// sample order, so every accuracy comes with its float reference. Firmware touches the tiles only
// through registers, buffers and interrupts.
//
// Placement (mlp_placement.h): each layer's weight matrix ((n_in + 1) x n_out, bias row last) is cut
// into as few row chunks ("parts") as fit, each placed as a block of one crossbar core of one tile
// (blocks go down the diagonal of each core's array, round robin over the cores, core-major: see
// probe_units). The parts of a layer run concurrently: firmware issues the command to every part's
// core, then waits for each (cores of one tile share its interrupt line and its buffers). Forward
// partial sums are combined digitally before the activation; deltas and activations are copied
// between tiles when the producer and the consumer do not share buffers.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "firmware/codes.h"
#include "firmware/mlp_placement.h"
#include "firmware/programs.h"
#include "firmware/tile_driver.h"
#include "models/tile/regmap.h"

namespace fw {

namespace {

namespace rm = xbar::regmap;

std::uint32_t act_code(const std::string& a) {
    return a == "tanh" ? rm::ACT_TANH : a == "relu" ? rm::ACT_RELU : rm::ACT_SIGMOID;
}

// The float twin's activation for a DU_ACT code (sigmoid otherwise, as act_code gives).
double act(std::uint32_t a, double v) {
    switch (a) {
        case rm::ACT_TANH: return std::tanh(v);
        case rm::ACT_RELU: return std::clamp(v, 0.0, 1.0);  // the tile saturates activations at out_scale = 1
        default: return 1.0 / (1.0 + std::exp(-v));
    }
}
double dact(std::uint32_t a, double v) {
    switch (a) {
        case rm::ACT_TANH: { const double t = std::tanh(v); return 1.0 - t * t; }
        case rm::ACT_RELU: return v > 0 && v < 1 ? 1.0 : 0.0;
        default: { const double s = 1.0 / (1.0 + std::exp(-v)); return s * (1.0 - s); }
    }
}

// The tiles' drivers, one per placement unit (a core of a tile), and what placement needs to know.
struct Units {
    std::vector<TileDriver> drv;        // indexed like `units`
    std::vector<mlp::Unit> units;
    std::vector<mlp::TileBuffers> buffers;  // per physical tile
    std::vector<int> tile_unit;         // per physical tile: a unit of it (for buffer accesses)
};

// Probes every tile and lists its cores as placement units in the round-robin order, core-major:
// core 0 of every tile, then core 1 of every tile, and so on. Why: the k-th unit the round robin
// visits is on tile k mod T, as with one core per tile, so parts land on the tiles they land on with
// single-core tiles (while the unit tried first has room) and more cores per tile only spread them
// over that tile's cores; a split layer's parts go to different tiles first, each with its own
// buffers, digital unit and bus port, which cores of one tile share; and a mixed platform keeps
// each layer on the kind of tile it was built for. Tile-major (a tile's cores first) would save
// copies between tiles (consecutive one-part layers on one tile hand their vectors over in place),
// but would pile a split layer's parts onto one tile's buffers and move layers between tile kinds.
Units probe_units(Hal& hal, const BootInfo& boot) {
    Units u;
    const int T = int(boot.tile_base.size());
    std::vector<TileDriver> core0;
    for (int k = 0; k < T; ++k) {
        core0.emplace_back(hal, boot.tile_base[k], boot.tile_irq[k], "tile" + std::to_string(k));
        core0.back().probe();
        u.buffers.push_back({core0.back().in_buf_bytes(), core0.back().out_buf_bytes()});
        u.tile_unit.push_back(k);
    }
    unsigned max_cores = 0;
    for (const auto& t : core0) max_cores = std::max(max_cores, t.cores());
    for (unsigned c = 0; c < max_cores; ++c)
        for (int k = 0; k < T; ++k) {
            if (c >= core0[k].cores()) continue;
            u.drv.push_back(c == 0 ? core0[k] : core0[k].for_core(c));
            u.units.push_back({k, c, core0[k].rows(), core0[k].cols()});
        }
    return u;
}

}  // namespace

Report train_mlp(Hal& hal, const BootInfo& boot) {
    Report rep;
    if (boot.tile_base.empty()) throw DeviceError("train_mlp: the platform has no tile");
    Units U = probe_units(hal, boot);
    std::vector<TileDriver>& drv = U.drv;
    TileDriver& t0 = drv[0];
    const int mi = code_max(t0.bits_in()), mo = code_max(t0.bits_out());
    const int L = int(boot.layers.size()) - 1;
    std::vector<std::uint32_t> a_code(L, act_code(boot.activation));
    a_code[L - 1] = act_code(boot.output_activation.empty() ? boot.activation : boot.output_activation);
    const int epochs = int(boot.arg("epochs", 10));
    const int batch = std::max(1, int(boot.arg("batch_size", 1)));
    double lr = boot.arg("learning_rate", 0.1);
    const double decay = boot.arg("lr_decay", 1.0);
    const float fs_fwd = float(boot.arg("fwd_fullscale", 6.0));
    const float fs_bwd = float(boot.arg("bwd_fullscale", 4.0));
    const double init = boot.arg("init_scale", 1.0);
    std::uint64_t n_train = boot.train_count, n_test = boot.test_count;
    if (const auto lim = std::uint64_t(boot.arg("train_limit", 0)); lim) n_train = std::min(n_train, lim);
    if (const auto lim = std::uint64_t(boot.arg("test_limit", 0)); lim) n_test = std::min(n_test, lim);

    const mlp::Placement placement = mlp::place(boot.layers, U.units, U.buffers);
    const std::vector<mlp::LayerPlan>& plan = placement.layers;

    // ---- seeded initial weights, programmed with the serial-write command -------------------
    FwRandom rng(boot.seed);
    std::vector<std::vector<double>> fw_w(L);  // float twin, (n_in + 1) x n_out row-major
    {
        Phase p(hal, "program weights");
        for (int l = 0; l < L; ++l) {
            const mlp::LayerPlan& lp = plan[l];
            const int rows = lp.n_in + 1;
            std::vector<float> w(std::size_t(rows) * lp.n_out);
            const double s = init / std::sqrt(double(rows));
            for (auto& v : w) v = float(s * rng.symmetric());
            hal.compute(2 * w.size());  // a random draw and a scale per weight
            fw_w[l].assign(w.begin(), w.end());
            for (auto& pt : lp.parts) {
                TileDriver& t = drv[pt.unit];
                hal.write_block(boot.dram_base, &w[std::size_t(pt.r_begin) * lp.n_out],
                                std::size_t(pt.r_end - pt.r_begin) * lp.n_out * sizeof(float));
                t.set_region(pt.r_end - pt.r_begin, lp.n_out, pt.row0, pt.col0);
                t.program(boot.dram_base);
                // The bias input is the constant 1, written once into the part holding the bias row.
                if (pt.r_end == rows) {
                    const std::int8_t one = std::int8_t(mi);
                    t.write_input(pt.in_off + std::uint32_t(rows - 1 - pt.r_begin), &one, 1);
                }
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------
    const std::size_t rec = std::size_t(boot.dim) + 1;
    std::vector<std::uint8_t> record(rec);
    std::vector<double> x(boot.dim);
    std::vector<std::int8_t> buf(65536), buf2(65536);
    auto load = [&](std::uint64_t base, std::uint64_t i) {
        hal.read(base + i * rec, record.data(), rec);
        for (int k = 0; k < boot.dim; ++k) x[k] = record[k] * boot.feature_scale;
        hal.compute(std::uint64_t(boot.dim));
        return int(record[boot.dim]);
    };
    // Layer l's input rows [0, n_in) from IN_BUF codes `src` on physical tile `from` (or from host codes).
    auto feed_inputs = [&](int l, int from, std::uint32_t src_off, const std::int8_t* host) {
        for (const auto& pt : plan[l].parts) {
            const int n = std::min(pt.r_end, plan[l].n_in) - pt.r_begin;
            if (n <= 0) continue;
            if (host) {
                drv[pt.unit].write_input(pt.in_off, host + pt.r_begin, std::size_t(n));
            } else if (!(pt.tile == from && pt.in_off == src_off + std::uint32_t(pt.r_begin))) {
                drv[U.tile_unit[from]].read_input(src_off + std::uint32_t(pt.r_begin), buf.data(), std::size_t(n));
                drv[pt.unit].write_input(pt.in_off, buf.data(), std::size_t(n));
            }
        }
    };
    auto set_part = [&](const mlp::LayerPlan& lp, const mlp::Part& pt) {
        drv[pt.unit].set_region(pt.r_end - pt.r_begin, lp.n_out, pt.row0, pt.col0);
    };
    // One command on every part of a layer at once: issue all (`start` on the part's core), then wait
    // for each, so parts on different cores and tiles overlap. A core holding two parts of the layer
    // (the round robin went round the units) finishes the first before the second is issued.
    auto run_parts = [&](const mlp::LayerPlan& lp, auto start) {
        std::vector<int> in_flight;  // units, in issue order
        for (const auto& pt : lp.parts) {
            if (const auto it = std::find(in_flight.begin(), in_flight.end(), pt.unit); it != in_flight.end()) {
                drv[pt.unit].wait_done();
                in_flight.erase(it);
            }
            set_part(lp, pt);
            start(drv[pt.unit], pt);
            in_flight.push_back(pt.unit);
        }
        for (const int u : in_flight) drv[u].wait_done();
    };
    std::vector<std::int8_t> xcodes(boot.dim);

    // Platform forward pass; returns the output codes (activations, bits_in).
    auto hw_forward = [&]() {
        for (int k = 0; k < boot.dim; ++k) xcodes[k] = to_code(x[k], t0.bits_in());
        hal.compute(2 * std::uint64_t(boot.dim));  // scale and round per input
        feed_inputs(0, -1, 0, xcodes.data());
        const bool layer_phases = boot.arg("trace_detail", 0) != 0;
        for (int l = 0; l < L; ++l) {
            const mlp::LayerPlan& lp = plan[l];
            std::optional<Phase> ph;
            if (layer_phases) ph.emplace(hal, "forward layer " + std::to_string(l));
            run_parts(lp, [&](TileDriver& t, const mlp::Part& pt) { t.start_vmm(pt.in_off, pt.y_off, fs_fwd); });
            if (lp.parts.size() > 1) {  // combine partial sums digitally
                std::vector<double> sum(lp.n_out, 0.0);
                for (const auto& pt : lp.parts) {
                    drv[pt.unit].read_output(pt.y_off, buf.data(), std::size_t(lp.n_out));
                    for (int j = 0; j < lp.n_out; ++j) sum[j] += buf[j] * double(fs_fwd) / mo;
                }
                for (int j = 0; j < lp.n_out; ++j) buf[j] = to_code(sum[j] / fs_fwd, t0.bits_out());
                hal.compute(std::uint64_t(lp.n_out) * (2 * lp.parts.size() + 2));  // scale-add per part, scale + round
                drv[lp.act_unit].write_output(lp.y_sum_off, buf.data(), std::size_t(lp.n_out));
            }
            drv[lp.act_unit].digital(rm::OP_ACTIVATE, a_code[l], std::uint32_t(lp.n_out), lp.y_sum_off, lp.act_off,
                                     lp.act_off, lp.deriv_off, fs_fwd, 1.0f);
            if (l + 1 < L) feed_inputs(l + 1, lp.act_tile, lp.act_off, nullptr);
        }
        std::vector<std::int8_t> out(plan[L - 1].n_out);
        drv[plan[L - 1].act_unit].read_input(plan[L - 1].act_off, out.data(), out.size());
        return out;
    };

    // Mini-batch: the update of each part is accumulated here and written with the serial update
    // command at the end of the batch (CrossSim's batch > 1 mode). Batch 1 uses the parallel OPU.
    std::vector<std::vector<std::vector<float>>> acc(L);
    for (int l = 0; l < L; ++l)
        for (const auto& pt : plan[l].parts) acc[l].emplace_back(std::size_t(pt.r_end - pt.r_begin) * plan[l].n_out, 0.0f);

    auto hw_backward = [&](int label, const std::vector<std::int8_t>& out) {
        const mlp::LayerPlan& top = plan[L - 1];
        for (int k = 0; k < top.n_out; ++k) buf[k] = to_code((k == label ? 1.0 : 0.0) - double(out[k]) / mi, t0.bits_out());
        hal.compute(3 * std::uint64_t(top.n_out));  // scale, subtract, round per output
        drv[top.act_unit].write_output(top.err_off, buf.data(), std::size_t(top.n_out));
        float in_scale = 1.0f;
        for (int l = L - 1; l >= 0; --l) {
            const mlp::LayerPlan& lp = plan[l];
            std::optional<Phase> ph;
            if (boot.arg("trace_detail", 0) != 0) ph.emplace(hal, "backward layer " + std::to_string(l));
            TileDriver& at = drv[lp.act_unit];
            const float m = at.digital(rm::OP_SCALE_BY_DERIV, a_code[l], std::uint32_t(lp.n_out), lp.err_off,
                                       lp.d8_off, lp.d4_off, lp.deriv_off, in_scale, 1.0f);
            if (m == 0.0f) break;  // nothing to propagate or learn below
            // Deltas to the other parts' offsets (copied also when a part shares the act tile's buffers).
            for (std::size_t k = 1; k < lp.parts.size(); ++k) {
                const mlp::Part& pt = lp.parts[k];
                at.read_input(lp.d8_off, buf.data(), std::size_t(lp.n_out));
                at.read_input(lp.d4_off, buf2.data(), std::size_t(lp.n_out));
                drv[pt.unit].write_input(pt.d8_off, buf.data(), std::size_t(lp.n_out));
                drv[pt.unit].write_input(pt.d4_off, buf2.data(), std::size_t(lp.n_out));
            }
            if (l > 0) {  // backprop with the old weights, all parts at once
                run_parts(lp, [&](TileDriver& t, const mlp::Part& pt) { t.start_mvm(pt.d8_off, pt.z_off, fs_bwd); });
                const mlp::LayerPlan& below = plan[l - 1];
                for (const auto& pt : lp.parts) {  // gather z rows [0, n_in) on the layer below's act tile
                    const int n = std::min(pt.r_end, lp.n_in) - pt.r_begin;
                    if (n <= 0) continue;
                    if (pt.tile == below.act_tile && pt.z_off == below.err_off + std::uint32_t(pt.r_begin)) continue;
                    drv[pt.unit].read_output(pt.z_off, buf.data(), std::size_t(n));
                    drv[below.act_unit].write_output(below.err_off + std::uint32_t(pt.r_begin), buf.data(), std::size_t(n));
                }
                in_scale = fs_bwd * m;
            }
            if (batch == 1) {
                run_parts(lp, [&](TileDriver& t, const mlp::Part& pt) {
                    t.start_opu(pt.in_off, pt.d4_off, float(lr * m));  // inputs span [-1, 1] x 1.0
                });
            } else {  // accumulate what the OPU would have requested
                at.read_input(lp.d4_off, buf2.data(), std::size_t(lp.n_out));
                const int md = code_max(t0.bits_delta()), mx = code_max(t0.bits_x());
                for (std::size_t k = 0; k < lp.parts.size(); ++k) {
                    const mlp::Part& pt = lp.parts[k];
                    drv[pt.unit].read_input(pt.in_off, buf.data(), std::size_t(pt.r_end - pt.r_begin));
                    std::uint64_t ops = std::uint64_t(pt.r_end - pt.r_begin);  // a test per row
                    for (int i = 0; i < pt.r_end - pt.r_begin; ++i) {
                        if (!buf[i]) continue;
                        ops += 2 + 2 * std::uint64_t(lp.n_out);  // the row factor, a multiply-add per weight
                        const double a = lr * m * buf[i] / mx;
                        float* row = &acc[l][k][std::size_t(i) * lp.n_out];
                        for (int j = 0; j < lp.n_out; ++j) row[j] += float(a * buf2[j] / md);
                    }
                    hal.compute(ops);
                }
            }
        }
    };
    auto flush_batch = [&]() {
        for (int l = 0; l < L; ++l)
            for (std::size_t k = 0; k < plan[l].parts.size(); ++k) {
                const mlp::Part& pt = plan[l].parts[k];
                hal.write_block(boot.dram_base, acc[l][k].data(), acc[l][k].size() * sizeof(float));
                set_part(plan[l], pt);
                drv[pt.unit].update(boot.dram_base);
                std::fill(acc[l][k].begin(), acc[l][k].end(), 0.0f);
                hal.compute(acc[l][k].size());  // clearing the accumulator
            }
    };

    // ---- float twin -------------------------------------------------------------------------
    std::vector<std::vector<double>> fa(L + 1), fy(L);
    std::vector<std::vector<double>> facc(L);
    for (int l = 0; l < L; ++l) facc[l].assign(fw_w[l].size(), 0.0);
    auto f_forward = [&]() {
        fa[0].assign(x.begin(), x.end());
        fa[0].push_back(1.0);
        for (int l = 0; l < L; ++l) {
            const int n_in = plan[l].n_in, n_out = plan[l].n_out;
            auto& y = fy[l];
            y.assign(n_out, 0.0);
            for (int i = 0; i <= n_in; ++i) {
                const double xi = fa[l][i];
                if (xi == 0) continue;
                const double* wr = &fw_w[l][std::size_t(i) * n_out];
                for (int j = 0; j < n_out; ++j) y[j] += wr[j] * xi;
            }
            auto& a = fa[l + 1];
            a.resize(n_out);
            for (int j = 0; j < n_out; ++j) a[j] = act(a_code[l], y[j]);
            if (l + 1 < L) a.push_back(1.0);
        }
        const auto& o = fa[L];
        return int(std::max_element(o.begin(), o.end()) - o.begin());
    };
    auto f_backward = [&](int label) {
        std::vector<double> delta(plan[L - 1].n_out), below;
        for (int j = 0; j < plan[L - 1].n_out; ++j)
            delta[j] = ((j == label ? 1.0 : 0.0) - fa[L][j]) * dact(a_code[L - 1], fy[L - 1][j]);
        for (int l = L - 1; l >= 0; --l) {
            const int n_in = plan[l].n_in, n_out = plan[l].n_out;
            if (l > 0) {
                below.assign(n_in, 0.0);
                for (int i = 0; i < n_in; ++i) {
                    const double* wr = &fw_w[l][std::size_t(i) * n_out];
                    double s = 0;
                    for (int j = 0; j < n_out; ++j) s += wr[j] * delta[j];
                    below[i] = s * dact(a_code[l - 1], fy[l - 1][i]);
                }
            }
            auto& target = batch == 1 ? fw_w[l] : facc[l];
            for (int i = 0; i <= n_in; ++i) {
                const double xi = lr * fa[l][i];
                if (xi == 0) continue;
                double* wr = &target[std::size_t(i) * n_out];
                for (int j = 0; j < n_out; ++j) wr[j] += xi * delta[j];
            }
            delta.swap(below);
        }
    };
    auto f_flush = [&]() {
        for (int l = 0; l < L; ++l)
            for (std::size_t k = 0; k < fw_w[l].size(); ++k) fw_w[l][k] += facc[l][k], facc[l][k] = 0.0;
    };

    // ---- epochs -----------------------------------------------------------------------------
    std::vector<std::uint64_t> order(n_train);
    for (std::uint64_t i = 0; i < n_train; ++i) order[i] = i;
    const std::uint64_t total_steps = std::uint64_t(epochs) * (n_train + n_test);
    std::uint64_t steps = 0;
    try {
        for (int ep = 1; ep <= epochs; ++ep) {
            Phase pe(hal, "epoch " + std::to_string(ep));
            for (std::uint64_t i = n_train; i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);  // Fisher-Yates
            std::uint64_t hw_ok = 0, f_ok = 0;
            {
                Phase pt(hal, "train");
                std::uint64_t in_batch = 0;
                const bool detail = boot.arg("trace_detail", 0) != 0;
                for (const std::uint64_t s : order) {
                    std::optional<Phase> ps;
                    if (detail) ps.emplace(hal, "sample");
                    const int label = load(boot.train_addr, s);
                    const auto out = hw_forward();
                    hw_ok += int(std::max_element(out.begin(), out.end()) - out.begin()) == label;
                    hal.compute(out.size());  // argmax
                    hw_backward(label, out);
                    f_ok += f_forward() == label;
                    f_backward(label);
                    if (batch > 1 && ++in_batch == std::uint64_t(batch)) flush_batch(), f_flush(), in_batch = 0;
                    if (++steps % 256 == 0) hal.progress(double(steps) / double(total_steps));
                }
                if (batch > 1 && in_batch) flush_batch(), f_flush();
            }
            std::uint64_t hw_test = 0, f_test = 0;
            {
                Phase pt(hal, "test");
                for (std::uint64_t s = 0; s < n_test; ++s) {
                    const int label = load(boot.test_addr, s);
                    const auto out = hw_forward();
                    hw_test += int(std::max_element(out.begin(), out.end()) - out.begin()) == label;
                    hal.compute(out.size());  // argmax
                    f_test += f_forward() == label;
                    if (++steps % 256 == 0) hal.progress(double(steps) / double(total_steps));
                }
            }
            std::map<std::string, double> row;
            row["epoch"] = ep;
            row["learning_rate"] = lr;
            row["train_accuracy"] = double(hw_ok) / double(n_train);
            row["test_accuracy"] = n_test ? double(hw_test) / double(n_test) : 0.0;
            row["float_train_accuracy"] = double(f_ok) / double(n_train);
            row["float_test_accuracy"] = n_test ? double(f_test) / double(n_test) : 0.0;
            hal.sync();
            row["end_time_ps"] = double(hal.now_ps());
            char line[200];
            std::snprintf(line, sizeof line, "epoch %d/%d: train %.2f%% (float %.2f%%), test %.2f%% (float %.2f%%)", ep,
                          epochs, 100 * row["train_accuracy"], 100 * row["float_train_accuracy"], 100 * row["test_accuracy"],
                          100 * row["float_test_accuracy"]);
            hal.log(line);
            rep.epochs.push_back(row);
            lr *= decay;
        }
    } catch (const Interrupted&) {  // keep the completed epochs
        rep.ok = false;
        rep.interrupted = true;
        rep.error = "interrupted by a signal after " + std::to_string(rep.epochs.size()) + " complete epoch(s)";
        return rep;
    }
    const auto& last = rep.epochs.back();
    rep.metrics["test_accuracy"] = last.at("test_accuracy");
    rep.metrics["float_test_accuracy"] = last.at("float_test_accuracy");
    rep.metrics["train_samples"] = double(n_train);
    rep.metrics["test_samples"] = double(n_test);
    rep.metrics["tiles_used"] = placement.tiles_used;
    rep.metrics["cores_used"] = placement.cores_used;
    for (int l = 0; l < L; ++l) rep.metrics["layer" + std::to_string(l) + ".parts"] = double(plan[l].parts.size());
    return rep;
}

}  // namespace fw
