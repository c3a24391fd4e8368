// One TLM transaction through the interconnect (issue 9): a host initiator with a quantum keeper
// (the firmware HAL's pattern) writes 4 bytes to DRAM or to a tile register, N times; prints the
// rate. SystemC elaborates once per process, so this is a plain timed program, not Google
// Benchmark: run it three times and take the median (bench/RESULTS.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "models/cores/analog_core.h"
#include "models/dram/dram.h"
#include "models/interconnect/router.h"
#include "models/tile/regmap.h"
#include "models/tile/tile.h"
#include "tests/tech.h"

using namespace sc_core;

struct Host : sc_module {
    SC_HAS_PROCESS(Host);
    tlm_utils::simple_initiator_socket<Host> socket{"socket"};
    std::uint64_t addr;
    long n;
    double seconds = 0;
    Host(sc_module_name nm, std::uint64_t a, long count) : sc_module(nm), addr(a), n(count) { SC_THREAD(run); }
    void run() {
        tlm_utils::tlm_quantumkeeper qk;
        qk.reset();
        tlm::tlm_generic_payload gp;
        std::uint32_t v = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (long k = 0; k < n; ++k) {
            gp.set_command(tlm::TLM_WRITE_COMMAND);
            gp.set_address(addr);
            gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
            gp.set_data_length(4);
            gp.set_streaming_width(4);
            gp.set_byte_enable_ptr(nullptr);
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            sc_time d = qk.get_local_time();
            socket->b_transport(gp, d);
            qk.set(d);
            if (qk.need_sync()) qk.sync();
        }
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
};

int sc_main(int argc, char** argv) {
    const bool to_tile = argc > 1 && std::string(argv[1]) == "tile";
    const long n = argc > 2 ? std::atol(argv[2]) : 2000000;
    tlm::tlm_global_quantum::instance().set(sc_time(1, SC_US));
    xbar::energy::Ledger ledger;
    xbar::trace::Timeline timeline(false);
    xbar::models::Router router("router", {{"dram", 0x80000000, 1 << 20, 0}, {"tile0", 0x40000000, xbar::regmap::WINDOW_SIZE, 1}},
                                xbar::models::LinkParams{}, ledger, timeline);
    router.set_trace_transfers(false);
    xbar::models::Dram dram("dram", {1 << 20, 50.0, 25.6});
    xbar::cores::AnalogCoreConfig cfg = xbar::tech::analog_config();
    cfg.params.rows = cfg.params.cols = 64;
    xbar::models::TileParams tp;
    tp.digital_unit = xbar::tech::digital_unit();
    xbar::models::Tile tile("tile0", tp, std::make_unique<xbar::cores::AnalogCore>(cfg), ledger, timeline);
    sc_signal<bool> irq("irq");
    tile.irq.bind(irq);
    Host host("host", to_tile ? 0x40000000 + xbar::regmap::IN_OFFSET : 0x80000000, n);
    host.socket.bind(router.target_socket);
    tile.initiator_socket.bind(router.target_socket);
    router.initiator_socket.bind(dram.socket);
    router.initiator_socket.bind(tile.target_socket);
    sc_start();
    std::printf("%s: %ld transactions in %.3f s = %.3g transactions/s (%.1f ns each)\n", to_tile ? "tile register" : "dram",
                n, host.seconds, n / host.seconds, 1e9 * host.seconds / n);
    return 0;
}
