// The immutable set of documents that one build produced, and the slot that publishes it.
//
// Immutable means: every byte a client can get from a snapshot is fixed when the snapshot is made.
// Some of those bytes are computed the first time they are asked for rather than up front — the
// compressed variants, a feed's browser view, and the documents few clients ask for (tag, section
// and author feeds, archive pages, the tag index). Each is computed once (std::call_once) by
// whichever thread asks first and is a pure function of what the snapshot already holds, so a
// request handler that triggers it still only reads the snapshot. The HTTP server leaves that work
// to its worker threads: its I/O thread asks only the non-blocking queries (Document::rendered(),
// Resource::*_ready()) and never calls an accessor that would compute or wait. Why: at 10k articles
// a site has about 2,600 documents; rendering and compressing all of them at every build took
// seconds and hundreds of MB, for documents most of which no one requests before the next build
// (docs/feeds.md, docs/benchmarks.md).
#pragma once

#include <atomic>
#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feed/feed.h"

namespace feedd {

using EntrySpans = std::vector<std::pair<std::size_t, std::size_t>>;

// One document as served: bytes, validators and headers. Not copyable: snapshots share it.
class Resource {
  public:
    // ETags (identity, gzip, brotli) come from the body's bytes.
    Resource(std::string content_type, std::string body, Seconds last_modified);
    Resource(const Resource&) = delete;
    Resource& operator=(const Resource&) = delete;

    std::string content_type;
    std::string body;
    std::string etag;       // strong, quoted: "\"…\""
    std::string gzip_etag;  // distinct ETag for the gzip variant
    std::string br_etag;    // distinct ETag for the brotli variant
    Seconds last_modified{};
    std::string self_url;  // a feed's public URL, exactly as announced to hubs ("" for pages)
    std::string
        link_header;  // WebSub discovery (RFC 8288): the hubs and the self URL ("" for pages)
    // A closed RFC 5005 archive page: its bytes never change as articles are added, so it may be
    // cached for a year ("Cache-Control: public, max-age=31536000, immutable").
    bool immutable = false;

    // Computed on first use, once. A thread that calls one while another is computing it waits
    // for it: the HTTP server's I/O thread asks the *_ready() queries first and leaves the work to
    // its workers (http/route.h, RouteContext::may_block).
    const std::string& gzip_body() const;
    const std::string& br_body() const;
    // Whether gzip_body(), br_body() and browser_view()/entry_spans() are made: then they return
    // at once. Never block (an atomic load each).
    bool gzip_ready() const { return gzip_ready_.load(std::memory_order_acquire); }
    bool br_ready() const { return br_ready_.load(std::memory_order_acquire); }
    bool view_ready() const { return view_ready_.load(std::memory_order_acquire); }
    // Feeds only (a self URL; feed/browser_view.h): the HTML page a browser navigating to the feed
    // gets, with its own encodings and ETags; nullptr for pages, or if the feed cannot be read
    // back (validate_snapshot reports that).
    const Resource* browser_view() const;
    // Where each entry lies in body (for ?limit=N); empty for pages.
    const EntrySpans& entry_spans() const;
    // Computes the gzip variant now, so that no feed reader waits for it (readers ask for gzip).
    // Brotli (4 MB of encoder state and 10 ms for a 300 KB feed, compress.h) is left to the first
    // client that prefers it, and the browser view to the first browser that navigates to the
    // feed: making them (parsing the feed back, rendering, compressing) after every rebuild would
    // double its work and its peak memory for a rarer client.
    void prepare() const;

  private:
    void make_view() const;

    mutable std::once_flag gzip_once_, br_once_, view_once_;
    mutable std::string gzip_body_, br_body_;
    mutable std::unique_ptr<const Resource> view_;
    mutable EntrySpans entry_spans_;
    // Set at the end of each call_once body, after what it made: read first, they spare the
    // accessors call_once (and a wait when another thread is still inside it).
    mutable std::atomic<bool> gzip_ready_{false}, br_ready_{false}, view_ready_{false};
};

// A rendered resource, or why the document could not be made.
using Rendered = std::expected<std::shared_ptr<const Resource>, std::string>;

// A path's document: rendered when the snapshot was made, or deferred until first asked for.
class Document {
  public:
    explicit Document(std::shared_ptr<const Resource> ready);
    // `version` names the state of the inputs `render` reads (a fingerprint): it changes when the
    // document's bytes may have, and announcements to hubs are made from it without rendering.
    Document(std::function<Rendered()> render, std::string self_url, std::string version);
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;

    // Renders on first use; nullptr if rendering failed (then error() says why). Rethrows what
    // `render` throws, and tries again on the next call. A thread that calls it while another
    // renders waits for that render.
    const Resource* get() const;
    const std::string& error() const { return error_; }
    // True once get() returns at once (rendered, or failed). Never blocks. Stays false after a
    // render that threw.
    bool rendered() const { return rendered_.load(std::memory_order_acquire); }
    const std::string& self_url() const { return self_url_; }
    const std::string& version() const { return version_; }

  private:
    mutable std::once_flag once_;
    mutable std::function<Rendered()> render_;  // released once used
    mutable std::shared_ptr<const Resource> resource_;
    mutable std::string error_;
    mutable std::atomic<bool> rendered_{false};
    std::string self_url_;
    std::string version_;
};

struct BuildInfo {
    std::size_t articles =
        0;  // published articles (make_snapshot: the feed's entries; the daemon: all)
    std::size_t problems = 0;
    std::chrono::system_clock::time_point built_at{};
    std::chrono::microseconds duration{};
};

struct Snapshot {
    // By URL path: "/feed.xml". Documents are shared with the snapshots before and after this one
    // when their inputs did not change.
    std::map<std::string, std::shared_ptr<const Document>, std::less<>> resources;
    BuildInfo info;

    // The document at `path`, rendered if it was deferred; nullptr if there is none or it failed.
    const Resource* find(std::string_view path) const;
    const Document* document(std::string_view path) const;
    // Like find, but throws std::out_of_range naming the path (for callers that know it is there).
    const Resource& at(std::string_view path) const;
    void add(std::string path, std::shared_ptr<const Resource> resource);
};

// Renders every document of the feed: /feed.xml, /atom.xml, /feed.json, / (index.html) and the
// stylesheet /feed.xsl.
Snapshot make_snapshot(const Feed& feed);

// The resources of one feed (RSS, Atom, JSON, each with its self URL and WebSub Link header),
// added under `folder` + "feed.xml", "atom.xml", "feed.json" ("/" or "/tags/t%C3%BCrkiye/").
void add_feed_resources(Snapshot& snapshot, std::string_view folder, const Feed& feed);

// One feed document: "feed.xml" (RSS), "atom.xml" or "feed.json", with its self URL and Link
// header.
std::shared_ptr<Resource> make_feed_resource(std::string_view name, const Feed& feed);

// A resource from a rendered body: ETags. No self URL (pages and archive documents).
std::shared_ptr<Resource> make_page_resource(std::string content_type, std::string body,
                                             Seconds last_modified);

// Where the current snapshot lives. Readers take a reference that keeps their snapshot alive
// while a rebuild swaps in the next one.
class SnapshotSlot {
  public:
    std::shared_ptr<const Snapshot> load() const {
        return current_.load(std::memory_order_acquire);
    }
    void store(std::shared_ptr<const Snapshot> next) {
        current_.store(std::move(next), std::memory_order_release);
    }

  private:
    std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace feedd
