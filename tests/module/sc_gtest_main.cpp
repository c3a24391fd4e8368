// Module tests: one SystemC elaboration per process. ctest runs each TEST as its own process
// (gtest_discover_tests), so every test may build modules and call sc_start once.
#include <cstdlib>

#include <gtest/gtest.h>
#include <systemc>

static const int kQuiet = ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

int sc_main(int argc, char** argv) {
    (void)kQuiet;
    // SystemC warnings fail the test; errors throw instead of aborting.
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY | sc_core::SC_THROW);
    sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_DISPLAY | sc_core::SC_THROW);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
