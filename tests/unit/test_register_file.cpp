// The register-file table: lookup by offset, the four access kinds, malformed tables rejected;
// and the register map's code format (regmap.h).
#include <cmath>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

#include "models/tile/register_file.h"
#include "models/tile/regmap.h"

using namespace xbar::models;

namespace {

// A register that records what its callbacks saw.
struct Probe {
    std::uint32_t value = 0;
    int reads = 0, writes = 0;
    std::uint32_t last_write = 0;
    Register reg(std::string name, std::uint64_t off, Access a) {
        Register r{std::move(name), off, a, 0, nullptr, nullptr};
        if (a != Access::WO)
            r.on_read = [this] {
                ++reads;
                return value;
            };
        if (a != Access::RO)
            r.on_write = [this](std::uint32_t v) {
                ++writes;
                last_write = v;
                value = v;
                return true;
            };
        return r;
    }
};

}  // namespace

TEST(RegisterFile, ReadOnlyWritesAreIgnoredAndSucceed) {
    Probe p;
    p.value = 0x1234;
    RegisterFile rf({p.reg("ID", 0x0, Access::RO)});
    EXPECT_TRUE(rf.write(0x0, 0xFFFFFFFF));
    std::uint32_t v = 0;
    ASSERT_TRUE(rf.read(0x0, v));
    EXPECT_EQ(v, 0x1234u);
    EXPECT_EQ(p.writes, 0);
}

TEST(RegisterFile, ReadWriteKeepsTheValueAndWriteOnlyReadsZero) {
    Probe rw, wo;
    RegisterFile rf({rw.reg("DATA", 0x8, Access::RW), wo.reg("GO", 0x4, Access::WO)});
    EXPECT_TRUE(rf.write(0x8, 0xCAFEF00D));
    EXPECT_TRUE(rf.write(0x4, 0x5));
    std::uint32_t v = 1;
    ASSERT_TRUE(rf.read(0x8, v));
    EXPECT_EQ(v, 0xCAFEF00Du);
    ASSERT_TRUE(rf.read(0x4, v));
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(wo.last_write, 0x5u);
    EXPECT_EQ(wo.writes, 1);
}

TEST(RegisterFile, WriteOneToClearClearsOnlyTheBitsWrittenAsOne) {
    Probe p;
    p.value = 0b1011;
    RegisterFile rf({p.reg("IRQ", 0x2C, Access::W1C)});
    EXPECT_TRUE(rf.write(0x2C, 0));  // writing zeros changes nothing
    EXPECT_EQ(p.value, 0b1011u);
    EXPECT_TRUE(rf.write(0x2C, 0b0010));
    EXPECT_EQ(p.last_write, 0b1001u);  // on_write gets the register's new value
    std::uint32_t v = 0;
    ASSERT_TRUE(rf.read(0x2C, v));
    EXPECT_EQ(v, 0b1001u);
    EXPECT_TRUE(rf.write(0x2C, 0xFFFFFFFF));
    ASSERT_TRUE(rf.read(0x2C, v));
    EXPECT_EQ(v, 0u);
}

TEST(RegisterFile, UnmappedAndUnalignedOffsetsFail) {
    Probe a, b;
    RegisterFile rf({a.reg("A", 0x0, Access::RW), b.reg("B", 0x10, Access::RW)});
    std::uint32_t v = 0;
    for (std::uint64_t off : {0x4ull, 0x2ull, 0xCull, 0x11ull, 0x14ull, 0x1000ull}) {
        EXPECT_FALSE(rf.read(off, v)) << off;
        EXPECT_FALSE(rf.write(off, 1)) << off;
    }
    EXPECT_EQ(a.writes + b.writes, 0);
}

TEST(RegisterFile, AFailingWriteCallbackFailsTheAccess) {
    RegisterFile rf({{"LOCK", 0x0, Access::RW, 0, [] { return 0u; }, [](std::uint32_t v) { return v == 0; }}});
    EXPECT_TRUE(rf.write(0x0, 0));
    EXPECT_FALSE(rf.write(0x0, 1));
}

TEST(RegisterFile, MalformedTablesAreRejectedAtConstruction) {
    Probe p;
    auto with = [&](std::vector<Register> r) { RegisterFile rf(std::move(r)); };
    EXPECT_THROW(with({p.reg("A", 0x8, Access::RW), p.reg("B", 0x8, Access::RO)}), std::logic_error);  // duplicate
    EXPECT_THROW(with({p.reg("A", 0x8, Access::RW), p.reg("B", 0xA, Access::RO)}), std::logic_error);  // overlap
    EXPECT_THROW(with({p.reg("A", 0x6, Access::RW)}), std::logic_error);                              // unaligned
    EXPECT_THROW(with({p.reg("A", 0x0, Access::RW), p.reg("A", 0x4, Access::RW)}), std::logic_error);  // name twice
    EXPECT_THROW(with({p.reg("", 0x0, Access::RW)}), std::logic_error);
    Register ro_with_write = p.reg("A", 0x0, Access::RW);
    ro_with_write.access = Access::RO;
    EXPECT_THROW(with({ro_with_write}), std::logic_error);
    Register wo_with_read = p.reg("A", 0x0, Access::RW);
    wo_with_read.access = Access::WO;
    EXPECT_THROW(with({wo_with_read}), std::logic_error);
    Register rw_without_write = p.reg("A", 0x0, Access::RO);
    rw_without_write.access = Access::RW;
    EXPECT_THROW(with({rw_without_write}), std::logic_error);
    EXPECT_NO_THROW(with({p.reg("A", 0x4, Access::RW), p.reg("B", 0x0, Access::RO)}));  // any order
}

TEST(RegisterFile, ListsTheTableInOffsetOrder) {
    Probe p;
    RegisterFile rf({p.reg("C", 0x20, Access::WO), p.reg("A", 0x0, Access::RO), p.reg("B", 0x4, Access::W1C)});
    const auto t = rf.registers();
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].name, "A");
    EXPECT_EQ(t[1].offset, 0x4u);
    EXPECT_EQ(t[2].access, Access::WO);
    EXPECT_STREQ(access_name(t[1].access), "W1C");
}

TEST(RegisterFile, BuildersBindTheirVariableAndSetTheResetValue) {
    std::uint32_t u = 7;
    float f = 0;
    std::uint64_t w = 0;
    RegisterFile rf({reg::constant("K", 0x0, 0xABCD), reg::field("U", 0x4, u, 3), reg::field("F", 0x8, f, 1.0f),
                     reg::low_word("W_LO", 0x10, w, 0x1), reg::high_word("W_HI", 0x14, w, 0x2), reg::view("V", 0x18, u, 3)});
    EXPECT_EQ(u, 3u);
    EXPECT_EQ(f, 1.0f);
    EXPECT_EQ(w, 0x0000000200000001ull);
    const auto t = rf.registers();
    EXPECT_EQ(t[2].reset, 0x3F800000u);  // 1.0f
    EXPECT_TRUE(rf.write(0x8, 0x40200000));  // 2.5f
    EXPECT_EQ(f, 2.5f);
    EXPECT_TRUE(rf.write(0x14, 0x12345678));
    EXPECT_TRUE(rf.write(0x10, 0x9ABCDEF0));
    EXPECT_EQ(w, 0x123456789ABCDEF0ull);
    EXPECT_TRUE(rf.write(0x4, 99));
    std::uint32_t v = 0;
    ASSERT_TRUE(rf.read(0x18, v));
    EXPECT_EQ(v, 99u);
    EXPECT_TRUE(rf.write(0x18, 5));  // a view is read-only
    EXPECT_EQ(u, 99u);
    ASSERT_TRUE(rf.read(0x0, v));
    EXPECT_EQ(v, 0xABCDu);
}

TEST(RegisterFile, HandWrittenRowsCallAMemberFunction) {
    struct Device {
        std::uint32_t enable = 0;
        int updates = 0;
        void set_enable(std::uint32_t v) {
            enable = v & 3;  // two implemented bits
            ++updates;
        }
    } d;
    RegisterFile rf({{"EN", 0x0, Access::RW, 0, reg::reads(d.enable), reg::calls(&d, &Device::set_enable)}});
    EXPECT_TRUE(rf.write(0x0, 0xFF));
    std::uint32_t v = 0;
    ASSERT_TRUE(rf.read(0x0, v));
    EXPECT_EQ(v, 3u);
    EXPECT_EQ(d.updates, 1);
}

// The code format: M = 2^(bits-1) - 1; round half away from zero, saturate, NaN to 0.
TEST(RegmapCodes, RoundHalfAwayFromZeroThenSaturate) {
    namespace rm = xbar::regmap;
    EXPECT_EQ(rm::code_max(8), 127);
    EXPECT_EQ(rm::code_max(4), 7);
    EXPECT_EQ(rm::code_max(2), 1);
    EXPECT_EQ(rm::to_code(0.5, 3), 2);    // 1.5 -> 2
    EXPECT_EQ(rm::to_code(-0.5, 3), -2);  // -1.5 -> -2
    EXPECT_EQ(rm::to_code(0.5, 2), 1);    // 0.5 -> 1
    EXPECT_EQ(rm::to_code(-0.5, 2), -1);
    EXPECT_EQ(rm::to_code(1.0 / 7.0 * 3.0, 4), 3);
    EXPECT_EQ(rm::to_code(1.7, 8), 127);
    EXPECT_EQ(rm::to_code(-1.7, 8), -127);
    EXPECT_EQ(rm::to_code(std::numeric_limits<double>::infinity(), 8), 127);
    EXPECT_EQ(rm::to_code(-std::numeric_limits<double>::infinity(), 4), -7);
    EXPECT_EQ(rm::to_code(std::nan(""), 8), 0);
}
