#pragma once
// Digital crossbar cores (digital ReRAM, SRAM): the component table (per-event energies, memory
// organisation -> access counts and times, areas) computed from the parameters of Marinella et al.
// 2018 (JETCAS; ../shared/reference/marinella2018.md, "M18" below, §1.4, §1.5, §IV-G..K). The
// paper's Tables II–V are test targets, reproduced bottom-up from the events the core counts.
#include <vector>

#include "models/energy/analog_costs.h"  // ActionCost, AreaItem

namespace xbar::energy {

enum class DigitalMemory { reram, sram };

// Every physical parameter of the digital cores. Defaults are the paper's 8-bit design; the 4- and
// 2-bit designs are digital_design(4 | 2).
struct DigitalParams {
    int rows = 1024, cols = 1024;  // M18 Table I crossbar / 1 MB weight store
    int weight_bits = 8;           // M18 Table I digital weight precision
    int bits_in = 8;               // VMM / MVM input codes incl. sign
    int bits_out = 8;              // VMM / MVM output codes incl. sign
    int bits_x = 8;                // OPU row vector
    int bits_delta = 8;            // OPU column vector (8-bit MAC operand; the analog core's 4 bits
                                   // come from its voltage drivers, which the digital cores lack)
    // Multiply-accumulate units (M18 §IV-J)
    int product_bits = 12;         // "the multiply is internally rounded to 12 bits"
    int acc_bits = 22;             // "the accumulate is done to 22 bits"
    int n_macs = 256;              // "256 8-bit MAC units in parallel"
    double mac_clock_ns = 1.0;     // "1 GHz clock ... one input every clock cycle"
    double mac_latency_ns = 2.0;   // "each operation requires 2 ns to complete" (pipeline depth)
    double mac_pj = 1.46;          // "~1.46 pJ per 8-bit multiply-add, including write-back"
    double mac_um2 = 54000.0 / 256;  // "area multiplied by 256 to give 54,000 um2"
    // Input register (M18 §IV-I): 1024 x 8 standard-cell flip-flops, one clock access.
    double reg_access_ns = 1.0;
    double reg_ff_um2 = 7000.0 / (1024 * 8);  // Table II input buffers 7,000 um2 at 1024 x 8 bits
    // Digital ReRAM: one binary array per weight bit, all working in parallel (M18 §IV-G)
    int reram_read_parallel_bits = 512;   // "512 bits read in parallel"
    double reram_read_ns = 86.0;          // "read latency is 86 ns" (Eq. 5, 2.2 tau_RC)
    int reram_write_parallel_bits = 64;   // "64 bits on a row being written in parallel"
    double reram_write_ns = 10.0;         // "each device needs 10 ns to write"
    // Stated full-store energies (8 arrays x 1024 x 1024 bits): "the total read energy is 166 nJ
    // and the write energy is 676 nJ". Used per bit (see make_digital_cost_table for why the
    // CV^2 + IxVxtau equations are not).
    double reram_read_nj_1mb = 166.0;
    double reram_write_nj_1mb = 676.0;
    double sense_fj = 5.0;                // "the sense amp consumes 5 fJ per measurement"
    double reram_array_um2 = 9500.0;      // "the total area is 9,500 um2" per binary array
    // Inputs of the (unused) CV^2 + IxVxtau cross-check, M18 Table I binary cell
    double binary_i_read_na = 98.0, binary_v_read = 0.954;
    double binary_i_write_na = 846.0, binary_v_write = 1.8;
    double m1_pitch_um = 0.064;
    double cell_c_af = 35.0;
    // SRAM: 64 x 128 kb generated macros (M18 §IV-H)
    int sram_macro_bits = 128 * 1024;
    int sram_word_bits = 64;              // "each SRAM can read or write 64 bits in 2 ns"
    double sram_access_ns = 2.0;
    double sram_read_fj_per_bit = 34.0;
    double sram_write_fj_per_bit = 46.0;
    double sram_macro_um2 = 12103.0;
    // Cross-core communication (M18 §IV-K): CV^2 of a wire one core edge long per bit moved.
    double wire_c_af_per_um = 200.0;      // Table I
    double v_logic = 0.8;                 // Table I
};

// The paper's three digital designs (M18 §IV-J, Tables II and IV): 8-bit I/O with 12-bit products
// and a 22-bit accumulator; 4- and 2-bit I/O keeping the top 8 product bits and 18 accumulator
// bits. MAC energy and area of the 4-/2-bit units are the reference's derivations from Table IV
// (900 / 520 nJ per 1M operations) and Table II (35,000 / 23,000 um2 per 256). Throws
// std::invalid_argument for other widths (set the fields directly instead).
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
