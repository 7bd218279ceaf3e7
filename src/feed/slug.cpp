#include "feed/slug.h"

#include "content/text_clean.h"

#include <locale.h>
#include <wctype.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

#include "feed/url.h"

namespace feedd {
namespace {

// glibc's Unicode character classes and case mapping through its built-in C.UTF-8 locale, passed
// explicitly (the *_l functions) so the process locale never changes a slug. Debian's libc-bin
// always ships C.UTF-8; a lowercase table of our own would be a worse copy of glibc's.
locale_t unicode_locale() {
    static const locale_t locale = [] {
        locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
        if (l == static_cast<locale_t>(nullptr)) l = newlocale(LC_CTYPE_MASK, "C.utf8", nullptr);
        return l;
    }();
    return locale;
}

// Decodes one UTF-8 character at `i`; returns 0xFFFFFFFF for an invalid sequence (one byte
// consumed). Strict: no overlongs, no surrogates, nothing above U+10FFFF.
char32_t decode(std::string_view s, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        ++i;
        return 0xFFFFFFFF;
    }
    if (i + len > s.size()) {
        ++i;
        return 0xFFFFFFFF;
    }
    for (std::size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            ++i;
            return 0xFFFFFFFF;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return 0xFFFFFFFF;
    }
    i += len;
    return cp;
}


bool is_word_character(char32_t cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp == 0xFFFFFFFF) return false;
    const locale_t locale = unicode_locale();
    // Without the locale every non-ASCII character is kept: still a stable rule, just no folding.
    return locale == static_cast<locale_t>(nullptr) || iswalnum_l(static_cast<wint_t>(cp), locale);
}

bool is_space(char32_t cp) {
    if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
    if (cp == 0xFFFFFFFF) return false;
    if (cp == 0xA0) return true;  // no-break space: glibc's iswspace leaves it out, Python's \s not
    const locale_t locale = unicode_locale();
    return locale != static_cast<locale_t>(nullptr) && iswspace_l(static_cast<wint_t>(cp), locale);
}

char32_t lowercase(char32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
    const locale_t locale = unicode_locale();
    if (locale == static_cast<locale_t>(nullptr)) return cp;
    return static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), locale));
}

// FNV-1a 32: a stable name for a name that has no letters, not a security boundary.
std::string short_hash(std::string_view bytes) {
    std::uint32_t h = 0x811c9dc5u;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x01000193u;
    }
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", h);
    return buf;
}

}  // namespace

std::string slug_of(std::string_view name) {
    std::string out;
    bool pending_dash = false;
    for (std::size_t i = 0; i < name.size();) {
        const char32_t cp = decode(name, i);
        if (!is_word_character(cp)) {
            pending_dash = !out.empty();
            continue;
        }
        std::string character;
        encode_utf8(character, lowercase(cp));
        if (out.size() + (pending_dash ? 1 : 0) + character.size() > kMaxSlugBytes) break;
        if (pending_dash) out += '-';
        pending_dash = false;
        out += character;
    }
    if (out.empty()) return "x" + short_hash(name);
    return out;
}

std::string title_slug(std::string_view title) {
    std::string out;
    bool pending_dash = false;
    for (std::size_t i = 0; i < title.size();) {
        const char32_t cp = decode(title, i);
        if (cp == '-' || is_space(cp)) {
            pending_dash = !out.empty();
            continue;
        }
        if (cp != '_' && !is_word_character(cp)) continue;
        if (pending_dash) out += '-';
        pending_dash = false;
        encode_utf8(out, lowercase(cp));
    }
    return out;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Go's url.QueryUnescape, which Hugo applies to a title before urlizing it: "%XX" → the byte,
// '+' → ' '; nothing when a '%' does not start an escape (Hugo then keeps the title as it is).
std::optional<std::string> query_unescaped(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0)
                return std::nullopt;
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

}  // namespace

// Hand-written after Hugo 0.111's helpers.PathSpec.UnicodeSanitize and checked against the
// hugo binary (tests/feed/slug_test.cpp has the titles); there is no Go to call here.
std::string hugo_title_slug(std::string_view title) {
    const auto unescaped = query_unescaped(title);
    const std::string_view source = unescaped ? std::string_view(*unescaped) : title;
    std::string out;
    bool prepend_hyphen = false;
    bool was_hyphen = false;
    for (std::size_t i = 0; i < source.size();) {
        const char32_t cp = decode(source, i);
        const bool allowed =
            std::u32string_view(U"./\\_#~-@").find(cp) != std::u32string_view::npos ||
            (cp >= 0x300 && cp <= 0x36F) ||  // combining marks (Unicode's Mn)
            is_word_character(cp);
        if (allowed) {
            was_hyphen = cp == '-';
            if (prepend_hyphen && !was_hyphen) out += '-';
            prepend_hyphen = false;
            encode_utf8(out, lowercase(cp));
        } else if (!out.empty() && !was_hyphen && is_space(cp)) {
            prepend_hyphen = true;
        }
    }
    return out;
}

std::string lower_case(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t start = i;
        const char32_t cp = decode(text, i);
        if (cp == 0xFFFFFFFF) {
            out += text[start];
        } else {
            encode_utf8(out, lowercase(cp));
        }
    }
    return out;
}

std::string slug_url(std::string_view slug) { return detail::encode_path(slug); }

namespace detail {
char32_t decode_utf8(std::string_view text, std::size_t& i) {
    return decode(text, i);
}
bool is_letter_or_digit(char32_t cp) {
    return is_word_character(cp);
}
}  // namespace detail

}  // namespace feedd
