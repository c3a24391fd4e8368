#pragma once
// Hardware abstraction layer seen by firmware: memory-mapped reads and writes, interrupts and a
// clock. Everything goes over the host's TLM socket (see hal_tlm.cpp); this header has no SystemC.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fw {

enum class BusStatus { ok, address_error, command_error, burst_error, byte_enable_error, generic_error };
const char* to_string(BusStatus s);

// A bus access that came back with an error response. Firmware lets it propagate; the host
// reports it as a firmware failure (the simulator itself keeps running normally).
class BusError : public std::runtime_error {
public:
    BusError(BusStatus s, std::uint64_t addr, const std::string& what)
        : std::runtime_error(what), status(s), address(addr) {}
    BusStatus status;
    std::uint64_t address;
};

// The host asked the program to stop (the user interrupted the simulation): firmware unwinds.
class Interrupted : public std::runtime_error {
public:
    Interrupted() : std::runtime_error("interrupted") {}
};

// A device reported an error through its registers (e.g. a tile's ERROR_CODE).
class DeviceError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Hal {
public:
    virtual ~Hal() = default;
    // Raw accesses; return the bus status instead of throwing.
    virtual BusStatus try_read(std::uint64_t addr, void* dst, std::size_t len) = 0;
    virtual BusStatus try_write(std::uint64_t addr, const void* src, std::size_t len) = 0;
    // Block until interrupt line `line` is high.
    virtual void wait_irq(unsigned line) = 0;
    // Let simulated time catch up with the firmware's local time offset.
    virtual void sync() = 0;
    // Current simulated time seen by firmware (includes its local time offset), in ps.
    virtual std::uint64_t now_ps() = 0;
    // Firmware phases shown on the timeline; they nest.
    virtual void phase_begin(const std::string& name) = 0;
    virtual void phase_end() = 0;
    // Host arithmetic: `ops` scalar operations of firmware work between kernels (combining partial
    // sums, accumulating a mini-batch update, encoding inputs, the output error). Advances the
    // firmware's time and books the host's energy (technology host.op_ns, host.op_pj).
    virtual void compute(std::uint64_t ops) = 0;
    // Console output of the host (a line, and the fraction of the program done for a progress bar).
    virtual void log(const std::string& line) = 0;
    virtual void progress(double fraction) = 0;

    // Throwing helpers.
    void read(std::uint64_t addr, void* dst, std::size_t len);
    void write(std::uint64_t addr, const void* src, std::size_t len);
    std::uint32_t read32(std::uint64_t addr);
    void write32(std::uint64_t addr, std::uint32_t v);
    std::uint64_t read64(std::uint64_t addr);
    void write64(std::uint64_t addr, std::uint64_t v);
    // Copy a large block in bursts of at most `burst` bytes (one transaction each).
    void write_block(std::uint64_t addr, const void* src, std::size_t len, std::size_t burst = 4096);
    void read_block(std::uint64_t addr, void* dst, std::size_t len, std::size_t burst = 4096);
};

// RAII phase marker.
class Phase {
public:
    Phase(Hal& hal, const std::string& name) : m_hal(hal) { m_hal.phase_begin(name); }
    ~Phase() { m_hal.phase_end(); }
    Phase(const Phase&) = delete;
    Phase& operator=(const Phase&) = delete;

private:
    Hal& m_hal;
};

// What the platform tells firmware at boot: the address map, interrupt lines and arguments.
struct BootInfo {
    std::string program;
    std::uint64_t seed = 1;
    std::uint64_t dram_base = 0, dram_size = 0;
    std::vector<std::uint64_t> tile_base;
    std::vector<unsigned> tile_irq;
    std::map<std::string, double> args;
    std::vector<int> layers;  // train_mlp
    std::string activation, output_activation;  // hidden layers, output layer
    // Dataset staged in DRAM: records of `dim` feature bytes then one label byte.
    std::uint64_t train_addr = 0, test_addr = 0;
    std::uint64_t train_count = 0, test_count = 0;
    int dim = 0, classes = 0;
    double feature_scale = 1.0;
    double arg(const std::string& key, double dflt) const {
        auto it = args.find(key);
        return it == args.end() ? dflt : it->second;
    }
};

// What firmware hands back: a pass/fail verdict and named metrics (ordered: deterministic).
struct Report {
    bool ok = true;
    std::string error;
    std::map<std::string, double> metrics;
    // Training: one row per epoch (ordered names, deterministic).
    std::vector<std::map<std::string, double>> epochs;
    bool interrupted = false;  // stopped early at the host's request; the rows above are complete
};

using Program = Report (*)(Hal&, const BootInfo&);
// Looks up a firmware program by name; nullptr if unknown.
Program find_program(const std::string& name);
std::vector<std::string> program_names();

}  // namespace fw
