// Adopting a site's published feed (`feedd adopt`, docs/identity.md): the entries of the RSS or
// Atom feed a site published before feedd, matched to the articles that are their sources, so each
// article keeps the id its readers already know (feed/identity_ledger.h records them).
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "content/article.h"

namespace feedd {

struct PublishedEntry {
    std::string id;  // Atom <id>, RSS <guid>; else the link (what readers then key entries by)
    std::string link;
    std::string title;            // text, entities decoded
    std::optional<Seconds> date;  // Atom published (else updated), RSS pubDate (else dc:date)
};

// The entries of an RSS 2.0 (or 0.9x/1.0 RDF) or Atom 1.0 document, in document order. The
// error names `source` and says what is wrong (not XML: with pugixml's offset as line:column).
// Dates without an offset are read in `timezone`.
std::expected<std::vector<PublishedEntry>, std::string> read_published_feed(
    std::string_view xml, std::string_view source, std::string_view timezone);

struct AdoptedEntry {
    const PublishedEntry* entry = nullptr;
    const Article* article = nullptr;
    bool by_link = false;  // matched by its link; else by title and date
};

struct Adoption {
    std::vector<AdoptedEntry> matched;             // in the feed's order
    std::vector<const PublishedEntry*> unmatched;  // no article, or its article taken already
};

// Each entry matched to an article: first by link (the article's link as feedd publishes it,
// compared without scheme, with the host lowercased and "index.html" or a missing final '/'
// ignored), then by title (letters and digits, case and punctuation ignored) and publication date
// within a day of each other (the nearest). Drafts are never matched; an article is matched at
// most once (the first entry wins). Deterministic.
Adoption match_published(const std::vector<PublishedEntry>& entries,
                         const std::vector<const Article*>& articles, const Config& config);

}  // namespace feedd
