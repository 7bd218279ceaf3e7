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

// Every rebuild compresses every document (about 160 for the example site), so the quality is
// chosen for rebuild time. Measured on an 11 KB RSS feed (CPU time): quality 5 takes 0.2 ms and
// gives 2857 bytes, 8% less than gzip -9 (3109); quality 11 takes 11 ms (1 ms/KB, seconds per
// rebuild of a larger site) for 2445 bytes. Reusing the previous snapshot's variants for
// unchanged bodies would make quality 11 affordable.
inline constexpr int kBrotliQuality = 4;  // ~2x faster than 5, a few % larger; see above

// 16 hex digits of XXH3 (64 bits, content/digest.h) of `bytes`, for strong ETags: they only have
// to change when the bytes change, so a fast non-cryptographic hash fits (std::hash is not stable
// across builds).
std::string content_hash(std::string_view bytes);

}  // namespace feedd
