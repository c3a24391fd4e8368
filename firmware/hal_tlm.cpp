#include "firmware/hal_tlm.h"

#include <tlm_utils/tlm_quantumkeeper.h>

namespace fw {

using namespace sc_core;

namespace {

BusStatus to_status(tlm::tlm_response_status s) {
    switch (s) {
        case tlm::TLM_OK_RESPONSE: return BusStatus::ok;
        case tlm::TLM_ADDRESS_ERROR_RESPONSE: return BusStatus::address_error;
        case tlm::TLM_COMMAND_ERROR_RESPONSE: return BusStatus::command_error;
        case tlm::TLM_BURST_ERROR_RESPONSE: return BusStatus::burst_error;
        case tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE: return BusStatus::byte_enable_error;
        default: return BusStatus::generic_error;
    }
}

class TlmHal final : public Hal {
public:
    TlmHal(tlm::tlm_initiator_socket<>& socket, std::vector<const sc_signal_in_if<bool>*> irq,
           const sc_event& irq_changed, HostHooks hooks)
        : m_socket(socket), m_irq(std::move(irq)), m_irq_changed(irq_changed), m_hooks(std::move(hooks)) {
        m_qk.reset();
    }

    BusStatus try_read(std::uint64_t addr, void* dst, std::size_t len) override {
        return transport(tlm::TLM_READ_COMMAND, addr, static_cast<unsigned char*>(dst), len);
    }
    BusStatus try_write(std::uint64_t addr, const void* src, std::size_t len) override {
        return transport(tlm::TLM_WRITE_COMMAND, addr,
                         const_cast<unsigned char*>(static_cast<const unsigned char*>(src)), len);
    }

    void wait_irq(unsigned line) override {
        if (m_hooks.should_stop && m_hooks.should_stop()) throw Interrupted();
        m_qk.sync();  // the device's time must catch up with ours before we block
        if (line >= m_irq.size()) throw DeviceError("wait_irq: no interrupt line " + std::to_string(line));
        while (!m_irq[line]->read()) wait(m_irq_changed);
    }

    void sync() override { m_qk.sync(); }

    void compute(std::uint64_t ops) override {
        if (!ops) return;
        const std::uint64_t t0 = now_ps();
        m_qk.inc(sc_time(double(ops) * m_hooks.op_ns, SC_NS));
        if (m_hooks.compute) m_hooks.compute(ops, t0, now_ps());
        if (m_qk.need_sync()) m_qk.sync();
    }

    std::uint64_t now_ps() override { return m_qk.get_current_time().value(); }

    void phase_begin(const std::string& name) override { m_phases.push_back({name, now_ps()}); }
    void phase_end() override {
        if (m_phases.empty()) return;
        const auto [name, t0] = m_phases.back();
        m_phases.pop_back();
        if (m_hooks.phase) m_hooks.phase(name, t0, now_ps());
    }
    void log(const std::string& line) override {
        if (m_hooks.log) m_hooks.log(line);
    }
    void progress(double fraction) override {
        if (m_hooks.progress) m_hooks.progress(fraction);
    }

private:
    BusStatus transport(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, std::size_t len) {
        m_gp.set_command(cmd);
        m_gp.set_address(addr);
        m_gp.set_data_ptr(data);
        m_gp.set_data_length(static_cast<unsigned>(len));
        m_gp.set_streaming_width(static_cast<unsigned>(len));
        m_gp.set_byte_enable_ptr(nullptr);
        m_gp.set_byte_enable_length(0);
        m_gp.set_dmi_allowed(false);
        m_gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_time delay = m_qk.get_local_time();
        m_socket->b_transport(m_gp, delay);
        m_qk.set(delay);
        if (m_qk.need_sync()) m_qk.sync();
        return to_status(m_gp.get_response_status());
    }

    tlm::tlm_initiator_socket<>& m_socket;
    std::vector<const sc_signal_in_if<bool>*> m_irq;
    const sc_event& m_irq_changed;
    HostHooks m_hooks;
    tlm_utils::tlm_quantumkeeper m_qk;
    tlm::tlm_generic_payload m_gp;
    std::vector<std::pair<std::string, std::uint64_t>> m_phases;
};

}  // namespace

std::unique_ptr<Hal> make_tlm_hal(tlm::tlm_initiator_socket<>& socket,
                                  std::vector<const sc_signal_in_if<bool>*> irq_lines,
                                  const sc_event& irq_changed, HostHooks hooks) {
    return std::make_unique<TlmHal>(socket, std::move(irq_lines), irq_changed, std::move(hooks));
}

}  // namespace fw
