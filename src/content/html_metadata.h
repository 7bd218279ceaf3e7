// What a web page says about itself: JSON-LD, OpenGraph and other <meta> tags, microformats
// h-entry, <time>, <html lang>, <title> (docs/content.md, "HTML articles", has the order of
// trust). Internal to content/: html_article.cpp reads it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/html_dom.h"
#include "content/metadata.h"

namespace feedd::html {

struct PageMetadata {
    Metadata meta;          // each field from the most trusted source that has it
    std::string canonical;  // rel=canonical, else og:url (as written)
    std::string site_name;  // og:site_name, JSON-LD publisher or WebSite, application-name
    std::string h1;         // the first <h1>'s text
    // When the title is the <title>'s, and title_without_site kept all of it: its ending that
    // may be the site's name (site_suffix_candidate), for the folder-wide rule.
    std::string title_site_suffix;
    // The elements that mark the article's text, when the page has them.
    const GumboNode* article_body = nullptr;    // [itemprop=articleBody]
    const GumboNode* hentry_content = nullptr;  // .h-entry .e-content
};

// Dates without an offset are in `source.timezone`; those that cannot be read are warnings
// (the next source is tried).
PageMetadata read_page_metadata(const GumboNode* root, const MetadataSource& source,
                                std::vector<Problem>& problems);

// "Headline | Site" → "Headline" when the last part (after " | ", " - ", " – ", " — ", " · " or
// " :: ") is `site_name` (any case), or the first part is the page's `h1`; "Site | Headline"
// likewise at the front. Otherwise the title as it is.
std::string title_without_site(std::string_view title, std::string_view site_name,
                               std::string_view h1);

// The part of `title` from its last " | ", " - ", " – ", " — ", " · " or " :: " on, when what
// follows looks like a site's name (at most 60 bytes and 6 words) and something precedes it:
// "Ferry vote | The Ledger" → " | The Ledger". Empty otherwise. Whether it is the site's name is
// decided across the folder (Article::title_site_suffix).
std::string site_suffix_candidate(std::string_view title);

}  // namespace feedd::html
