#pragma once
// Technology: every physical parameter of the platform (circuit, cell, memory-macro, digital-unit
// and wire figures) as data. One table (technology_entries()) names each entry ("adc.comparator_ua"),
// its unit, its physical range and the parameter fields it sets; a technology file
// (technologies/<name>.json) gives each entry's value, unit and source, and a scenario may override
// single entries (/technology/overrides). The values live only in the file: the C++ parameter
// structs leave these fields unset (NaN / 0) until a technology is applied. No SystemC here.
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/digital_unit/digital_unit.h"
#include "models/energy/analog_costs.h"
#include "models/energy/digital_costs.h"

namespace xbar::platform {

// The host-to-tile link's wire (the route length and the toggling fraction are scenario fields).
struct InterconnectTech {
    double wire_c_af_per_um = energy::kFromTechnology;
    double voltage = energy::kFromTechnology;
};

// Everything outside the cores: tile registers and buffers, DRAM energy, the host's arithmetic.
// The tile buffers are built from the SRAM macros of the sram.* entries (sram_* fields here).
struct SystemTech {
    double reg_access_ns = energy::kFromTechnology, reg_fj_per_bit = energy::kFromTechnology;
    double sram_macro_bits = energy::kFromTechnology, sram_word_bits = energy::kFromTechnology;
    double sram_access_ns = energy::kFromTechnology;
    double sram_read_fj_per_bit = energy::kFromTechnology, sram_write_fj_per_bit = energy::kFromTechnology;
    double sram_macro_um2 = energy::kFromTechnology;
    double dram_read_pj_per_bit = energy::kFromTechnology, dram_write_pj_per_bit = energy::kFromTechnology;
    double dram_latency_ns = energy::kFromTechnology, dram_bytes_per_ns = energy::kFromTechnology;
    double host_op_ns = energy::kFromTechnology, host_op_pj = energy::kFromTechnology;
};

// The parameter structs one technology fills. `design_bits` picks the digital cores' MAC entries
// (the reference has 8-, 4- and 2-bit MAC designs).
struct TechTargets {
    energy::AnalogParams* analog = nullptr;
    energy::DigitalParams* digital = nullptr;
    int design_bits = 8;
    du::Params* digital_unit = nullptr;
    InterconnectTech* interconnect = nullptr;
    SystemTech* system = nullptr;
};

// One parameter field an entry sets; `design_bits` != 0: only for digital cores of that MAC design.
using TechField = std::variant<double energy::AnalogParams::*, int energy::AnalogParams::*, double energy::DigitalParams::*,
                               int energy::DigitalParams::*, double du::Params::*, double InterconnectTech::*,
                               double SystemTech::*>;
struct TechTarget {
    TechField field;
    int design_bits = 0;
};

struct TechEntrySpec {
    std::string name;  // "<group>.<entry>"; the JSON path in a file is /<group>/<entry>
    std::string unit;
    double min, max;   // physical range; min is excluded when min_open
    bool min_open;
    bool integer;
    std::string goes_to;  // the parameter fields it sets (documentation)
    std::string doc;
    std::vector<TechTarget> targets;
};
const std::vector<TechEntrySpec>& technology_entries();
// The tile variants an entry has an effect on (from its target structs; the digital_reram.* and
// sram.* groups only on their own memory, binary_cell.* only on digital ReRAM).
std::vector<std::string> entry_variants(const TechEntrySpec& e);
// The entry table as Markdown (part of `xbar-vp schema`).
std::string technology_markdown();

struct TechValue {
    double value = 0;
    std::string unit, source;
    bool overridden = false;
};

struct Technology {
    std::string file;              // as the scenario names it ("" = the built-in default)
    std::string name;              // the file's "technology" field
    std::vector<TechValue> values; // indexed like technology_entries()
    double value(const std::string& entry) const;  // std::out_of_range for an unknown name
    nlohmann::json to_json() const;                 // summary.json "technology"
    void apply(TechTargets& t) const;
};

// The default technology file (technologies/marinella2018.json of this source tree).
std::string default_technology_path();
// Reads and checks a technology file; ScenarioError naming the file and the JSON path.
Technology load_technology(const std::string& path);
Technology parse_technology(const nlohmann::json& doc, const std::string& file);
// Applies /technology/overrides (entry name -> number in the entry's unit, or {"value", "unit"[,
// "source"]}); errors name `scenario_file` and the JSON path under `base` ("/technology/overrides").
void apply_overrides(Technology& t, const nlohmann::json& overrides, const std::string& scenario_file,
                     const std::string& base);
// The default technology, loaded once (unit tests and benches take their parameters from it).
const Technology& reference_technology();

// Parameter structs with a technology applied (geometry and code widths as given).
energy::AnalogParams analog_params(const Technology& t, energy::AnalogParams geometry = {});
energy::DigitalParams digital_params(const Technology& t, int design_bits);
du::Params digital_unit_params(const Technology& t);
InterconnectTech interconnect_params(const Technology& t);
SystemTech system_params(const Technology& t);

}  // namespace xbar::platform
