// Titles as jekyll-feed publishes them (feeds.smart_titles): Jekyll's `smartify` filter, which is
// kramdown's SmartyPants parser, turns straight quotes into curly ones and `--`, `---`, `...`,
// `<<`, `>>` into dashes, an ellipsis and guillemets. docs/content.md has the rules.
#pragma once

#include <string>
#include <string_view>

namespace feedd {

// `title` (plain text, valid UTF-8) with kramdown 2.4's SmartyPants substitutions, as Jekyll 4.3's
// smartify makes them: "Jekyll's \"new\" site... -- at last" → "Jekyll’s “new” site… – at last".
// HTML in the title is not interpreted (feedd's titles are text): an entity such as `&amp;` is
// kept as written, and `<` is an ordinary character. Linear in the length of `title`.
std::string smart_title(std::string_view title);

}  // namespace feedd
