#include "firmware/mlp_placement.h"

#include <algorithm>
#include <string>

#include "firmware/hal.h"

namespace fw::mlp {

namespace {

// A unit's free array: blocks go down the diagonal.
struct UnitSpace {
    int rows, cols, row_cursor = 0, col_cursor = 0;
};

// A physical tile's free buffer space: bump-allocated, shared by the tile's units.
struct TileSpace {
    std::uint32_t in = 0, out = 0, deriv = 0;
    std::uint32_t take_in(std::uint32_t n) { const auto o = in; in += n; return o; }
    std::uint32_t take_out(std::uint32_t n) { const auto o = out; out += n; return o; }
};

// Cuts a layer of `rows` x `n_out` into as few row chunks as fit, placed round robin from unit
// `next` (updated past the last part). Empty if no cut fits.
std::vector<Part> cut(int rows, int n_out, const std::vector<Unit>& units, std::vector<UnitSpace>& space, int& next) {
    const int U = int(units.size());
    for (int p = 1; p <= rows; ++p) {  // fewest parts that fit
        const int chunk = (rows + p - 1) / p;
        std::vector<Part> parts;
        std::vector<UnitSpace> trial = space;
        int unit = next;
        for (int begin = 0; begin < rows;) {
            const int n = std::min(chunk, rows - begin);
            int found = -1;
            for (int k = 0; k < U && found < 0; ++k) {
                const int c = (unit + k) % U;
                if (trial[c].rows - trial[c].row_cursor >= n && trial[c].cols - trial[c].col_cursor >= n_out) found = c;
            }
            if (found < 0) break;
            parts.push_back({found, units[found].tile, begin, begin + n, trial[found].row_cursor,
                             trial[found].col_cursor, 0, 0, 0, 0, 0});
            trial[found].row_cursor += n;
            trial[found].col_cursor += n_out;
            unit = (found + 1) % U;
            begin += n;
        }
        if (parts.empty() || parts.back().r_end != rows) continue;
        space = trial;
        next = unit;
        return parts;
    }
    return {};
}

// The layers' vectors in the buffers of the parts' physical tiles. The previous layer's activations
// are written straight into a part's input, and a part's MVM output straight into the layer
// below's error vector, when that part is the layer's only one and shares the producer's buffers
// (the same physical tile, whichever core); otherwise firmware copies them.
void allocate(std::vector<LayerPlan>& plan, std::vector<TileSpace>& space) {
    const int L = int(plan.size());
    for (LayerPlan& lp : plan) {
        for (auto& pt : lp.parts) {
            TileSpace& s = space[pt.tile];
            pt.in_off = s.take_in(std::uint32_t(pt.r_end - pt.r_begin));
            pt.y_off = s.take_out(std::uint32_t(lp.n_out));
            pt.z_off = s.take_out(std::uint32_t(pt.r_end - pt.r_begin));
            pt.d8_off = s.take_in(std::uint32_t(lp.n_out));
            pt.d4_off = s.take_in(std::uint32_t(lp.n_out));
        }
        lp.act_unit = lp.parts[0].unit;
        lp.act_tile = lp.parts[0].tile;
        TileSpace& s = space[lp.act_tile];
        lp.y_sum_off = lp.parts.size() == 1 ? lp.parts[0].y_off : s.take_out(std::uint32_t(lp.n_out));
        lp.err_off = s.take_out(std::uint32_t(lp.n_out));
        lp.d8_off = lp.parts[0].d8_off;
        lp.d4_off = lp.parts[0].d4_off;
        lp.deriv_off = s.deriv;
        s.deriv += std::uint32_t(lp.n_out);
    }
    auto alone_on = [&](int l, int tile) { return plan[l].parts.size() == 1 && plan[l].parts[0].tile == tile; };
    for (int l = 1; l < L; ++l)
        if (alone_on(l, plan[l - 1].act_tile)) plan[l - 1].err_off = plan[l].parts[0].z_off;
    for (int l = 0; l < L; ++l) {
        LayerPlan& lp = plan[l];
        const bool direct = l + 1 < L && alone_on(l + 1, lp.act_tile);
        lp.act_off = direct ? plan[l + 1].parts[0].in_off : space[lp.act_tile].take_in(std::uint32_t(lp.n_out));
    }
}

}  // namespace

Placement place(const std::vector<int>& sizes, const std::vector<Unit>& units, const std::vector<TileBuffers>& tiles) {
    Placement out;
    std::vector<UnitSpace> space;
    for (const auto& u : units) space.push_back({u.rows, u.cols});
    int next = 0;
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
        LayerPlan lp{};
        lp.n_in = sizes[l];
        lp.n_out = sizes[l + 1];
        lp.parts = cut(lp.n_in + 1, lp.n_out, units, space, next);
        if (lp.parts.empty())
            throw DeviceError("train_mlp: layer " + std::to_string(l) + " (" + std::to_string(lp.n_in + 1) + "x" +
                              std::to_string(lp.n_out) + ") does not fit in the tiles' remaining arrays");
        out.layers.push_back(std::move(lp));
    }
    std::vector<TileSpace> buffers(tiles.size());
    allocate(out.layers, buffers);
    for (std::size_t k = 0; k < tiles.size(); ++k) {
        const TileSpace& s = buffers[k];
        if (s.in > tiles[k].in_bytes || s.out > tiles[k].out_bytes || s.deriv > tiles[k].in_bytes)
            throw DeviceError("train_mlp: the layers' vectors exceed tile" + std::to_string(k) + "'s buffers (input " +
                              std::to_string(s.in) + " of " + std::to_string(tiles[k].in_bytes) + " bytes, output " +
                              std::to_string(s.out) + " of " + std::to_string(tiles[k].out_bytes) +
                              ", derivatives " + std::to_string(s.deriv) + " of " +
                              std::to_string(tiles[k].in_bytes) + ")");
    }
    std::vector<char> tile_used(tiles.size(), 0);
    for (std::size_t u = 0; u < units.size(); ++u)
        if (space[u].row_cursor > 0) ++out.cores_used, tile_used[std::size_t(units[u].tile)] = 1;
    out.tiles_used = int(std::count(tile_used.begin(), tile_used.end(), 1));
    return out;
}

}  // namespace fw::mlp
