// Interconnect: address decode, error responses, DMI translation, link contention.
#include <gtest/gtest.h>

#include "models/dram/dram.h"
#include "models/interconnect/router.h"
#include "test_initiator.h"
#include "models/checker/tlm_checker.h"

using namespace sc_core;
using namespace xbar;

namespace {

struct RouterBench {
    energy::Ledger ledger;
    trace::Timeline timeline;
    models::LinkParams link;
    models::Dram mem_a{"mem_a", {1 << 20, 50.0, 25.6}};
    models::Dram mem_b{"mem_b", {1 << 20, 50.0, 25.6}};
    std::unique_ptr<models::Router> router;
    std::unique_ptr<checker::TlmChecker> check_a, check_b;
    std::unique_ptr<test::TestInitiator> init_a, init_b;

    explicit RouterBench(std::function<void(test::TestInitiator&)> a,
                         std::function<void(test::TestInitiator&)> b = nullptr) {
        link.hop_latency_ns = 2.0;
        link.bytes_per_ns = 32.0;
        link.energy_pj_per_bit = 0.064;
        router = std::make_unique<models::Router>(
            "router", std::vector<models::MapEntry>{{"a", 0x10000000, 1 << 20, 0}, {"b", 0x20000000, 1 << 20, 1}},
            link, ledger, timeline);
        check_a = std::make_unique<checker::TlmChecker>("check_a");
        init_a = std::make_unique<test::TestInitiator>("init_a", a);
        init_a->socket.bind(check_a->target_socket);
        check_a->initiator_socket.bind(router->target_socket);
        if (b) {
            check_b = std::make_unique<checker::TlmChecker>("check_b");
            init_b = std::make_unique<test::TestInitiator>("init_b", b);
            init_b->socket.bind(check_b->target_socket);
            check_b->initiator_socket.bind(router->target_socket);
        }
        router->initiator_socket.bind(mem_a.socket);
        router->initiator_socket.bind(mem_b.socket);
    }
    void expect_clean() {
        EXPECT_TRUE(check_a->violations.empty()) << check_a->violations.front();
        if (check_b) {
            EXPECT_TRUE(check_b->violations.empty()) << check_b->violations.front();
        }
    }
};

}  // namespace

TEST(Router, DecodesAddressesToTheRightTarget) {
    std::uint32_t got_a = 0, got_b = 0;
    tlm::tlm_response_status s1{}, s2{};
    RouterBench b([&](test::TestInitiator& i) {
        s1 = i.write32(0x10000010, 0xA5A5A5A5);
        s2 = i.write32(0x20000010, 0x5A5A5A5A);
        got_a = i.read32(0x10000010);
        got_b = i.read32(0x20000010);
    });
    sc_start();
    EXPECT_EQ(s1, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(s2, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(got_a, 0xA5A5A5A5u);
    EXPECT_EQ(got_b, 0x5A5A5A5Au);
    b.expect_clean();
}

TEST(Router, UnmappedAndStraddlingAccessesGetAddressErrors) {
    tlm::tlm_response_status hole{}, below{}, straddle{}, last_ok{};
    RouterBench b([&](test::TestInitiator& i) {
        std::uint32_t v = 0;
        hole = i.read32(0x18000000, v);
        below = i.read32(0x0, v);
        straddle = i.read32(0x10000000 + (1 << 20) - 2, v);  // 2 bytes in, 2 bytes out
        last_ok = i.read32(0x10000000 + (1 << 20) - 4, v);
    });
    sc_start();
    EXPECT_EQ(hole, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(below, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(straddle, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(last_ok, tlm::TLM_OK_RESPONSE);
    b.expect_clean();
}

TEST(Router, ByteEnablesAreRejectedByDram) {
    tlm::tlm_response_status s{};
    RouterBench b([&](test::TestInitiator& i) {
        std::uint32_t v = 1;
        unsigned char be[4] = {0xFF, 0, 0xFF, 0};
        s = i.transact(tlm::TLM_WRITE_COMMAND, 0x10000000, &v, 4, be);
    });
    sc_start();
    EXPECT_EQ(s, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    b.expect_clean();
}

TEST(Router, DmiRangesAreTranslatedToBusAddresses) {
    bool granted = false;
    tlm::tlm_dmi dmi;
    std::uint32_t seen = 0;
    RouterBench b([&](test::TestInitiator& i) {
        tlm::tlm_generic_payload gp;
        gp.set_address(0x20000100);
        gp.set_command(tlm::TLM_READ_COMMAND);
        granted = i.socket->get_direct_mem_ptr(gp, dmi);
        if (granted) {
            const std::uint32_t v = 0xC0FFEE11;
            std::memcpy(dmi.get_dmi_ptr() + (0x20000100 - dmi.get_start_address()), &v, 4);
            seen = i.read32(0x20000100);
        }
    });
    sc_start();
    ASSERT_TRUE(granted);
    EXPECT_EQ(dmi.get_start_address(), 0x20000000u);
    EXPECT_EQ(dmi.get_end_address(), 0x20000000u + (1 << 20) - 1);
    EXPECT_EQ(seen, 0xC0FFEE11u);
    b.expect_clean();
}

TEST(Router, TransfersOnTheSharedLinkSerialize) {
    // Two initiators each write 4 KiB at t = 0. The link moves 32 B/ns, so the second transfer
    // waits for the first: its delay is exactly 4096 / 32 = 128 ns longer.
    sc_time d_a, d_b;
    std::vector<unsigned char> buf_a(4096, 1), buf_b(4096, 2);
    RouterBench b(
        [&](test::TestInitiator& i) {
            i.transact(tlm::TLM_WRITE_COMMAND, 0x10000000, buf_a.data(), 4096);
            d_a = i.last_delay;
        },
        [&](test::TestInitiator& i) {
            i.transact(tlm::TLM_WRITE_COMMAND, 0x20000000, buf_b.data(), 4096);
            d_b = i.last_delay;
        });
    sc_start();
    const sc_time first = std::min(d_a, d_b), second = std::max(d_a, d_b);
    EXPECT_EQ(second - first, sc_time(128, SC_NS));
    // First: link 128 + hop 2 + DRAM latency 50 + 4096 B / 25.6 B/ns = 160.
    EXPECT_EQ(first, sc_time(128 + 2 + 50 + 160, SC_NS));
    // Wire energy: 2 x 4096 x 8 bits at the link's per-bit energy.
    EXPECT_NEAR(b.ledger.total_pj(), 2 * 4096 * 8 * 0.064, 1e-6);
    b.expect_clean();
}

TEST(Router, OverlappingMapIsAnElaborationError) {
    energy::Ledger ledger;
    trace::Timeline tl;
    EXPECT_THROW(models::Router("r", {{"a", 0x1000, 0x1000, 0}, {"b", 0x1800, 0x1000, 1}}, {}, ledger, tl),
                 std::invalid_argument);
}

namespace {
// A target that breaks the base protocol: it never sets a response status.
struct SloppyTarget : sc_core::sc_module {
    tlm_utils::simple_target_socket<SloppyTarget> socket{"socket"};
    explicit SloppyTarget(sc_core::sc_module_name n) : sc_module(n) {
        socket.register_b_transport(this, &SloppyTarget::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time&) { gp.set_address(gp.get_address() + 1); }
};
}  // namespace

TEST(TlmChecker, FlagsATargetThatBreaksTheProtocol) {
    checker::TlmChecker check("check");
    SloppyTarget target("target");
    test::TestInitiator init("init", [](test::TestInitiator& i) {
        std::uint32_t v = 0;
        i.read32(0x10, v);
    });
    init.socket.bind(check.target_socket);
    check.initiator_socket.bind(target.socket);
    sc_start();
    ASSERT_EQ(check.violations.size(), 2u);
    EXPECT_NE(check.violations[0].find("target left TLM_INCOMPLETE_RESPONSE"), std::string::npos) << check.violations[0];
    EXPECT_NE(check.violations[1].find("address not restored"), std::string::npos) << check.violations[1];
}
