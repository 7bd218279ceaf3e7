// The compressed variants of a document, computed once per snapshot and served many times.
#pragma once

#include <string>
#include <string_view>

namespace feedd {

// gzip (RFC 1952) at zlib's default level 6 with no name and mtime 0: the same input always gives
// the same bytes. Level 9 costs two to three times the CPU for about 1 % smaller feeds, and a site
// with tag, author and archive feeds compresses thousands of documents per build.
std::string gzip(std::string_view body);

// Brotli (RFC 7932) at quality kBrotliQuality, deterministic like gzip().
std::string brotli(std::string_view body);

// Brotli only helps when it beats gzip, which a client accepting both does not get otherwise (it
// is preferred on a tie). Measured on the 10k-article benchmark's site feed (RSS 282 KB; window
// sized to the body; encoder memory through a counting allocator): gzip -6 gives 81.0 KB; brotli
// quality 2 gives 82.6 KB in 3.6 ms with 2.0 MB of encoder state, quality 4 83.4 KB in 5.3 ms with
// 3.5 MB, quality 5 79.4 KB in 9.5 ms with 4.0 MB, quality 6 79.3 KB. On an 11 KB page: gzip 3278
// bytes, quality 4 3130, quality 5 2882. So quality 5, made on first request (Resource::br_body):
// only gzip is made eagerly after a rebuild.
inline constexpr int kBrotliQuality = 5;

// 16 hex digits of XXH3 (64 bits, content/digest.h) of `bytes`, for strong ETags: they only have
// to change when the bytes change, so a fast non-cryptographic hash fits (std::hash is not stable
// across builds).
std::string content_hash(std::string_view bytes);

}  // namespace feedd
