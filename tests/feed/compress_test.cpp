#include "feed/compress.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>

#include "feed/feed_test_support.h"
#include "support/gzip.h"

namespace feedd {
namespace {

using test::gunzip;
using test::unbrotli;

std::string sample_text(std::size_t size) {
    std::string text;
    for (std::size_t i = 0; text.size() < size; ++i) {
        text += "<item><title>Entry " + std::to_string(i * 7919 % 1000) + "</title></item>\n";
    }
    text.resize(size);
    return text;
}

TEST(Compress, GzipRoundTripsAndIsDeterministic) {
    const std::string text = sample_text(100'000);
    const std::string packed = gzip(text);
    EXPECT_LT(packed.size(), text.size() / 4);
    EXPECT_EQ(gunzip(packed), text);
    EXPECT_EQ(gzip(text), packed);
    // mtime (bytes 4..7) is zero, so the bytes do not depend on when they were made.
    EXPECT_EQ(packed.substr(4, 4), std::string(4, '\0'));
}

TEST(Compress, BrotliRoundTripsAndIsDeterministic) {
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{50'000}, std::size_t{3'000'000}}) {
        const std::string text = sample_text(size);
        const std::string packed = brotli(text);
        EXPECT_EQ(unbrotli(packed), text) << size;
        EXPECT_EQ(brotli(text), packed) << size;
    }
}

TEST(Compress, BrotliIsSmallerThanGzipOnFeedLikeText) {
    const std::string text = sample_text(50'000);
    EXPECT_LT(brotli(text).size(), gzip(text).size());
}

TEST(Compress, ContentHashIsXxh3Of64Bits) {
    // ETags must not change between builds or machines for the same bytes: XXH3-64 with seed 0.
    // The empty input's value is the one xxHash's documentation publishes; the others pin it.
    EXPECT_EQ(content_hash(""), "2d06800538d394c2");
    EXPECT_EQ(content_hash("a"), "e6c632b61e964e1f");
    EXPECT_EQ(content_hash("foobar"), "d78fda63144c5c84");
    EXPECT_NE(content_hash("foobar"), content_hash("foobaR"));
}

}  // namespace
}  // namespace feedd
