#include "feed/url.h"

// Boost.URL is compiled into this library from its single-file source (Debian ships only its
// headers). Only this translation unit may include src.hpp, or the link sees duplicate symbols.
#include <boost/url/src.hpp>

namespace feedd::detail {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_unreserved(char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool is_sub_delim(char c) {
    switch (c) {
        case '!':
        case '$':
        case '&':
        case '\'':
        case '(':
        case ')':
        case '*':
        case '+':
        case ',':
        case ';':
        case '=':
            return true;
        default:
            return false;
    }
}
bool is_gen_delim(char c) {
    switch (c) {
        case ':':
        case '/':
        case '?':
        case '#':
        case '[':
        case ']':
        case '@':
            return true;
        default:
            return false;
    }
}

void append_pct(std::string& out, unsigned char c) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
}

}  // namespace

bool has_scheme(std::string_view ref) {
    if (ref.empty() || !is_alpha(ref[0])) return false;
    for (std::size_t i = 1; i < ref.size(); ++i) {
        const char c = ref[i];
        if (c == ':') return true;
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
    }
    return false;
}

std::string escape_uri_reference(std::string_view ref) {
    std::string out;
    out.reserve(ref.size());
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const char c = ref[i];
        if (c == '%') {
            if (i + 2 < ref.size() && is_hex(ref[i + 1]) && is_hex(ref[i + 2])) {
                out += c;
            } else {
                out += "%25";
            }
        } else if (is_unreserved(c) || is_sub_delim(c) || is_gen_delim(c)) {
            out += c;
        } else {
            append_pct(out, static_cast<unsigned char>(c));
        }
    }
    return out;
}

std::string encode_path(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    for (const char c : path) {
        if (c == '/' || is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@') {
            out += c;
        } else {
            append_pct(out, static_cast<unsigned char>(c));
        }
    }
    return out;
}

std::string resolve_url(std::string_view base, std::string_view ref) {
    namespace urls = boost::urls;
    if (has_scheme(ref)) return std::string(ref);
    const auto base_url = urls::parse_uri(urls::string_view(base.data(), base.size()));
    if (!base_url) return {};
    const std::string escaped = escape_uri_reference(ref);
    const auto ref_url = urls::parse_uri_reference(escaped);
    if (!ref_url) return {};
    urls::url dest;
    if (!urls::resolve(*base_url, *ref_url, dest)) return {};
    return std::string(dest.buffer());
}

}  // namespace feedd::detail
