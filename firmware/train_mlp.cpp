// Trains an MLP on the accelerator and, alongside, a float twin with the same initial weights and
// sample order, so every accuracy comes with its float reference. Firmware touches the tiles only
// through registers, buffers and interrupts.
//
// Placement: each layer's weight matrix ((n_in + 1) x n_out, bias row last) is cut into as few
// row chunks ("parts") as fit, each placed as a block of some tile's array (blocks go down the
// diagonal of each tile, round robin over the tiles). The parts of a layer run concurrently:
// firmware issues the command to every tile, then waits for each interrupt. Forward partial sums
// are combined digitally before the activation; deltas and activations are copied between tiles
// when the producer and the consumer differ.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "firmware/codes.h"
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

// One tile's free space: blocks go down the diagonal; buffers are bump-allocated.
struct TileSpace {
    int rows, cols, row_cursor = 0, col_cursor = 0;
    std::uint32_t in = 0, out = 0, deriv = 0;
    std::uint32_t take_in(std::uint32_t n) { const auto o = in; in += n; return o; }
    std::uint32_t take_out(std::uint32_t n) { const auto o = out; out += n; return o; }
};

struct Part {
    int tile;
    int r_begin, r_end;  // rows of the layer matrix (row n_in is the bias)
    int row0, col0;      // block position in the tile's array
    std::uint32_t in_off, y_off, z_off, d8_off, d4_off;
};

struct LayerPlan {
    int n_in, n_out;
    std::vector<Part> parts;
    int act_tile;              // where the digital unit activates and scales deltas
    std::uint32_t y_sum_off;   // act tile OUT_BUF: combined forward codes (== parts[0].y_off if one part there)
    std::uint32_t act_off;     // act tile IN_BUF: activations produced for the next layer (or the output)
    std::uint32_t err_off;     // act tile OUT_BUF: error / backpropagated codes for scale-by-derivative
    std::uint32_t d8_off, d4_off;  // act tile IN_BUF: normalized deltas
    std::uint32_t deriv_off;
};

}  // namespace

Report train_mlp(Hal& hal, const BootInfo& boot) {
    Report rep;
    if (boot.tile_base.empty()) throw DeviceError("train_mlp: the platform has no tile");
    const int T = int(boot.tile_base.size());
    std::vector<TileDriver> tiles;
    for (int k = 0; k < T; ++k) tiles.emplace_back(hal, boot.tile_base[k], boot.tile_irq[k], "tile" + std::to_string(k));
    for (auto& t : tiles) t.probe();
    TileDriver& t0 = tiles[0];
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

    // ---- placement -------------------------------------------------------------------------
    std::vector<TileSpace> space;
    for (auto& t : tiles) space.push_back({t.rows(), t.cols()});
    std::vector<LayerPlan> plan(L);
    int next_tile = 0;
    for (int l = 0; l < L; ++l) {
        LayerPlan& lp = plan[l];
        lp.n_in = boot.layers[l];
        lp.n_out = boot.layers[l + 1];
        const int rows = lp.n_in + 1;
        bool placed = false;
        for (int p = 1; p <= rows && !placed; ++p) {  // fewest parts that fit
            const int chunk = (rows + p - 1) / p;
            std::vector<Part> parts;
            std::vector<TileSpace> trial = space;
            int tile = next_tile;
            for (int begin = 0; begin < rows;) {
                const int n = std::min(chunk, rows - begin);
                int found = -1;
                for (int k = 0; k < T && found < 0; ++k) {
                    const int c = (tile + k) % T;
                    if (trial[c].rows - trial[c].row_cursor >= n && trial[c].cols - trial[c].col_cursor >= lp.n_out) found = c;
                }
                if (found < 0) break;
                parts.push_back({found, begin, begin + n, trial[found].row_cursor, trial[found].col_cursor, 0, 0, 0, 0, 0});
                trial[found].row_cursor += n;
                trial[found].col_cursor += lp.n_out;
                tile = (found + 1) % T;
                begin += n;
            }
            if (parts.empty() || parts.back().r_end != rows) continue;
            space = trial;
            lp.parts = parts;
            next_tile = tile;
            placed = true;
        }
        if (!placed)
            throw DeviceError("train_mlp: layer " + std::to_string(l) + " (" + std::to_string(rows) + "x" +
                              std::to_string(lp.n_out) + ") does not fit in the tiles' remaining arrays");
    }
    // Buffers. The previous layer's activations are written straight into a part's input when
    // that part is alone on the producing tile; otherwise they are copied.
    for (int l = 0; l < L; ++l) {
        LayerPlan& lp = plan[l];
        for (auto& pt : lp.parts) {
            TileSpace& s = space[pt.tile];
            pt.in_off = s.take_in(std::uint32_t(pt.r_end - pt.r_begin));
            pt.y_off = s.take_out(std::uint32_t(lp.n_out));
            pt.z_off = s.take_out(std::uint32_t(pt.r_end - pt.r_begin));
            pt.d8_off = s.take_in(std::uint32_t(lp.n_out));
            pt.d4_off = s.take_in(std::uint32_t(lp.n_out));
        }
        lp.act_tile = lp.parts[0].tile;
        TileSpace& s = space[lp.act_tile];
        lp.y_sum_off = lp.parts.size() == 1 ? lp.parts[0].y_off : s.take_out(std::uint32_t(lp.n_out));
        lp.err_off = s.take_out(std::uint32_t(lp.n_out));
        lp.d8_off = lp.parts[0].d8_off;
        lp.d4_off = lp.parts[0].d4_off;
        lp.deriv_off = s.deriv;
        s.deriv += std::uint32_t(lp.n_out);
    }
    for (int l = 1; l < L; ++l)  // one part on the tile below: its MVM output feeds the digital unit directly
        if (plan[l].parts.size() == 1 && plan[l].parts[0].tile == plan[l - 1].act_tile)
            plan[l - 1].err_off = plan[l].parts[0].z_off;
    for (int l = 0; l < L; ++l) {
        LayerPlan& lp = plan[l];
        const bool direct = l + 1 < L && plan[l + 1].parts.size() == 1 && plan[l + 1].parts[0].tile == lp.act_tile;
        lp.act_off = direct ? plan[l + 1].parts[0].in_off : space[lp.act_tile].take_in(std::uint32_t(lp.n_out));
    }
    for (const auto& s : space)
        if (s.in > 0x10000 || s.out > 0x10000) throw DeviceError("train_mlp: the layers' vectors exceed a tile's 64 KiB buffers");

    // ---- seeded initial weights, programmed with the serial-write command -------------------
    FwRandom rng(boot.seed);
    std::vector<std::vector<double>> fw_w(L);  // float twin, (n_in + 1) x n_out row-major
    {
        Phase p(hal, "program weights");
        for (int l = 0; l < L; ++l) {
            LayerPlan& lp = plan[l];
            const int rows = lp.n_in + 1;
            std::vector<float> w(std::size_t(rows) * lp.n_out);
            const double s = init / std::sqrt(double(rows));
            for (auto& v : w) v = float(s * rng.symmetric());
            hal.compute(2 * w.size());  // a random draw and a scale per weight
            fw_w[l].assign(w.begin(), w.end());
            for (auto& pt : lp.parts) {
                TileDriver& t = tiles[pt.tile];
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
    // Layer l's input rows [0, n_in) from IN_BUF codes `src` on tile `from` (or from host codes).
    auto feed_inputs = [&](int l, int from, std::uint32_t src_off, const std::int8_t* host) {
        for (const auto& pt : plan[l].parts) {
            const int n = std::min(pt.r_end, plan[l].n_in) - pt.r_begin;
            if (n <= 0) continue;
            if (host) {
                tiles[pt.tile].write_input(pt.in_off, host + pt.r_begin, std::size_t(n));
            } else if (!(pt.tile == from && pt.in_off == src_off + std::uint32_t(pt.r_begin))) {
                tiles[from].read_input(src_off + std::uint32_t(pt.r_begin), buf.data(), std::size_t(n));
                tiles[pt.tile].write_input(pt.in_off, buf.data(), std::size_t(n));
            }
        }
    };
    auto set_part = [&](const LayerPlan& lp, const Part& pt) {
        tiles[pt.tile].set_region(pt.r_end - pt.r_begin, lp.n_out, pt.row0, pt.col0);
    };
    std::vector<std::int8_t> xcodes(boot.dim);

    // Platform forward pass; returns the output codes (activations, bits_in).
    auto hw_forward = [&]() {
        for (int k = 0; k < boot.dim; ++k) xcodes[k] = to_code(x[k], t0.bits_in());
        hal.compute(2 * std::uint64_t(boot.dim));  // scale and round per input
        feed_inputs(0, -1, 0, xcodes.data());
        const bool layer_phases = boot.arg("trace_detail", 0) != 0;
        for (int l = 0; l < L; ++l) {
            LayerPlan& lp = plan[l];
            std::optional<Phase> ph;
            if (layer_phases) ph.emplace(hal, "forward layer " + std::to_string(l));
            for (const auto& pt : lp.parts) {  // all parts at once
                set_part(lp, pt);
                tiles[pt.tile].start_vmm(pt.in_off, pt.y_off, fs_fwd);
            }
            for (const auto& pt : lp.parts) tiles[pt.tile].wait_done();
            if (lp.parts.size() > 1) {  // combine partial sums digitally
                std::vector<double> sum(lp.n_out, 0.0);
                for (const auto& pt : lp.parts) {
                    tiles[pt.tile].read_output(pt.y_off, buf.data(), std::size_t(lp.n_out));
                    for (int j = 0; j < lp.n_out; ++j) sum[j] += buf[j] * double(fs_fwd) / mo;
                }
                for (int j = 0; j < lp.n_out; ++j) buf[j] = to_code(sum[j] / fs_fwd, t0.bits_out());
                hal.compute(std::uint64_t(lp.n_out) * (2 * lp.parts.size() + 2));  // scale-add per part, scale + round
                tiles[lp.act_tile].write_output(lp.y_sum_off, buf.data(), std::size_t(lp.n_out));
            }
            tiles[lp.act_tile].digital(rm::OP_ACTIVATE, a_code[l], std::uint32_t(lp.n_out), lp.y_sum_off, lp.act_off,
                                       lp.act_off, lp.deriv_off, fs_fwd, 1.0f);
            if (l + 1 < L) feed_inputs(l + 1, lp.act_tile, lp.act_off, nullptr);
        }
        std::vector<std::int8_t> out(plan[L - 1].n_out);
        tiles[plan[L - 1].act_tile].read_input(plan[L - 1].act_off, out.data(), out.size());
        return out;
    };

    // Mini-batch: the update of each part is accumulated here and written with the serial update
    // command at the end of the batch (CrossSim's batch > 1 mode). Batch 1 uses the parallel OPU.
    std::vector<std::vector<std::vector<float>>> acc(L);
    for (int l = 0; l < L; ++l)
        for (const auto& pt : plan[l].parts) acc[l].emplace_back(std::size_t(pt.r_end - pt.r_begin) * plan[l].n_out, 0.0f);

    auto hw_backward = [&](int label, const std::vector<std::int8_t>& out) {
        LayerPlan& top = plan[L - 1];
        for (int k = 0; k < top.n_out; ++k) buf[k] = to_code((k == label ? 1.0 : 0.0) - double(out[k]) / mi, t0.bits_out());
        hal.compute(3 * std::uint64_t(top.n_out));  // scale, subtract, round per output
        tiles[top.act_tile].write_output(top.err_off, buf.data(), std::size_t(top.n_out));
        float in_scale = 1.0f;
        for (int l = L - 1; l >= 0; --l) {
            LayerPlan& lp = plan[l];
            std::optional<Phase> ph;
            if (boot.arg("trace_detail", 0) != 0) ph.emplace(hal, "backward layer " + std::to_string(l));
            TileDriver& at = tiles[lp.act_tile];
            const float m = at.digital(rm::OP_SCALE_BY_DERIV, a_code[l], std::uint32_t(lp.n_out), lp.err_off,
                                       lp.d8_off, lp.d4_off, lp.deriv_off, in_scale, 1.0f);
            if (m == 0.0f) break;  // nothing to propagate or learn below
            // Deltas to the other parts' tiles.
            for (std::size_t k = 1; k < lp.parts.size(); ++k) {
                const Part& pt = lp.parts[k];
                at.read_input(lp.d8_off, buf.data(), std::size_t(lp.n_out));
                at.read_input(lp.d4_off, buf2.data(), std::size_t(lp.n_out));
                tiles[pt.tile].write_input(pt.d8_off, buf.data(), std::size_t(lp.n_out));
                tiles[pt.tile].write_input(pt.d4_off, buf2.data(), std::size_t(lp.n_out));
            }
            if (l > 0) {  // backprop with the old weights, all parts at once
                for (const auto& pt : lp.parts) {
                    set_part(lp, pt);
                    tiles[pt.tile].start_mvm(pt.d8_off, pt.z_off, fs_bwd);
                }
                for (const auto& pt : lp.parts) tiles[pt.tile].wait_done();
                const LayerPlan& below = plan[l - 1];
                for (const auto& pt : lp.parts) {  // gather z rows [0, n_in) on the layer below's act tile
                    const int n = std::min(pt.r_end, lp.n_in) - pt.r_begin;
                    if (n <= 0) continue;
                    if (pt.tile == below.act_tile && pt.z_off == below.err_off + std::uint32_t(pt.r_begin)) continue;
                    tiles[pt.tile].read_output(pt.z_off, buf.data(), std::size_t(n));
                    tiles[below.act_tile].write_output(below.err_off + std::uint32_t(pt.r_begin), buf.data(), std::size_t(n));
                }
                in_scale = fs_bwd * m;
            }
            if (batch == 1) {
                for (const auto& pt : lp.parts) {
                    set_part(lp, pt);
                    tiles[pt.tile].start_opu(pt.in_off, pt.d4_off, float(lr * m));  // inputs span [-1, 1] x 1.0
                }
                for (const auto& pt : lp.parts) tiles[pt.tile].wait_done();
            } else {  // accumulate what the OPU would have requested
                at.read_input(lp.d4_off, buf2.data(), std::size_t(lp.n_out));
                const int md = code_max(t0.bits_delta()), mx = code_max(t0.bits_x());
                for (std::size_t k = 0; k < lp.parts.size(); ++k) {
                    const Part& pt = lp.parts[k];
                    tiles[pt.tile].read_input(pt.in_off, buf.data(), std::size_t(pt.r_end - pt.r_begin));
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
                const Part& pt = plan[l].parts[k];
                hal.write_block(boot.dram_base, acc[l][k].data(), acc[l][k].size() * sizeof(float));
                set_part(plan[l], pt);
                tiles[pt.tile].update(boot.dram_base);
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
    rep.metrics["tiles_used"] = 0;
    for (const auto& s : space) rep.metrics["tiles_used"] += s.row_cursor > 0;
    for (int l = 0; l < L; ++l) rep.metrics["layer" + std::to_string(l) + ".parts"] = double(plan[l].parts.size());
    return rep;
}

}  // namespace fw
