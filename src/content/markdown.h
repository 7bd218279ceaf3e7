// Markdown articles: YAML front matter between "---" lines, then a CommonMark body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/metadata.h"

namespace feedd {

// CommonMark + tables, strikethrough, task lists, permissive autolinks; raw HTML passes through
// as CommonMark specifies. XHTML-style void tags ("<br />") so the output is also valid XML.
std::string markdown_to_html(std::string_view markdown);

// `text` is cleaned (see text_clean.h). `source.first_line` is ignored: lines are counted here.
// nullopt (with an error in `problems`) when the front matter is broken.
std::optional<ParsedBody> parse_markdown(std::string_view text, const MetadataSource& source,
                                         std::vector<Problem>& problems);

}  // namespace feedd
