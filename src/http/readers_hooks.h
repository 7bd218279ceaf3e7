// What the server tells of the feeds it serves, and the reader numbers it shows, through an
// interface the daemon implements (the readers/ stage counts; http/ only reports and displays).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/cidr.h"
#include "http/media.h"

namespace feedd::http {

// A subscription feed answered with its bytes or a 304: the facts counting needs. `client` is the
// request's client (the proxy's X-Forwarded-For/Forwarded one behind a trusted proxy); it lives
// for the call only and must not be kept.
struct FeedServed {
    std::string_view path;  // without the query: "/feed.xml"
    unsigned status = 200;  // 200 or 304
    std::string_view user_agent;
    const IpAddress& client;
};

// A podcast media response that sent file bytes (200 or 206, never HEAD), told when it ended,
// whole or cut short: `ranges` are the bytes of the file that went out, in the order sent.
struct MediaServed {
    std::string_view path;  // the URL path, "/media/episodes/042.mp3"
    unsigned status = 200;
    std::uint64_t file_size = 0;
    const std::vector<ByteRange>& ranges;
    std::string_view user_agent;
    const IpAddress& client;
};

class ReaderHooks {
  public:
    virtual ~ReaderHooks() = default;
    // On the I/O thread, for every such request: quick, and never waits on anything outside.
    virtual void feed_served(const FeedServed& served) = 0;
    // Likewise, on the I/O thread, for every media response that sent file bytes.
    virtual void media_served(const MediaServed&) {}
    virtual std::string stats_html() = 0;    // GET /stats
    virtual std::string stats_json() = 0;    // GET /stats.json
    virtual std::string metrics_text() = 0;  // appended to /metrics
};

// The request's client: the peer, or, when the peer is a trusted proxy, the last address of
// X-Forwarded-For (or Forwarded: for=) that is not itself a trusted proxy. Unparsable forwarded
// values leave the peer.
IpAddress client_address(const IpAddress& peer, std::string_view x_forwarded_for,
                         std::string_view forwarded, const std::vector<Cidr>& trusted_proxies);

}  // namespace feedd::http
