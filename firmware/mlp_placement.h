#pragma once
// Where train_mlp puts an MLP: each layer's weight matrix ((n_in + 1) x n_out, bias row last) is cut
// into as few row chunks ("parts") as fit, each a block of one placement unit — one crossbar core of
// one tile, with its own ROWS x COLS array, blocks down its diagonal — and the layer's vectors go
// into the input and output buffers of the parts' physical tiles, which a tile's cores share.
// Pure C++: no bus access.
#include <cstdint>
#include <vector>

namespace fw::mlp {

struct Unit {
    int tile;       // physical tile (index into the platform's tiles)
    unsigned core;  // core of that tile
    int rows, cols; // its array
};

struct TileBuffers {  // per physical tile
    std::uint32_t in_bytes, out_bytes;  // IN_BUF_BYTES, OUT_BUF_BYTES; the derivative store holds in_bytes floats
};

struct Part {
    int unit, tile;      // placement unit, and its physical tile (whose buffers hold the offsets below)
    int r_begin, r_end;  // rows of the layer matrix (row n_in is the bias)
    int row0, col0;      // block position in the unit's array
    std::uint32_t in_off, y_off, z_off, d8_off, d4_off;
};

struct LayerPlan {
    int n_in, n_out;
    std::vector<Part> parts;
    int act_unit, act_tile;    // parts[0]'s: the digital unit of act_tile activates and scales deltas
    std::uint32_t y_sum_off;   // act tile OUT_BUF: combined forward codes (== parts[0].y_off if one part)
    std::uint32_t act_off;     // act tile IN_BUF: activations produced for the next layer (or the output)
    std::uint32_t err_off;     // act tile OUT_BUF: error / backpropagated codes for scale-by-derivative
    std::uint32_t d8_off, d4_off;  // act tile IN_BUF: normalized deltas
    std::uint32_t deriv_off;   // act tile derivative store
};

struct Placement {
    std::vector<LayerPlan> layers;
    int tiles_used = 0, cores_used = 0;
};

// Places layers sizes[0] -> sizes[1] -> ... on `units`, visited round robin in the given order, with
// `tiles[k]` the buffers of physical tile k. Throws DeviceError (firmware/hal.h) when a layer does
// not fit in the units' remaining arrays or the vectors exceed a tile's buffers.
Placement place(const std::vector<int>& sizes, const std::vector<Unit>& units, const std::vector<TileBuffers>& tiles);

}  // namespace fw::mlp
