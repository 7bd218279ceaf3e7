// Feed model → document bytes. Pure functions: the same feed always gives the same bytes.
#pragma once

#include <string>
#include <vector>

#include "feed/feed.h"

namespace feedd {

std::string render_rss(const Feed& feed);    // RSS 2.0
std::string render_atom(const Feed& feed);   // Atom 1.0 (RFC 4287)
std::string render_json(const Feed& feed);   // JSON Feed 1.1
std::string render_index_html(const Feed& feed);  // the site's small HTML page with autodiscovery links

// One line of a topic index (/tags/): a tag with its article count and feeds.
struct TopicIndexItem {
    std::string name;
    std::vector<std::string> also;  // other spellings merged into it
    std::size_t count = 0;
    std::string anchor;    // the id of its line (the slug as in URLs)
    std::string page_url;  // its HTML page, or empty
    std::string rss_url;
    std::string atom_url;
    std::string json_url;
};

// An HTML page listing topics: `page` gives the title, language and the site feeds it links.
std::string render_topic_index_html(const Feed& page, const std::vector<TopicIndexItem>& items);

}  // namespace feedd
