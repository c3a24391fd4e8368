#pragma once
// Test initiator: an SC_THREAD that runs a test body with read/write helpers returning the TLM
// status. The test body runs inside the simulation; results are checked after sc_start.
#include <cstring>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace xbar::test {

class TestInitiator : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(TestInitiator);
    tlm_utils::simple_initiator_socket<TestInitiator> socket;
    std::function<void(TestInitiator&)> body;

    TestInitiator(sc_core::sc_module_name name, std::function<void(TestInitiator&)> b)
        : sc_module(name), socket("socket"), body(std::move(b)) {
        SC_THREAD(run);
    }

    tlm::tlm_response_status transact(tlm::tlm_command cmd, sc_dt::uint64 addr, void* data, unsigned len,
                                      unsigned char* byte_enable = nullptr) {
        tlm::tlm_generic_payload gp;
        gp.set_command(cmd);
        gp.set_address(addr);
        gp.set_data_ptr(static_cast<unsigned char*>(data));
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_byte_enable_ptr(byte_enable);
        gp.set_byte_enable_length(byte_enable ? len : 0);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        socket->b_transport(gp, delay);
        wait(delay);
        last_delay = delay;
        return gp.get_response_status();
    }
    tlm::tlm_response_status write32(sc_dt::uint64 a, std::uint32_t v) { return transact(tlm::TLM_WRITE_COMMAND, a, &v, 4); }
    tlm::tlm_response_status read32(sc_dt::uint64 a, std::uint32_t& v) { return transact(tlm::TLM_READ_COMMAND, a, &v, 4); }
    std::uint32_t read32(sc_dt::uint64 a) {
        std::uint32_t v = 0xDEADBEEF;
        read32(a, v);
        return v;
    }

    sc_core::sc_time last_delay;

private:
    // No sc_stop(): the simulation ends when every process waits on nothing (other initiators
    // in the same test may still be running).
    void run() { body(*this); }
};

}  // namespace xbar::test
