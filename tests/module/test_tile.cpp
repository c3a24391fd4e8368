// Tile: registers, buffers, DMA, kernels against a float reference, guest errors as status bits.
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "models/cores/analog_core.h"
#include "models/dram/dram.h"
#include "models/interconnect/router.h"
#include "models/tile/regmap.h"
#include "models/tile/tile.h"
#include "test_initiator.h"
#include "models/checker/tlm_checker.h"
#include "tests/tech.h"

using namespace sc_core;
using namespace xbar;
namespace rm = xbar::regmap;

namespace {

constexpr std::uint64_t kDram = 0x80000000, kTile = 0x40000000;
constexpr int kRows = 64, kCols = 48;

// Tile parameters with the digital unit of the default technology file.
models::TileParams tile_params() {
    models::TileParams p;
    p.digital_unit = tech::digital_unit();
    const platform::SystemTech s = tech::system();
    p.reg_access_ns = s.reg_access_ns;
    p.reg_fj_per_bit = s.reg_fj_per_bit;
    p.buffer_macro = {s.sram_macro_bits, s.sram_word_bits, s.sram_access_ns, s.sram_read_fj_per_bit,
                      s.sram_write_fj_per_bit, s.sram_macro_um2};
    return p;
}

// Events booked for owner.component.action during kernel k (0 if never defined or booked).
double booked(const energy::Ledger& l, const std::string& owner, const std::string& comp, const std::string& action,
              energy::Kernel k) {
    for (std::size_t id = 0; id < l.actions().size(); ++id) {
        const auto& d = l.actions()[id];
        if (d.owner == owner && d.component == comp && d.action == action) return l.count(energy::ActionId(id), k);
    }
    return 0;
}

std::uint32_t fbits(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

struct TileBench {
    energy::Ledger ledger;
    trace::Timeline timeline;
    models::Dram dram{"dram", {16 << 20, 50.0, 25.6}};
    std::unique_ptr<models::Router> router;
    std::unique_ptr<models::Tile> tile;
    sc_signal<bool> irq{"irq"};
    checker::TlmChecker host_check{"host_check"}, tile_check{"tile_check"}, dram_check{"dram_check"};
    std::unique_ptr<test::TestInitiator> host;

    explicit TileBench(std::function<void(test::TestInitiator&, TileBench&)> body, int bits = 8) {
        cores::AnalogCoreConfig c = xbar::tech::analog_config();
        c.params.rows = kRows;
        c.params.cols = kCols;
        c.params.bits_in = c.params.bits_out = c.params.bits_x = bits;
        router = std::make_unique<models::Router>(
            "router", std::vector<models::MapEntry>{{"dram", kDram, 16 << 20, 0}, {"tile0", kTile, rm::WINDOW_SIZE, 1}},
            models::LinkParams{}, ledger, timeline);
        tile = std::make_unique<models::Tile>("tile0", tile_params(), std::make_unique<cores::AnalogCore>(c),
                                              ledger, timeline);
        host = std::make_unique<test::TestInitiator>("host", [this, body](test::TestInitiator& i) { body(i, *this); });
        host->socket.bind(host_check.target_socket);
        host_check.initiator_socket.bind(router->target_socket);
        tile->initiator_socket.bind(tile_check.target_socket);
        tile_check.initiator_socket.bind(router->target_socket);
        router->initiator_socket.bind(dram_check.target_socket);
        dram_check.initiator_socket.bind(dram.socket);
        router->initiator_socket.bind(tile->target_socket);
        tile->irq.bind(irq);
    }
    // Runs one command and waits for the interrupt; returns STATUS.
    std::uint32_t run(test::TestInitiator& i, std::uint32_t cmd) {
        i.write32(kTile + rm::CMD, cmd);
        while (!irq.read()) wait(irq.value_changed_event());
        const std::uint32_t st = i.read32(kTile + rm::STATUS);
        i.write32(kTile + rm::IRQ_STATUS, rm::IRQ_CMD_DONE);
        return st;
    }
    void expect_clean() {
        for (auto* c : {&host_check, &tile_check, &dram_check})
            EXPECT_TRUE(c->violations.empty()) << c->violations.front();
    }
};

}  // namespace

TEST(Tile, IdentityAndGeometryRegisters) {
    std::uint32_t id = 0, rows = 0, cols = 0, bits = 0;
    TileBench b([&](test::TestInitiator& i, TileBench&) {
        id = i.read32(kTile + rm::ID);
        rows = i.read32(kTile + rm::ROWS);
        cols = i.read32(kTile + rm::COLS);
        bits = i.read32(kTile + rm::BITS);
    });
    sc_start();
    EXPECT_EQ(id, rm::kTileId);
    EXPECT_EQ(rows, std::uint32_t(kRows));
    EXPECT_EQ(cols, std::uint32_t(kCols));
    EXPECT_EQ(bits, 8u | 8u << 8 | 8u << 16 | 4u << 24);
    b.expect_clean();
}

TEST(Tile, ReadWriteRegistersKeepTheirValues) {
    std::uint32_t ar = 0, off = 0, fs = 0, wlo = 0, whi = 0;
    TileBench b([&](test::TestInitiator& i, TileBench&) {
        i.write32(kTile + rm::ACTIVE_ROWS, 17);
        i.write32(kTile + rm::OUT_OFFSET, 1234);
        i.write32(kTile + rm::FWD_FULLSCALE, fbits(2.5f));
        std::uint64_t w = 0x123456789ABCull;
        i.transact(tlm::TLM_WRITE_COMMAND, kTile + rm::WEIGHT_ADDR, &w, 8);
        ar = i.read32(kTile + rm::ACTIVE_ROWS);
        off = i.read32(kTile + rm::OUT_OFFSET);
        fs = i.read32(kTile + rm::FWD_FULLSCALE);
        wlo = i.read32(kTile + rm::WEIGHT_ADDR);
        whi = i.read32(kTile + rm::WEIGHT_ADDR + 4);
    });
    sc_start();
    EXPECT_EQ(ar, 17u);
    EXPECT_EQ(off, 1234u);
    EXPECT_EQ(fs, fbits(2.5f));
    EXPECT_EQ(wlo, 0x56789ABCu);
    EXPECT_EQ(whi, 0x1234u);
    b.expect_clean();
}

TEST(Tile, BadRegisterAccessesGetErrorResponses) {
    tlm::tlm_response_status hole{}, misaligned{}, odd_size{}, beyond_buf{};
    TileBench b([&](test::TestInitiator& i, TileBench&) {
        std::uint32_t v = 0;
        hole = i.read32(kTile + 0x0F0, v);
        misaligned = i.read32(kTile + rm::ROWS + 2, v);
        std::uint16_t h = 0;
        odd_size = i.transact(tlm::TLM_READ_COMMAND, kTile + rm::ROWS, &h, 2);
        std::vector<char> big(16);
        beyond_buf = i.transact(tlm::TLM_WRITE_COMMAND, kTile + rm::IN_BUF + rm::kBufBytes - 8, big.data(), 16);
    });
    sc_start();
    EXPECT_EQ(hole, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(misaligned, tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(odd_size, tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(beyond_buf, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    b.expect_clean();
}

TEST(Tile, DmaCopiesDramIntoTheInputBuffer) {
    std::vector<unsigned char> pattern(10000), got(10000);
    for (std::size_t k = 0; k < pattern.size(); ++k) pattern[k] = static_cast<unsigned char>(k * 7 + 3);
    std::uint32_t status = 0;
    sc_time t_start, t_done;
    TileBench b([&](test::TestInitiator& i, TileBench& tb) {
        i.transact(tlm::TLM_WRITE_COMMAND, kDram + 0x100, pattern.data(), unsigned(pattern.size()));
        i.write32(kTile + rm::IRQ_ENABLE, rm::IRQ_DMA_DONE);
        std::uint64_t src = kDram + 0x100, dst = kTile + rm::IN_BUF + 16;
        i.transact(tlm::TLM_WRITE_COMMAND, kTile + rm::DMA_SRC, &src, 8);
        i.transact(tlm::TLM_WRITE_COMMAND, kTile + rm::DMA_DST, &dst, 8);
        i.write32(kTile + rm::DMA_LEN, std::uint32_t(pattern.size()));
        t_start = sc_time_stamp();
        i.write32(kTile + rm::DMA_CTRL, 1);
        while (!tb.irq.read()) wait(tb.irq.value_changed_event());
        t_done = sc_time_stamp();
        status = i.read32(kTile + rm::DMA_STATUS);
        i.transact(tlm::TLM_READ_COMMAND, kTile + rm::IN_BUF + 16, got.data(), unsigned(got.size()));
    });
    sc_start();
    EXPECT_EQ(status, 2u);  // done, no error
    EXPECT_EQ(got, pattern);
    // 3 read and 3 write bursts (4096 + 4096 + 1808) each cross the 32 B/ns link once.
    EXPECT_GE(t_done - t_start, sc_time(2 * 10000.0 / 32.0, SC_NS));
    b.expect_clean();
}

namespace {
// Programs seeded weights, runs one kernel and compares every output code with a double-precision
// reference evaluated here from the quantized inputs: |code - y/fs*M| <= 0.5 LSB.
void check_kernel(bool forward) {
    std::vector<float> w(kRows * kCols);
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = float(std::sin(0.37 * double(k) + 0.1));
    const int n_in = forward ? kRows : kCols, n_out = forward ? kCols : kRows;
    std::vector<std::int8_t> x(n_in), y(n_out);
    for (int i = 0; i < n_in; ++i) x[i] = std::int8_t((i * 37) % 255 - 127);
    const float fs = 8.0f;
    std::uint32_t st_prog = 0, st = 0;
    sc_time t0, t1;
    TileBench b([&](test::TestInitiator& i, TileBench& tb) {
        i.write32(kTile + rm::IRQ_ENABLE, rm::IRQ_CMD_DONE);
        i.transact(tlm::TLM_WRITE_COMMAND, kDram, w.data(), unsigned(w.size() * 4));
        std::uint64_t a = kDram;
        i.transact(tlm::TLM_WRITE_COMMAND, kTile + rm::WEIGHT_ADDR, &a, 8);
        st_prog = tb.run(i, rm::CMD_PROGRAM);
        i.transact(tlm::TLM_WRITE_COMMAND, kTile + rm::IN_BUF, x.data(), unsigned(x.size()));
        i.write32(kTile + (forward ? rm::FWD_FULLSCALE : rm::BWD_FULLSCALE), fbits(fs));
        t0 = sc_time_stamp();
        i.write32(kTile + rm::CMD, forward ? rm::CMD_VMM : rm::CMD_MVM);
        while (!tb.irq.read()) wait(tb.irq.value_changed_event());
        t1 = sc_time_stamp();
        st = i.read32(kTile + rm::STATUS);
        i.transact(tlm::TLM_READ_COMMAND, kTile + rm::OUT_BUF, y.data(), unsigned(y.size()));
    });
    sc_start();
    EXPECT_EQ(st_prog, std::uint32_t(rm::ST_DONE));
    EXPECT_EQ(st, std::uint32_t(rm::ST_DONE));
    for (int o = 0; o < n_out; ++o) {
        double acc = 0;
        for (int i = 0; i < n_in; ++i)
            acc += double(forward ? w[i * kCols + o] : w[o * kCols + i]) * double(x[i]) / 127.0;
        const double expect = std::clamp(acc / fs * 127.0, -127.0, 127.0);
        EXPECT_LE(std::abs(double(y[o]) - expect), 0.5 + 1e-4) << "output " << o;
    }
    // Latency (M18 §1.7): 127 ns of pulses + 1 ns guard + 256 ns ramp + 2.2 RC of a 64-cell line,
    // after the CMD write reaches the tile: 4 B over the 32 B/ns link + 2 ns hop + 1 ns register;
    // plus the buffer staging: 64 and 48 codes = 8 and 6 64-bit words over 4 macros, 2 rounds of
    // 2 ns each way.
    const double r_line = 64 * 0.064 * 30.0, c_line = 64 * (200e-18 * 0.064 + 35e-18);
    const double expected_ns = 128 + 256 + 2.2 * r_line * c_line * 1e9 + (4.0 / 32.0 + 2.0 + 1.0) + 2 * 2 * 2.0;
    EXPECT_NEAR((t1 - t0).to_seconds() * 1e9, expected_ns, 1e-3);
    b.expect_clean();
}
}  // namespace

TEST(Tile, VmmMatchesFloatReferenceWithinHalfLsb) { check_kernel(true); }
TEST(Tile, MvmMatchesFloatReferenceWithinHalfLsb) { check_kernel(false); }

TEST(Tile, CommandWhileBusySetsTheErrorBitAndKeepsRunning) {
    std::uint32_t st_busy = 0, err = 0, st_final = 0, done = 0;
    TileBench b([&](test::TestInitiator& i, TileBench& tb) {
        i.write32(kTile + rm::IRQ_ENABLE, rm::IRQ_CMD_DONE);
        i.write32(kTile + rm::CMD, rm::CMD_VMM);
        i.write32(kTile + rm::CMD, rm::CMD_MVM);  // still busy
        st_busy = i.read32(kTile + rm::STATUS);
        err = i.read32(kTile + rm::ERROR_CODE);
        while (!tb.irq.read()) wait(tb.irq.value_changed_event());
        st_final = i.read32(kTile + rm::STATUS);
        done = i.read32(kTile + rm::KERNELS_DONE);
    });
    sc_start();
    EXPECT_EQ(st_busy, std::uint32_t(rm::ST_BUSY | rm::ST_ERROR));
    EXPECT_EQ(err, std::uint32_t(rm::ERR_BUSY));
    EXPECT_EQ(st_final, std::uint32_t(rm::ST_DONE));
    EXPECT_EQ(done, 1u);
    b.expect_clean();
}

TEST(Tile, BadArgumentsAreReportedAsErrorStatusNotAborts) {
    std::uint32_t st_region = 0, err_region = 0, st_cmd = 0, err_cmd = 0, st_bus = 0, err_bus = 0;
    TileBench b([&](test::TestInitiator& i, TileBench& tb) {
        i.write32(kTile + rm::IRQ_ENABLE, rm::IRQ_CMD_DONE);
        i.write32(kTile + rm::ACTIVE_ROWS, 0);
        st_region = tb.run(i, rm::CMD_VMM);
        err_region = i.read32(kTile + rm::ERROR_CODE);
        i.write32(kTile + rm::ACTIVE_ROWS, kRows);
        st_cmd = tb.run(i, 99);
        err_cmd = i.read32(kTile + rm::ERROR_CODE);
        std::uint64_t a = 0x1234;  // unmapped
        i.transact(tlm::TLM_WRITE_COMMAND, kTile + rm::WEIGHT_ADDR, &a, 8);
        st_bus = tb.run(i, rm::CMD_PROGRAM);
        err_bus = i.read32(kTile + rm::ERROR_CODE);
    });
    sc_start();
    EXPECT_EQ(st_region, std::uint32_t(rm::ST_DONE | rm::ST_ERROR));
    EXPECT_EQ(err_region, std::uint32_t(rm::ERR_BAD_REGION));
    EXPECT_EQ(st_cmd, std::uint32_t(rm::ST_DONE | rm::ST_ERROR));
    EXPECT_EQ(err_cmd, std::uint32_t(rm::ERR_BAD_COMMAND));
    EXPECT_EQ(st_bus, std::uint32_t(rm::ST_DONE | rm::ST_ERROR));
    EXPECT_EQ(err_bus, std::uint32_t(rm::ERR_BUS));
    b.expect_clean();
}

// The tile's SRAM memories and registers cost what the macro equations give, computed here from
// the technology entries: 64 KiB of 128 kb macros = 4 macros; an access moves whole 64-bit words,
// spread over the macros, one 2 ns access per round; 32 bits per register access.
TEST(Tile, BufferAndRegisterAccessesCostTheMacroEquations) {
    const auto& t = tech::reference();
    const double word = t.value("sram.word_bits"), acc_ns = t.value("sram.access_ns");
    const double macros = std::ceil(65536.0 * 8 / t.value("sram.macro_bits"));
    auto words = [&](double bytes) { return std::ceil(bytes * 8 / word); };
    auto ns = [&](double bytes) { return std::ceil(words(bytes) / macros) * acc_ns; };
    double write_ns = -1;
    int reg_accesses = 0;
    TileBench b([&](test::TestInitiator& i, TileBench&) {
        std::vector<std::int8_t> x(1000, 3);
        i.transact(tlm::TLM_WRITE_COMMAND, kTile + rm::IN_BUF, x.data(), 1000);
        write_ns = i.last_delay.to_seconds() * 1e9;
        i.write32(kTile + rm::IRQ_ENABLE, rm::IRQ_CMD_DONE);
        i.write32(kTile + rm::ACTIVE_ROWS, kRows);
        i.write32(kTile + rm::ACTIVE_COLS, kCols);
        i.write32(kTile + rm::FWD_FULLSCALE, fbits(4.0f));
        reg_accesses = 4 + 3;  // and run(): CMD, STATUS, IRQ_STATUS
        EXPECT_EQ(b.run(i, rm::CMD_VMM) & rm::ST_ERROR, 0u);
    });
    sc_start();
    using energy::Kernel;
    const double link_ns = 1000.0 / models::LinkParams{}.bytes_per_ns + models::LinkParams{}.hop_latency_ns;
    EXPECT_NEAR(write_ns, link_ns + ns(1000), 1e-6);  // the link, then 32 rounds of the 4 macros
    EXPECT_DOUBLE_EQ(booked(b.ledger, "tile0", "input_buffer", "write_bit", Kernel::bus), words(1000) * word);
    EXPECT_DOUBLE_EQ(booked(b.ledger, "tile0", "input_buffer", "read_bit", Kernel::vmm), words(kRows) * word);
    EXPECT_DOUBLE_EQ(booked(b.ledger, "tile0", "output_buffer", "write_bit", Kernel::vmm), words(kCols) * word);
    EXPECT_DOUBLE_EQ(booked(b.ledger, "tile0", "registers", "access_bit", Kernel::bus), 32.0 * reg_accesses);
    const auto& st = b.tile->stat(Kernel::vmm);
    EXPECT_DOUBLE_EQ(st.staging_ns, ns(kRows) + ns(kCols));
    double staging_pj = 0;  // the VMM's ledger energy in the tile's buffers
    for (const auto& row : b.ledger.rows())
        if (row.kernel == Kernel::vmm && (row.def->component == "input_buffer" || row.def->component == "output_buffer"))
            staging_pj += row.energy_pj;
    EXPECT_NEAR(staging_pj,
                (words(kRows) * t.value("sram.read_fj_per_bit") + words(kCols) * t.value("sram.write_fj_per_bit")) * word *
                    1e-3,
                1e-9);
    // The memories' area: macros x macro area (two buffers; the derivative store holds 4 bytes per entry).
    double area = 0;
    for (const auto& a : b.tile->area()) area += a.area_um2;
    EXPECT_DOUBLE_EQ(area, (2 * macros + std::ceil(65536.0 * 32 / t.value("sram.macro_bits"))) * t.value("sram.macro_um2"));
    b.expect_clean();
}

// ---- the register map as a table ---------------------------------------------------------------

namespace {

using models::Access;

// The register map of regmap.h, written out by hand (not from the tile's table): offset, name,
// access, the value after reset for this bench (64 x 48, 8-bit codes, 4-bit deltas, analog
// variant), and the bits a write can set.
struct ExpectedReg {
    std::uint64_t offset;
    const char* name;
    Access access;
    std::uint32_t reset;
    std::uint32_t writable = 0xFFFFFFFF;
};
const std::vector<ExpectedReg>& expected_map() {
    static const std::vector<ExpectedReg> m{
        {0x000, "ID", Access::RO, 0x58424152},     {0x004, "VERSION", Access::RO, 0x00010000},
        {0x008, "ROWS", Access::RO, 64},           {0x00C, "COLS", Access::RO, 48},
        {0x010, "BITS", Access::RO, 0x04080808},   {0x014, "VARIANT", Access::RO, 0},
        {0x018, "CORES", Access::RO, 1},
        {0x020, "CMD", Access::WO, 0},             {0x024, "STATUS", Access::RO, 0},
        {0x028, "IRQ_ENABLE", Access::RW, 0, 0x3}, {0x02C, "IRQ_STATUS", Access::W1C, 0},
        {0x030, "ACTIVE_ROWS", Access::RW, 64},    {0x034, "ACTIVE_COLS", Access::RW, 48},
        {0x038, "IN_OFFSET", Access::RW, 0},       {0x03C, "OUT_OFFSET", Access::RW, 0},
        {0x040, "AUX_OFFSET", Access::RW, 0},      {0x044, "FWD_FULLSCALE", Access::RW, 0x3F800000},
        {0x048, "BWD_FULLSCALE", Access::RW, 0x3F800000}, {0x04C, "OPU_SCALE", Access::RW, 0},
        {0x050, "WEIGHT_ADDR_LO", Access::RW, 0},  {0x054, "WEIGHT_ADDR_HI", Access::RW, 0},
        {0x058, "ERROR_CODE", Access::RO, 0},      {0x05C, "KERNELS_DONE", Access::RO, 0},
        {0x060, "DMA_SRC_LO", Access::RW, 0},      {0x064, "DMA_SRC_HI", Access::RW, 0},
        {0x068, "DMA_DST_LO", Access::RW, 0},      {0x06C, "DMA_DST_HI", Access::RW, 0},
        {0x070, "DMA_LEN", Access::RW, 0},         {0x074, "DMA_CTRL", Access::WO, 0},
        {0x078, "DMA_STATUS", Access::RO, 0},      {0x080, "ROW_BASE", Access::RW, 0},
        {0x084, "COL_BASE", Access::RW, 0},        {0x090, "DU_OP", Access::RW, 0},
        {0x094, "DU_ACT", Access::RW, 0},          {0x098, "DU_COUNT", Access::RW, 0},
        {0x09C, "DU_SRC", Access::RW, 0},          {0x0A0, "DU_DST", Access::RW, 0},
        {0x0A4, "DU_DST2", Access::RW, 0},         {0x0A8, "DU_DERIV", Access::RW, 0},
        {0x0AC, "DU_IN_SCALE", Access::RW, 0x3F800000}, {0x0B0, "DU_OUT_SCALE", Access::RW, 0x3F800000},
        {0x0B4, "DU_RESULT", Access::RO, 0},       {0x0B8, "IN_BUF_BYTES", Access::RO, 0x10000},
        {0x0BC, "OUT_BUF_BYTES", Access::RO, 0x10000}, {0x0C0, "CORE_DONE", Access::W1C, 0},
    };
    return m;
}
const ExpectedReg* expected_at(std::uint64_t off) {
    for (const auto& e : expected_map())
        if (e.offset == off) return &e;
    return nullptr;
}
// A value no two registers share, a normal float32 (exponent 0xB4) so float registers keep it, and
// with bit 0 clear: written to DMA_CTRL it starts nothing, to CMD it is an unknown command.
std::uint32_t pattern(std::uint64_t off) { return 0x5A000002u | std::uint32_t(off) << 4; }

}  // namespace

TEST(Tile, RegisterTableIsTheRegisterMap) {
    TileBench b([](test::TestInitiator&, TileBench&) {});
    const auto table = b.tile->registers();
    ASSERT_EQ(table.size(), expected_map().size());
    for (std::size_t k = 0; k < table.size(); ++k) {
        const auto& e = expected_map()[k];
        EXPECT_EQ(table[k].offset, e.offset) << k;
        EXPECT_EQ(table[k].name, e.name) << std::hex << e.offset;
        EXPECT_EQ(table[k].access, e.access) << e.name;
        EXPECT_EQ(table[k].reset, e.reset) << e.name;
    }
    sc_start();
}

// Iterates the tile's table: reset values, RW registers keep a distinct pattern each, RO
// registers ignore writes, WO registers read 0; then IRQ_STATUS clears only the bits written as 1.
TEST(Tile, EveryRegisterBehavesAsItsAccessSays) {
    struct Seen {
        std::uint32_t at_reset = 0, after_write = 0;
        tlm::tlm_response_status read = tlm::TLM_INCOMPLETE_RESPONSE, write = tlm::TLM_INCOMPLETE_RESPONSE;
    };
    std::map<std::uint64_t, Seen> seen;
    std::uint32_t irq_set = 0, irq_after_zeros = 0, irq_after_other_bit = 0, irq_after_clear = 0;
    TileBench b([&](test::TestInitiator& i, TileBench& tb) {
        const auto table = tb.tile->registers();
        for (const auto& r : table) seen[r.offset].read = i.read32(kTile + r.offset, seen[r.offset].at_reset);
        auto write_then_read = [&](bool write_only) {  // WO last: the CMD write starts a (failing) command
            for (const auto& r : table)
                if ((r.access == Access::WO) == write_only && r.access != Access::W1C)
                    seen[r.offset].write = i.write32(kTile + r.offset, pattern(r.offset));
            for (const auto& r : table)
                if ((r.access == Access::WO) == write_only) i.read32(kTile + r.offset, seen[r.offset].after_write);
        };
        write_then_read(false);
        write_then_read(true);
        while (!(i.read32(kTile + rm::STATUS) & rm::ST_DONE)) wait(sc_time(100, SC_NS));
        irq_set = i.read32(kTile + rm::IRQ_STATUS);
        i.write32(kTile + rm::IRQ_STATUS, 0);
        irq_after_zeros = i.read32(kTile + rm::IRQ_STATUS);
        i.write32(kTile + rm::IRQ_STATUS, rm::IRQ_DMA_DONE);
        irq_after_other_bit = i.read32(kTile + rm::IRQ_STATUS);
        i.write32(kTile + rm::IRQ_STATUS, rm::IRQ_CMD_DONE);
        irq_after_clear = i.read32(kTile + rm::IRQ_STATUS);
    });
    sc_start();
    ASSERT_EQ(seen.size(), expected_map().size());
    for (const auto& [off, s] : seen) {
        const ExpectedReg* e = expected_at(off);
        ASSERT_NE(e, nullptr) << "offset " << std::hex << off << " is not in the register map";
        EXPECT_EQ(s.read, tlm::TLM_OK_RESPONSE) << e->name;
        EXPECT_EQ(s.at_reset, e->reset) << e->name;
        if (e->access == Access::W1C) continue;  // below
        EXPECT_EQ(s.write, tlm::TLM_OK_RESPONSE) << e->name;
        // RW keeps the pattern's writable bits, WO reads 0, RO ignores the write.
        const std::uint32_t want = e->access == Access::RW ? pattern(off) & e->writable
                                   : e->access == Access::WO ? 0u
                                                             : e->reset;
        EXPECT_EQ(s.after_write, want) << e->name;
    }
    EXPECT_EQ(irq_set, std::uint32_t(rm::IRQ_CMD_DONE));  // the unknown command written to CMD finished
    EXPECT_EQ(irq_after_zeros, std::uint32_t(rm::IRQ_CMD_DONE));
    EXPECT_EQ(irq_after_other_bit, std::uint32_t(rm::IRQ_CMD_DONE));
    EXPECT_EQ(irq_after_clear, 0u);
    b.expect_clean();
}

// Every 4-byte offset of the register space that the map leaves reserved is an address error for
// reads and writes, and the writes reach no register.
TEST(Tile, ReservedRegisterOffsetsAreAddressErrors) {
    std::vector<std::uint64_t> bad_reads, bad_writes;
    std::map<std::uint64_t, std::uint32_t> after;
    int reserved = 0;
    TileBench b([&](test::TestInitiator& i, TileBench&) {
        for (std::uint64_t off = 0; off < 0x1000; off += 4) {
            if (expected_at(off)) continue;
            ++reserved;
            std::uint32_t v = 0;
            if (i.read32(kTile + off, v) != tlm::TLM_ADDRESS_ERROR_RESPONSE) bad_reads.push_back(off);
            if (i.write32(kTile + off, 0xFFFFFFFF) != tlm::TLM_ADDRESS_ERROR_RESPONSE) bad_writes.push_back(off);
        }
        for (const auto& e : expected_map()) after[e.offset] = i.read32(kTile + e.offset);
    });
    sc_start();
    EXPECT_EQ(reserved, 1024 - int(expected_map().size()));
    EXPECT_TRUE(bad_reads.empty()) << bad_reads.size() << " reserved offsets read OK, first 0x" << std::hex
                                   << (bad_reads.empty() ? 0 : bad_reads.front());
    EXPECT_TRUE(bad_writes.empty()) << bad_writes.size() << " reserved offsets written OK";
    for (const auto& e : expected_map()) EXPECT_EQ(after[e.offset], e.reset) << e.name;
    b.expect_clean();
}

namespace {
// The register rows of docs/architecture.md's register-map table: | offset | name | access | reset | ...
struct DocRow {
    std::uint64_t offset;
    std::string name, access, reset;
};
std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}
std::vector<DocRow> documented_registers() {
    std::ifstream in(std::string(XBAR_SOURCE_DIR) + "/docs/architecture.md");
    std::vector<DocRow> rows;
    bool in_section = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) in_section = line.rfind("## Register map", 0) == 0;
        if (!in_section || line.rfind("| 0x", 0) != 0) continue;
        std::vector<std::string> cells;
        std::stringstream ss(line.substr(1));
        for (std::string c; cells.size() < 4 && std::getline(ss, c, '|');) cells.push_back(trim(c));
        if (cells.size() == 4) rows.push_back({std::stoull(cells[0], nullptr, 16), cells[1], cells[2], cells[3]});
    }
    return rows;
}
}  // namespace

// The documented table lists the tile's registers: same names, offsets and access; a reset
// written as a number is the table's (the others depend on the core: rows, cols, format, variant).
TEST(Tile, ArchitectureDocListsTheRegisterTable) {
    TileBench b([](test::TestInitiator&, TileBench&) {});
    const auto table = b.tile->registers();
    const auto doc = documented_registers();
    ASSERT_EQ(doc.size(), table.size());
    for (std::size_t k = 0; k < doc.size(); ++k) {
        EXPECT_EQ(doc[k].offset, table[k].offset) << doc[k].name;
        EXPECT_EQ(doc[k].name, table[k].name);
        EXPECT_EQ(doc[k].access, models::access_name(table[k].access)) << doc[k].name;
        const std::string& reset = doc[k].reset;
        if (reset.rfind("0x", 0) == 0) {
            EXPECT_EQ(std::stoul(reset, nullptr, 16), table[k].reset) << doc[k].name;
        } else {
            EXPECT_TRUE(reset == "rows" || reset == "cols" || reset == "format" || reset == "variant")
                << doc[k].name << ": " << reset;
        }
    }
    sc_start();
}
