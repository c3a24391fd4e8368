// Reservation: the shared-resource model of the tile (buffer ports, a shared ADC bank, the digital
// unit). Bookings against intervals written out by hand.
#include <gtest/gtest.h>

#include <systemc>

#include "models/tile/reservation.h"

using namespace sc_core;

namespace {
sc_time ns(double v) { return sc_time(v, SC_NS); }
}  // namespace

TEST(Reservation, FirstComeFirstServedWithGapsFilled) {
    xbar::models::Reservation r;
    EXPECT_EQ(r.reserve(ns(0), ns(10)), ns(0));    // [0, 10)
    EXPECT_EQ(r.reserve(ns(5), ns(10)), ns(10));   // overlaps [0, 10): [10, 20)
    EXPECT_EQ(r.reserve(ns(40), ns(10)), ns(40));  // [40, 50), a gap [20, 40) before it
    EXPECT_EQ(r.reserve(ns(0), ns(20)), ns(20));   // fits the gap exactly: [20, 40)
    EXPECT_EQ(r.reserve(ns(15), ns(1)), ns(50));   // no gap left before 50
    EXPECT_EQ(r.reserve(ns(100), ns(5)), ns(100));
    EXPECT_EQ(r.reserve(ns(51), ns(49)), ns(51));  // [51, 100) is free
    EXPECT_EQ(r.reserve(ns(51), ns(1)), ns(105));
    EXPECT_EQ(r.reserve(ns(7), SC_ZERO_TIME), ns(10));  // empty: the first free instant, nothing booked
    EXPECT_EQ(r.reserve(ns(7), ns(1)), ns(106));
}
