#pragma once
// Digital crossbar cores (digital ReRAM, SRAM): the component table (per-event energies, memory
// organisation -> access counts and times, areas) computed from the parameters of Marinella et al.
// 2018 (JETCAS; ../shared/reference/marinella2018.md, "M18" below, §1.4, §1.5, §IV-G..K). The
// paper's Tables II–V are test targets, reproduced bottom-up from the events the core counts.
#include <vector>

#include "models/energy/analog_costs.h"  // ActionCost, AreaItem

namespace xbar::energy {

enum class DigitalMemory { reram, sram };

// Every parameter of the digital cores. Geometry and code widths default to the paper's 8-bit
// design (the 4- and 2-bit designs are digital_design(4 | 2)); the technology fields are unset.
struct DigitalParams {
    int rows = 1024, cols = 1024;  // M18 Table I crossbar / 1 MB weight store
    int weight_bits = 8;           // M18 Table I digital weight precision
    int bits_in = 8;               // VMM / MVM input codes incl. sign
    int bits_out = 8;              // VMM / MVM output codes incl. sign
    int bits_x = 8;                // OPU row vector
    int bits_delta = 8;            // OPU column vector (8-bit MAC operand; the analog core's 4 bits
                                   // come from its voltage drivers, which the digital cores lack)
    // Multiply-accumulate units: code widths are architecture (M18 §IV-J: "the multiply is
    // internally rounded to 12 bits", "the accumulate is done to 22 bits"); digital_design() sets
    // them per design.
    int product_bits = 12;
    int acc_bits = 22;
    // Technology: set from a technology file (platform/technology.h; technologies/marinella2018.json
    // is the reference design). Unset here on purpose: the values are written in the file only,
    // and make_digital_cost_table rejects a parameter set with one left unset.
    int n_macs = 0;                            // MAC units in parallel
    double mac_clock_ns = kFromTechnology;     // one input every clock cycle
    double mac_latency_ns = kFromTechnology;   // pipeline depth
    double mac_pj = kFromTechnology;           // one multiply-add incl. write-back
    double mac_um2 = kFromTechnology;          // one MAC unit
    // Input register: standard-cell flip-flops, one clock access.
    double reg_access_ns = kFromTechnology;
    double reg_ff_um2 = kFromTechnology;       // per register bit
    // Digital ReRAM: one binary array per weight bit, all working in parallel (M18 §IV-G)
    int reram_read_parallel_bits = 0;
    double reram_read_ns = kFromTechnology;
    int reram_write_parallel_bits = 0;
    double reram_write_ns = kFromTechnology;
    // Stated full-store energies (8 arrays x 1024 x 1024 bits), used per bit (see
    // make_digital_cost_table for why the CV^2 + IxVxtau equations are not).
    double reram_read_nj_1mb = kFromTechnology;
    double reram_write_nj_1mb = kFromTechnology;
    double sense_fj = kFromTechnology;         // per sense-amp measurement
    double reram_array_um2 = kFromTechnology;  // per binary array with its periphery
    // Inputs of the (unused) CV^2 + IxVxtau cross-check: the binary cell
    double binary_i_read_na = kFromTechnology, binary_v_read = kFromTechnology;
    double binary_i_write_na = kFromTechnology, binary_v_write = kFromTechnology;
    double m1_pitch_um = kFromTechnology;
    double cell_c_af = kFromTechnology;
    // SRAM: generated macros (M18 §IV-H)
    int sram_macro_bits = 0;
    int sram_word_bits = 0;                    // bits per access
    double sram_access_ns = kFromTechnology;
    double sram_read_fj_per_bit = kFromTechnology;
    double sram_write_fj_per_bit = kFromTechnology;
    double sram_macro_um2 = kFromTechnology;
    // Cross-core communication (M18 §IV-K): CV^2 of a wire one core edge long per bit moved.
    double wire_c_af_per_um = kFromTechnology;
    double v_logic = kFromTechnology;
};

// The paper's three digital designs' architecture (M18 §IV-J): 8-bit I/O with 12-bit products and a
// 22-bit accumulator; 4- and 2-bit I/O keeping the top 8 product bits and 18 accumulator bits. Their
// MAC energy and area are technology entries per design (mac.energy_pj_<b>bit, mac.area_um2_<b>bit).
// Throws std::invalid_argument for other widths (set the fields directly instead).
DigitalParams digital_design(int bits);

// Indices into DigitalCostTable::actions. kDigSenseBit exists only in the ReRAM table (the SRAM
// macros' 34 fJ/bit includes their sensing).
enum DigitalAction : int {
    kDigReadBit = 0,  // one weight bit read from the memory
    kDigWriteBit,     // one weight bit written
    kDigMac,          // one multiply-add (incl. write-back to the buffer)
    kDigLinkBit,      // one bit moved across the core edge
    kDigSenseBit,     // ReRAM: one sense-amp measurement
};

// A memory access pattern: how long it takes and how many bits the memory reads or writes.
struct MemAccess {
    double ns, bits;
};

struct DigitalCostTable {
    DigitalParams p;
    DigitalMemory memory;
    std::vector<ActionCost> actions;  // indexed by DigitalAction
    std::vector<AreaItem> area;
    int n_arrays;                     // ReRAM binary arrays (= weight_bits) or SRAM macros
    double core_edge_um;              // sqrt(total area)
    // CV^2 + IxVxtau per bit with Table I values (documentation of the rejected derivation).
    double reram_read_bit_eq_fj, reram_write_bit_eq_fj;

    // Block of `rows` x `cols` weights whose first column is `col0`. `transpose`: the MVM access
    // (ReRAM reads by columns at no penalty; row-major SRAM reads one whole word per weight).
    MemAccess read(int rows, int cols, int col0, bool transpose) const;
    MemAccess write(int rows, int cols, int col0) const;
    double mac_ns(double n_mac) const;  // MAC array throughput time for n_mac multiply-adds
    double fill_ns() const;             // input-register access + MAC pipeline depth, paid once
    double area_um2() const;
    const char* memory_component() const;
};

// Throws std::invalid_argument on a physically meaningless parameter set.
DigitalCostTable make_digital_cost_table(const DigitalParams& p, DigitalMemory memory);

}  // namespace xbar::energy
