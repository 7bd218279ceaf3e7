#include "http/http_date.h"

#include <gtest/gtest.h>

#include <chrono>

namespace feedd::http {
namespace {

using namespace std::chrono;

// RFC 9110 §5.6.7's own example instant.
constexpr sys_seconds kExample = sys_days{1994y / November / 6} + 8h + 49min + 37s;

TEST(HttpDate, FormatsImfFixdate) {
    EXPECT_EQ(format_http_date(kExample), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(format_http_date(sys_seconds{}), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(format_http_date(sys_days{2024y / February / 29} + 23h + 59min + 59s),
              "Thu, 29 Feb 2024 23:59:59 GMT");
}

TEST(HttpDate, ParsesAllThreeRfc9110Forms) {
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), kExample);
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), kExample);
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), kExample);
}

TEST(HttpDate, RoundTripsFormattedDates) {
    const sys_seconds t = sys_days{2031y / March / 9} + 1h + 2min + 3s;
    EXPECT_EQ(parse_http_date(format_http_date(t)), t);
}

TEST(HttpDate, RejectsGarbage) {
    EXPECT_FALSE(parse_http_date(""));
    EXPECT_FALSE(parse_http_date("yesterday"));
    EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
    EXPECT_FALSE(parse_http_date("Sun, 32 Nov 1994 08:49:37 GMT"));
    EXPECT_FALSE(parse_http_date("1994-11-06T08:49:37Z"));
}

}  // namespace
}  // namespace feedd::http

namespace feedd::http {
namespace {

TEST(HttpDate, RejectsMalformedTimesBeforeParsing) {
    // Found by route_fuzz (tests/fuzz/findings/http-date-ub): reached undefined behaviour in date::parse.
    EXPECT_FALSE(parse_http_date("Sun, 01 Feb 2026 80:00::0 GMT").has_value());
    EXPECT_FALSE(parse_http_date("Sun, 01 Feb 2026 8:00:00 GMT").has_value());
    EXPECT_FALSE(parse_http_date("Sun, 01 Feb 2026 08:00:00.5 GMT").has_value());
    EXPECT_TRUE(parse_http_date("Sun, 01 Feb 2026 08:00:00 GMT").has_value());
}

}  // namespace
}  // namespace feedd::http
