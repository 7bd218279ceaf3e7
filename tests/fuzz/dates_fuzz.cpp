// The date parser. Input: byte 0 picks the time zone, byte 1 the reference instant, byte 2 the UTC
// offset of the round trip; the rest is the date text.
// Invariants: a parsed date written back as RFC 3339 (in UTC and with an offset) parses to the
// same instant; a date without a year is never after the reference; what find_date finds in the
// text is part of it and a date with a year.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "content/date_fields.h"
#include "content/dates.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace std::chrono;

// Zones with odd offsets and rules: 30/45-minute offsets, half-hour DST (Lord Howe), southern
// hemisphere DST, a zone that skipped a whole day (Apia, 2011-12-30), and a date-line crosser.
constexpr std::array<std::string_view, 10> kZones = {"UTC",
                                                     "Europe/Berlin",
                                                     "America/New_York",
                                                     "Asia/Kolkata",
                                                     "Asia/Kathmandu",
                                                     "Australia/Lord_Howe",
                                                     "Pacific/Chatham",
                                                     "America/St_Johns",
                                                     "Pacific/Apia",
                                                     "America/Sao_Paulo"};

std::string two(unsigned v) {
    return {static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
}

// RFC 3339 with the given offset, or "" when the year has no four-digit form.
std::string rfc3339(sys_seconds t, minutes offset) {
    const auto local = t + offset;
    const auto day = floor<days>(local);
    const year_month_day ymd{day};
    const int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return {};
    const hh_mm_ss<seconds> time{local - day};
    char year_text[8];
    std::snprintf(year_text, sizeof year_text, "%04d", y);
    std::string out = std::string(year_text) + "-" + two(unsigned(ymd.month())) + "-" +
                      two(unsigned(ymd.day())) + "T" + two(unsigned(time.hours().count())) + ":" +
                      two(unsigned(time.minutes().count())) + ":" +
                      two(unsigned(time.seconds().count()));
    if (offset == minutes{0}) return out + "Z";
    const auto magnitude = offset < minutes{0} ? -offset : offset;
    return out + (offset < minutes{0} ? "-" : "+") + two(unsigned(magnitude.count() / 60)) + ":" +
           two(unsigned(magnitude.count() % 60));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const std::string_view zone = kZones[data[0] % kZones.size()];
    // References around the interesting places: the epoch, a leap year's 29 February, New Year,
    // the seed's footer date, the far past and the far future.
    constexpr std::array<sys_seconds, 6> kReferences = {
        sys_seconds{},
        sys_days{year{2024} / February / 29} + hours{12},
        sys_days{year{2026} / January / 1} + minutes{30},
        sys_days{year{2026} / January / 14},
        sys_days{year{1901} / March / 1},
        sys_days{year{9999} / December / 31} + hours{23},
    };
    const sys_seconds reference = kReferences[data[1] % kReferences.size()];
    // -12:00 … +14:00 in quarter hours.
    const minutes offset{(data[2] % 105 - 48) * 15};
    const std::string_view text(reinterpret_cast<const char*>(data) + 3, size - 3);

    // A date found in running text is a part of it that reads as a date with a year.
    if (const auto found = feedd::find_date(text)) {
        FEEDD_FUZZ_CHECK(found->data() >= text.data() &&
                             found->data() + found->size() <= text.data() + text.size(),
                         "find_date gave text from outside its input");
        const auto found_fields = feedd::parse_date_fields(*found);
        FEEDD_FUZZ_CHECK(found_fields && found_fields->year, "find_date found no date with a year");
    }

    const auto parsed = feedd::parse_date(text, zone, reference);
    if (!parsed) {
        FEEDD_FUZZ_CHECK(!parsed.error().empty(), "an error without a message");
        return 0;
    }
    const auto fields = feedd::parse_date_fields(text);
    FEEDD_FUZZ_CHECK(fields.has_value(), "parse_date accepted what parse_date_fields did not");
    if (!fields->year) {
        FEEDD_FUZZ_CHECK(*parsed <= reference, "a date without a year lies after the reference");
    }

    for (const minutes o : {minutes{0}, offset}) {
        const std::string written = rfc3339(*parsed, o);
        if (written.empty()) continue;
        const auto again = feedd::parse_date(written, zone, reference);
        FEEDD_FUZZ_CHECK(again.has_value(), "'%s' does not parse back: %s", written.c_str(),
                         again.error().c_str());
        FEEDD_FUZZ_CHECK(*again == *parsed, "'%s' parses to another instant", written.c_str());
    }
    return 0;
}
