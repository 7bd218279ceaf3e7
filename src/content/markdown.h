// Markdown articles: front matter (YAML between "---" lines, TOML between "+++" lines, a JSON
// object, or a Pelican key block; see docs/content.md), then a CommonMark body.
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
                                         std::vector<Problem>& problems,
                                         Detail detail = Detail::full);

// The two halves of parse_markdown, for a caller that learns from a sidecar what it still needs
// from the body.
struct FrontMatter {
    Metadata meta;          // empty when the text has no front matter
    std::string_view body;  // the text after it
};
std::optional<FrontMatter> read_front_matter(std::string_view text, const MetadataSource& source,
                                             std::vector<Problem>& problems);

// What the body has to supply besides its HTML. A title or summary the metadata already has
// lets the body's first heading or paragraph go unsought (the parse stops early).
struct BodyNeeds {
    bool title = true;    // derived_title, and the leading heading split off into heading_html
    bool summary = true;  // derived_summary
};
// Fills derived_title, derived_summary and, with Detail::full, html and heading_html of `out`.
// Without needs.title the whole body is rendered into html (heading_html stays empty).
void parse_markdown_body(std::string_view body, BodyNeeds needs, Detail detail, ParsedBody& out);

}  // namespace feedd
