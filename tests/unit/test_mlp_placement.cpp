// train_mlp's placement (firmware/mlp_placement.h): on single-core tiles it is the placement of the
// single-core firmware (reference copy below) for random layer and tile sizes; on several cores the
// parts go down the units in the order given, buffers are per physical tile, and the in-place
// hand-overs follow the physical tile, not the core.
#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware/hal.h"
#include "firmware/mlp_placement.h"

using namespace fw::mlp;

namespace {

// The placement of train_mlp before units (commit dedaea4), one core per tile, 64 KiB buffers.
struct RefPart { int tile, r_begin, r_end, row0, col0; std::uint32_t in_off, y_off, z_off, d8_off, d4_off; };
struct RefLayer { std::vector<RefPart> parts; int act_tile; std::uint32_t y_sum_off, act_off, err_off, d8_off, d4_off, deriv_off; };

std::vector<RefLayer> reference(const std::vector<int>& sizes, const std::vector<std::pair<int, int>>& tiles) {
    struct Space { int rows, cols, rc = 0, cc = 0; std::uint32_t in = 0, out = 0, deriv = 0; };
    std::vector<Space> space;
    for (auto [r, c] : tiles) space.push_back({r, c});
    const int T = int(tiles.size()), L = int(sizes.size()) - 1;
    std::vector<RefLayer> plan(L);
    int next = 0;
    for (int l = 0; l < L; ++l) {
        const int rows = sizes[l] + 1, n_out = sizes[l + 1];
        bool placed = false;
        for (int p = 1; p <= rows && !placed; ++p) {
            const int chunk = (rows + p - 1) / p;
            std::vector<RefPart> parts;
            auto trial = space;
            int tile = next;
            for (int begin = 0; begin < rows;) {
                const int n = std::min(chunk, rows - begin);
                int found = -1;
                for (int k = 0; k < T && found < 0; ++k) {
                    const int c = (tile + k) % T;
                    if (trial[c].rows - trial[c].rc >= n && trial[c].cols - trial[c].cc >= n_out) found = c;
                }
                if (found < 0) break;
                parts.push_back({found, begin, begin + n, trial[found].rc, trial[found].cc, 0, 0, 0, 0, 0});
                trial[found].rc += n, trial[found].cc += n_out;
                tile = (found + 1) % T;
                begin += n;
            }
            if (parts.empty() || parts.back().r_end != rows) continue;
            space = trial, plan[l].parts = parts, next = tile, placed = true;
        }
        if (!placed) throw fw::DeviceError("does not fit");
    }
    for (int l = 0; l < L; ++l) {
        RefLayer& lp = plan[l];
        const auto n_out = std::uint32_t(sizes[l + 1]);
        for (auto& pt : lp.parts) {
            Space& s = space[pt.tile];
            const auto n = std::uint32_t(pt.r_end - pt.r_begin);
            pt.in_off = s.in, s.in += n;
            pt.y_off = s.out, s.out += n_out;
            pt.z_off = s.out, s.out += n;
            pt.d8_off = s.in, s.in += n_out;
            pt.d4_off = s.in, s.in += n_out;
        }
        lp.act_tile = lp.parts[0].tile;
        Space& s = space[lp.act_tile];
        if (lp.parts.size() == 1) lp.y_sum_off = lp.parts[0].y_off;
        else lp.y_sum_off = s.out, s.out += n_out;
        lp.err_off = s.out, s.out += n_out;
        lp.d8_off = lp.parts[0].d8_off, lp.d4_off = lp.parts[0].d4_off;
        lp.deriv_off = s.deriv, s.deriv += n_out;
    }
    for (int l = 1; l < L; ++l)
        if (plan[l].parts.size() == 1 && plan[l].parts[0].tile == plan[l - 1].act_tile)
            plan[l - 1].err_off = plan[l].parts[0].z_off;
    for (int l = 0; l < L; ++l) {
        RefLayer& lp = plan[l];
        if (l + 1 < L && plan[l + 1].parts.size() == 1 && plan[l + 1].parts[0].tile == lp.act_tile) {
            lp.act_off = plan[l + 1].parts[0].in_off;
        } else {
            lp.act_off = space[lp.act_tile].in;
            space[lp.act_tile].in += std::uint32_t(sizes[l + 1]);
        }
    }
    for (const auto& s : space)
        if (s.in > 0x10000 || s.out > 0x10000) throw fw::DeviceError("buffers");
    return plan;
}

std::vector<TileBuffers> buffers(std::size_t tiles, std::uint32_t bytes = 0x10000) {
    return std::vector<TileBuffers>(tiles, TileBuffers{bytes, bytes});
}

}  // namespace

TEST(MlpPlacement, SingleCoreTilesPlaceAsTheSingleCoreFirmware) {
    std::mt19937_64 rng(7);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    int compared = 0, refused = 0, split = 0, wrapped = 0;  // layers cut in parts; with two parts on one tile
    for (int trial = 0; trial < 4000; ++trial) {
        std::vector<std::pair<int, int>> tiles(std::size_t(pick(1, 4)));
        std::vector<Unit> units;
        for (std::size_t k = 0; k < tiles.size(); ++k) {
            tiles[k] = {pick(16, 160), pick(16, 160)};
            units.push_back({int(k), 0, tiles[k].first, tiles[k].second});
        }
        std::vector<int> sizes(std::size_t(pick(2, 5)));
        for (auto& n : sizes) n = pick(1, 120);
        std::vector<RefLayer> ref;
        try {
            ref = reference(sizes, tiles);
        } catch (const fw::DeviceError&) {
            ++refused;
            EXPECT_THROW(place(sizes, units, buffers(tiles.size())), fw::DeviceError);
            continue;
        }
        const Placement got = place(sizes, units, buffers(tiles.size()));
        ASSERT_EQ(got.layers.size(), ref.size());
        for (std::size_t l = 0; l < ref.size(); ++l) {
            const LayerPlan& g = got.layers[l];
            const RefLayer& r = ref[l];
            ASSERT_EQ(g.parts.size(), r.parts.size());
            for (std::size_t k = 0; k < r.parts.size(); ++k) {
                const Part& a = g.parts[k];
                const RefPart& b = r.parts[k];
                EXPECT_EQ(a.unit, b.tile);
                EXPECT_EQ(a.tile, b.tile);
                EXPECT_EQ(std::vector<long>({a.r_begin, a.r_end, a.row0, a.col0, a.in_off, a.y_off, a.z_off, a.d8_off, a.d4_off}),
                          std::vector<long>({b.r_begin, b.r_end, b.row0, b.col0, b.in_off, b.y_off, b.z_off, b.d8_off, b.d4_off}));
            }
            split += r.parts.size() > 1;
            for (std::size_t k = 1; k < r.parts.size(); ++k) wrapped += r.parts[k].tile == r.parts[0].tile;
            EXPECT_EQ(g.act_tile, r.act_tile);
            EXPECT_EQ(std::vector<long>({g.y_sum_off, g.act_off, g.err_off, g.d8_off, g.d4_off, g.deriv_off}),
                      std::vector<long>({r.y_sum_off, r.act_off, r.err_off, r.d8_off, r.d4_off, r.deriv_off}));
        }
        ++compared;
    }
    EXPECT_GT(compared, 1000);
    EXPECT_GT(refused, 100);
    EXPECT_GT(split, 100);
    EXPECT_GT(wrapped, 10);
}

// Two layers on the two cores of one tile: the same buffers, so the activations and the
// backpropagated codes are handed over in place although the cores differ.
TEST(MlpPlacement, LayersOnCoresOfOneTileShareItsBuffers) {
    const std::vector<Unit> units{{0, 0, 128, 128}, {0, 1, 128, 128}};
    const Placement p = place({64, 36, 10}, units, buffers(1));
    ASSERT_EQ(p.layers.size(), 2u);
    const LayerPlan &l0 = p.layers[0], &l1 = p.layers[1];
    ASSERT_EQ(l0.parts.size(), 1u);
    ASSERT_EQ(l1.parts.size(), 1u);
    EXPECT_EQ(l0.parts[0].unit, 0);
    EXPECT_EQ(l1.parts[0].unit, 1);
    EXPECT_EQ(l1.parts[0].row0, 0);  // a fresh array: its own diagonal
    EXPECT_EQ(l0.act_off, l1.parts[0].in_off);
    EXPECT_EQ(l0.err_off, l1.parts[0].z_off);
    EXPECT_EQ(p.tiles_used, 1);
    EXPECT_EQ(p.cores_used, 2);
}

// Core-major units of two 2-core tiles: a layer cut in four takes one part per unit, the
// buffers of each physical tile are shared by its two cores (bump allocation, no overlap).
TEST(MlpPlacement, PartsFollowTheUnitOrderAndBuffersArePerTile) {
    const std::vector<Unit> units{{0, 0, 40, 128}, {1, 0, 40, 128}, {0, 1, 40, 128}, {1, 1, 40, 128}};
    const Placement p = place({150, 20}, units, buffers(2));
    ASSERT_EQ(p.layers[0].parts.size(), 4u);
    for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(p.layers[0].parts[std::size_t(k)].unit, k);
        EXPECT_EQ(p.layers[0].parts[std::size_t(k)].tile, k % 2);
    }
    const Part &a = p.layers[0].parts[0], &c = p.layers[0].parts[2];  // both on tile 0
    EXPECT_GE(c.in_off, a.d4_off + 20u);
    EXPECT_GE(c.y_off, a.z_off + std::uint32_t(a.r_end - a.r_begin));
    EXPECT_EQ(p.tiles_used, 2);
    EXPECT_EQ(p.cores_used, 4);
}

TEST(MlpPlacement, VectorsBeyondTheTileBuffersAreRefused) {
    const std::vector<Unit> units{{0, 0, 128, 128}, {0, 1, 128, 128}};
    EXPECT_NO_THROW(place({64, 36, 10}, units, buffers(1, 512)));
    try {
        place({64, 36, 10}, units, buffers(1, 128));
        FAIL() << "no DeviceError";
    } catch (const fw::DeviceError& e) {
        EXPECT_NE(std::string(e.what()).find("exceed tile0's buffers"), std::string::npos) << e.what();
    }
}
