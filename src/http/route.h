// Request → response against one snapshot. Pure and total: every request gets a response, nothing
// throws.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "feed/snapshot.h"

namespace feedd::http {

class Metrics;
class ReaderHooks;

using Request = boost::beast::http::request<boost::beast::http::string_body>;
// The body points into the snapshot's bytes or into Routed::generated; the caller keeps both
// alive until it is sent.
using Response = boost::beast::http::response<boost::beast::http::span_body<const char>>;

// What route() needs besides the request and the snapshot, passed in to keep it pure.
struct RouteContext {
    std::chrono::system_clock::time_point now{};  // for /healthz's snapshot age
    const Metrics* metrics = nullptr;             // null: /metrics is 404
    ReaderHooks* readers = nullptr;               // null: /stats and /stats.json are 404
    // The client is in server.metrics_allow: /stats, /stats.json and /metrics are 403 to others.
    bool may_see_stats = true;
    std::chrono::seconds max_age{300};  // Cache-Control max-age of snapshot documents
    // Largest N of a feed's ?limit=N (config feeds.limit); 0: the number of entries the feed has.
    std::size_t feed_limit = 0;
    // False on the server's I/O thread: resolve() then never renders a deferred document, parses
    // a feed back for its browser view or entry spans, or compresses; when the answer needs one of
    // those not made yet it says Resolved::needs_preparation instead, and the server runs
    // prepare() on a worker (http/server.h). True: everything is made in place, as route() does.
    bool may_block = true;
};

struct Routed {
    Response response;
    // Owns the body of a generated response (/healthz, /metrics); null when the body points into
    // the snapshot or is static. A shared_ptr, so moving a Routed never moves the bytes.
    std::shared_ptr<const std::string> generated;
};

// `snapshot` may be null (nothing built yet): 503 for everything but /metrics. Targets longer than
// kMaxTarget get 414. resolve(), then respond() when it chose a whole snapshot document.
Routed route(const Request& request, const Snapshot* snapshot, const RouteContext& context);

enum class Coding : unsigned char { identity, gzip, br };

// A request answered with a whole snapshot document (not cut by ?limit=N): 200 or 304 with the
// document's bytes and headers. Everything that response holds is fixed by these fields, the
// request's version, keep-alive and method, and RouteContext::max_age — so the server can build
// its head once per snapshot and reuse it (response_cache.h) instead of building Beast fields per
// request.
struct Served {
    const Resource* document = nullptr;  // the path's resource: Cache-Control and Vary come from it
    const Resource* shown = nullptr;     // `document`, or its browser view for a navigating browser
    Coding coding = Coding::identity;
    bool not_modified = false;  // 304

    std::string_view etag() const;
    // The bytes of `coding`: a compressed variant is made on its first use (feed/snapshot.h).
    const std::string& body() const;
};

// route()'s decision: `served` when a snapshot document answers the request, else `routed` is the
// response. Total: an exception while deciding gives a 500 in `routed`.
struct Resolved {
    std::optional<Served> served;
    Routed routed;
    // Only with RouteContext::may_block false: the answer needs work that is not done yet (a
    // render, a browser view, entry spans, or the compressed variant a 200 or HEAD would carry);
    // `served` and `routed` are empty. prepare() does that work; resolve() then answers at once.
    bool needs_preparation = false;
};
Resolved resolve(const Request& request, const Snapshot* snapshot, const RouteContext& context);

// The work resolve() with may_block false left undone for this request: resolves it with
// may_block true (rendering, parsing back) and makes the chosen variant's body. For a worker
// thread: it may take milliseconds (brotli of a 300 KB feed: 10 ms) or as long as a render. Never
// throws; a render that throws leaves the document unrendered (resolve() keeps saying
// needs_preparation, which the server answers with 500).
void prepare(const Request& request, const Snapshot& snapshot, const RouteContext& context);

// The response route() gives for `served` (a HEAD's body is cleared by route(), not here). Throws
// only what allocation or a variant's compression throws.
Response respond(const Served& served, unsigned version, bool keep_alive,
                 std::chrono::seconds max_age);

inline constexpr std::size_t kMaxTarget = 2048;

}  // namespace feedd::http
