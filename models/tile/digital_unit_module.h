#pragma once
// The tile's digital unit as a module: the elementwise numerics (models/digital_unit), `lanes`
// units at a clock (du::Params), the contents of its derivative store (one float32 per input
// buffer byte; the store's SRAM is a TileBuffer of the tile, attached) and its ledger action. The
// tile's cores share it: a digital command runs on the unit when it is free (a Reservation) and is
// a slice on the "digital_unit" track.
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/digital_unit/digital_unit.h"
#include "models/energy/ledger.h"
#include "models/tile/kernel_stat.h"
#include "models/tile/reservation.h"
#include "models/tile/tile_buffer.h"
#include "models/tile/tile_context.h"

namespace xbar::models {

// The DU_* registers of a digital command, latched when its CMD is written.
struct DigitalCommand {
    std::uint32_t op = 0, act = 0, count = 0, src = 0, dst = 0, dst2 = 0, deriv = 0;
    float in_scale = 1, out_scale = 1;
};

class DigitalUnit : public sc_core::sc_module {
public:
    DigitalUnit(sc_core::sc_module_name name, const du::Params& p, std::uint64_t store_entries,
                const TileContext& ctx);
    // The SRAM (store_entries * 4 bytes) whose timing and energy the store's accesses book.
    void attach_store(TileBuffer& store) { m_store_buf = &store; }
    // 0 when the command is valid against the buffers, else the regmap error code.
    std::uint32_t validate(const DigitalCommand& c, std::uint64_t in_bytes, std::uint64_t out_bytes) const;
    // Runs a (valid) command from the calling thread: source codes (and stored derivatives) out of
    // the SRAM, the op when the unit is free, results (and derivatives) back; books everything
    // under kernel k and returns op 2's normalization factor (DU_RESULT).
    float run(const DigitalCommand& c, energy::Kernel k, TileBuffer& in, TileBuffer& out, int bits_src,
              int bits_dst, int bits_dst2, KernelStat& stat);

private:
    du::Params m_p;
    const TileContext& m_ctx;
    std::vector<float> m_deriv;  // the derivative store's contents
    TileBuffer* m_store_buf = nullptr;
    energy::ActionId m_action;
    Reservation m_unit;
    int m_track;
};

}  // namespace xbar::models
