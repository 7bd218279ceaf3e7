// Slugs: the URL path segment of a tag, section or author feed (docs/feeds.md states the rule).
#pragma once

#include <string>
#include <string_view>

namespace feedd {

// The slug of a name, as UTF-8: letters and digits of any script lowercased (Unicode simple
// lowercase), every run of other characters (spaces, punctuation, symbols, control characters,
// invalid UTF-8) one '-', none at either end, at most kMaxSlugBytes bytes (cut at a character).
// Never empty: a name with no letter or digit gets "x" + 8 hex digits of a hash of its bytes.
// "Türkiye" → "türkiye", "C++ & Rust" → "c-rust", "!!!" → "x…" (stable).
std::string slug_of(std::string_view name);

// The slug as it appears in URLs and in Snapshot resource keys: each non-ASCII byte as %XX
// (uppercase hex). "türkiye" → "t%C3%BCrkiye".
std::string slug_url(std::string_view slug);

inline constexpr std::size_t kMaxSlugBytes = 80;

}  // namespace feedd
