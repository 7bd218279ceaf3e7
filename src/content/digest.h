// A fast 64-bit fingerprint of bytes (XXH3, from Debian's libxxhash, used header-only), for
// telling cheaply whether something changed: ETags, article digests, render caches. Not a
// security boundary. XXH3 rather than a byte-at-a-time hash: hashing every article at a first
// scan and each rebuilt feed's bytes (about 1.2 MB for a site feed in four formats) were a few
// percent of the time to first feed and of a rebuild.
#pragma once

#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace feedd {

// Incremental: the same sequence of calls gives the same value, in any process on any machine
// of the same byte order.
class Hasher {
  public:
    Hasher() {
        XXH3_INITSTATE(&state_);
        XXH3_64bits_reset(&state_);
    }
    void bytes(std::string_view s) { XXH3_64bits_update(&state_, s.data(), s.size()); }
    // Fields of a record: the length first, so ("ab", "c") and ("a", "bc") differ.
    void field(std::string_view s) {
        number(s.size());
        bytes(s);
    }
    void number(std::uint64_t v) {
        unsigned char le[8];
        for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(v >> (8 * i));
        XXH3_64bits_update(&state_, le, sizeof le);
    }
    std::uint64_t value() const { return XXH3_64bits_digest(&state_); }

  private:
    XXH3_state_t state_;
};

// The fingerprint of one run of bytes at once.
inline std::uint64_t hash_bytes(std::string_view s) {
    return XXH3_64bits(s.data(), s.size());
}

}  // namespace feedd
