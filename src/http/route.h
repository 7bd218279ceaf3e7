// Request → response against one snapshot. Pure and total: every request gets a response, nothing
// throws.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "feed/snapshot.h"

namespace feedd::http {

class Metrics;

using Request = boost::beast::http::request<boost::beast::http::string_body>;
// The body points into the snapshot's bytes or into Routed::generated; the caller keeps both
// alive until it is sent.
using Response = boost::beast::http::response<boost::beast::http::span_body<const char>>;

// What route() needs besides the request and the snapshot, passed in to keep it pure.
struct RouteContext {
    std::chrono::system_clock::time_point now{};  // for /healthz's snapshot age
    const Metrics* metrics = nullptr;             // null: /metrics is 404
    std::chrono::seconds max_age{300};            // Cache-Control max-age of snapshot documents
    // Largest N of a feed's ?limit=N (config feeds.limit); 0: the number of entries the feed has.
    std::size_t feed_limit = 0;
};

struct Routed {
    Response response;
    // Owns the body of a generated response (/healthz, /metrics); null when the body points into
    // the snapshot or is static. A shared_ptr, so moving a Routed never moves the bytes.
    std::shared_ptr<const std::string> generated;
};

// `snapshot` may be null (nothing built yet): 503 for everything but /metrics. Targets longer than
// kMaxTarget get 414.
Routed route(const Request& request, const Snapshot* snapshot, const RouteContext& context);

inline constexpr std::size_t kMaxTarget = 2048;

}  // namespace feedd::http
