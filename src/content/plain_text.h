// Plain-text articles as scraped from news sites: a title line (often ending in a date), maybe a
// date line, one paragraph per line, then page boilerplate that is cut off.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/metadata.h"

namespace feedd {

// `text` is cleaned (see text_clean.h); `source.reference` is the file's mtime, replaced by the
// page's footer date when there is one. Lines starting with one of `cut_markers` end the body.
std::optional<ParsedBody> parse_plain_text(std::string_view text, const MetadataSource& source,
                                           const std::vector<std::string>& cut_markers,
                                           std::vector<Problem>& problems,
                                           Detail detail = Detail::full);

}  // namespace feedd
