// DRAM: lazily allocated storage (untouched memory reads as zeros and costs no resident memory),
// writes and DMI over the whole size.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "models/checker/tlm_checker.h"
#include "models/dram/dram.h"
#include "test_initiator.h"

using namespace sc_core;
using namespace xbar;

namespace {

// Resident set of this process, bytes (second field of /proc/self/statm, in pages).
std::uint64_t resident_bytes() {
    std::ifstream in("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    in >> size >> resident;
    return resident * std::uint64_t(::sysconf(_SC_PAGESIZE));
}

}  // namespace

TEST(Dram, SixteenGibAreLazyZeroFilledAndReachableByDmi) {
    constexpr std::uint64_t kSize = 16ull << 30;
    const std::uint64_t before = resident_bytes();
    models::Dram dram("dram", {kSize, 50.0, 25.6});
    checker::TlmChecker check("check");
    std::uint32_t untouched = 1, written = 0, through_dmi = 0;
    bool granted = false;
    tlm::tlm_dmi dmi;
    test::TestInitiator init("init", [&](test::TestInitiator& i) {
        untouched = i.read32(kSize - 4);
        i.write32(kSize - 4096, 0xC0FFEE11);
        written = i.read32(kSize - 4096);
        tlm::tlm_generic_payload gp;
        gp.set_address(kSize - 4096);
        gp.set_command(tlm::TLM_READ_COMMAND);
        granted = i.socket->get_direct_mem_ptr(gp, dmi);
        if (granted) std::memcpy(&through_dmi, dmi.get_dmi_ptr() + (kSize - 4096 - dmi.get_start_address()), 4);
    });
    init.socket.bind(check.target_socket);
    check.initiator_socket.bind(dram.socket);
    sc_start();
    EXPECT_EQ(dram.size(), kSize);
    EXPECT_EQ(untouched, 0u);
    EXPECT_EQ(written, 0xC0FFEE11u);
    ASSERT_TRUE(granted);
    EXPECT_EQ(dmi.get_start_address(), 0u);
    EXPECT_EQ(dmi.get_end_address(), kSize - 1);
    EXPECT_EQ(through_dmi, 0xC0FFEE11u);
    EXPECT_LT(resident_bytes() - before, 64ull << 20) << "the DRAM was filled up front";
    EXPECT_TRUE(check.violations.empty());
}

// Every access books its bits at the technology's DRAM energy per bit (8 bits per byte).
TEST(Dram, AccessesBookTheirBitsInTheLedger) {
    energy::Ledger ledger;
    models::DramParams p{1 << 20, 50.0, 25.6};
    p.read_pj_per_bit = 20.0;
    p.write_pj_per_bit = 30.0;
    models::Dram dram("dram", p, &ledger);
    test::TestInitiator host("host", [](test::TestInitiator& i) {
        std::vector<char> buf(1000, 1);
        i.transact(tlm::TLM_WRITE_COMMAND, 0x100, buf.data(), 1000);
        i.transact(tlm::TLM_READ_COMMAND, 0x100, buf.data(), 24);
    });
    host.socket.bind(dram.socket);
    sc_start();
    EXPECT_DOUBLE_EQ(ledger.total_pj(), 8000 * 30.0 + 192 * 20.0);
    EXPECT_DOUBLE_EQ(ledger.total_pj(energy::Kernel::bus), ledger.total_pj());
}
