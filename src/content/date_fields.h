// The two halves of parse_date, for parsers that must know what a date string contained
// (a title ending in "5 Apr" is only taken as dated when it has a year or a time).
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace feedd {

struct DateFields {
    std::optional<int> year;  // absent: "5 Apr in 12:20"; resolved against a reference
    int month = 0;            // as written; checked by resolve_date
    int day = 0;
    bool has_time = false;
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::optional<int> offset_minutes;  // absent: local time in the configured zone
};

// Recognises the syntax only (digit counts, month names, separators); values are not checked.
std::optional<DateFields> parse_date_fields(std::string_view text);

// The first date with a year in a line of running text, such as a page's byline ("Published 5
// April 2021 at 14:05 by Jane", "Опубликовано: 5 апреля 2021, 14:05"): from the earliest word
// where one starts, the longest run of words that reads as one (a trailing ",", ";", ":" or "|"
// left out). Only the first 64 words are looked at, each with at most 10 after it, so the cost
// is bounded whatever the text.
std::optional<std::string_view> find_date(std::string_view text);

// Checks the values and turns them into an instant. `text` is only used in messages.
std::expected<std::chrono::sys_seconds, std::string> resolve_date(
    const DateFields& fields, std::string_view text, std::string_view timezone,
    std::chrono::sys_seconds reference);

}  // namespace feedd
