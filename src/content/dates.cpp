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

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string>
#include <vector>

#include "content/date_fields.h"
#include "content/dates.h"

namespace feedd {
namespace {

using std::chrono::sys_seconds;
using namespace std::string_view_literals;

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> kDays = {"monday", "tuesday",  "wednesday", "thursday",
                                                   "friday", "saturday", "sunday"};

// Month names as pages in languages of the Latin and Cyrillic scripts write them: full names,
// the declined (genitive) forms dates use ("5 апреля", "5 kwietnia", "5. dubna"), and the common
// abbreviations. Latin names are written as fold_word() reads them: lower case, without their
// accents ("décembre" and "decembre" are both "decembre", "März" is "marz"); Cyrillic ones in
// lower case. A name of several languages is listed once per month it means; a name that would
// mean two months is a programming error (month_table throws). Abbreviations that are also
// common words ("out", "set", "lis") are read only between a day and a 4-digit year or a time.
struct MonthName {
    std::string_view name;
    int month;
};
// clang-format off
constexpr MonthName kMonthNames[] = {
    // English first: the only names a 2-digit year may follow (RFC 822); kEnglishMonthNames.
    {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5}, {"june", 6},
    {"july", 7}, {"august", 8}, {"september", 9}, {"october", 10}, {"november", 11},
    {"december", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"jun", 6}, {"jul", 7},
    {"aug", 8}, {"sep", 9}, {"sept", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
    // French
    {"janvier", 1}, {"janv", 1}, {"fevrier", 2}, {"fevr", 2}, {"fev", 2}, {"mars", 3},
    {"avril", 4}, {"avr", 4}, {"mai", 5}, {"juin", 6}, {"juillet", 7}, {"juil", 7}, {"juill", 7},
    {"aout", 8}, {"septembre", 9}, {"octobre", 10}, {"novembre", 11}, {"decembre", 12},
    // German (Austrian "Jänner", "Feber")
    {"januar", 1}, {"janner", 1}, {"februar", 2}, {"feber", 2}, {"marz", 3}, {"maerz", 3},
    {"mrz", 3}, {"juni", 6}, {"juli", 7}, {"oktober", 10}, {"okt", 10}, {"dezember", 12},
    {"dez", 12},
    // Spanish
    {"enero", 1}, {"ene", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4}, {"abr", 4}, {"mayo", 5},
    {"junio", 6}, {"julio", 7}, {"agosto", 8}, {"ago", 8}, {"septiembre", 9}, {"setiembre", 9},
    {"set", 9}, {"octubre", 10}, {"noviembre", 11}, {"diciembre", 12}, {"dic", 12},
    // Portuguese
    {"janeiro", 1}, {"fevereiro", 2}, {"marco", 3}, {"maio", 5}, {"junho", 6}, {"julho", 7},
    {"setembro", 9}, {"outubro", 10}, {"out", 10}, {"novembro", 11}, {"dezembro", 12},
    // Italian
    {"gennaio", 1}, {"gen", 1}, {"febbraio", 2}, {"aprile", 4}, {"maggio", 5}, {"mag", 5},
    {"giugno", 6}, {"giu", 6}, {"luglio", 7}, {"lug", 7}, {"settembre", 9}, {"ottobre", 10},
    {"ott", 10}, {"novembre", 11}, {"dicembre", 12},
    // Dutch
    {"januari", 1}, {"februari", 2}, {"maart", 3}, {"mrt", 3}, {"mei", 5}, {"augustus", 8},
    {"december", 12},
    // Polish
    {"styczen", 1}, {"stycznia", 1}, {"sty", 1}, {"luty", 2}, {"lutego", 2}, {"lut", 2},
    {"marzec", 3}, {"marca", 3}, {"kwiecien", 4}, {"kwietnia", 4}, {"kwi", 4}, {"maj", 5},
    {"maja", 5}, {"czerwiec", 6}, {"czerwca", 6}, {"cze", 6}, {"lipiec", 7}, {"lipca", 7},
    {"lip", 7}, {"sierpien", 8}, {"sierpnia", 8}, {"sie", 8}, {"wrzesien", 9}, {"wrzesnia", 9},
    {"wrz", 9}, {"pazdziernik", 10}, {"pazdziernika", 10}, {"paz", 10}, {"listopad", 11},
    {"listopada", 11}, {"lis", 11}, {"grudzien", 12}, {"grudnia", 12}, {"gru", 12},
    // Czech
    {"leden", 1}, {"ledna", 1}, {"unor", 2}, {"unora", 2}, {"brezen", 3}, {"brezna", 3},
    {"duben", 4}, {"dubna", 4}, {"kveten", 5}, {"kvetna", 5}, {"cerven", 6}, {"cervna", 6},
    {"cervenec", 7}, {"cervence", 7}, {"srpen", 8}, {"srpna", 8}, {"zari", 9}, {"rijen", 10},
    {"rijna", 10}, {"listopadu", 11}, {"prosinec", 12}, {"prosince", 12},
    // Swedish, Danish, Norwegian
    {"mars", 3}, {"marts", 3}, {"augusti", 8}, {"desember", 12}, {"des", 12},
    // Turkish
    {"ocak", 1}, {"oca", 1}, {"subat", 2}, {"sub", 2}, {"mart", 3}, {"nisan", 4}, {"nis", 4},
    {"mayis", 5}, {"haziran", 6}, {"haz", 6}, {"temmuz", 7}, {"tem", 7}, {"agustos", 8},
    {"agu", 8}, {"eylul", 9}, {"eyl", 9}, {"ekim", 10}, {"eki", 10}, {"kasim", 11}, {"kas", 11},
    {"aralik", 12}, {"ara", 12},
    // Romanian
    {"ianuarie", 1}, {"ian", 1}, {"februarie", 2}, {"martie", 3}, {"aprilie", 4}, {"iunie", 6},
    {"iun", 6}, {"iulie", 7}, {"iul", 7}, {"septembrie", 9}, {"octombrie", 10}, {"noiembrie", 11},
    {"noi", 11}, {"decembrie", 12},
    // Hungarian
    {"marcius", 3}, {"marc", 3}, {"febr", 2}, {"aprilis", 4}, {"majus", 5}, {"junius", 6},
    {"julius", 7}, {"augusztus", 8}, {"szeptember", 9}, {"szept", 9},
    // Serbian (Latin), nominative and genitive
    {"avgust", 8}, {"septembar", 9}, {"oktobar", 10}, {"novembar", 11}, {"decembar", 12},
    {"januara", 1}, {"februara", 2}, {"marta", 3}, {"aprila", 4}, {"juna", 6}, {"jula", 7},
    {"avgusta", 8}, {"septembra", 9}, {"oktobra", 10}, {"novembra", 11}, {"decembra", 12},
    // Russian
    {"январь", 1}, {"января", 1}, {"янв", 1}, {"февраль", 2}, {"февраля", 2}, {"фев", 2},
    {"февр", 2}, {"март", 3}, {"марта", 3}, {"мар", 3}, {"апрель", 4}, {"апреля", 4}, {"апр", 4},
    {"май", 5}, {"мая", 5}, {"июнь", 6}, {"июня", 6}, {"июн", 6}, {"июль", 7}, {"июля", 7},
    {"июл", 7}, {"август", 8}, {"августа", 8}, {"авг", 8}, {"сентябрь", 9}, {"сентября", 9},
    {"сен", 9}, {"сент", 9}, {"октябрь", 10}, {"октября", 10}, {"окт", 10}, {"ноябрь", 11},
    {"ноября", 11}, {"ноя", 11}, {"нояб", 11}, {"декабрь", 12}, {"декабря", 12}, {"дек", 12},
    // Ukrainian
    {"січень", 1}, {"січня", 1}, {"січ", 1}, {"лютий", 2}, {"лютого", 2}, {"лют", 2},
    {"березень", 3}, {"березня", 3}, {"бер", 3}, {"квітень", 4}, {"квітня", 4}, {"квіт", 4},
    {"травень", 5}, {"травня", 5}, {"трав", 5}, {"червень", 6}, {"червня", 6}, {"черв", 6},
    {"липень", 7}, {"липня", 7}, {"лип", 7}, {"серпень", 8}, {"серпня", 8}, {"серп", 8},
    {"вересень", 9}, {"вересня", 9}, {"вер", 9}, {"жовтень", 10}, {"жовтня", 10}, {"жовт", 10},
    {"листопад", 11}, {"листопада", 11}, {"лист", 11}, {"грудень", 12}, {"грудня", 12},
    {"груд", 12},
    // Bulgarian
    {"януари", 1}, {"яну", 1}, {"февруари", 2}, {"април", 4}, {"юни", 6}, {"юли", 7},
    {"септември", 9}, {"сеп", 9}, {"септ", 9}, {"октомври", 10}, {"ноември", 11}, {"ное", 11},
    {"декември", 12},
    // Serbian (Cyrillic), nominative and genitive
    {"јануар", 1}, {"фебруар", 2}, {"мај", 5}, {"јун", 6}, {"јул", 7}, {"септембар", 9},
    {"октобар", 10}, {"новембар", 11}, {"децембар", 12}, {"јануара", 1}, {"фебруара", 2},
    {"априла", 4}, {"маја", 5}, {"јуна", 6}, {"јула", 7}, {"септембра", 9}, {"октобра", 10},
    {"новембра", 11}, {"децембра", 12},
};
// clang-format on
// The first entries of kMonthNames, up to "dec".
constexpr std::size_t kEnglishMonthNames = 24;

struct MonthEntry {
    std::string_view name;
    int month;
    bool english;
};

// kMonthNames sorted for binary search, repeats merged.
const std::vector<MonthEntry>& month_table() {
    static const std::vector<MonthEntry> table = [] {
        std::vector<MonthEntry> t;
        for (std::size_t i = 0; i < std::size(kMonthNames); ++i)
            t.push_back({kMonthNames[i].name, kMonthNames[i].month, i < kEnglishMonthNames});
        std::stable_sort(t.begin(), t.end(),
                         [](const auto& a, const auto& b) { return a.name < b.name; });
        std::vector<MonthEntry> merged;
        for (const auto& e : t) {
            if (!merged.empty() && merged.back().name == e.name) {
                if (merged.back().month != e.month)
                    throw std::logic_error("month name '" + std::string(e.name) +
                                           "' names two months");
                continue;  // the English entry, listed first, stays
            }
            merged.push_back(e);
        }
        return merged;
    }();
    return table;
}

const MonthEntry* find_month(std::string_view folded) {
    const auto& t = month_table();
    const auto it =
        std::lower_bound(t.begin(), t.end(), folded,
                         [](const MonthEntry& e, std::string_view w) { return e.name < w; });
    return it != t.end() && it->name == folded ? &*it : nullptr;
}

// Small words around a date, folded as fold_word() reads them.
// Before the day: "le 3 mars", "am 5. April", "den 5 april", "el 3 de marzo", "dne 5. dubna".
constexpr std::array<std::string_view, 7> kLeadWords = {"le", "el", "il", "am", "den", "dne", "on"};
// Between the day and the month, and the month and the year: "21 de dezembro de 2018".
constexpr std::array<std::string_view, 3> kLinkWords = {"de", "del", "of"};
// After the year: "2021 г.", "2021 года", "2021 р.", "2021 roku", "2021. godine".
constexpr std::array<std::string_view, 10> kYearWords = {
    "г", "года", "година", "године", "р", "року", "r", "roku", "god", "godine"};
// Before the time: "at 9:00", "à 14h05", "às 14h", "a las 14:05", "alle ore 14:05", "um 14:05",
// "om 14:05", "kl. 14:05", "o 14:05", "godz. 14:05", "saat 14:05", "u 14:05", "в 14:05",
// "о 14:05".
constexpr std::array<std::string_view, 22> kTimeWords = {
    "at",  "in",    "a", "as",   "la",   "las", "alle", "ore", "um", "om", "kl",
    "klo", "kello", "o", "godz", "saat", "v",   "u",    "в",   "во", "у",  "о"};
// After the time: "14:05 Uhr", "14:05 ч.", "14:05h".
constexpr std::array<std::string_view, 3> kClockWords = {"uhr", "ч", "h"};

bool is_one_of(std::string_view w, const auto& words) {
    return !w.empty() && std::find(words.begin(), words.end(), w) != words.end();
}

// Latin letters of U+00C0..U+017F without their accents, lower case (an ASCII letter for each
// code point; '\0': not a letter, × and ÷).
constexpr std::string_view kLatinFold =
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyty"
    "aaaaaaccccccccdd"
    "ddeeeeeeeeeegggg"
    "gggghhhhiiiiiiii"
    "iiiijjkkklllllll"
    "lllnnnnnnnnnoooo"
    "oooorrrrrrssssss"
    "ssttttttuuuuuuuu"
    "uuuuwwyyyzzzzzzs"sv;
static_assert(kLatinFold.size() == 0x180 - 0xC0);
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

    // Spaces, tabs, and the no-break spaces French dates put between their parts (U+00A0,
    // U+202F).
    bool spaces() {
        const auto start = i_;
        while (!done()) {
            if (s_[i_] == ' ' || s_[i_] == '\t') {
                ++i_;
            } else if (s_.substr(i_).starts_with("\xC2\xA0")) {
                i_ += 2;
            } else if (s_.substr(i_).starts_with("\xE2\x80\xAF")) {
                i_ += 3;
            } else {
                break;
            }
        }
        return i_ > start;
    }
    // One of " - ", " – ", " — ", " | ", " · " between a date and its time; nothing consumed
    // otherwise.
    bool dash() {
        Cursor c = *this;
        if (!c.spaces()) return false;
        bool found = false;
        for (std::string_view d :
             {"-"sv, "|"sv, "\xE2\x80\x93"sv, "\xE2\x80\x94"sv, "\xC2\xB7"sv}) {
            if (c.s_.substr(c.i_).starts_with(d)) {
                c.i_ += d.size();
                found = true;
                break;
            }
        }
        if (!found || !c.spaces()) return false;
        *this = c;
        return true;
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
    // The word here (letters of the Latin and Cyrillic scripts) as the tables of this file
    // write words: Latin letters in lower case without their accents, Cyrillic ones in lower
    // case. Empty when it has more than kMaxWordLetters letters. `bytes` is its length in the
    // text. Hand-written rather than ICU's case folding: month names need only these two small
    // blocks of code points, whose simple case mapping is an offset (Cyrillic) or a table
    // (Latin), and this runs on every word a title is tried from.
    static constexpr std::size_t kMaxWordLetters = 12;
    using WordBuffer = char[2 * kMaxWordLetters];
    std::string_view fold_word(WordBuffer& buf, std::size_t& bytes) const {
        std::size_t n = 0, j = i_, letters = 0;
        while (j < s_.size()) {
            const auto c = static_cast<unsigned char>(s_[j]);
            char out[2];
            std::size_t out_n = 0, len = 1;
            if (is_alpha(static_cast<char>(c))) {
                out[out_n++] = lower(static_cast<char>(c));
            } else if (c >= 0xC2 && c <= 0xDF && j + 1 < s_.size() &&
                       (static_cast<unsigned char>(s_[j + 1]) & 0xC0) == 0x80) {
                len = 2;
                unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s_[j + 1]) & 0x3Fu);
                if (cp >= 0xC0 && cp < 0x180) {
                    const char base = kLatinFold[cp - 0xC0];
                    if (base == '\0') break;
                    out[out_n++] = base;
                } else if (cp >= 0x218 && cp <= 0x21B) {  // Romanian ș, ț
                    out[out_n++] = cp < 0x21A ? 's' : 't';
                } else if (cp >= 0x400 && cp <= 0x4FF) {
                    if (cp < 0x410)
                        cp += 0x50;  // Ѐ..Џ → ѐ..џ
                    else if (cp < 0x430)
                        cp += 0x20;  // А..Я → а..я
                    out[out_n++] = static_cast<char>(0xC0 | (cp >> 6));
                    out[out_n++] = static_cast<char>(0x80 | (cp & 0x3F));
                } else {
                    break;
                }
            } else {
                break;
            }
            if (++letters > kMaxWordLetters) return {};
            for (std::size_t k = 0; k < out_n; ++k) buf[n++] = out[k];
            j += len;
        }
        bytes = j - i_;
        return {buf, n};
    }
    // The folded word here when it is one of `words`; consumed.
    bool folded_keyword(const auto& words) {
        WordBuffer buf;
        std::size_t bytes = 0;
        if (!is_one_of(fold_word(buf, bytes), words)) return false;
        i_ += bytes;
        return true;
    }
    // A month name of kMonthNames (a following abbreviation dot is left to the caller).
    // `english`: an English name, after which a 2-digit year may come.
    std::optional<int> month(bool* english = nullptr) {
        WordBuffer buf;
        std::size_t bytes = 0;
        const auto w = fold_word(buf, bytes);
        if (w.size() < 2) return std::nullopt;
        const MonthEntry* m = find_month(w);
        if (!m) return std::nullopt;
        i_ += bytes;
        if (english) *english = m->english;
        return m->month;
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
// With `hours_h`, also "14h05" and "14h" (French, Portuguese).
bool parse_time(Cursor& c, DateFields& f, bool hours_h = false) {
    Cursor save = c;
    const auto h = c.number(1, 2);
    if (!h) return false;
    if (hours_h && (c.peek() == 'h' || c.peek() == 'H')) {
        c.skip(1);
        const auto m = c.number(2, 2);
        if (!m && (is_digit(c.peek()) || is_alpha(c.peek()))) return (c = save), false;
        f.hour = *h;
        f.minute = m.value_or(0);
        f.second = 0;
        f.has_time = true;
        return true;
    }
    if (!c.lit(':')) return (c = save), false;
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

// Optional "[sep] time [zone]" after a date, then the end of the text. The separator is spaces,
// a comma, a dash or bar between spaces, each optionally followed by a word or two of
// kTimeWords ("5 Apr in 12:20", "April 5, 2021 at 9:00", "3 de marzo de 2020 a las 14:05",
// "le 3 mars 2020 à 14h05"). The time may be followed by "Uhr", "ч." or "h".
bool parse_tail(Cursor c, DateFields& f) {
    Cursor dashed = c;
    const bool had_space = c.spaces();
    if (c.done()) return true;
    if (dashed.dash()) {
        c = dashed;
    } else if (c.lit(',')) {
        c.spaces();
    } else if (!had_space) {
        return false;
    }
    for (int words = 0; words < 2; ++words) {
        Cursor w = c;
        if (!w.folded_keyword(kTimeWords)) break;
        w.lit('.');  // "kl. 14:05", "godz. 14:05"
        if (!w.spaces()) break;
        c = w;
    }
    if (!parse_time(c, f, /*hours_h=*/true)) return false;
    {
        Cursor w = c;
        w.spaces();
        if (w.folded_keyword(kClockWords)) {
            w.lit('.');
            c = w;
        }
    }
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

// "5th", "1st", "1er" (French), "1º" (Spanish, Portuguese).
void skip_ordinal(Cursor& c) {
    const auto w = c.word();
    if (w == "st" || w == "nd" || w == "rd" || w == "th" || w == "er") {
        c.skip(2);
    } else if (w.empty()) {
        for (std::string_view mark : {"\xC2\xBA"sv, "\xC2\xB0"sv}) {
            Cursor m = c;
            if (m.lit(mark[0]) && m.lit(mark[1])) {
                c = m;
                break;
            }
        }
    }
}

// A year after a month: 4 digits, or 2 (RFC 822, after an English month name) — but not the
// hour of a following time. Then what some languages write after it: "2021 г.", "2021 roku",
// "2021." (Serbian, Croatian).
bool parse_year(Cursor& c, DateFields& f, bool two_digits) {
    Cursor save = c;
    int digits = 0;
    const auto y = c.number(2, 4, &digits);
    if (!y || digits == 3 || (digits == 2 && !two_digits) || c.peek() == ':')
        return (c = save), false;
    f.year = expand_year(*y, digits);
    Cursor after = c;
    if (after.lit('.') && !is_digit(after.peek()) && !is_alpha(after.peek()))
        c = after;  // "5. april 2021."
    after = c;
    if (after.spaces() && after.folded_keyword(kYearWords)) {
        after.lit('.');
        c = after;
    }
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

// "le 3 mars", "am 5. April": a kLeadWords word followed by spaces and a digit.
void skip_lead_word(Cursor& c) {
    Cursor w = c;
    if (w.folded_keyword(kLeadWords) && w.spaces() && is_digit(w.peek())) c = w;
}

// "de", "del", "of" between spaces ("21 de dezembro de 2018", "5th of April").
void skip_link_word(Cursor& c) {
    Cursor w = c;
    if (w.folded_keyword(kLinkWords) && w.spaces()) c = w;
}

// "5 Apr 2021", "Mon, 05 Apr 2021 12:20:00 +0000", "09.Jan.2026", "5 Apr in 12:20", "5th April",
// "5. April 2021", "5 апреля 2021 г.", "21 de dezembro de 2018 às 14h05", "le 3 mars 2020 à 14h05"
std::optional<DateFields> parse_day_first(Cursor c) {
    DateFields f;
    skip_day_name(c);
    skip_lead_word(c);
    const auto d = c.number(1, 2);
    if (!d) return std::nullopt;
    f.day = *d;
    skip_ordinal(c);
    char sep = c.peek();
    if (sep == '.' || sep == '-') {
        c.skip(1);
        if (sep == '.' && c.spaces()) sep = ' ';  // "5. April 2021"
    } else {
        c.spaces();
        skip_link_word(c);
    }
    bool english = false;
    const auto m = c.month(&english);
    if (!m) return std::nullopt;
    f.month = *m;
    if (sep == '.' || sep == '-') {
        if (!c.lit(sep)) return std::nullopt;
        if (!parse_year(c, f, english)) return std::nullopt;
    } else {
        c.lit('.');  // "5 Apr. 2021"
        Cursor y = c;
        y.spaces();
        if (y.lit(',')) y.spaces();
        skip_link_word(y);
        // Without a year, a comma stays for parse_tail: "5 Apr, 12:20".
        if (parse_year(y, f, english)) c = y;
    }
    if (!parse_tail(c, f)) return std::nullopt;
    return f;
}

// "April 5, 2021", "Apr 5 2021 12:20", "April 5"
std::optional<DateFields> parse_month_first(Cursor c) {
    DateFields f;
    skip_day_name(c);
    bool english = false;
    const auto m = c.month(&english);
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
    if (parse_year(y, f, english)) c = y;
    if (!parse_tail(c, f)) return std::nullopt;
    return f;
}

// "2021. április 5.", "2021. ápr. 5. 14:05" (Hungarian: year, month, day)
std::optional<DateFields> parse_year_first(Cursor c) {
    DateFields f;
    const auto y = c.number(4, 4);
    if (!y || !c.lit('.') || !c.spaces()) return std::nullopt;
    const auto m = c.month();
    if (!m) return std::nullopt;
    c.lit('.');
    if (!c.spaces()) return std::nullopt;
    const auto d = c.number(1, 2);
    if (!d) return std::nullopt;
    c.lit('.');
    f.year = *y;
    f.month = *m;
    f.day = *d;
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
        // The first word, folded once for the three tables it may be in.
        Cursor::WordBuffer buf;
        std::size_t bytes = 0;
        const auto w = c.fold_word(buf, bytes);
        const bool day = w.size() >= 3 && std::any_of(kDays.begin(), kDays.end(), [&](auto d) {
                             return w == d || w == d.substr(0, 3);
                         });
        if (!day && (w.size() < 2 || !find_month(w)) && !is_one_of(w, kLeadWords))
            return std::nullopt;
    }
    if (auto f = parse_iso(c)) return f;
    if (auto f = parse_numeric_dotted(c)) return f;
    if (auto f = parse_year_first(c)) return f;
    if (auto f = parse_day_first(c)) return f;
    if (auto f = parse_month_first(c)) return f;
    return std::nullopt;
}

std::optional<std::string_view> find_date(std::string_view text) {
    constexpr std::size_t kMaxWords = 64, kMaxDateWords = 10;
    struct Word {
        std::size_t begin, end;
    };
    std::vector<Word> words;
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    for (std::size_t i = 0; i < text.size() && words.size() < kMaxWords;) {
        while (i < text.size() && space(text[i])) ++i;
        const std::size_t begin = i;
        while (i < text.size() && !space(text[i])) ++i;
        if (i > begin) words.push_back({begin, i});
    }
    for (std::size_t first = 0; first < words.size(); ++first) {
        const std::size_t most = std::min(kMaxDateWords, words.size() - first);
        for (std::size_t n = most; n >= 1; --n) {
            auto candidate =
                text.substr(words[first].begin, words[first + n - 1].end - words[first].begin);
            while (!candidate.empty() &&
                   std::string_view(",;:| \t\r\n").find(candidate.back()) != std::string_view::npos)
                candidate.remove_suffix(1);
            if (candidate.empty()) continue;
            const auto fields = parse_date_fields(candidate);
            if (fields && fields->year) return candidate;
        }
    }
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
