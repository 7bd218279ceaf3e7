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

// Dates as pages in other languages write them (docs/content.md, "Dates"): one sentence's date
// per language, as a news page or a byline would print it.
TEST(ParseDate, FrenchDates) {
    EXPECT_EQ(parsed("le 3 mars 2020 à 14h05"), "2020-03-03T14:05:00Z");
    EXPECT_EQ(parsed("3 mars 2020"), "2020-03-03T00:00:00Z");
    EXPECT_EQ(parsed("1er décembre 2019"), "2019-12-01T00:00:00Z");
    EXPECT_EQ(parsed("1er decembre 2019"), "2019-12-01T00:00:00Z");  // without its accent
    EXPECT_EQ(parsed("12 févr. 2021 à 9h"), "2021-02-12T09:00:00Z");
    EXPECT_EQ(parsed("14 juil. 2022, 18:30"), "2022-07-14T18:30:00Z");
    EXPECT_EQ(parsed("15 AOÛT 2023"), "2023-08-15T00:00:00Z");
    // The no-break space French typography puts in dates.
    EXPECT_EQ(parsed("le 3\xC2\xA0mars\xC2\xA0"
                     "2020 à 14h05"),
              "2020-03-03T14:05:00Z");
}

TEST(ParseDate, GermanDates) {
    EXPECT_EQ(parsed("5. April 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("am 5. April 2021 um 14:05 Uhr"), "2021-04-05T14:05:00Z");
    EXPECT_EQ(parsed("17. März 2020"), "2020-03-17T00:00:00Z");
    EXPECT_EQ(parsed("17. Maerz 2020"), "2020-03-17T00:00:00Z");
    EXPECT_EQ(parsed("3. Jänner 2019"), "2019-01-03T00:00:00Z");
    EXPECT_EQ(parsed("24. Dez. 2021, 16:00"), "2021-12-24T16:00:00Z");
    EXPECT_EQ(parsed("9. Okt 2018", "Europe/Berlin"), "2018-10-08T22:00:00Z");
}

TEST(ParseDate, SpanishAndPortugueseDates) {
    EXPECT_EQ(parsed("21 de dezembro de 2018"), "2018-12-21T00:00:00Z");
    EXPECT_EQ(parsed("21 dezembro 2018"), "2018-12-21T00:00:00Z");
    EXPECT_EQ(parsed("21 de dezembro de 2018 às 14h05"), "2018-12-21T14:05:00Z");
    EXPECT_EQ(parsed("7 de março de 2021"), "2021-03-07T00:00:00Z");
    EXPECT_EQ(parsed("7 de marco de 2021"), "2021-03-07T00:00:00Z");
    EXPECT_EQ(parsed("3 out 2022"), "2022-10-03T00:00:00Z");
    EXPECT_EQ(parsed("3 de marzo de 2020 a las 14:05"), "2020-03-03T14:05:00Z");
    EXPECT_EQ(parsed("el 3 de marzo del 2020"), "2020-03-03T00:00:00Z");
    EXPECT_EQ(parsed("1º de mayo de 2019"), "2019-05-01T00:00:00Z");
    EXPECT_EQ(parsed("12 sept. 2020"), "2020-09-12T00:00:00Z");
    EXPECT_EQ(parsed("31 dic 2020"), "2020-12-31T00:00:00Z");
    EXPECT_EQ(parsed("9 setiembre 2017"), "2017-09-09T00:00:00Z");
}

TEST(ParseDate, ItalianDates) {
    EXPECT_EQ(parsed("3 marzo 2020, 14:05"), "2020-03-03T14:05:00Z");
    EXPECT_EQ(parsed("3 marzo 2020 alle 14:05"), "2020-03-03T14:05:00Z");
    EXPECT_EQ(parsed("3 marzo 2020 alle ore 14:05"), "2020-03-03T14:05:00Z");
    EXPECT_EQ(parsed("25 dic 2021"), "2021-12-25T00:00:00Z");
    EXPECT_EQ(parsed("2 giugno 2016"), "2016-06-02T00:00:00Z");
    EXPECT_EQ(parsed("Il 4 luglio 2015"), "2015-07-04T00:00:00Z");
}

TEST(ParseDate, DutchAndNordicDates) {
    EXPECT_EQ(parsed("5 april 2021 om 14:05"), "2021-04-05T14:05:00Z");
    EXPECT_EQ(parsed("12 mrt 2019"), "2019-03-12T00:00:00Z");
    EXPECT_EQ(parsed("1 mei 2020"), "2020-05-01T00:00:00Z");
    EXPECT_EQ(parsed("den 5 maj 2021 kl. 14:05"), "2021-05-05T14:05:00Z");     // Swedish
    EXPECT_EQ(parsed("17. maj 2022"), "2022-05-17T00:00:00Z");                 // Danish
    EXPECT_EQ(parsed("3. marts 2022"), "2022-03-03T00:00:00Z");                // Danish
    EXPECT_EQ(parsed("24. desember 2020 kl. 18:00"), "2020-12-24T18:00:00Z");  // Norwegian
    EXPECT_EQ(parsed("1 augusti 2018"), "2018-08-01T00:00:00Z");               // Swedish
}

TEST(ParseDate, PolishAndCzechDates) {
    EXPECT_EQ(parsed("5 kwietnia 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("5 kwietnia 2021 r., godz. 14:05"), "2021-04-05T14:05:00Z");
    EXPECT_EQ(parsed("11 listopada 2018 roku"), "2018-11-11T00:00:00Z");
    EXPECT_EQ(parsed("3 maja 2019"), "2019-05-03T00:00:00Z");
    EXPECT_EQ(parsed("22 października 2020"), "2020-10-22T00:00:00Z");
    EXPECT_EQ(parsed("22 PAŹDZIERNIKA 2020"), "2020-10-22T00:00:00Z");
    EXPECT_EQ(parsed("1 wrz 2021"), "2021-09-01T00:00:00Z");
    EXPECT_EQ(parsed("5. dubna 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("dne 17. listopadu 1989"), "1989-11-17T00:00:00Z");
    EXPECT_EQ(parsed("28. října 2018 v 10:00"), "2018-10-28T10:00:00Z");
    EXPECT_EQ(parsed("1. července 2020"), "2020-07-01T00:00:00Z");
    EXPECT_EQ(parsed("1. června 2020"), "2020-06-01T00:00:00Z");
}

TEST(ParseDate, TurkishRomanianAndHungarianDates) {
    EXPECT_EQ(parsed("29 Ekim 2023"), "2023-10-29T00:00:00Z");
    EXPECT_EQ(parsed("14 Şubat 2022 saat 09:30"), "2022-02-14T09:30:00Z");
    EXPECT_EQ(parsed("19 Mayıs 2021"), "2021-05-19T00:00:00Z");
    EXPECT_EQ(parsed("1 decembrie 2018"), "2018-12-01T00:00:00Z");
    EXPECT_EQ(parsed("24 ianuarie 2019, 12:00"), "2019-01-24T12:00:00Z");
    EXPECT_EQ(parsed("2021. április 5."), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("2021. ápr. 5. 14:05"), "2021-04-05T14:05:00Z");
    EXPECT_EQ(parsed("2020. március 15., 10:30"), "2020-03-15T10:30:00Z");
}

TEST(ParseDate, CyrillicDates) {
    EXPECT_EQ(parsed("5 апреля 2021"), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("5 АПРЕЛЯ 2021"), "2021-04-05T00:00:00Z");  // upper case
    EXPECT_EQ(parsed("5 апреля 2021 г."), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("5 апреля 2021 года в 14:05"), "2021-04-05T14:05:00Z");
    EXPECT_EQ(parsed("12 сент. 2020, 08:15"), "2020-09-12T08:15:00Z");
    EXPECT_EQ(parsed("1 мая 2019", "Europe/Moscow"), "2019-04-30T21:00:00Z");
    // Ukrainian
    EXPECT_EQ(parsed("24 серпня 2021 р. о 10:00"), "2021-08-24T10:00:00Z");
    EXPECT_EQ(parsed("8 Березня 2020"), "2020-03-08T00:00:00Z");
    EXPECT_EQ(parsed("1 ЛИСТОПАДА 2019"), "2019-11-01T00:00:00Z");
    EXPECT_EQ(parsed("6 квітня 2022"), "2022-04-06T00:00:00Z");
    // Bulgarian
    EXPECT_EQ(parsed("3 март 2021 г., 11:00 ч."), "2021-03-03T11:00:00Z");
    EXPECT_EQ(parsed("24 май 2020"), "2020-05-24T00:00:00Z");
    EXPECT_EQ(parsed("15 септември 2019"), "2019-09-15T00:00:00Z");
    // Serbian, Cyrillic and Latin, nominative and genitive
    EXPECT_EQ(parsed("5. јун 2021."), "2021-06-05T00:00:00Z");
    EXPECT_EQ(parsed("28. ЈУНА 2021. године"), "2021-06-28T00:00:00Z");
    EXPECT_EQ(parsed("5. april 2021."), "2021-04-05T00:00:00Z");
    EXPECT_EQ(parsed("13. avgusta 2020. u 14:05"), "2020-08-13T14:05:00Z");
}

TEST(ParseDate, OtherLanguagesWithoutAYear) {
    // As the English ones: the latest year not after the reference (2026-01-14).
    EXPECT_EQ(parsed("5 апреля в 12:20"), "2025-04-05T12:20:00Z");
    EXPECT_EQ(parsed("3 mars à 14h05"), "2025-03-03T14:05:00Z");
    EXPECT_EQ(parsed("10 de enero"), "2026-01-10T00:00:00Z");
}

TEST(ParseDate, LocalNamesAreNotReadWhereTheyAreOtherWords) {
    // Two-digit years follow English month names only (RFC 822): "8 out 10" is no October.
    EXPECT_TRUE(parsed("8 out 10").starts_with("error"));
    EXPECT_TRUE(parsed("3 set 20").starts_with("error"));
    EXPECT_EQ(parsed("8 Oct 10"), "2010-10-08T00:00:00Z");
    // Words that are no month in any of the tables.
    EXPECT_TRUE(parsed("5 marc 2021x").starts_with("error"));
    EXPECT_TRUE(parsed("5 maret 2021").starts_with("error"));
    EXPECT_TRUE(parsed("5 апрельский 2021").starts_with("error"));
    EXPECT_TRUE(parsed("le mars 2020").starts_with("error"));
    EXPECT_TRUE(parsed("5 de de 2020").starts_with("error"));
    // A lead word needs a day after it; a time word a time.
    EXPECT_TRUE(parsed("le 2020").starts_with("error"));
    EXPECT_TRUE(parsed("3 mars 2020 à midi").starts_with("error"));
    // "mar" is March in every language that has it, never Tuesday ("mar." in Spanish and
    // Italian) without a comma, as English day names.
    EXPECT_EQ(parsed("Mar 3 2020"), "2020-03-03T00:00:00Z");
}

TEST(ParseDate, FrenchHoursOnlyAfterADate) {
    EXPECT_TRUE(parsed("2021-04-05T14h05").starts_with("error"));
    EXPECT_TRUE(parsed("3 mars 2020 à 14h5").starts_with("error"));
    EXPECT_TRUE(parsed("3 mars 2020 à 14hx").starts_with("error"));
    EXPECT_EQ(parsed("3 mars 2020 14h"), "2020-03-03T14:00:00Z");
    EXPECT_TRUE(parsed("3 mars 2020 à 25h00").starts_with("error"));
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
