// A small hand-written recogniser instead of regular expressions or date::parse: the accepted
// forms overlap ("5 Apr 12:20" vs "5 Apr 21"), need lookahead and precise messages, and
// date::parse would need one format string per variant tried in turn. The tz work (zones,
// DST) is left to Howard Hinnant's date/tz.
//
// Local times (no offset written) follow RFC 5545 §3.3.5: a time in a DST gap ("nonexistent",
// e.g. 02:30 when clocks jump from 02:00 to 03:00) is read with the offset in force before the
// gap, so it lands as far after the gap's start as it was written (02:30 → 03:30 summer time);
// an ambiguous time (clocks going back) is the earlier of its two instants.
#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <cctype>
#include <stdexcept>
#include <string>

#include "content/date_fields.h"
#include "content/dates.h"

namespace feedd {
namespace {

using std::chrono::sys_seconds;

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> kDays = {"monday", "tuesday",  "wednesday", "thursday",
                                                   "friday", "saturday", "sunday"};

// ASCII only, as the "C" locale feedd runs in has it, without a locale lookup per character: a
// scraped title is tried as a date from each of its last eight words.
char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

class Cursor {
  public:
    explicit Cursor(std::string_view s) : s_(s) {}

    bool done() const { return i_ == s_.size(); }
    char peek() const { return done() ? '\0' : s_[i_]; }

    bool spaces() {
        const auto start = i_;
        while (!done() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
        return i_ > start;
    }
    bool lit(char c) {
        if (peek() != c) return false;
        ++i_;
        return true;
    }
    // A run of 1..max digits whose length is within [min, max]; nothing consumed otherwise.
    std::optional<int> number(int min_digits, int max_digits, int* digits = nullptr) {
        std::size_t j = i_;
        int value = 0;
        while (j < s_.size() && is_digit(s_[j]) && static_cast<int>(j - i_) < max_digits + 1) {
            value = value * 10 + (s_[j] - '0');
            ++j;
        }
        const int n = static_cast<int>(j - i_);
        if (n < min_digits || n > max_digits) return std::nullopt;
        i_ = j;
        if (digits) *digits = n;
        return value;
    }
    // A whole alphabetic word (case-insensitive), consumed only if it is exactly one of `words`.
    std::string word() {
        std::size_t j = i_;
        while (j < s_.size() && is_alpha(s_[j])) ++j;
        std::string w;
        for (std::size_t k = i_; k < j; ++k) w += lower(s_[k]);
        return w;
    }
    void skip(std::size_t n) { i_ += n; }
    // word() into `buf` when it has from `min` to 9 letters (month and day names), else empty.
    std::string_view short_word(char (&buf)[9], std::size_t min) const {
        std::size_t n = 0;
        while (i_ + n < s_.size() && is_alpha(s_[i_ + n])) {
            if (n == sizeof buf) return {};
            buf[n] = lower(s_[i_ + n]);
            ++n;
        }
        return n < min ? std::string_view{} : std::string_view(buf, n);
    }
    bool keyword(std::string_view kw) {
        const auto w = word();
        if (w != kw) return false;
        i_ += w.size();
        return true;
    }
    // "Apr", "April", "apr." is left to the caller's separator; "Sept" is accepted too.
    std::optional<int> month() {
        char buf[9];
        const auto w = short_word(buf, 3);
        if (w.empty()) return std::nullopt;
        for (std::size_t m = 0; m < kMonths.size(); ++m) {
            if (w == kMonths[m] || w == kMonths[m].substr(0, 3) || (m == 8 && w == "sept")) {
                i_ += w.size();
                return static_cast<int>(m) + 1;
            }
        }
        return std::nullopt;
    }
    bool day_name() {
        char buf[9];
        const auto w = short_word(buf, 3);
        if (w.empty()) return false;
        for (auto d : kDays) {
            if (w == d || w == d.substr(0, 3)) {
                i_ += w.size();
                return true;
            }
        }
        return false;
    }

  private:
    std::string_view s_;
    std::size_t i_ = 0;
};

// "HH:MM[:SS[.fraction]][ am|pm]"
bool parse_time(Cursor& c, DateFields& f) {
    Cursor save = c;
    const auto h = c.number(1, 2);
    if (!h || !c.lit(':')) return (c = save), false;
    const auto m = c.number(2, 2);
    if (!m) return (c = save), false;
    f.hour = *h;
    f.minute = *m;
    f.second = 0;
    if (c.lit(':')) {
        const auto s = c.number(2, 2);
        if (!s) return (c = save), false;
        f.second = *s;
        if (c.lit('.') || c.lit(',')) {
            if (!is_digit(c.peek())) return (c = save), false;
            while (is_digit(c.peek())) c.skip(1);  // sub-second precision is dropped
        }
    }
    Cursor before_ampm = c;
    c.spaces();
    const auto w = c.word();
    if (w == "am" || w == "pm") {
        c.skip(2);
        // 12-hour clock: 12am is midnight, 12pm noon; hour 0 or >12 is reported by resolve_date.
        if (f.hour >= 1 && f.hour <= 12)
            f.hour = f.hour % 12 + (w == "pm" ? 12 : 0);
        else
            f.hour = 99;
    } else {
        c = before_ampm;
    }
    f.has_time = true;
    return true;
}

// "Z", "+02:00", "+0200", "+02", "-5:00" (a one-digit hour, as Hugo reads it, only with its
// minutes), or a name RFC 822 allows (plus "UTC").
bool parse_zone(Cursor& c, DateFields& f) {
    Cursor save = c;
    if (c.peek() == '+' || c.peek() == '-') {
        const int sign = c.peek() == '-' ? -1 : 1;
        c.skip(1);
        int digits = 0;
        const auto hh = c.number(1, 4, &digits);
        if (!hh) return (c = save), false;
        int h = *hh, m = 0;
        if (digits == 4) {
            h = *hh / 100;
            m = *hh % 100;
        } else if (digits == 3) {
            return (c = save), false;
        } else if (c.lit(':')) {
            const auto mm = c.number(2, 2);
            if (!mm) return (c = save), false;
            m = *mm;
        } else if (digits == 1) {
            return (c = save), false;
        }
        if (h > 23 || m > 59) return (c = save), false;
        f.offset_minutes = sign * (h * 60 + m);
        return true;
    }
    struct Named {
        std::string_view name;
        int hours;
    };
    static constexpr std::array<Named, 12> kNamed = {{{"z", 0},
                                                      {"ut", 0},
                                                      {"utc", 0},
                                                      {"gmt", 0},
                                                      {"est", -5},
                                                      {"edt", -4},
                                                      {"cst", -6},
                                                      {"cdt", -5},
                                                      {"mst", -7},
                                                      {"mdt", -6},
                                                      {"pst", -8},
                                                      {"pdt", -7}}};
    const auto w = c.word();
    for (const auto& n : kNamed) {
        if (w == n.name) {
            c.skip(w.size());
            f.offset_minutes = n.hours * 60;
            return true;
        }
    }
    return false;
}

// Optional "[sep] time [zone]" after a date, then the end of the text. The separator is one of
// spaces, a comma, or "in"/"at" ("5 Apr in 12:20", "April 5, 2021 at 9:00").
bool parse_tail(Cursor c, DateFields& f) {
    const bool had_space = c.spaces();
    if (c.done()) return true;
    if (c.lit(',')) {
        c.spaces();
    } else if (had_space && (c.keyword("in") || c.keyword("at"))) {
        if (!c.spaces()) return false;
    } else if (!had_space) {
        return false;
    }
    if (!parse_time(c, f)) return false;
    c.spaces();
    if (!c.done() && !parse_zone(c, f)) return false;
    c.spaces();
    return c.done();
}

// 2-digit years as RFC 2822 §4.3 reads them: 00-49 → 2000s, 50-99 → 1900s.
int expand_year(int year, int digits) {
    if (digits != 2) return year;
    return year < 50 ? 2000 + year : 1900 + year;
}

// "2021-04-05", "2021-04-05T12:20:00.5+02:00", "2021-04-05 12:20 Z"
std::optional<DateFields> parse_iso(Cursor c) {
    DateFields f;
    const auto y = c.number(4, 4);
    if (!y || !c.lit('-')) return std::nullopt;
    const auto m = c.number(1, 2);
    if (!m || !c.lit('-')) return std::nullopt;
    const auto d = c.number(1, 2);
    if (!d) return std::nullopt;
    f.year = *y;
    f.month = *m;
    f.day = *d;
    if (c.done()) return f;
    if (c.peek() == 'T' || c.peek() == 't') {
        c.skip(1);
        if (!parse_time(c, f)) return std::nullopt;
        Cursor z = c;
        z.spaces();
        if (!z.done() && !parse_zone(z, f)) return std::nullopt;
        z.spaces();
        return z.done() ? std::optional(f) : std::nullopt;
    }
    if (!c.spaces()) return std::nullopt;
    if (c.done()) return f;
    if (!parse_time(c, f)) return std::nullopt;
    c.spaces();
    if (!c.done() && !parse_zone(c, f)) return std::nullopt;
    c.spaces();
    return c.done() ? std::optional(f) : std::nullopt;
}

void skip_ordinal(Cursor& c) {
    const auto w = c.word();
    if (w == "st" || w == "nd" || w == "rd" || w == "th") c.skip(2);
}

// A year after a month: 4 digits, or 2 (RFC 822) — but not the hour of a following time.
bool parse_year(Cursor& c, DateFields& f) {
    Cursor save = c;
    int digits = 0;
    const auto y = c.number(2, 4, &digits);
    if (!y || digits == 3 || c.peek() == ':') return (c = save), false;
    f.year = expand_year(*y, digits);
    return true;
}

// Day name followed by a comma, as RFC 822 writes it ("Mon, "). Without the comma a title word
// such as "Sun" would be taken for a day.
void skip_day_name(Cursor& c) {
    Cursor save = c;
    if (!c.day_name()) return;
    c.spaces();
    if (!c.lit(',')) {
        c = save;
        return;
    }
    c.spaces();
}

// "5 Apr 2021", "Mon, 05 Apr 2021 12:20:00 +0000", "09.Jan.2026", "5 Apr in 12:20", "5th April"
std::optional<DateFields> parse_day_first(Cursor c) {
    DateFields f;
    skip_day_name(c);
    const auto d = c.number(1, 2);
    if (!d) return std::nullopt;
    f.day = *d;
    skip_ordinal(c);
    const char sep = c.peek();
    if (sep == '.' || sep == '-') {
        c.skip(1);
    } else {
        c.spaces();
        if (c.keyword("of")) c.spaces();  // "5th of April"
    }
    const auto m = c.month();
    if (!m) return std::nullopt;
    f.month = *m;
    if (sep == '.' || sep == '-') {
        if (!c.lit(sep)) return std::nullopt;
        if (!parse_year(c, f)) return std::nullopt;
    } else {
        c.lit('.');  // "5 Apr. 2021"
        Cursor y = c;
        y.spaces();
        if (y.lit(',')) y.spaces();
        // Without a year, a comma stays for parse_tail: "5 Apr, 12:20".
        if (parse_year(y, f)) c = y;
    }
    if (!parse_tail(c, f)) return std::nullopt;
    return f;
}

// "April 5, 2021", "Apr 5 2021 12:20", "April 5"
std::optional<DateFields> parse_month_first(Cursor c) {
    DateFields f;
    skip_day_name(c);
    const auto m = c.month();
    if (!m) return std::nullopt;
    f.month = *m;
    c.lit('.');
    if (!c.spaces()) return std::nullopt;
    const auto d = c.number(1, 2);
    if (!d) return std::nullopt;
    f.day = *d;
    skip_ordinal(c);
    Cursor y = c;
    y.lit(',');
    y.spaces();
    if (parse_year(y, f)) c = y;
    if (!parse_tail(c, f)) return std::nullopt;
    return f;
}

// "05.04.2021", "5.4.2021 12:20" (day first, as European sites write it)
std::optional<DateFields> parse_numeric_dotted(Cursor c) {
    DateFields f;
    const auto d = c.number(1, 2);
    if (!d || !c.lit('.')) return std::nullopt;
    const auto m = c.number(1, 2);
    if (!m || !c.lit('.')) return std::nullopt;
    const auto y = c.number(4, 4);
    if (!y) return std::nullopt;
    f.day = *d;
    f.month = *m;
    f.year = *y;
    if (!parse_tail(c, f)) return std::nullopt;
    return f;
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

const date::time_zone* find_zone(std::string_view timezone, std::string& error) {
    try {
        return date::locate_zone(std::string(timezone));
    } catch (const std::exception& e) {
        error = "unknown time zone " + quoted(timezone);
        return nullptr;
    }
}

sys_seconds local_to_sys(const date::time_zone& zone, date::local_seconds local) {
    const auto info = zone.get_info(local);
    // unique and ambiguous: first = the earlier instant; nonexistent: first = the offset before
    // the gap (RFC 5545), see the note at the top.
    return sys_seconds{local.time_since_epoch() - info.first.offset};
}

}  // namespace

std::optional<DateFields> parse_date_fields(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    if (text.empty()) return std::nullopt;
    const Cursor c(text);
    // Every form starts with a digit, a day name or a month name. Most texts tried are not dates
    // (a scraped title is tried word by word from its end), and this check alone turns them away
    // instead of each of the four parsers below.
    if (!is_digit(text.front())) {
        Cursor day = c;
        Cursor month = c;
        if (!day.day_name() && !month.month()) return std::nullopt;
    }
    if (auto f = parse_iso(c)) return f;
    if (auto f = parse_numeric_dotted(c)) return f;
    if (auto f = parse_day_first(c)) return f;
    if (auto f = parse_month_first(c)) return f;
    return std::nullopt;
}

std::expected<sys_seconds, std::string> resolve_date(const DateFields& f, std::string_view text,
                                                     std::string_view timezone,
                                                     sys_seconds reference) {
    using namespace std::chrono;
    const std::string what = "invalid date " + quoted(text) + ": ";
    if (f.month < 1 || f.month > 12) {
        return std::unexpected(what + "month " + std::to_string(f.month) + " is not 1-12");
    }
    if (f.day < 1 || f.day > 31) {
        return std::unexpected(what + "day " + std::to_string(f.day) + " is not 1-31");
    }
    if (f.hour > 23) {
        return std::unexpected(what + "hour " + std::to_string(f.hour) + " is not 0-23");
    }
    if (f.minute > 59) {
        return std::unexpected(what + "minute " + std::to_string(f.minute) + " is not 0-59");
    }
    if (f.second > 60) {  // 60: a leap second, as RFC 3339 allows
        return std::unexpected(what + "second " + std::to_string(f.second) + " is not 0-60");
    }
    const auto time_of_day = hours{f.hour} + minutes{f.minute} + seconds{f.second};
    const date::month month{static_cast<unsigned>(f.month)};
    const date::day day{static_cast<unsigned>(f.day)};

    std::string zone_error;
    const date::time_zone* zone = nullptr;
    const bool utc = is_utc(timezone);
    if (!utc && (!f.offset_minutes || !f.year)) {
        zone = find_zone(timezone, zone_error);
        if (!zone) return std::unexpected(zone_error);
    }
    auto instant = [&](date::year year) {
        const date::local_seconds local{date::local_days{year / month / day}.time_since_epoch() +
                                        time_of_day};
        if (f.offset_minutes)
            return sys_seconds{local.time_since_epoch() - minutes{*f.offset_minutes}};
        if (utc) return sys_seconds{local.time_since_epoch()};
        return local_to_sys(*zone, local);
    };
    auto month_name = [&] {
        std::string name(kMonths[static_cast<std::size_t>(f.month - 1)]);
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
        return name;
    };

    if (f.year) {
        const date::year year{*f.year};
        if (!(year / month / day).ok()) {
            return std::unexpected(what + month_name() + " " + std::to_string(*f.year) +
                                   " has no day " + std::to_string(f.day));
        }
        return instant(year);
    }
    // No year: the latest year that does not put the date after `reference`. Eight years back
    // always reaches a 29 February (even across 2100, which is not a leap year).
    const auto ref_local =
        utc ? date::local_seconds{reference.time_since_epoch()} : zone->to_local(reference);
    const date::year ref_year = date::year_month_day{floor<date::days>(ref_local)}.year();
    bool any_valid = false;
    for (int back = 0; back <= 8; ++back) {
        const date::year year = ref_year - date::years{back};
        if (!(year / month / day).ok()) continue;
        any_valid = true;
        const auto t = instant(year);
        if (t <= reference) return t;
    }
    if (!any_valid) {
        return std::unexpected(what + month_name() + " has no day " + std::to_string(f.day));
    }
    return std::unexpected(what + "no year puts it before the reference date");
}

std::expected<sys_seconds, std::string> parse_date(std::string_view text, std::string_view timezone,
                                                   sys_seconds reference) {
    const auto fields = parse_date_fields(text);
    if (!fields) {
        std::string shown(text.substr(0, 80));
        return std::unexpected("unrecognised date " + quoted(shown) +
                               " (expected e.g. 2021-04-05, 2021-04-05T12:20:00Z, "
                               "Mon, 05 Apr 2021 12:20:00 +0000, 5 Apr 2021, April 5, 2021)");
    }
    return resolve_date(*fields, text, timezone, reference);
}

bool is_utc(std::string_view timezone) {
    return timezone == "UTC";
}

std::chrono::year_month_day local_date(sys_seconds time, std::string_view timezone) {
    using namespace std::chrono;
    if (!is_utc(timezone)) {
        std::string error;
        if (const date::time_zone* zone = find_zone(timezone, error)) {
            const date::local_seconds local = zone->to_local(time);
            return year_month_day{floor<days>(sys_seconds{local.time_since_epoch()})};
        }
    }
    return year_month_day{floor<days>(time)};
}

bool is_known_timezone(std::string_view timezone) {
    std::string error;
    return is_utc(timezone) || (!timezone.empty() && find_zone(timezone, error) != nullptr);
}

}  // namespace feedd
