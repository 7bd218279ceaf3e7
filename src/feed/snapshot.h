// The immutable set of documents that one build produced, and the slot that publishes it.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feed/feed.h"

namespace feedd {

struct Resource {
    std::string content_type;
    std::string body;
    std::string gzip_body;  // gzip of body, computed once per snapshot
    std::string etag;       // strong, quoted: "\"…\"", from the body's bytes
    std::string gzip_etag;  // distinct ETag for the gzip variant
    Seconds last_modified{};
    std::string self_url;     // a feed's public URL, exactly as announced to hubs ("" for pages)
    std::string link_header;  // WebSub discovery (RFC 8288): the hubs and the self URL ("" for pages)
    std::string br_body;  // brotli of body, computed once per snapshot
    std::string br_etag;  // distinct ETag for the brotli variant
    // Feeds only (feed/browser_view.h): the HTML page a browser navigating to the feed gets, with
    // its own encodings and ETags, and where each entry lies in body (for ?limit=N).
    std::shared_ptr<const Resource> browser_view;
    std::vector<std::pair<std::size_t, std::size_t>> entry_spans;
    // A closed RFC 5005 archive page: its bytes never change as articles are added, so it may be
    // cached for a year ("Cache-Control: public, max-age=31536000, immutable").
    bool immutable = false;
};

struct BuildInfo {
    std::size_t articles = 0;   // published articles (make_snapshot: the feed's entries; the daemon: all)
    std::size_t problems = 0;
    std::chrono::system_clock::time_point built_at{};
    std::chrono::microseconds duration{};
};

struct Snapshot {
    std::map<std::string, Resource, std::less<>> resources;  // by URL path: "/feed.xml"
    BuildInfo info;

    const Resource* find(std::string_view path) const;
};

// Renders every document of the feed: /feed.xml, /atom.xml, /feed.json and / (index.html).
Snapshot make_snapshot(const Feed& feed);

// The resources of one feed (RSS, Atom, JSON, each with its self URL and WebSub Link header),
// added under `folder` + "feed.xml", "atom.xml", "feed.json" ("/" or "/tags/t%C3%BCrkiye/").
void add_feed_resources(Snapshot& snapshot, std::string_view folder, const Feed& feed);

// A resource from a rendered body: ETags, gzip. No self URL (pages and archive documents).
Resource make_page_resource(std::string content_type, std::string body, Seconds last_modified);

// Where the current snapshot lives. Readers take a reference that keeps their snapshot alive
// while a rebuild swaps in the next one.
class SnapshotSlot {
public:
    std::shared_ptr<const Snapshot> load() const { return current_.load(std::memory_order_acquire); }
    void store(std::shared_ptr<const Snapshot> next) {
        current_.store(std::move(next), std::memory_order_release);
    }

private:
    std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace feedd
