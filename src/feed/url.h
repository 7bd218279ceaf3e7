// URL helpers for the feed stage (private to src/feed): feeds must carry absolute URLs because
// feed readers show entries outside the site, where there is no base to resolve against.
#pragma once

#include <string>
#include <string_view>

namespace feedd::detail {

// True when `ref` starts with a URI scheme ("https:", "mailto:", "data:").
bool has_scheme(std::string_view ref);

// Percent-encodes every byte that may not appear in a URI reference (spaces, non-ASCII as
// UTF-8 bytes, '"', '<', ...). Existing "%XX" escapes are kept, so this is safe to run twice.
std::string escape_uri_reference(std::string_view ref);

// Percent-encodes a raw file path for use as a URL path: each segment with the RFC 3986 pchar
// set, '/' kept as the separator.
std::string encode_path(std::string_view path);

// RFC 3986 section 5 resolution of `ref` against the absolute URL `base`. A reference that
// already has a scheme is returned unchanged (byte for byte). Returns an empty string when either
// cannot be understood even after escaping.
std::string resolve_url(std::string_view base, std::string_view ref);

}  // namespace feedd::detail
