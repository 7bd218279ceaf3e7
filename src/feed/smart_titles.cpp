#include "feed/smart_titles.h"

#include "content/text_clean.h"
#include "feed/slug.h"

namespace feedd {
namespace {

// Hand-written: Debian has no C or C++ SmartyPants library, and the point is to match one Ruby
// implementation exactly (kramdown 2.4's lib/kramdown/parser/kramdown/smart_quotes.rb and
// typographic_symbol.rb, as Jekyll 4.3's Jekyll::Converters::SmartyPants runs them), rules that
// differ from John Gruber's original and from other ports. kramdown scans the text for the
// leftmost place where one of its span parsers may start and tries them in the order smart
// quotes, HTML entity, typographic symbol; every parser's start pattern is part of the scan
// pattern, so trying the parsers at every position in turn, and copying one character where none
// applies, is the same walk. Ruby's regexps, as kramdown's use them: `\s` and `\w` are ASCII only,
// `\b` counts letters and digits of any script as word characters, `.` is one UTF-8 character.

constexpr std::string_view kLsquo = "\xE2\x80\x98";  // ‘
constexpr std::string_view kRsquo = "\xE2\x80\x99";  // ’
constexpr std::string_view kLdquo = "\xE2\x80\x9C";  // “
constexpr std::string_view kRdquo = "\xE2\x80\x9D";  // ”

class SmartyPants {
  public:
    explicit SmartyPants(std::string_view text) : s_(text) {}

    std::string run() {
        out_.reserve(s_.size() + 16);
        std::size_t i = 0;
        while (i < s_.size()) {
            if (smart_quote(i) || entity(i) || typographic(i)) continue;
            const std::size_t next = after(i);
            out_.append(s_.substr(i, next - i));
            i = next;
        }
        return std::move(out_);
    }

  private:
    bool has(std::size_t i) const { return i < s_.size(); }
    char at(std::size_t i) const { return has(i) ? s_[i] : '\0'; }
    // Where the character at `i` ends.
    std::size_t after(std::size_t i) const {
        std::size_t next = i;
        detail::decode_utf8(s_, next);
        return next;
    }
    bool quote(std::size_t i) const { return at(i) == '\'' || at(i) == '"'; }
    // Ruby's \s: [ \t\n\v\f\r].
    bool space(std::size_t i) const {
        const char c = at(i);
        return has(i) && (c == ' ' || (c >= '\t' && c <= '\r'));
    }
    // Ruby's \w: [a-zA-Z0-9_].
    bool word(std::size_t i) const {
        const char c = at(i);
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    }
    bool digit(std::size_t i) const { return at(i) >= '0' && at(i) <= '9'; }
    // A word character as Ruby's \b sees it: \w, or a letter or digit of another script.
    bool boundary_word(std::size_t i) const {
        if (!has(i)) return false;
        if (static_cast<unsigned char>(s_[i]) < 0x80) return word(i);
        std::size_t next = i;
        return detail::is_letter_or_digit(detail::decode_utf8(s_, next));
    }
    // kramdown's SQ_PUNCT: ASCII punctuation.
    static bool punct(char c) {
        return std::string_view("!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~").find(c) !=
                   std::string_view::npos &&
               c != '\0';
    }

    void emit(std::size_t from, std::size_t to) { out_.append(s_.substr(from, to - from)); }
    void left(char q) { out_ += q == '"' ? kLdquo : kLsquo; }
    void right(char q) { out_ += q == '"' ? kRdquo : kRsquo; }

    // SQ_RULES in their order; the first that matches at `i` is applied.
    bool smart_quote(std::size_t& i) {
        const std::size_t c1 = has(i) ? after(i) : i;
        // SMART_QUOTES_RE, /[^\\]?["']/: a quote, or any character but a backslash before one.
        if (!quote(i) && !(at(i) != '\\' && quote(c1))) return false;
        const char q = at(i);
        // /("|')(?=[_*]{1,2}\S)/: an opening quote before emphasis.
        if (quote(i) && (at(c1) == '_' || at(c1) == '*') && has(c1 + 1) && !space(c1 + 1)) {
            left(q);
            i = c1;
            return true;
        }
        // /("|')(?=#{SQ_PUNCT}(?!\.\.)\B)/: a closing quote before punctuation (not an ellipsis).
        if (quote(i) && punct(at(c1)) && !(at(c1 + 1) == '.' && at(c1 + 2) == '.') &&
            boundary_word(c1 + 1) == (at(c1) == '_')) {
            right(q);
            i = c1;
            return true;
        }
        // /(\s?)"'(?=\w)/ and /(\s?)'"(?=\w)/: two opening quotes.
        for (const bool double_first : {true, false}) {
            const char first = double_first ? '"' : '\'';
            const char second = double_first ? '\'' : '"';
            const std::size_t at_quote = space(i) ? i + 1 : i;
            if (at(at_quote) == first && at(at_quote + 1) == second && word(at_quote + 2)) {
                emit(i, at_quote);
                left(first);
                left(second);
                i = at_quote + 2;
                return true;
            }
        }
        // /(\s?)'(?=\d\ds)/: a decade ('80s).
        {
            const std::size_t at_quote = space(i) ? i + 1 : i;
            if (at(at_quote) == '\'' && digit(at_quote + 1) && digit(at_quote + 2) &&
                at(at_quote + 3) == 's') {
                emit(i, at_quote);
                out_ += kRsquo;
                i = at_quote + 1;
                return true;
            }
        }
        // /(\s)('|")(?=\w)/: an opening quote after a space.
        if (space(i) && quote(i + 1) && word(i + 2)) {
            emit(i, i + 1);
            left(at(i + 1));
            i += 2;
            return true;
        }
        // /([^\ \\\t\r\n\[{(-])('|")/: a closing quote after anything else.
        if (has(i) && std::string_view(" \\\t\r\n[{(-").find(at(i)) == std::string_view::npos &&
            quote(c1)) {
            emit(i, c1);
            right(at(c1));
            i = c1 + 1;
            return true;
        }
        // /("|')(?=\s|s\b|$)/: a closing quote before a space, "s" or the end.
        if (quote(i) && (!has(c1) || space(c1) || (at(c1) == 's' && !boundary_word(c1 + 1)))) {
            right(q);
            i = c1;
            return true;
        }
        // /(.?)'/m, then /(.?)"/m: any other quote opens.
        for (const char open : {'\'', '"'}) {
            if (has(i) && at(c1) == open) {
                emit(i, c1);
                left(open);
                i = c1 + 1;
                return true;
            }
            if (at(i) == open) {
                left(open);
                i = c1;
                return true;
            }
        }
        return false;
    }

    // HTML_ENTITY_RE, /&([\w:][\-\w\.:]*);|&#(\d+);|&\#x([0-9a-fA-F]+);/: kramdown reads an entity
    // as one element, so a quote after it sees no character before it. feedd's titles are text,
    // so the entity is kept as written.
    bool entity(std::size_t& i) {
        if (at(i) != '&') return false;
        std::size_t j = i + 1;
        const auto hex = [&](std::size_t k) {
            const char c = at(k);
            return digit(k) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        };
        if (word(j) || at(j) == ':') {
            ++j;
            while (word(j) || at(j) == '-' || at(j) == '.' || at(j) == ':') ++j;
        } else if (at(j) == '#' && digit(j + 1)) {
            j += 1;
            while (digit(j)) ++j;
        } else if (at(j) == '#' && at(j + 1) == 'x' && hex(j + 2)) {
            j += 2;
            while (hex(j)) ++j;
        } else {
            return false;
        }
        if (at(j) != ';') return false;
        emit(i, j + 1);
        i = j + 1;
        return true;
    }

    // TYPOGRAPHIC_SYMS, in the order of kramdown's alternation.
    bool typographic(std::size_t& i) {
        struct Symbol {
            std::string_view from;
            std::string_view to;
        };
        static constexpr Symbol kSymbols[] = {
            {"---", "\xE2\x80\x94"},      // —
            {"--", "\xE2\x80\x93"},       // –
            {"...", "\xE2\x80\xA6"},      // …
            {"\\<<", "<<"},               // escaped: kept
            {"\\>>", ">>"},               //
            {"<< ", "\xC2\xAB\xC2\xA0"},  // « and a no-break space
            {" >>", "\xC2\xA0\xC2\xBB"},  // a no-break space and »
            {"<<", "\xC2\xAB"},           // «
            {">>", "\xC2\xBB"},           // »
        };
        for (const auto& symbol : kSymbols) {
            if (s_.substr(i).starts_with(symbol.from)) {
                out_ += symbol.to;
                i += symbol.from.size();
                return true;
            }
        }
        return false;
    }

    std::string_view s_;
    std::string out_;
};

}  // namespace

std::string smart_title(std::string_view title) {
    return SmartyPants(title).run();
}

}  // namespace feedd
