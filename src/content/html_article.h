// Web pages (.html, .htm) as articles: a page saved by a scraper or written by hand, read with
// gumbo (an HTML5 parser) into its metadata and its article's text. docs/content.md, "HTML
// articles", has the rules: the sources of each field in their order of trust, how the text is
// found, what is kept of it, and the character sets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/metadata.h"

namespace feedd {

// The bytes of a page as UTF-8: its character set detected (content/charset.h) and decoded, then
// cleaned (text_clean.h). Bytes the charset does not define become U+FFFD, with a warning naming
// the charset and the line of the first; a charset iconv does not know is read as windows-1252,
// with a warning. nullopt (an error) for bytes that are no text (NUL bytes in an 8-bit page).
std::optional<std::string> decode_html_page(std::string_view bytes, std::string_view path,
                                            std::vector<Problem>& problems);

// `html` is the page as UTF-8 (after any front matter). The page's own metadata goes to
// `meta`, the canonical URL to `related_url`, the article's text to `html` (Detail::full) and
// its first paragraph to `derived_summary`. A page without any text is an error ("nothing that
// looks like an article").
std::optional<ParsedBody> parse_html(std::string_view html, const MetadataSource& source,
                                     const std::vector<std::string>& cut_markers,
                                     std::vector<Problem>& problems, Detail detail = Detail::full);

}  // namespace feedd
