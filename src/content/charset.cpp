// The WHATWG prescan of <meta> tags is a few dozen lines and has no library in Debian that works
// on bytes before parsing (gumbo takes UTF-8 only and ignores <meta charset>), so it is written
// here; decoding itself is glibc's iconv.
#include "content/charset.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace feedd {
namespace {

// How far into the page a <meta> declaration is looked for (the HTML standard says 1024 bytes;
// saved pages often carry more before it, such as a long comment or inline styles).
constexpr std::size_t kPrescanBytes = 4096;

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}
bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(s[i]) != prefix[i]) return false;
    }
    return true;
}

bool is_valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int n = 0;
        char32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= n) return false;
        for (int i = 1; i <= n; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

// A declared label → the iconv name (the WHATWG Encoding Standard's label table, for the
// encodings pages use); empty for one that cannot be a page's real encoding.
std::string iconv_name(std::string_view label) {
    const std::string l = lowered(trim_spaces(label));
    if (l.empty()) return {};
    struct Alias {
        std::string_view label;
        std::string_view name;
    };
    static constexpr std::array<Alias, 40> kAliases = {{
        {"utf-8", "UTF-8"},
        {"utf8", "UTF-8"},
        {"unicode-1-1-utf-8", "UTF-8"},
        // A <meta> naming UTF-16 was read as ASCII, so the page is not UTF-16 (HTML standard).
        {"utf-16", "UTF-8"},
        {"utf-16le", "UTF-8"},
        {"utf-16be", "UTF-8"},
        {"us-ascii", "WINDOWS-1252"},
        {"ascii", "WINDOWS-1252"},
        {"iso-8859-1", "WINDOWS-1252"},
        {"iso8859-1", "WINDOWS-1252"},
        {"iso_8859-1", "WINDOWS-1252"},
        {"latin1", "WINDOWS-1252"},
        {"l1", "WINDOWS-1252"},
        {"cp1252", "WINDOWS-1252"},
        {"x-cp1252", "WINDOWS-1252"},
        {"iso-8859-9", "WINDOWS-1254"},
        {"latin5", "WINDOWS-1254"},
        {"iso-8859-11", "WINDOWS-874"},
        {"tis-620", "WINDOWS-874"},
        {"shift_jis", "CP932"},
        {"shift-jis", "CP932"},
        {"sjis", "CP932"},
        {"x-sjis", "CP932"},
        {"ms_kanji", "CP932"},
        {"ms932", "CP932"},
        {"windows-31j", "CP932"},
        {"csshiftjis", "CP932"},
        {"gb2312", "GB18030"},
        {"gbk", "GB18030"},
        {"x-gbk", "GB18030"},
        {"chinese", "GB18030"},
        {"csgb2312", "GB18030"},
        {"gb_2312-80", "GB18030"},
        {"big5", "BIG5-HKSCS"},
        {"big5-hkscs", "BIG5-HKSCS"},
        {"x-x-big5", "BIG5-HKSCS"},
        {"euc-kr", "CP949"},
        {"ks_c_5601-1987", "CP949"},
        {"windows-949", "CP949"},
        {"x-mac-cyrillic", "MAC-CYRILLIC"},
    }};
    for (const auto& alias : kAliases) {
        if (l == alias.label) return std::string(alias.name);
    }
    if (l.starts_with("cp125") && l.size() == 6) return "WINDOWS-" + l.substr(2);
    // Anything else (windows-1251, iso-8859-5, koi8-r, euc-jp, iso-2022-jp, ...) by its own name.
    std::string name = l;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
    return name;
}

// The value of `charset=` in a Content-Type ("text/html; charset=windows-1251").
std::string_view charset_parameter(std::string_view content) {
    for (std::size_t at = 0; at + 7 <= content.size(); ++at) {
        if (!starts_with_ci(content.substr(at), "charset")) continue;
        std::size_t i = at + 7;
        while (i < content.size() && is_space(content[i])) ++i;
        if (i >= content.size() || content[i] != '=') continue;
        ++i;
        while (i < content.size() && is_space(content[i])) ++i;
        if (i < content.size() && (content[i] == '"' || content[i] == '\'')) {
            const char quote = content[i++];
            const auto end = content.find(quote, i);
            if (end == std::string_view::npos) return {};
            return content.substr(i, end - i);
        }
        const auto end = content.find_first_of("; \t\n\r\f", i);
        return content.substr(i, end == std::string_view::npos ? end : end - i);
    }
    return {};
}

// One attribute of a tag at `i` (after the tag name): name and value, `i` moved past it. Empty
// name at the tag's end ('>' or the end of the text).
struct Attribute {
    std::string name;
    std::string_view value;
};
Attribute next_attribute(std::string_view s, std::size_t& i) {
    while (i < s.size() && (is_space(s[i]) || s[i] == '/')) ++i;
    Attribute a;
    if (i >= s.size() || s[i] == '>') return a;
    const std::size_t name_start = i;
    while (i < s.size() && !is_space(s[i]) && s[i] != '=' && s[i] != '>' &&
           (s[i] != '/' || i == name_start))
        ++i;
    a.name = lowered(s.substr(name_start, i - name_start));
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size() || s[i] != '=') return a;
    ++i;
    while (i < s.size() && is_space(s[i])) ++i;
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        const char quote = s[i++];
        const auto end = s.find(quote, i);
        const std::size_t stop = end == std::string_view::npos ? s.size() : end;
        a.value = s.substr(i, stop - i);
        i = stop + 1;
    } else {
        const std::size_t start = i;
        while (i < s.size() && !is_space(s[i]) && s[i] != '>') ++i;
        a.value = s.substr(start, i - start);
    }
    return a;
}

// The label a <meta> in the first bytes declares; empty when none.
std::string declared_label(std::string_view bytes) {
    const std::string_view s = bytes.substr(0, kPrescanBytes);
    std::size_t i = 0;
    while ((i = s.find('<', i)) != std::string_view::npos) {
        const auto rest = s.substr(i);
        if (rest.starts_with("<!--")) {
            const auto end = s.find("-->", i + 4);
            if (end == std::string_view::npos) return {};
            i = end + 3;
            continue;
        }
        if (starts_with_ci(rest, "<meta") && rest.size() > 5 &&
            (is_space(rest[5]) || rest[5] == '/')) {
            i += 5;
            std::string charset;
            std::string content;
            bool http_equiv = false;
            for (Attribute a = next_attribute(s, i); !a.name.empty(); a = next_attribute(s, i)) {
                if (a.name == "charset" && charset.empty()) charset = trim_spaces(a.value);
                if (a.name == "content" && content.empty()) content = a.value;
                if (a.name == "http-equiv")
                    http_equiv = lowered(trim_spaces(a.value)) == "content-type";
            }
            if (!charset.empty()) return charset;
            if (http_equiv) {
                const auto label = charset_parameter(content);
                if (!label.empty()) return std::string(label);
            }
            continue;
        }
        ++i;
        // Past the tag, quoted '>' included, so an attribute holding "<meta" is not one.
        if (i < s.size() && (std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '/')) {
            while (i < s.size() && s[i] != '>') {
                if (s[i] == '"' || s[i] == '\'') {
                    const auto end = s.find(s[i], i + 1);
                    if (end == std::string_view::npos) return {};
                    i = end;
                }
                ++i;
            }
        }
    }
    return {};
}

}  // namespace

Charset detect_charset(std::string_view bytes) {
    Charset c;
    if (bytes.starts_with("\xEF\xBB\xBF")) {
        c.name = "UTF-8";
        c.from = Charset::From::bom;
        c.bom_bytes = 3;
        return c;
    }
    if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
        c.name = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
        c.from = Charset::From::bom;
        c.bom_bytes = 2;
        return c;
    }
    c.declared = declared_label(bytes);
    if (!c.declared.empty()) {
        c.name = iconv_name(c.declared);
        if (!c.name.empty()) {
            c.from = Charset::From::meta;
            return c;
        }
    }
    if (is_valid_utf8(bytes)) {
        c.name = "UTF-8";
        c.from = Charset::From::valid_utf8;
    } else {
        c.name = "WINDOWS-1252";
        c.from = Charset::From::fallback;
    }
    return c;
}

DecodedText decode_to_utf8(std::string_view bytes, const Charset& charset) {
    DecodedText out;
    bytes.remove_prefix(std::min(charset.bom_bytes, bytes.size()));
    if (charset.name == "UTF-8") {
        out.text.assign(bytes);
        return out;
    }
    iconv_t cd = ::iconv_open("UTF-8", charset.name.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        out.unknown_charset = true;
        cd = ::iconv_open("UTF-8", "WINDOWS-1252");
        if (cd == reinterpret_cast<iconv_t>(-1)) {  // no gconv modules at all
            out.text.assign(bytes);
            return out;
        }
    }
    out.text.resize(bytes.size() * 2 + 16);
    char* in = const_cast<char*>(bytes.data());  // iconv's signature; it only reads
    std::size_t in_left = bytes.size();
    std::size_t written = 0;
    const auto replace = [&](std::size_t at) {
        if (out.invalid_count++ == 0) {
            out.invalid_line =
                1 + static_cast<int>(std::count(
                        bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
        }
        if (out.text.size() - written < 3) out.text.resize(out.text.size() * 2);
        std::memcpy(out.text.data() + written, "\xEF\xBF\xBD", 3);
        written += 3;
    };
    while (in_left > 0) {
        char* dst = out.text.data() + written;
        std::size_t dst_left = out.text.size() - written;
        const std::size_t r = ::iconv(cd, &in, &in_left, &dst, &dst_left);
        written = out.text.size() - dst_left;
        if (r != static_cast<std::size_t>(-1)) break;
        if (errno == E2BIG) {
            out.text.resize(out.text.size() * 2);
        } else if (errno == EILSEQ) {
            replace(bytes.size() - in_left);
            ++in;
            --in_left;
            ::iconv(cd, nullptr, nullptr, nullptr, nullptr);  // a stateful charset starts over
        } else {  // EINVAL: an incomplete sequence at the end
            replace(bytes.size() - in_left);
            break;
        }
    }
    // Flush a stateful charset's shift state (ISO-2022-JP).
    for (;;) {
        char* dst = out.text.data() + written;
        std::size_t dst_left = out.text.size() - written;
        const std::size_t r = ::iconv(cd, nullptr, nullptr, &dst, &dst_left);
        written = out.text.size() - dst_left;
        if (r == static_cast<std::size_t>(-1) && errno == E2BIG) {
            out.text.resize(out.text.size() * 2);
            continue;
        }
        break;
    }
    ::iconv_close(cd);
    out.text.resize(written);
    return out;
}

}  // namespace feedd
