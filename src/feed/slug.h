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

// A title as Pelican (SLUGIFY_USE_UNICODE) and Hugo (:title) put it in a URL, for the permalink's
// {title}: letters (any script), digits and '_' kept and lowercased; every run of whitespace and
// '-' one '-', none at either end; any other character (punctuation, symbols, invalid UTF-8)
// dropped without a trace. Not cut, and empty when nothing is left.
// "Café, C++ & Rust --  don't stop!" → "café-c-rust-dont-stop".
std::string title_slug(std::string_view title);

// A title as Hugo 0.111 puts it in a URL for `:title` (urlize), for the permalink's
// {title:hugo}: like title_slug, but '/' is kept (so are '.', '\\', '#', '~', '@' and a '-' of
// the title: "Rust -- don't" → "rust--dont", "yes/no" → "yes/no"), whitespace becomes one '-'
// only where no '-' is already, and the title is first URL-unescaped when every '%' in it
// starts an escape ("A%2Fb" → "a/b", "C++" → "c"). Checked against `hugo` 0.111.3 (Debian 12).
std::string hugo_title_slug(std::string_view title);

// `text` with every letter lowercased (Unicode simple lowercase); invalid UTF-8 bytes kept.
std::string lower_case(std::string_view text);

namespace detail {
// The UTF-8 character at `i` (advanced past it); 0xFFFFFFFF for an invalid sequence (one byte
// consumed). Strict: no overlongs, no surrogates, nothing above U+10FFFF.
char32_t decode_utf8(std::string_view text, std::size_t& i);
// A letter or digit of any script (glibc's classes in C.UTF-8, whatever the process locale).
bool is_letter_or_digit(char32_t cp);
}  // namespace detail

}  // namespace feedd
