// Plain-text articles as scraped from news sites: the bytes of one .txt file (optionally with a
// sidecar, see fuzz_article).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    feedd::fuzz::fuzz_article({reinterpret_cast<const char*>(data), size}, "news/scraped.txt");
    return 0;
}
