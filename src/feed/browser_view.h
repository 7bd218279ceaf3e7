// What a browser gets at a feed URL, and where each entry lies in a feed's bytes. Both are read
// back from the stored feed document (RSS 2.0, Atom 1.0 or JSON Feed 1.1), so they depend on the
// writers only through the formats' standards.
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedd {

class Resource;

struct FeedView {
    std::string html;  // a readable page: title, how to subscribe, the entries
    // [begin, end) of each entry (<item>, <entry>, or an "items" member) in the document's bytes,
    // in document order. Cutting after entry N-1 and resuming after the last one gives the same
    // document with only the first N entries (see limit_feed).
    std::vector<std::pair<std::size_t, std::size_t>> entry_spans;
};

// `content_type` picks the format (application/rss+xml, application/atom+xml,
// application/feed+json); `feed_url` is what the page tells readers to subscribe to. The error
// says why the document could not be read.
std::expected<FeedView, std::string> view_feed(std::string_view content_type,
                                               std::string_view document,
                                               std::string_view feed_url);

// The feed `document` with only its first `n` entries (all of them if n >= spans.size()).
std::string limit_feed(std::string_view document,
                       const std::vector<std::pair<std::size_t, std::size_t>>& entry_spans,
                       std::size_t n);

// /feed.xsl: an XSLT stylesheet that renders RSS and Atom for browsers that apply a feed's
// <?xml-stylesheet?>. (Each feed's own browser view is Resource::browser_view.)
std::shared_ptr<Resource> stylesheet_resource();

inline constexpr std::string_view kStylesheetPath = "/feed.xsl";

}  // namespace feedd
