// A fast 64-bit fingerprint of bytes (XXH3, from Debian's libxxhash, used header-only), for
// telling cheaply whether something changed: ETags, article digests, render caches. Not a
// security boundary. XXH3 rather than a byte-at-a-time hash: hashing every article at a first
// scan and each rebuilt feed's bytes (about 1.2 MB for a site feed in four formats) were a few
// percent of the time to first feed and of a rebuild.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace feedd {

// Incremental: the same sequence of calls gives the same value, in any process on any machine
// of the same byte order. The value is XXH3 of everything written, in order (as hash_bytes of it
// all would be). Small writes are gathered first and hashed in one go: XXH3's streaming update
// costs about a hundred instructions a call, and an article's digest is some thirty short fields.
class Hasher {
  public:
    Hasher() {
        XXH3_INITSTATE(&state_);
        XXH3_64bits_reset(&state_);
    }
    void bytes(std::string_view s) {
        if (s.size() > sizeof buffer_ - used_) {
            flush();
            if (s.size() > sizeof buffer_) {
                XXH3_64bits_update(&state_, s.data(), s.size());
                return;
            }
        }
        std::memcpy(buffer_ + used_, s.data(), s.size());
        used_ += s.size();
    }
    // Fields of a record: the length first, so ("ab", "c") and ("a", "bc") differ.
    void field(std::string_view s) {
        number(s.size());
        bytes(s);
    }
    void number(std::uint64_t v) {
        char le[8];
        for (int i = 0; i < 8; ++i) le[i] = static_cast<char>(v >> (8 * i));
        bytes(std::string_view(le, sizeof le));
    }
    std::uint64_t value() const {
        if (!streaming_) return XXH3_64bits(buffer_, used_);
        XXH3_state_t rest = state_;
        XXH3_64bits_update(&rest, buffer_, used_);
        return XXH3_64bits_digest(&rest);
    }

  private:
    void flush() {
        if (used_ > 0) XXH3_64bits_update(&state_, buffer_, used_);
        used_ = 0;
        streaming_ = true;
    }

    XXH3_state_t state_;
    char buffer_[1024];
    std::size_t used_ = 0;
    bool streaming_ = false;  // state_ holds bytes written before buffer_'s
};

// The fingerprint of one run of bytes at once.
inline std::uint64_t hash_bytes(std::string_view s) {
    return XXH3_64bits(s.data(), s.size());
}

}  // namespace feedd
