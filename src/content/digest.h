// FNV-1a (64 bits): a fast fingerprint of bytes, for telling cheaply whether something changed
// (ETags, render caches). Not a security boundary. Hand-written: it is a dozen lines, and what
// Debian packages offer (xxhash) would be one more dependency for no measurable gain here.
#pragma once

#include <cstdint>
#include <string_view>

namespace feedd {

class Fnv1a {
  public:
    void bytes(std::string_view s) {
        for (const char c : s) {
            h_ ^= static_cast<unsigned char>(c);
            h_ *= 0x100000001b3ULL;
        }
    }
    // Fields of a record: the length first, so ("ab", "c") and ("a", "bc") differ.
    void field(std::string_view s) {
        number(s.size());
        bytes(s);
    }
    void number(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            h_ ^= (v >> (8 * i)) & 0xFF;
            h_ *= 0x100000001b3ULL;
        }
    }
    std::uint64_t value() const { return h_; }

  private:
    std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace feedd
