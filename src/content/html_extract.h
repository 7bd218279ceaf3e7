// The article's own text out of a web page: the element the page marks as the article, else the
// block a content score picks (as Readability does), without the page's chrome, turned into clean
// feed HTML. Internal to content/: html_article.cpp calls it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/html_metadata.h"

namespace feedd::html {

struct ExtractedText {
    std::string html;             // clean HTML (empty unless asked for); links as written
    std::string first_paragraph;  // the first paragraph's text, whitespace collapsed
    std::size_t text_bytes = 0;   // of the text kept
    // What chose the text: "itemprop=articleBody", "h-entry e-content", "<article>", "<main>",
    // "content score", or "<body>" when nothing stood out.
    std::string chosen_by;
};

// `title` is the article's title: an <h1> that repeats it is left out of the text. A block whose
// text starts with one of `cut_markers` ends the text (as it ends a scraped text article).
ExtractedText extract_text(const GumboNode* root, const PageMetadata& page, std::string_view title,
                           const std::vector<std::string>& cut_markers, bool want_html);

}  // namespace feedd::html
