#include "http/http_date.h"

#include <cctype>

#include <date/date.h>

#include <array>
#include <sstream>

namespace feedd::http {

std::string format_http_date(std::chrono::sys_seconds time) {
    // Written by hand rather than with date::format because the output is fixed-width ASCII
    // and must not depend on the global locale; this is on the hot path of every 200.
    using namespace std::chrono;
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = floor<days>(time);
    const year_month_day ymd{day};
    const hh_mm_ss hms{time - day};
    const int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return "Thu, 01 Jan 1970 00:00:00 GMT";

    std::string out = "Www, DD Mmm YYYY HH:MM:SS GMT";
    const auto put2 = [&out](std::size_t at, unsigned v) {
        out[at] = static_cast<char>('0' + v / 10);
        out[at + 1] = static_cast<char>('0' + v % 10);
    };
    out.replace(0, 3, kDays[weekday{day}.c_encoding()]);
    put2(5, static_cast<unsigned>(ymd.day()));
    out.replace(8, 3, kMonths[static_cast<unsigned>(ymd.month()) - 1]);
    put2(12, static_cast<unsigned>(y / 100));
    put2(14, static_cast<unsigned>(y % 100));
    put2(17, static_cast<unsigned>(hms.hours().count()));
    put2(20, static_cast<unsigned>(hms.minutes().count()));
    put2(23, static_cast<unsigned>(hms.seconds().count()));
    return out;
}

std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text) {
    // IMF-fixdate first: it is what every current client sends.
    static constexpr std::array<const char*, 3> kFormats{
        "%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate
        "%A, %d-%b-%y %H:%M:%S GMT",  // obsolete RFC 850
        "%a %b %e %H:%M:%S %Y",       // obsolete asctime
    };
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.size() < 20 || text.size() > 40) return std::nullopt;
    // Every form has exactly one "HH:MM:SS" with two digits each; checking that shape first keeps
    // malformed times ("80:00::0") away from date::parse, which fuzzing showed can then round a NaN
    // (tests/fuzz: http-date-ub).
    const auto colon = text.find(':');
    const auto digits = [&](std::size_t at) {
        return at + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) &&
               std::isdigit(static_cast<unsigned char>(text[at + 1]));
    };
    if (colon < 2 || colon + 6 > text.size() || !digits(colon - 2) || !digits(colon + 1) ||
        text[colon + 3] != ':' || !digits(colon + 4) ||
        (colon + 6 < text.size() && text[colon + 6] != ' ') ||
        text.find(':', colon + 4) != std::string_view::npos) {
        return std::nullopt;
    }
    for (char c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != ',' && c != ':' && c != '-') {
            return std::nullopt;
        }
    }
    for (const char* format : kFormats) {
        std::istringstream in{std::string{text}};
        in.imbue(std::locale::classic());
        std::chrono::sys_seconds parsed;
        in >> date::parse(format, parsed);
        if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return parsed;
    }
    return std::nullopt;
}

}  // namespace feedd::http
