// The tile driver over a fake bus: a multi-core tile as regmap.h describes it (per-core banks, one
// level interrupt line, IRQ_STATUS write-1-to-clear), whose cores finish in an order the test
// draws. wait_done must never sleep on a finished core, in any order of completions and waits;
// with one core it keeps the single-core sequence of accesses; registers go to the right bank; the
// drivers of one tile share the shadow of the digital unit's registers.
#include <algorithm>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware/tile_driver.h"
#include "models/tile/regmap.h"

namespace rm = xbar::regmap;

namespace {

constexpr std::uint64_t kBase = 0x40000000;

// One tile behind a fake bus. Commands never finish on their own: a core finishes when the firmware
// waits for the line (time passes) or, with probability `eager`, after any bus access.
class FakeTile final : public fw::Hal {
public:
    FakeTile(unsigned cores, std::uint64_t seed, double eager = 0.0) : m_status(cores), m_rng(seed), m_eager(eager) {}

    fw::BusStatus try_read(std::uint64_t addr, void* dst, std::size_t len) override {
        const std::uint64_t off = addr - kBase;
        std::uint32_t v = 0;
        if (off >= rm::IN_BUF) {
            std::memset(dst, 0, len);
            return after_access();
        }
        const unsigned c = unsigned(off / rm::kCoreStride);
        const std::uint64_t r = off % rm::kCoreStride;
        if (r == rm::STATUS) v = m_status.at(c);
        else if (r == rm::ERROR_CODE) v = rm::ERR_BAD_SCALE;
        else if (c != 0) return fw::BusStatus::address_error;
        else if (r == rm::ID) v = rm::kTileId;
        else if (r == rm::ROWS || r == rm::COLS) v = 64;
        else if (r == rm::BITS) v = 8 | 8 << 8 | 8 << 16 | 8u << 24;
        else if (r == rm::CORES) v = unsigned(m_status.size());
        else if (r == rm::IN_BUF_BYTES || r == rm::OUT_BUF_BYTES) v = 0x4000;
        else if (r == rm::IRQ_STATUS) v = m_irq_status;
        accesses.push_back("R " + hex(off));
        std::memcpy(dst, &v, 4);
        return after_access();
    }
    fw::BusStatus try_write(std::uint64_t addr, const void* src, std::size_t len) override {
        const std::uint64_t off = addr - kBase;
        if (off >= rm::IN_BUF) return after_access();
        std::uint32_t v;
        std::memcpy(&v, src, 4);
        (void)len;
        accesses.push_back("W " + hex(off) + "=" + std::to_string(v));
        const unsigned c = unsigned(off / rm::kCoreStride);
        const std::uint64_t r = off % rm::kCoreStride;
        if (r == rm::CMD) {
            if (m_status.at(c) & rm::ST_BUSY) throw std::logic_error("command written to a busy core");
            m_status[c] = rm::ST_BUSY;
            m_pending.push_back(c);
        } else if (c == 0 && r == rm::IRQ_ENABLE) {
            m_irq_enable = v;
        } else if (c == 0 && r == rm::IRQ_STATUS) {
            m_irq_status &= ~v;
        }
        return after_access();
    }
    void wait_irq(unsigned) override {
        accesses.push_back("IRQ");
        while (!line()) {
            if (m_pending.empty()) throw std::logic_error("wait_irq would sleep forever: no command in flight");
            finish_one();
        }
    }
    void sync() override {}
    std::uint64_t now_ps() override { return 0; }
    void phase_begin(const std::string&) override {}
    void phase_end() override {}
    void compute(std::uint64_t) override {}
    void log(const std::string&) override {}
    void progress(double) override {}

    bool busy(unsigned c) const { return m_status.at(c) & rm::ST_BUSY; }
    void fail_next(unsigned c) { m_fail = int(c); }
    std::vector<std::string> accesses;  // "R off", "W off=value", "IRQ"

private:
    static std::string hex(std::uint64_t v) {
        char b[16];
        std::snprintf(b, sizeof b, "0x%03llx", static_cast<unsigned long long>(v));
        return b;
    }
    bool line() const { return (m_irq_status & m_irq_enable) != 0; }
    fw::BusStatus after_access() {
        if (!m_pending.empty() && std::uniform_real_distribution<double>(0, 1)(m_rng) < m_eager) finish_one();
        return fw::BusStatus::ok;
    }
    void finish_one() {  // a random core in flight finishes
        const std::size_t k = std::uniform_int_distribution<std::size_t>(0, m_pending.size() - 1)(m_rng);
        const unsigned c = m_pending[k];
        m_pending.erase(m_pending.begin() + std::ptrdiff_t(k));
        m_status[c] = rm::ST_DONE | (m_fail == int(c) ? std::uint32_t(rm::ST_ERROR) : 0u);
        if (m_fail == int(c)) m_fail = -1;
        m_irq_status |= rm::IRQ_CMD_DONE;
    }

    std::vector<std::uint32_t> m_status;
    std::vector<unsigned> m_pending;
    std::uint32_t m_irq_enable = 0, m_irq_status = 0;
    int m_fail = -1;
    std::mt19937_64 m_rng;
    double m_eager;
};

std::vector<fw::TileDriver> drivers(FakeTile& tile) {
    fw::TileDriver d0(tile, kBase, 0, "tile0");
    d0.probe();
    std::vector<fw::TileDriver> v{d0};
    for (unsigned c = 1; c < d0.cores(); ++c) v.push_back(d0.for_core(c));
    return v;
}

int count(const std::vector<std::string>& log, const std::string& entry) {
    return int(std::count(log.begin(), log.end(), entry));
}

}  // namespace

TEST(TileDriver, ProbeReadsCoresAndBufferSizes) {
    FakeTile tile(4, 1);
    auto d = drivers(tile);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].cores(), 4u);
    EXPECT_EQ(d[3].core(), 3u);
    EXPECT_EQ(d[3].name(), "tile0.core3");
    EXPECT_EQ(d[2].in_buf_bytes(), 0x4000u);
    EXPECT_EQ(d[2].out_buf_bytes(), 0x4000u);
    EXPECT_THROW(d[0].for_core(4), fw::DeviceError);
    fw::TileDriver beyond(tile, kBase, 0, "tile0", 4);
    EXPECT_THROW(beyond.probe(), fw::DeviceError);
}

TEST(TileDriver, OneCoreKeepsTheSingleCoreSequence) {
    FakeTile tile(1, 1);
    auto d = drivers(tile);
    d[0].start_vmm(0, 0, 1.0f);
    tile.accesses.clear();
    d[0].wait_done();
    EXPECT_EQ(tile.accesses, (std::vector<std::string>{"IRQ", "R 0x024", "W 0x02c=1"}));
}

TEST(TileDriver, PerCoreRegistersGoToTheCoreBankTileGlobalOnesToBankZero) {
    FakeTile tile(4, 1, 1.0);  // every command finishes right away
    auto d = drivers(tile);
    tile.accesses.clear();
    d[2].set_region(3, 4, 5, 6);
    d[2].start_vmm(7, 8, 1.0f);
    for (const char* e : {"W 0x230=3", "W 0x234=4", "W 0x280=5", "W 0x284=6", "W 0x238=7", "W 0x23c=8", "W 0x220=1"})
        EXPECT_EQ(count(tile.accesses, e), 1) << e;
    d[2].wait_done();
    tile.accesses.clear();
    d[3].digital(rm::OP_ACTIVATE, rm::ACT_TANH, 9, 1, 2, 3, 4, 1.0f, 1.0f);
    for (const char* e : {"W 0x090=1", "W 0x094=1", "W 0x098=9", "W 0x09c=1", "W 0x0a0=2", "W 0x0a4=3", "W 0x0a8=4",
                          "W 0x320=6", "R 0x324"})
        EXPECT_EQ(count(tile.accesses, e), 1) << e;
}

// The digital unit is the tile's: a driver must not skip a DU write another core's driver changed.
// Per-core registers are shadowed per core: the same value in two banks is two writes.
TEST(TileDriver, DriversOfOneTileShareTheShadow) {
    FakeTile tile(2, 1, 1.0);
    auto d = drivers(tile);
    tile.accesses.clear();
    d[0].digital(rm::OP_ACTIVATE, rm::ACT_SIGMOID, 5, 0, 0, 0, 0, 1.0f, 1.0f);
    d[1].digital(rm::OP_ACTIVATE, rm::ACT_SIGMOID, 7, 0, 0, 0, 0, 1.0f, 1.0f);
    d[0].digital(rm::OP_ACTIVATE, rm::ACT_SIGMOID, 5, 0, 0, 0, 0, 1.0f, 1.0f);
    d[1].digital(rm::OP_ACTIVATE, rm::ACT_SIGMOID, 5, 0, 0, 0, 0, 1.0f, 1.0f);
    EXPECT_EQ(count(tile.accesses, "W 0x098=5"), 2);
    EXPECT_EQ(count(tile.accesses, "W 0x098=7"), 1);
    EXPECT_EQ(count(tile.accesses, "W 0x090=1"), 1);  // unchanged: written once for the tile
    tile.accesses.clear();
    d[0].set_region(10, 10);
    d[1].set_region(10, 10);
    d[0].set_region(10, 10);
    EXPECT_EQ(count(tile.accesses, "W 0x030=10"), 1);
    EXPECT_EQ(count(tile.accesses, "W 0x130=10"), 1);
}

// Every core of the tile in flight, completions in a random order (at the waits, or eagerly after
// any access), waits in a random order, several rounds (stale CMD_DONE bits carry over): no wait
// sleeps forever (the fake throws) and none returns before its core finished.
TEST(TileDriver, WaitDoneIsRaceFreeWithSeveralCoresInFlight) {
    for (unsigned cores = 2; cores <= 4; ++cores)
        for (std::uint64_t seed = 1; seed <= 300; ++seed) {
            FakeTile tile(cores, seed, double(seed % 4) / 4.0);
            auto d = drivers(tile);
            std::mt19937_64 rng(seed);
            std::vector<unsigned> order(cores);
            for (unsigned c = 0; c < cores; ++c) order[c] = c;
            for (int round = 0; round < 3; ++round) {
                for (auto& t : d) t.start_mvm(0, 0, 1.0f);
                std::shuffle(order.begin(), order.end(), rng);
                for (const unsigned c : order) {
                    ASSERT_NO_THROW(d[c].wait_done()) << cores << " cores, seed " << seed;
                    ASSERT_FALSE(tile.busy(c)) << cores << " cores, seed " << seed;
                }
            }
        }
}

TEST(TileDriver, AnErrorNamesTheCore) {
    FakeTile tile(2, 1);
    auto d = drivers(tile);
    tile.fail_next(1);
    d[0].start_opu(0, 0, 1.0f);
    d[1].start_opu(0, 0, 1.0f);
    d[0].wait_done();
    try {
        d[1].wait_done();
        FAIL() << "no DeviceError";
    } catch (const fw::DeviceError& e) {
        EXPECT_NE(std::string(e.what()).find("tile0.core1: command 3 failed"), std::string::npos) << e.what();
    }
}
