// Front matter and sidecar YAML; the same bytes also go to the TOML, JSON and Pelican readers
// (content/metadata_formats.cpp), which must just not crash. Input: the metadata text.
// Invariant: parse_metadata, which reads flat front matter without libyaml (content/metadata.cpp),
// gives exactly what libyaml's reading gives: the same metadata and the same problems and lines.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "content/metadata.h"
#include "fuzz/fuzz_support.h"
#include "support/metadata_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view yaml(reinterpret_cast<const char*>(data), size);
    const feedd::MetadataSource source{"a.md", 2, "UTC", feedd::Seconds{std::chrono::days{20467}}};
    std::vector<feedd::Problem> fast_problems, libyaml_problems;
    std::vector<feedd::Problem> other_problems;
    (void)feedd::parse_toml_metadata(yaml, source, other_problems);
    if (const auto length = feedd::json_object_length(yaml); length != std::string_view::npos)
        (void)feedd::parse_json_metadata(yaml.substr(0, length), source, other_problems);
    if (const auto length = feedd::pelican_block_length(yaml, source))
        (void)feedd::parse_pelican_metadata(yaml.substr(0, length), source, other_problems);
    const auto fast = feedd::parse_metadata(yaml, source, fast_problems);
    if (!feedd::detail::is_flat_yaml(yaml)) return 0;
    const auto slow = feedd::detail::parse_metadata_with_libyaml(yaml, source, libyaml_problems);
    const auto fast_text = feedd::metadata_text(fast, fast_problems);
    const auto slow_text = feedd::metadata_text(slow, libyaml_problems);
    FEEDD_FUZZ_CHECK(fast_text == slow_text, "flat reading:\n%s\nlibyaml:\n%s", fast_text.c_str(),
                     slow_text.c_str());
    return 0;
}
