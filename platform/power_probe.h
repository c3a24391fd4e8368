#pragma once
// Sums the tiles' instantaneous power signals into one real-valued VCD signal.
#include <string>

#include <systemc>

namespace xbar::platform {

class PowerProbe : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(PowerProbe);
    sc_core::sc_vector<sc_core::sc_in<double>> in;
    sc_core::sc_signal<double> total_mw;

    PowerProbe(sc_core::sc_module_name name, unsigned n) : sc_module(name), in("in", n), total_mw("total_mw") {
        SC_METHOD(sum);
        for (auto& p : in) sensitive << p;
        dont_initialize();
    }

private:
    void sum() {
        double s = 0;
        for (auto& p : in) s += p.read();
        total_mw.write(s);
    }
};

}  // namespace xbar::platform
