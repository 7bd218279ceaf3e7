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

// Two entries at known places; route() only copies bytes, so they need not be valid XML.
constexpr std::string_view kRss = "<rss><channel><t/><item>A</item>\n<item>B</item>\n</channel></rss>";

Snapshot variant_snapshot() {
    Snapshot snapshot;
    Resource rss;
    rss.content_type = "application/rss+xml; charset=utf-8";
    rss.body = kRss;
    rss.gzip_body = "pretend-gzip";
    rss.br_body = "pretend-br";
    rss.etag = "\"rss-1\"";
    rss.gzip_etag = "\"rss-1-gz\"";
    rss.br_etag = "\"rss-1-br\"";
    rss.self_url = "https://feeds.example.org/feed.xml";
    const std::size_t a = kRss.find("<item>A");
    const std::size_t b = kRss.find("<item>B");
    rss.entry_spans = {{a, a + 14}, {b, b + 14}};
    Resource html;
    html.content_type = "text/html; charset=utf-8";
    html.body = "<!DOCTYPE html><h1>feed</h1>";
    html.gzip_body = "pretend-html-gzip";
    html.br_body = "pretend-html-br";
    html.etag = "\"html-1\"";
    html.gzip_etag = "\"html-1-gz\"";
    html.br_etag = "\"html-1-br\"";
    rss.browser_view = std::make_shared<const Resource>(html);
    snapshot.resources.emplace("/feed.xml", rss);

    Resource page;  // gzip only, not a feed
    page.content_type = "text/html; charset=utf-8";
    page.body = "<!doctype html><title>site</title>";
    page.gzip_body = "pretend-page-gzip";
    page.etag = "\"page-1\"";
    page.gzip_etag = "\"page-1-gz\"";
    snapshot.resources.emplace("/", page);

    Resource archive = page;
    archive.immutable = true;
    snapshot.resources.emplace("/archive/1.xml", archive);
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
    const Resource& rss = snapshot.resources.at("/feed.xml");
    const Resource& html = *rss.browser_view;
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
    EXPECT_EQ(header(res, field::etag), "\"rss-1-br\"");
    EXPECT_EQ(header(res, field::content_length), std::to_string(rss.br_body.size()));
    EXPECT_EQ(body(res), rss.br_body);
    EXPECT_EQ(res.body().data(), rss.br_body.data()) << "served from the snapshot, not copied";
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
    // A resource without a brotli variant falls back to the client's next choice.
    EXPECT_EQ(encoding("br, gzip;q=0.5", "/"), "gzip");
    EXPECT_EQ(encoding("br", "/"), "identity");
}

TEST_F(RouteVariantsTest, IfNoneMatchAcceptsAnyEncodingsEtagAndAnswersWithTheChosenOne) {
    for (const char* tag : {"\"rss-1\"", "\"rss-1-gz\"", "W/\"rss-1-br\""}) {
        Request req = request("/feed.xml", "br");
        req.set(field::if_none_match, tag);
        const Routed routed = get(req);
        EXPECT_EQ(routed.response.result(), status::not_modified) << tag;
        EXPECT_EQ(header(routed.response, field::etag), "\"rss-1-br\"") << tag;
        EXPECT_EQ(header(routed.response, field::vary), kFeedVary);
        EXPECT_EQ(routed.response.body().size(), 0u);
    }
    Request req = request("/feed.xml", "br");
    req.set(field::if_none_match, "\"html-1\"");
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
        EXPECT_EQ(header(res, field::etag), "\"html-1-br\"");
        EXPECT_EQ(body(res), html.br_body);
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
    EXPECT_EQ(header(routed.response, field::etag), "\"rss-1\"");
}

TEST_F(RouteVariantsTest, HtmlViewRevalidatesWithItsOwnEtags) {
    Request req = request("/feed.xml", "gzip");
    req.set("Sec-Fetch-Dest", "document");
    req.set(field::if_none_match, "\"html-1-br\"");
    const Routed hit = get(req);
    EXPECT_EQ(hit.response.result(), status::not_modified);
    EXPECT_EQ(header(hit.response, field::etag), "\"html-1-gz\"");
    req.set(field::if_none_match, "\"rss-1\"");
    EXPECT_EQ(get(req).response.result(), status::ok) << "a cached feed is not the page";
}

TEST_F(RouteVariantsTest, PagesVaryOnEncodingOnly) {
    Request req = request("/", "gzip");
    req.set("Sec-Fetch-Mode", "navigate");
    const Routed routed = get(req);
    EXPECT_EQ(header(routed.response, field::vary), "Accept-Encoding");
    EXPECT_EQ(body(routed.response), "pretend-page-gzip");
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
    EXPECT_EQ(body(res), "<rss><channel><t/><item>A</item>\n</channel></rss>");
    EXPECT_EQ(header(res, field::content_length), std::to_string(body(res).size()));
    EXPECT_EQ(header(res, field::etag), "\"rss-1-n1\"");
    EXPECT_EQ(res.count(field::content_encoding), 0u) << "cut feeds are sent as they are";
    EXPECT_EQ(header(res, field::vary), kFeedVary);
    ASSERT_NE(routed.generated, nullptr) << "the body must be owned by the Routed";

    Request again = request("/feed.xml?limit=1");
    again.set(field::if_none_match, "\"rss-1-n1\"");
    EXPECT_EQ(get(again).response.result(), status::not_modified);
    again.set(field::if_none_match, "\"rss-1\"");
    EXPECT_EQ(get(again).response.result(), status::ok) << "the full feed is another document";
}

TEST_F(RouteVariantsTest, LimitAtOrAboveTheEntryCountIsTheWholeFeed) {
    context.feed_limit = 50;
    for (const char* target : {"/feed.xml?limit=2", "/feed.xml?x=1&limit=50"}) {
        const Routed routed = get(request(target, "br"));
        EXPECT_EQ(routed.response.result(), status::ok) << target;
        EXPECT_EQ(header(routed.response, field::etag), "\"rss-1-br\"") << target;
        EXPECT_EQ(body(routed.response), rss.br_body) << target;
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
