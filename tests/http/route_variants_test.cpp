// route()'s representation choice: brotli/gzip/identity, the browser view, ?limit=N, immutable.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "http/route.h"

namespace feedd::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

constexpr const char* kFeedVary = "Accept-Encoding, Sec-Fetch-Mode, Sec-Fetch-Dest";

// A feed of two entries; its browser view and entry spans are read back from these bytes.
constexpr std::string_view kRss =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>T</title>"
    "<link>https://feeds.example.org/</link><description>d</description>"
    "<item><title>A</title></item>\n<item><title>B</title></item>\n</channel></rss>";

Snapshot variant_snapshot() {
    Snapshot snapshot;
    auto rss = make_page_resource("application/rss+xml; charset=utf-8", std::string(kRss), Seconds{});
    rss->self_url = "https://feeds.example.org/feed.xml";
    snapshot.add("/feed.xml", rss);
    snapshot.add("/", make_page_resource("text/html; charset=utf-8", "<!doctype html><title>site</title>", Seconds{}));
    auto archive = make_page_resource("application/rss+xml; charset=utf-8", std::string(kRss), Seconds{});
    archive->immutable = true;
    snapshot.add("/archive/1.xml", archive);
    return snapshot;
}

std::string header(const Response& res, field name) {
    return std::string(res[name]);
}
std::string body(const Response& res) {
    return std::string(res.body().data(), res.body().size());
}

class RouteVariantsTest : public ::testing::Test {
  protected:
    Snapshot snapshot = variant_snapshot();
    const Resource& rss = snapshot.at("/feed.xml");
    const Resource& html = *rss.browser_view();
    const Resource& page = snapshot.at("/");
    RouteContext context;

    Request request(std::string_view target, std::string_view accept = {},
                    verb method = verb::get) {
        Request req{method, target, 11};
        req.set(field::host, "feeds.example.org");
        if (!accept.empty()) req.set(field::accept_encoding, accept);
        return req;
    }
    Routed get(const Request& req) { return route(req, &snapshot, context); }
    std::string encoding(std::string_view accept, std::string_view path = "/feed.xml") {
        const Routed routed = get(request(path, accept));
        const auto& res = routed.response;
        return res.count(field::content_encoding) ? header(res, field::content_encoding)
                                                  : "identity";
    }
};

TEST_F(RouteVariantsTest, BrotliBodyWithItsOwnEtagAndLength) {
    const Routed routed = get(request("/feed.xml", "gzip, deflate, br"));
    const Response& res = routed.response;
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(header(res, field::content_encoding), "br");
    EXPECT_EQ(header(res, field::etag), rss.br_etag);
    EXPECT_EQ(header(res, field::content_length), std::to_string(rss.br_body().size()));
    EXPECT_EQ(body(res), rss.br_body());
    EXPECT_EQ(res.body().data(), rss.br_body().data()) << "served from the snapshot, not copied";
    EXPECT_EQ(header(res, field::vary), kFeedVary);
    EXPECT_EQ(header(res, field::content_type), rss.content_type);
}

TEST_F(RouteVariantsTest, EncodingFollowsQValuesAndPrefersBrotliOnTies) {
    EXPECT_EQ(encoding(""), "identity");
    EXPECT_EQ(encoding("br"), "br");
    EXPECT_EQ(encoding("gzip, br"), "br");
    EXPECT_EQ(encoding("gzip;q=0.5, br;q=0.5"), "br");
    EXPECT_EQ(encoding("br;q=0.5, gzip"), "gzip");
    EXPECT_EQ(encoding("br;q=0, gzip"), "gzip");
    EXPECT_EQ(encoding("br;q=0, *"), "gzip");
    EXPECT_EQ(encoding("*;q=0.8"), "br");
    EXPECT_EQ(encoding("*;q=0.8, br;q=0.1"), "gzip");
    EXPECT_EQ(encoding("BR;Q=1"), "br");
    EXPECT_EQ(encoding("identity;q=1, br;q=0.5, gzip;q=0.5"), "identity");
    EXPECT_EQ(encoding("identity;q=0.5, br;q=0.6"), "br");
    EXPECT_EQ(encoding("br;q=2, gzip"), "gzip") << "a malformed q drops its member";
    EXPECT_EQ(encoding("deflate, zstd"), "identity");
    EXPECT_EQ(encoding("br;q=0, gzip;q=0"), "identity");
}

TEST_F(RouteVariantsTest, IfNoneMatchAcceptsAnyEncodingsEtagAndAnswersWithTheChosenOne) {
    for (const std::string& tag : {rss.etag, rss.gzip_etag, "W/" + rss.br_etag}) {
        Request req = request("/feed.xml", "br");
        req.set(field::if_none_match, tag);
        const Routed routed = get(req);
        EXPECT_EQ(routed.response.result(), status::not_modified) << tag;
        EXPECT_EQ(header(routed.response, field::etag), rss.br_etag) << tag;
        EXPECT_EQ(header(routed.response, field::vary), kFeedVary);
        EXPECT_EQ(routed.response.body().size(), 0u);
    }
    Request req = request("/feed.xml", "br");
    req.set(field::if_none_match, html.etag);
    EXPECT_EQ(get(req).response.result(), status::ok) << "the HTML view's tag is not the feed's";
}

TEST_F(RouteVariantsTest, HeadEqualsGetWithoutBodyForEveryVariant) {
    for (const char* accept : {"", "gzip", "br"}) {
        for (const bool browser : {false, true}) {
            Request get_req = request("/feed.xml", accept);
            Request head_req = request("/feed.xml", accept, verb::head);
            if (browser) {
                get_req.set("Sec-Fetch-Mode", "navigate");
                head_req.set("Sec-Fetch-Mode", "navigate");
            }
            const Routed got = get(get_req);
            const Routed head = get(head_req);
            EXPECT_EQ(head.response.result(), got.response.result());
            for (const field f : {field::content_type, field::content_length, field::etag,
                                  field::content_encoding, field::vary, field::cache_control}) {
                EXPECT_EQ(header(head.response, f), header(got.response, f)) << accept;
            }
            EXPECT_GT(got.response.body().size(), 0u);
            EXPECT_EQ(head.response.body().size(), 0u);
        }
    }
}

TEST_F(RouteVariantsTest, BrowsersNavigatingGetTheHtmlView) {
    for (const auto& [name, value] : {std::pair{"Sec-Fetch-Mode", "navigate"},
                                      std::pair{"Sec-Fetch-Dest", "document"}}) {
        Request req = request("/feed.xml", "br");
        req.set(name, value);
        const Routed routed = get(req);
        const Response& res = routed.response;
        EXPECT_EQ(res.result(), status::ok);
        EXPECT_EQ(header(res, field::content_type), "text/html; charset=utf-8");
        EXPECT_EQ(header(res, field::content_encoding), "br");
        EXPECT_EQ(header(res, field::etag), html.br_etag);
        EXPECT_EQ(body(res), html.br_body());
        EXPECT_EQ(header(res, field::vary), kFeedVary);
    }
    Request plain = request("/feed.xml");
    plain.set("Sec-Fetch-Mode", "navigate");
    EXPECT_EQ(body(get(plain).response), html.body);
}

TEST_F(RouteVariantsTest, ReadersAndScriptsKeepTheFeedBytes) {
    Request reader = request("/feed.xml");
    reader.set(field::accept, "application/rss+xml, text/html;q=0.5");  // text/html alone is no sign
    EXPECT_EQ(body(get(reader).response), rss.body);
    Request fetch = request("/feed.xml");
    fetch.set("Sec-Fetch-Mode", "cors");
    fetch.set("Sec-Fetch-Dest", "empty");
    const Routed routed = get(fetch);
    EXPECT_EQ(body(routed.response), rss.body);
    EXPECT_EQ(header(routed.response, field::etag), rss.etag);
}

TEST_F(RouteVariantsTest, HtmlViewRevalidatesWithItsOwnEtags) {
    Request req = request("/feed.xml", "gzip");
    req.set("Sec-Fetch-Dest", "document");
    req.set(field::if_none_match, html.br_etag);
    const Routed hit = get(req);
    EXPECT_EQ(hit.response.result(), status::not_modified);
    EXPECT_EQ(header(hit.response, field::etag), html.gzip_etag);
    req.set(field::if_none_match, rss.etag);
    EXPECT_EQ(get(req).response.result(), status::ok) << "a cached feed is not the page";
}

TEST_F(RouteVariantsTest, PagesVaryOnEncodingOnly) {
    Request req = request("/", "gzip");
    req.set("Sec-Fetch-Mode", "navigate");
    const Routed routed = get(req);
    EXPECT_EQ(header(routed.response, field::vary), "Accept-Encoding");
    EXPECT_EQ(body(routed.response), page.gzip_body());
}

TEST_F(RouteVariantsTest, ImmutableResourcesAreCachedForAYear) {
    const Routed routed = get(request("/archive/1.xml"));
    EXPECT_EQ(header(routed.response, field::cache_control),
              "public, max-age=31536000, immutable");
    EXPECT_EQ(header(get(request("/feed.xml")).response, field::cache_control),
              "public, max-age=300");
}

TEST_F(RouteVariantsTest, LimitCutsTheFeedWithItsOwnEtag) {
    const Routed routed = get(request("/feed.xml?limit=1", "br, gzip"));
    const Response& res = routed.response;
    EXPECT_EQ(res.result(), status::ok);
    std::string expected(kRss);
    expected.erase(expected.find("\n<item><title>B"), std::string_view("\n<item><title>B</title></item>").size());
    EXPECT_EQ(body(res), expected);
    EXPECT_EQ(header(res, field::content_length), std::to_string(body(res).size()));
    EXPECT_EQ(header(res, field::etag), rss.etag.substr(0, rss.etag.size() - 1) + "-n1\"");
    EXPECT_EQ(res.count(field::content_encoding), 0u) << "cut feeds are sent as they are";
    EXPECT_EQ(header(res, field::vary), kFeedVary);
    ASSERT_NE(routed.generated, nullptr) << "the body must be owned by the Routed";

    Request again = request("/feed.xml?limit=1");
    again.set(field::if_none_match, rss.etag.substr(0, rss.etag.size() - 1) + "-n1\"");
    EXPECT_EQ(get(again).response.result(), status::not_modified);
    again.set(field::if_none_match, rss.etag);
    EXPECT_EQ(get(again).response.result(), status::ok) << "the full feed is another document";
}

TEST_F(RouteVariantsTest, LimitAtOrAboveTheEntryCountIsTheWholeFeed) {
    context.feed_limit = 50;
    for (const char* target : {"/feed.xml?limit=2", "/feed.xml?x=1&limit=50"}) {
        const Routed routed = get(request(target, "br"));
        EXPECT_EQ(routed.response.result(), status::ok) << target;
        EXPECT_EQ(header(routed.response, field::etag), rss.br_etag) << target;
        EXPECT_EQ(body(routed.response), rss.br_body()) << target;
    }
}

TEST_F(RouteVariantsTest, LimitOutsideOneToFeedLimitIs400) {
    context.feed_limit = 50;
    for (const char* target :
         {"/feed.xml?limit=0", "/feed.xml?limit=51", "/feed.xml?limit=", "/feed.xml?limit",
          "/feed.xml?limit=abc", "/feed.xml?limit=1x", "/feed.xml?limit=-1", "/feed.xml?limit=+1",
          "/feed.xml?limit=99999999999999999999999"}) {
        EXPECT_EQ(get(request(target)).response.result(), status::bad_request) << target;
    }
    context.feed_limit = 0;  // unconfigured: the feed's own entry count is the bound
    EXPECT_EQ(get(request("/feed.xml?limit=3")).response.result(), status::bad_request);
    EXPECT_EQ(get(request("/feed.xml?limit=2")).response.result(), status::ok);
}

TEST_F(RouteVariantsTest, LimitIsIgnoredOnPagesAndGivesBrowsersThePage) {
    EXPECT_EQ(get(request("/?limit=abc")).response.result(), status::ok);
    Request req = request("/feed.xml?limit=1");
    req.set("Sec-Fetch-Mode", "navigate");
    EXPECT_EQ(body(get(req).response), html.body);
}

}  // namespace
}  // namespace feedd::http
