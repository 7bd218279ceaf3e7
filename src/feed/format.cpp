#include "feed/format.h"

#include <chrono>
#include <cstdio>

namespace feedd::detail {
namespace {

struct Civil {
    int year;
    unsigned month, day, weekday;  // weekday: 0 = Sunday
    long hour, minute, second;
};

Civil civil(Seconds t) {
    using namespace std::chrono;
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<seconds> hms{t - day};
    return {static_cast<int>(ymd.year()),
            static_cast<unsigned>(ymd.month()),
            static_cast<unsigned>(ymd.day()),
            weekday{day}.c_encoding(),
            static_cast<long>(hms.hours().count()),
            static_cast<long>(hms.minutes().count()),
            static_cast<long>(hms.seconds().count())};
}

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

// Written with snprintf: <format> is not available in this toolchain, and strftime's %a/%b
// depend on the C locale while these names must always be English.
std::string rfc822(Seconds t) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const Civil c = civil(t);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02ld:%02ld:%02ld +0000", kDays[c.weekday],
                  c.day, kMonths[c.month - 1], c.year, c.hour, c.minute, c.second);
    return buf;
}

std::string rfc3339(Seconds t) {
    const Civil c = civil(t);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", c.year, c.month, c.day,
                  c.hour, c.minute, c.second);
    return buf;
}

std::string language_tag(std::string_view lang) {
    std::string tag(lang);
    for (char& ch : tag) {
        if (ch == '_') ch = '-';
    }
    // The shape Atom's schema accepts: [A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*
    std::size_t start = 0;
    bool first = true;
    while (start <= tag.size()) {
        std::size_t end = tag.find('-', start);
        if (end == std::string::npos) end = tag.size();
        const std::size_t len = end - start;
        if (len < 1 || len > 8) return {};
        for (std::size_t i = start; i < end; ++i) {
            if (first ? !is_alpha(tag[i]) : !is_alnum(tag[i])) return {};
        }
        first = false;
        start = end + 1;
        if (end == tag.size()) break;
    }
    return tag;
}

std::string rss_author(const Person& person) {
    if (person.email.empty()) return {};
    if (person.name.empty()) return person.email;
    return person.email + " (" + person.name + ")";
}

}  // namespace feedd::detail
