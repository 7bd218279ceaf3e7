// Turning the bytes of a file into text feedd can publish: UTF-8 without a BOM, LF line ends, and
// only characters XML 1.0 allows. Plus the small string helpers the article parsers share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace feedd {

struct CleanText {
    std::string text;            // valid UTF-8, '\n' line ends, no BOM, no XML-forbidden characters
    int invalid_utf8_count = 0;  // ill-formed sequences replaced by U+FFFD
    int invalid_utf8_line = 0;   // 1-based line of the first one
    int removed_count = 0;       // XML-forbidden characters removed
    int removed_line = 0;        // 1-based line of the first one
};

// Appends the UTF-8 encoding of a code point (the caller decides what to do with invalid ones).
void encode_utf8(std::string& out, char32_t cp);

// Never fails: anything unusable is replaced or removed and counted.
CleanText clean_text(std::string_view bytes);

// True when clean_text would return `bytes` unchanged with nothing counted (no BOM, no CR, valid
// UTF-8, nothing XML forbids): the common case, which then needs no copy. Checks 8 ASCII bytes at
// a time.
bool is_clean_text(std::string_view bytes);

// 1-based line of the first NUL byte, 0 when there is none.
int first_nul_line(std::string_view bytes);

bool is_blank(std::string_view text);
std::string_view trim(std::string_view text);

// Splits on '\n' (text already cleaned); a final empty piece after a trailing '\n' is dropped.
std::vector<std::string_view> split_lines(std::string_view text);

// Escapes &, <, > and " for HTML text and double-quoted attribute values; with `apostrophes`, '
// as well (&#39;), as feedd's own pages (feed/html_page.cpp, feed/browser_view.cpp) always have.
std::string escape_html(std::string_view text, bool apostrophes = false);

// Collapses runs of whitespace to one space and trims.
std::string collapse_spaces(std::string_view text);

// At most `max_chars` code points, cut at a word boundary and ended with "…" when shortened.
std::string truncate_words(std::string_view text, std::size_t max_chars);

// truncate_words(collapse_spaces(text), max_chars), without collapsing more of a long paragraph
// than the cut can reach.
std::string summarize(std::string_view text, std::size_t max_chars);

}  // namespace feedd
