// HTTP request handling: raw bytes as a client would send them on one connection (pipelined
// requests allowed), read with Beast's parser under the server's limits, answered by route()
// against a built snapshot — or rejected cleanly, as the server does.
// Byte 0: bit 0 = no snapshot yet (503s), bit 1 = no metrics (/metrics is 404).
// Invariants: every response has a registered status; Content-Length equals the body's size
// (for HEAD: the size GET would send, with an empty body); 304s have no body; the serialized
// response parses back as HTTP with the same status and body.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "feed/feed.h"
#include "feed/snapshot.h"
#include "fuzz/fuzz_support.h"
#include "http/metrics.h"
#include "http/responses.h"
#include "http/route.h"
#include "http/server.h"

namespace {

namespace bhttp = boost::beast::http;
using namespace std::chrono;
using feedd::http::Response;

const feedd::Snapshot& snapshot() {
    static const feedd::Snapshot built = [] {
        std::vector<feedd::Article> articles(3);
        for (int i = 0; i < 3; ++i) {
            feedd::Article& a = articles[static_cast<std::size_t>(i)];
            a.path = "news/article-" + std::to_string(i) + ".md";
            a.title = "Article " + std::to_string(i);
            a.date = sys_days{year{2026} / January / (10 + i)};
            a.summary = "Summary " + std::to_string(i);
            a.content_html = "<p>Body " + std::to_string(i) + "</p>";
        }
        feedd::Config config = feedd::fuzz::site_config();
        config.ping.websub = {{"https://hub.example.org/", false}};
        return feedd::make_snapshot(
            feedd::make_feed(articles, config, sys_days{year{2026} / February / 1}));
    }();
    return built;
}

feedd::http::Metrics& metrics() {
    static feedd::http::Metrics m;
    return m;
}

std::size_t content_length(const Response& res) {
    const auto found = res.find(bhttp::field::content_length);
    FEEDD_FUZZ_CHECK(found != res.end(), "status %u without Content-Length", res.result_int());
    const std::string_view value = found->value();
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    FEEDD_FUZZ_CHECK(ec == std::errc{} && end == value.data() + value.size(),
                     "Content-Length '%.*s'", int(value.size()), value.data());
    return n;
}

// `get_length`: for a HEAD, the Content-Length the same request as GET gets.
void check_response(const Response& res, bool head, std::size_t get_length) {
    const unsigned code = res.result_int();
    FEEDD_FUZZ_CHECK(code >= 200 && code <= 599, "status %u", code);
    FEEDD_FUZZ_CHECK(bhttp::obsolete_reason(res.result()) != "<unknown-status>", "status %u", code);
    const std::size_t body = res.body().size();
    if (code == 304) {
        FEEDD_FUZZ_CHECK(body == 0, "304 with a body");
    } else if (head) {
        FEEDD_FUZZ_CHECK(body == 0, "HEAD with a body");
        FEEDD_FUZZ_CHECK(content_length(res) == get_length, "HEAD length %zu, GET %zu",
                         content_length(res), get_length);
    } else {
        FEEDD_FUZZ_CHECK(content_length(res) == body, "Content-Length %zu, body %zu",
                         content_length(res), body);
    }

    std::ostringstream wire;
    wire << res;
    const std::string bytes = wire.str();
    bhttp::response_parser<bhttp::string_body> back;
    back.body_limit(64 * 1024 * 1024);
    back.skip(head || code == 304);
    back.eager(true);
    boost::beast::error_code ec;
    std::string_view unread = bytes;
    while (!back.is_done() && !ec && !unread.empty()) {
        unread.remove_prefix(back.put(boost::asio::buffer(unread.data(), unread.size()), ec));
    }
    if (!back.is_done() && !ec) back.put_eof(ec);
    FEEDD_FUZZ_CHECK(!ec && back.is_done(), "the response does not parse back: %s",
                     ec.message().c_str());
    FEEDD_FUZZ_CHECK(back.get().result_int() == code, "status changed on the wire");
    if (!head && code != 304) {
        FEEDD_FUZZ_CHECK(back.get().body() == std::string_view(res.body().data(), body),
                         "body changed on the wire");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const feedd::Snapshot* snap = (data[0] & 1) ? nullptr : &snapshot();
    feedd::http::RouteContext context;
    context.now = sys_days{year{2026} / February / 1};
    context.metrics = (data[0] & 2) ? nullptr : &metrics();
    const feedd::http::ServerLimits limits;

    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    for (int served = 0; served < 16 && !rest.empty(); ++served) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
        parser.body_limit(limits.body_limit);
        boost::beast::error_code ec;
        while (!parser.is_done()) {
            const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
            rest.remove_prefix(used);
            if (ec == bhttp::error::need_more) ec = {};
            if (ec) break;
            if (used == 0) {  // the input ended inside this request: the client closed
                parser.put_eof(ec);
                break;
            }
        }
        if (ec || !parser.is_done()) {
            // The server answers a malformed request with a short text response and closes.
            check_response(
                feedd::http::text_response(bhttp::status::bad_request, "Malformed.\n", 11, false),
                false, 0);
            return 0;
        }
        feedd::http::Request& request = parser.get();
        // tests/fuzz/findings/http-date-ub: date::parse inside parse_http_date has undefined
        // behaviour on some If-Modified-Since values; while that is open, they are not sent.
        if (feedd::fuzz::is_known_finding("http-date-ub"))
            request.erase(bhttp::field::if_modified_since);
        if (static_cast<std::size_t>(std::distance(request.begin(), request.end())) >
            limits.header_fields_limit) {
            return 0;  // the server's 431, before route()
        }
        const feedd::http::Routed routed = feedd::http::route(request, snap, context);
        const bool head = request.method() == bhttp::verb::head;
        std::size_t get_length = 0;
        if (head) {
            feedd::http::Request as_get = request;
            as_get.method(bhttp::verb::get);
            const feedd::http::Routed got = feedd::http::route(as_get, snap, context);
            FEEDD_FUZZ_CHECK(got.response.result() == routed.response.result(), "HEAD %u, GET %u",
                             routed.response.result_int(), got.response.result_int());
            // Generated bodies (/metrics) may differ between two calls; the snapshot's do not.
            get_length =
                got.generated ? content_length(routed.response) : got.response.body().size();
        }
        check_response(routed.response, head, get_length);
        metrics().record_response(request.target(), routed.response.result_int(),
                                  routed.response.body().size());
        if (!routed.response.keep_alive()) return 0;
    }
    return 0;
}
