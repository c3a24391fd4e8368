#pragma once
// Tile register map: the hardware/software contract. Firmware's only header of the models; of the
// models the tile includes it, and the numerics that implement what it fixes (the digital unit's
// op and activation codes, the cores' code format), so each is defined once. No SystemC here. All
// registers are 32 bits, little endian, accessed with 4-byte (or 8-byte for the 64-bit address
// pairs) aligned transactions.
#include <cmath>
#include <cstdint>

namespace xbar::regmap {

constexpr std::uint32_t kTileId = 0x58424152;  // "XBAR"
constexpr std::uint32_t kTileVersion = 0x00010000;

// Offsets inside one tile window. A 64-bit register is two 32-bit ones (the tile's table names them
// NAME_LO at the offset and NAME_HI 4 bytes above); an 8-byte access reaches both.
enum : std::uint64_t {
    ID = 0x000,            // RO  kTileId
    VERSION = 0x004,       // RO  kTileVersion
    ROWS = 0x008,          // RO  crossbar rows
    COLS = 0x00C,          // RO  crossbar columns
    BITS = 0x010,          // RO  [7:0] bits_in, [15:8] bits_out, [23:16] bits_x, [31:24] bits_delta
    VARIANT = 0x014,       // RO  0 analog_reram, 1 digital_reram, 2 sram
    CORES = 0x018,         // RO  crossbar cores in the tile (1..kMaxCores), each ROWS x COLS with its own bank
    CMD = 0x020,           // WO  writing a Command starts it
    STATUS = 0x024,        // RO  Status bits
    IRQ_ENABLE = 0x028,    // RW  IrqBits that raise the interrupt line
    IRQ_STATUS = 0x02C,    // R/W1C IrqBits: a command / a DMA finished
    ACTIVE_ROWS = 0x030,   // RW  rows of the region a kernel uses (1..ROWS - ROW_BASE)
    ACTIVE_COLS = 0x034,   // RW  columns of the region (1..COLS - COL_BASE)
    IN_OFFSET = 0x038,     // RW  byte offset of the input vector in the input buffer
    OUT_OFFSET = 0x03C,    // RW  byte offset of the result in the output buffer
    AUX_OFFSET = 0x040,    // RW  byte offset of the OPU delta vector in the input buffer
    FWD_FULLSCALE = 0x044, // RW  float32: VMM output value mapped to the top ADC code
    BWD_FULLSCALE = 0x048, // RW  float32: MVM output value mapped to the top ADC code
    OPU_SCALE = 0x04C,     // RW  float32: weight change for full-scale x and delta
    WEIGHT_ADDR = 0x050,   // RW  64-bit bus address of a float32 row-major matrix (PROGRAM/READBACK/UPDATE)
    ERROR_CODE = 0x058,    // RO  last error (ErrorCode)
    KERNELS_DONE = 0x05C,  // RO  commands completed
    DMA_SRC = 0x060,       // RW  64-bit bus address
    DMA_DST = 0x068,       // RW  64-bit bus address
    DMA_LEN = 0x070,       // RW  bytes
    DMA_CTRL = 0x074,      // WO  bit 0: start
    DMA_STATUS = 0x078,    // RO  bit 0 busy, bit 1 done, bit 2 error
    ROW_BASE = 0x080,      // RW  first row of the region (layers can share a core as blocks)
    COL_BASE = 0x084,      // RW  first column of the region
    // Digital unit (CMD_DIGITAL): elementwise ops from OUT_BUF codes into IN_BUF codes.
    DU_OP = 0x090,         // RW  DuOp
    DU_ACT = 0x094,        // RW  DuAct
    DU_COUNT = 0x098,      // RW  elements
    DU_SRC = 0x09C,        // RW  byte offset in OUT_BUF (codes of bits_out)
    DU_DST = 0x0A0,        // RW  byte offset in IN_BUF (codes of bits_in)
    DU_DST2 = 0x0A4,       // RW  byte offset in IN_BUF (op 2: the same deltas as bits_delta codes)
    DU_DERIV = 0x0A8,      // RW  index into the unit's derivative store (kBufBytes floats)
    DU_IN_SCALE = 0x0AC,   // RW  float32: value of the top source code
    DU_OUT_SCALE = 0x0B0,  // RW  float32: value of the top destination code (op 1)
    DU_RESULT = 0x0B4,     // RO  float32: op 2's normalization factor max|delta|
    IN_BUF_BYTES = 0x0B8,  // RO  size of the input buffer (the derivative store holds as many floats)
    OUT_BUF_BYTES = 0x0BC, // RO  size of the output buffer
    CORE_DONE = 0x0C0,     // R/W1C bit c: core c finished a command (set with IRQ_CMD_DONE)

    IN_BUF = 0x10000,      // input SRAM buffer (codes, int8)
    OUT_BUF = 0x20000,     // output SRAM buffer (codes, int8)
    WINDOW_SIZE = 0x100000 // one tile occupies 1 MiB of the address map
};
constexpr std::uint64_t kBufBytes = 0x10000;  // the largest buffer the window has room for (64 KiB)

// Per-core register banks. Core c's copy of a per-core register (is_per_core) is at
// core_reg(c, offset); bank 0 is the offsets above, so single-core firmware needs no core select.
// In the banks of cores 1.. the other offsets are reserved. A command written to core c's CMD runs
// on core c (CMD_DIGITAL on the tile's one digital unit, with core c's STATUS and done bit); the
// registers a command reads are latched when it is written, so firmware may set up the next one.
constexpr std::uint64_t kCoreStride = 0x100;
constexpr unsigned kMaxCores = 0x1000 / kCoreStride;  // 16: the banks fill the register space
constexpr bool is_per_core(std::uint64_t off) {
    return (off >= CMD && off < IRQ_ENABLE) || (off >= ACTIVE_ROWS && off < DMA_SRC) || off == ROW_BASE ||
           off == COL_BASE;
}
constexpr std::uint64_t core_reg(unsigned core, std::uint64_t off) { return core * kCoreStride + off; }

enum Command : std::uint32_t {
    CMD_NOP = 0,
    CMD_VMM = 1,       // out[OUT_OFFSET..] = Q(W^T in[IN_OFFSET..] / FWD_FULLSCALE)
    CMD_MVM = 2,       // out[OUT_OFFSET..] = Q(W in[IN_OFFSET..] / BWD_FULLSCALE)
    CMD_OPU = 3,       // W += OPU_SCALE * x (in[IN_OFFSET..]) outer delta (in[AUX_OFFSET..])
    CMD_PROGRAM = 4,   // serial write of the region from WEIGHT_ADDR (fetched by the tile's DMA)
    CMD_READBACK = 5,  // serial read of the region to WEIGHT_ADDR
    CMD_DIGITAL = 6,   // digital-unit op DU_OP (see the DU_* registers)
    CMD_UPDATE = 7,    // serial update W += dW of the region, dW float32 row-major at WEIGHT_ADDR
};

// DU_OP values.
enum DuOp : std::uint32_t {
    OP_ACTIVATE = 1,        // dst = q(f(src) / out_scale); deriv[k] = f'(src)
    OP_SCALE_BY_DERIV = 2,  // delta = src * deriv[k]; m = max|delta|; dst = q(delta/m), dst2 = q(delta/m)
};
// DU_ACT values (relu saturates at DU_OUT_SCALE like every destination code).
enum DuAct : std::uint32_t { ACT_SIGMOID = 0, ACT_TANH = 1, ACT_RELU = 2, ACT_IDENTITY = 3 };

// The code format of the buffers: sign-magnitude integers stored in int8, value in [-M, M] with
// M = code_max(bits) = 2^(bits-1) - 1; a code c stands for c / M of the full scale.
constexpr int code_max(int bits) { return (1 << (bits - 1)) - 1; }
// A value (as a fraction of the full scale) to its code: round half away from zero (symmetric, as
// sign-magnitude hardware does), then saturate; NaN carries no charge (code 0).
inline std::int8_t to_code(double v_over_fullscale, int bits) {
    const int m = code_max(bits);
    double c = std::round(v_over_fullscale * m);  // std::round: half away from zero
    if (!(c == c)) c = 0;
    return static_cast<std::int8_t>(c > m ? m : (c < -m ? -m : c));
}

enum Status : std::uint32_t {
    ST_BUSY = 1u << 0,
    ST_DONE = 1u << 1,
    ST_ERROR = 1u << 2,
};

enum IrqBits : std::uint32_t {
    IRQ_CMD_DONE = 1u << 0,
    IRQ_DMA_DONE = 1u << 1,
};

enum ErrorCode : std::uint32_t {
    ERR_NONE = 0,
    ERR_BUSY = 1,         // command written while another runs
    ERR_BAD_COMMAND = 2,  // unknown command number
    ERR_BAD_REGION = 3,   // ACTIVE_ROWS/COLS out of range
    ERR_BAD_OFFSET = 4,   // vector does not fit in its buffer
    ERR_BAD_SCALE = 5,    // full scale not finite and > 0
    ERR_BUS = 6,          // the tile's own bus access (weights fetch, DMA) failed
    ERR_BAD_DU_OP = 7,    // unknown DU_OP or DU_ACT
};

}  // namespace xbar::regmap
