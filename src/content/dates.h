// Dates as articles write them: RFC 3339/ISO 8601, RFC 822/1123, and the forms news sites print,
// including ones without a year ("5 Apr in 12:20"), which take the latest year not after
// `reference`, with month names in the languages of the Latin and Cyrillic scripts that
// docs/content.md lists ("5 апреля 2021", "21 de dezembro de 2018", "le 3 mars 2020 à 14h05",
// "5. April 2021", "2021. április 5.").
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

namespace feedd {

// `timezone` (an IANA name) applies to times written without an offset, DST-correct: a time in a
// DST gap is read with the offset before the gap (RFC 5545; Berlin 02:30 → 03:30 CEST), an
// ambiguous one is the earlier instant. A date alone means 00:00 local time.
// The error says what was not understood.
std::expected<std::chrono::sys_seconds, std::string> parse_date(std::string_view text,
                                                                std::string_view timezone,
                                                                std::chrono::sys_seconds reference);

// "UTC", the default: read without the tz database, whose first use lists all of
// /usr/share/zoneinfo (about 2 ms at every start) and whose zones are looked up by name per date.
bool is_utc(std::string_view timezone);

// The calendar date of an instant in `timezone` (an IANA name; UTC needs no tz database, and an
// unknown name is taken as UTC). 2024-04-09T22:30Z in Europe/Berlin is 2024-04-10.
std::chrono::year_month_day local_date(std::chrono::sys_seconds time, std::string_view timezone);

// True when `timezone` names a zone of the tz database.
bool is_known_timezone(std::string_view timezone);

}  // namespace feedd
