// Front matter + Markdown: the bytes of one .md file (optionally with a sidecar, see fuzz_article).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    feedd::fuzz::fuzz_article({reinterpret_cast<const char*>(data), size}, "world/article.md");
    return 0;
}
