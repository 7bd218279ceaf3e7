// Hasher gathers small writes before hashing them: whatever the sizes and order of the writes,
// its value must be XXH3 of all the bytes written (so digests and ETags do not depend on how the
// writes were grouped).
#include "content/digest.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace feedd {
namespace {

TEST(Hasher, IsXxh3OfEverythingWrittenWhateverTheWrites) {
    std::mt19937 random(1127);
    for (int round = 0; round < 500; ++round) {
        Hasher hasher;
        std::string all;
        const int writes = static_cast<int>(random() % 40);
        for (int w = 0; w < writes; ++w) {
            // Mostly short fields, sometimes longer than the gathering buffer.
            const std::size_t size = random() % 8 == 0 ? random() % 5000 : random() % 64;
            std::string bytes(size, '\0');
            for (auto& b : bytes) b = static_cast<char>(random());
            switch (random() % 3) {
                case 0:
                    hasher.bytes(bytes);
                    all += bytes;
                    break;
                case 1: {
                    hasher.field(bytes);
                    const std::uint64_t n = bytes.size();
                    for (int i = 0; i < 8; ++i) all += static_cast<char>(n >> (8 * i));
                    all += bytes;
                    break;
                }
                default: {
                    const std::uint64_t n = (std::uint64_t{random()} << 32) | random();
                    hasher.number(n);
                    for (int i = 0; i < 8; ++i) all += static_cast<char>(n >> (8 * i));
                }
            }
            ASSERT_EQ(hasher.value(), hash_bytes(all)) << "round " << round << ", write " << w;
        }
        const Hasher copy = hasher;  // render caches copy a base fingerprint per group
        EXPECT_EQ(copy.value(), hash_bytes(all));
    }
}

}  // namespace
}  // namespace feedd
