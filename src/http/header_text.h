// The pieces of RFC 9110's header grammar that route.cpp (Accept-Encoding, If-None-Match) and
// media.cpp (Range, If-Range) both parse with. Hand-written: Beast hands headers over as text.
#pragma once

#include <algorithm>
#include <string_view>

namespace feedd::http::detail {

// OWS (RFC 9110 §5.6.3): optional white space.
inline bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

// ASCII case-insensitive equality (tokens such as "bytes", "gzip", "q").
inline bool iequals(std::string_view a, std::string_view b) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

// A hexadecimal digit's value (percent-encoding in request targets); -1 for anything else.
inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace feedd::http::detail
