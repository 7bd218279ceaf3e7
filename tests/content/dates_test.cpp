#include "content/dates.h"

#include <gtest/gtest.h>

#include "content/test_util.h"

namespace feedd {
namespace {

using testing::iso;
using testing::utc;

const auto kRef = utc(2026, 1, 14);

std::string parsed(std::string_view text, std::string_view tz = "UTC",
                   std::chrono::sys_seconds ref = kRef) {
    const auto r = parse_date(text, tz, ref);
    return r ? iso(*r) : "error: " + r.error();
}

TEST(ParseDate, Rfc3339AndIso8601) {
    EXPECT_EQ(parsed("2021-04-05"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("2021-04-05T12:20:00Z"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("2021-04-05t12:20:00z"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("2021-04-05T12:20:00.123+02:00"), "2021-04-05T10:20:00Z");
    EXPECT_EQ(parsed("2021-04-05T12:20:30-0500"), "2021-04-05T17:20:30Z");
    EXPECT_EQ(parsed("2021-04-05T12:20+05"), "2021-04-05T07:20:00Z");
    EXPECT_EQ(parsed("2021-04-05 12:20"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("2021-04-05 12:20:07"), "2021-04-05T12:20:07Z");
    EXPECT_EQ(parsed("2021-04-05 12:20:00 +01:00"), "2021-04-05T11:20:00Z");
    EXPECT_EQ(parsed("  2021-04-05T12:20Z  "), "2021-04-05T12:20:00Z");
    // A one-digit offset hour with its minutes, as Hugo sites write it and Hugo reads it.
    EXPECT_EQ(parsed("2021-12-11T23:30-5:00"), "2021-12-12T04:30:00Z");
    EXPECT_EQ(parsed("2024-03-06T23:05:00-5:00"), "2024-03-07T04:05:00Z");
    EXPECT_EQ(parsed("2024-03-06T23:05:00+9:30"), "2024-03-06T13:35:00Z");
    // Without its minutes a one-digit hour is too ambiguous to read.
    EXPECT_TRUE(parsed("2021-04-05T12:20+5").starts_with("error"));
}

TEST(ParseDate, LocalTimesUseTheConfiguredZone) {
    // Berlin is UTC+2 in April (CEST), UTC+1 in January; New York UTC-4 in April (EDT).
    EXPECT_EQ(parsed("2021-04-05", "Europe/Berlin"), "2021-04-04T22:00:00Z");
    EXPECT_EQ(parsed("2021-04-05T12:20", "America/New_York"), "2021-04-05T16:20:00Z");
    EXPECT_EQ(parsed("09.Jan.2026", "Europe/Berlin"), "2026-01-08T23:00:00Z");
    // An explicit offset wins over the zone.
    EXPECT_EQ(parsed("2021-04-05T12:20Z", "Europe/Berlin"), "2021-04-05T12:20:00Z");
}

TEST(ParseDate, Rfc822And1123) {
    EXPECT_EQ(parsed("Mon, 05 Apr 2021 12:20:00 +0000"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("Mon, 05 Apr 2021 12:20:00 +0200", "America/New_York"),
              "2021-04-05T10:20:00Z");
    EXPECT_EQ(parsed("05 Apr 2021 12:20:00 GMT", "Europe/Berlin"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("Monday, 5 April 2021 12:20 UT"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("Mon, 05 Apr 2021 12:20:00 EST"), "2021-04-05T17:20:00Z");
    EXPECT_EQ(parsed("Mon, 05 Apr 2021 12:20:00 EDT"), "2021-04-05T16:20:00Z");
    EXPECT_EQ(parsed("Mon, 05 Apr 2021 12:20 PDT"), "2021-04-05T19:20:00Z");
    EXPECT_EQ(parsed("Mon, 05 Apr 2021 12:20:00 Z"), "2021-04-05T12:20:00Z");
    // Two-digit years as RFC 2822 reads them.
    EXPECT_EQ(parsed("Mon, 05 Apr 21 12:20:00 GMT"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("Thu, 01 Apr 99 00:00:00 GMT"), "1999-04-01T00:00:00Z");
}

TEST(ParseDate, NewsSiteForms) {
    EXPECT_EQ(parsed("5 Apr 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("5 April 2021 12:20"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("April 5, 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("April 5, 2021 at 3:15 pm"), "2021-04-05T15:15:00Z");
    EXPECT_EQ(parsed("Apr 5 2021 12:20"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("09.Jan.2026"), "2026-01-09T00:00:00Z");
    EXPECT_EQ(parsed("14 Jan 2026"), "2026-01-14T00:00:00Z");
    EXPECT_EQ(parsed("05.04.2021 12:20"), "2021-04-05T12:20:00Z");
    EXPECT_EQ(parsed("5th of April 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("12 Sept 2021"), "2021-09-12T00:00:00Z");
}

TEST(ParseDate, MonthNamesAreCaseInsensitive) {
    EXPECT_EQ(parsed("5 APRIL 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("5 apr 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("DECEMBER 31, 2020"), "2020-12-31T00:00:00Z");
    EXPECT_EQ(parsed("09.jan.2026"), "2026-01-09T00:00:00Z");
}

TEST(ParseDate, YearlessTakesLatestYearNotAfterReference) {
    // Reference after the date in its year: that year.
    EXPECT_EQ(parsed("5 Apr in 12:20", "UTC", utc(2026, 6, 1)), "2026-04-05T12:20:00Z");
    // Reference before it: the year before.
    EXPECT_EQ(parsed("5 Apr in 12:20", "UTC", utc(2026, 1, 14)), "2025-04-05T12:20:00Z");
    // Exactly at the reference is "not after"; one minute later is.
    EXPECT_EQ(parsed("5 Apr in 12:20", "UTC", utc(2026, 4, 5, 12, 20)), "2026-04-05T12:20:00Z");
    EXPECT_EQ(parsed("5 Apr in 12:20", "UTC", utc(2026, 4, 5, 12, 19)), "2025-04-05T12:20:00Z");
    EXPECT_EQ(parsed("5 Apr, 12:20", "UTC", utc(2026, 6, 1)), "2026-04-05T12:20:00Z");
    EXPECT_EQ(parsed("April 5", "UTC", utc(2026, 6, 1)), "2026-04-05T00:00:00Z");
    // The reference year is the one in the configured zone: 2026-01-01 00:30 in Berlin is
    // still 2025 in UTC.
    EXPECT_EQ(parsed("1 Jan 00:10", "Europe/Berlin", utc(2025, 12, 31, 23, 30)),
              "2025-12-31T23:10:00Z");
}

TEST(ParseDate, YearlessTwentyNinthOfFebruaryFindsALeapYear) {
    EXPECT_EQ(parsed("29 Feb", "UTC", utc(2026, 3, 1)), "2024-02-29T00:00:00Z");
    EXPECT_EQ(parsed("29 Feb 12:00", "UTC", utc(2024, 2, 29, 11)), "2020-02-29T12:00:00Z");
    EXPECT_EQ(parsed("29 Feb 12:00", "UTC", utc(2024, 2, 29, 13)), "2024-02-29T12:00:00Z");
}

TEST(ParseDate, RejectsInvalidDatesWithAReason) {
    EXPECT_EQ(parsed("31 Feb 2021"),
              "error: invalid date '31 Feb 2021': February 2021 has no day 31");
    EXPECT_EQ(parsed("2021-02-29"),
              "error: invalid date '2021-02-29': February 2021 has no day 29");
    EXPECT_EQ(parsed("2021-04-05 25:00"),
              "error: invalid date '2021-04-05 25:00': hour 25 is not 0-23");
    EXPECT_EQ(parsed("2021-04-05 12:61"),
              "error: invalid date '2021-04-05 12:61': minute 61 is not 0-59");
    EXPECT_EQ(parsed("2021-13-01"), "error: invalid date '2021-13-01': month 13 is not 1-12");
    EXPECT_EQ(parsed("31 Feb"), "error: invalid date '31 Feb': February has no day 31");
    EXPECT_NE(parsed("yesterday").find("error: unrecognised date 'yesterday'"), std::string::npos);
    EXPECT_NE(parsed("").find("error: unrecognised date"), std::string::npos);
    EXPECT_NE(parsed("Apollo 11").find("error: unrecognised"), std::string::npos);
    EXPECT_NE(parsed("2021-04-05 12:20 nonsense").find("error: unrecognised"), std::string::npos);
    EXPECT_NE(parsed("5 Apr 123").find("error: unrecognised"), std::string::npos);
}

TEST(ParseDate, NonexistentLocalTimeUsesOffsetBeforeTheGap) {
    // Berlin 2021-03-28: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist. Read with
    // CET (+1) it is 01:30 UTC, i.e. 03:30 CEST.
    EXPECT_EQ(parsed("2021-03-28 02:30", "Europe/Berlin"), "2021-03-28T01:30:00Z");
    // Just around the gap, for contrast.
    EXPECT_EQ(parsed("2021-03-28 01:59", "Europe/Berlin"), "2021-03-28T00:59:00Z");
    EXPECT_EQ(parsed("2021-03-28 03:00", "Europe/Berlin"), "2021-03-28T01:00:00Z");
    // New York 2021-03-14: 02:00 EST jumps to 03:00 EDT.
    EXPECT_EQ(parsed("2021-03-14 02:30", "America/New_York"), "2021-03-14T07:30:00Z");
}

TEST(ParseDate, AmbiguousLocalTimeIsTheEarlierInstant) {
    // Berlin 2021-10-31: 03:00 CEST goes back to 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
    EXPECT_EQ(parsed("2021-10-31 02:30", "Europe/Berlin"), "2021-10-31T00:30:00Z");
    // New York 2021-11-07: 01:30 happens in EDT (05:30 UTC) and again in EST (06:30 UTC).
    EXPECT_EQ(parsed("2021-11-07 01:30", "America/New_York"), "2021-11-07T05:30:00Z");
}

TEST(ParseDate, UnknownZoneIsAnError) {
    EXPECT_EQ(parsed("2021-04-05", "Mars/Olympus_Mons"),
              "error: unknown time zone 'Mars/Olympus_Mons'");
    // With an explicit offset the zone is not needed.
    EXPECT_EQ(parsed("2021-04-05T00:00:00Z", "Mars/Olympus_Mons"), "2021-04-05T00:00:00Z");
}

// "UTC" is read without the tz database: it must agree with the database's own UTC zone.
TEST(ParseDate, UtcAgreesWithTheTzDatabasesUtc) {
    ASSERT_TRUE(is_utc("UTC"));
    ASSERT_FALSE(is_utc("Etc/UTC"));
    for (const char* text : {"2021-04-05", "2021-04-05 12:20", "5 Apr in 12:20", "29 Feb",
                             "April 5", "14 Jan in 23:59", "Mon, 05 Apr 2021 12:20:00",
                             "31 Dec in 00:00", "2021-04-05T12:20:00+02:00", "30 Feb"}) {
        for (const auto ref : {kRef, utc(2026, 4, 5, 12, 20), utc(2024, 3, 1)}) {
            EXPECT_EQ(parsed(text, "UTC", ref), parsed(text, "Etc/UTC", ref)) << text;
        }
    }
}

TEST(IsKnownTimezone, ChecksTheTzDatabase) {
    EXPECT_TRUE(is_known_timezone("UTC"));
    EXPECT_TRUE(is_known_timezone("Europe/Berlin"));
    EXPECT_TRUE(is_known_timezone("America/New_York"));
    EXPECT_FALSE(is_known_timezone("Mars/Olympus_Mons"));
    EXPECT_FALSE(is_known_timezone(""));
}

}  // namespace
}  // namespace feedd
