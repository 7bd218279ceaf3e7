#include "http/route.h"

#include <feedd/version.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace feedd::http {
namespace {

using namespace std::chrono;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

constexpr sys_seconds kModified = sys_days{1994y / November / 6} + 8h + 49min + 37s;
constexpr const char* kModifiedText = "Sun, 06 Nov 1994 08:49:37 GMT";

Snapshot sample_snapshot() {
    Snapshot snapshot;
    Resource rss;
    rss.content_type = "application/rss+xml; charset=utf-8";
    rss.body = "<rss version=\"2.0\"><channel/></rss>";
    rss.gzip_body = "pretend-gzip";  // route() never inspects the bytes
    rss.etag = "\"rss-1\"";
    rss.gzip_etag = "\"rss-1-gz\"";
    rss.last_modified = kModified;
    snapshot.resources.emplace("/feed.xml", rss);

    Resource index;
    index.content_type = "text/html; charset=utf-8";
    index.body = "<!doctype html><title>site</title>";
    index.etag = "\"index-1\"";  // no gzip variant
    index.last_modified = kModified;
    snapshot.resources.emplace("/", index);
    return snapshot;
}

Request request(std::string_view target, verb method = verb::get) {
    Request req{method, target, 11};
    req.set(field::host, "feeds.example.org");
    return req;
}

std::string header(const Response& res, field name) {
    return std::string(res[name]);
}
std::string body(const Response& res) {
    return std::string(res.body().data(), res.body().size());
}

class RouteTest : public ::testing::Test {
  protected:
    Snapshot snapshot = sample_snapshot();
    const Resource& rss = snapshot.resources.at("/feed.xml");
    Response get(const Request& req) { return route(req, &snapshot); }
};

TEST_F(RouteTest, ServesFeedWithAllHeaders) {
    const Response res = get(request("/feed.xml"));
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(header(res, field::content_type), rss.content_type);
    EXPECT_EQ(header(res, field::content_length), std::to_string(rss.body.size()));
    EXPECT_EQ(header(res, field::etag), "\"rss-1\"");
    EXPECT_EQ(header(res, field::last_modified), kModifiedText);
    EXPECT_EQ(header(res, field::cache_control), "public, max-age=300");
    EXPECT_EQ(header(res, field::vary), "Accept-Encoding");
    EXPECT_EQ(header(res, field::server), std::string("feedd/") + kVersion);
    EXPECT_EQ(res.count(field::content_encoding), 0u);
    EXPECT_EQ(body(res), rss.body);
    EXPECT_EQ(res.body().data(), rss.body.data()) << "the body must point into the snapshot";
    EXPECT_TRUE(res.keep_alive());
}

TEST_F(RouteTest, HeadHasTheHeadersOfGetAndNoBody) {
    for (const char* accept : {"", "gzip"}) {
        Request get_req = request("/feed.xml");
        Request head_req = request("/feed.xml", verb::head);
        if (*accept) {
            get_req.set(field::accept_encoding, accept);
            head_req.set(field::accept_encoding, accept);
        }
        const Response got = get(get_req);
        const Response head = get(head_req);
        EXPECT_EQ(head.result(), got.result());
        EXPECT_EQ(head.body().size(), 0u);
        EXPECT_GT(got.body().size(), 0u);
        std::size_t fields = 0;
        for (const auto& f : got) {
            ++fields;
            EXPECT_EQ(head[f.name_string()], f.value()) << f.name_string();
        }
        EXPECT_EQ(std::distance(head.begin(), head.end()), static_cast<long>(fields));
    }
}

TEST_F(RouteTest, IndexHtmlIsAnAliasOfRoot) {
    const Response root = get(request("/"));
    const Response alias = get(request("/index.html"));
    EXPECT_EQ(root.result(), status::ok);
    EXPECT_EQ(alias.result(), status::ok);
    EXPECT_EQ(body(alias), body(root));
    EXPECT_EQ(header(alias, field::content_type), "text/html; charset=utf-8");
}

TEST_F(RouteTest, IgnoresQueryString) {
    const Response res = get(request("/feed.xml?utm_source=reader&x=1"));
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(body(res), rss.body);
}

TEST_F(RouteTest, IfNoneMatchExactGives304WithValidators) {
    Request req = request("/feed.xml");
    req.set(field::if_none_match, "\"rss-1\"");
    const Response res = get(req);
    EXPECT_EQ(res.result(), status::not_modified);
    EXPECT_EQ(header(res, field::etag), "\"rss-1\"");
    EXPECT_EQ(header(res, field::cache_control), "public, max-age=300");
    EXPECT_EQ(header(res, field::vary), "Accept-Encoding");
    EXPECT_EQ(header(res, field::last_modified), kModifiedText);
    EXPECT_EQ(res.body().size(), 0u);
    EXPECT_EQ(res.count(field::content_length), 0u);
    EXPECT_TRUE(res.keep_alive());
}

TEST_F(RouteTest, IfNoneMatchMatchesAnyMemberOfAList) {
    Request req = request("/feed.xml");
    req.set(field::if_none_match, "\"old\", \"a,b\",\"rss-1\"");
    EXPECT_EQ(get(req).result(), status::not_modified);
    req.set(field::if_none_match, "\"old\", \"rss-2\"");
    EXPECT_EQ(get(req).result(), status::ok);
}

TEST_F(RouteTest, IfNoneMatchStarMatchesAnExistingResource) {
    Request req = request("/feed.xml");
    req.set(field::if_none_match, "*");
    EXPECT_EQ(get(req).result(), status::not_modified);
}

TEST_F(RouteTest, IfNoneMatchUsesWeakComparison) {
    Request req = request("/feed.xml");
    req.set(field::if_none_match, "W/\"rss-1\"");
    EXPECT_EQ(get(req).result(), status::not_modified);
    req.set(field::if_none_match, "W/\"rss-\"");
    EXPECT_EQ(get(req).result(), status::ok);
}

TEST_F(RouteTest, IfNoneMatchAcceptsTheGzipEtagAndAnswersWithTheChosenVariant) {
    Request req = request("/feed.xml");
    req.set(field::if_none_match, "\"rss-1-gz\"");
    req.set(field::accept_encoding, "gzip");
    const Response res = get(req);
    EXPECT_EQ(res.result(), status::not_modified);
    EXPECT_EQ(header(res, field::etag), "\"rss-1-gz\"");
}

TEST_F(RouteTest, IfModifiedSinceEqualOrLaterGives304EarlierGives200) {
    Request req = request("/feed.xml");
    req.set(field::if_modified_since, kModifiedText);
    EXPECT_EQ(get(req).result(), status::not_modified);
    req.set(field::if_modified_since, "Sun, 06 Nov 1994 08:49:38 GMT");
    EXPECT_EQ(get(req).result(), status::not_modified);
    req.set(field::if_modified_since, "Sun, 06 Nov 1994 08:49:36 GMT");
    EXPECT_EQ(get(req).result(), status::ok);
    req.set(field::if_modified_since, "Sunday, 06-Nov-94 08:49:37 GMT");
    EXPECT_EQ(get(req).result(), status::not_modified);
    req.set(field::if_modified_since, "not a date");
    EXPECT_EQ(get(req).result(), status::ok);
}

TEST_F(RouteTest, IfNoneMatchTakesPrecedenceOverIfModifiedSince) {
    Request req = request("/feed.xml");
    req.set(field::if_none_match, "\"stale\"");
    req.set(field::if_modified_since, "Mon, 07 Nov 1994 00:00:00 GMT");
    EXPECT_EQ(get(req).result(), status::ok);
}

TEST_F(RouteTest, SendsGzipWhenAccepted) {
    Request req = request("/feed.xml");
    req.set(field::accept_encoding, "br, gzip, deflate");
    const Response res = get(req);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(header(res, field::content_encoding), "gzip");
    EXPECT_EQ(header(res, field::etag), "\"rss-1-gz\"");
    EXPECT_EQ(header(res, field::content_length), std::to_string(rss.gzip_body.size()));
    EXPECT_EQ(body(res), rss.gzip_body);
}

TEST_F(RouteTest, GzipSelectionFollowsQValues) {
    const auto encoding = [&](const char* accept) {
        Request req = request("/feed.xml");
        req.set(field::accept_encoding, accept);
        const Response res = get(req);
        return res.count(field::content_encoding) ? header(res, field::content_encoding)
                                                  : std::string("identity");
    };
    EXPECT_EQ(encoding("gzip;q=0"), "identity");
    EXPECT_EQ(encoding("gzip; q=0.000, identity"), "identity");
    EXPECT_EQ(encoding("GZIP;Q=0.5"), "gzip");
    EXPECT_EQ(encoding("*"), "gzip");
    EXPECT_EQ(encoding("*;q=0"), "identity");
    EXPECT_EQ(encoding("*, gzip;q=0"), "identity");
    EXPECT_EQ(encoding("identity;q=1, gzip;q=0.5"), "identity");
    EXPECT_EQ(encoding("identity;q=0.2, gzip;q=0.5"), "gzip");
    EXPECT_EQ(encoding("deflate, br"), "identity");
    EXPECT_EQ(encoding("x-gzip"), "gzip");
    EXPECT_EQ(encoding("gzip;q=2"), "identity");  // malformed qvalue: member ignored
}

TEST_F(RouteTest, NoGzipVariantMeansIdentity) {
    Request req = request("/");
    req.set(field::accept_encoding, "gzip");
    const Response res = get(req);
    EXPECT_EQ(res.count(field::content_encoding), 0u);
    EXPECT_EQ(header(res, field::etag), "\"index-1\"");
}

TEST_F(RouteTest, UnknownPathIs404WithTextBody) {
    const Response res = get(request("/nope.xml"));
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(header(res, field::content_type), "text/plain; charset=utf-8");
    EXPECT_FALSE(body(res).empty());
    EXPECT_EQ(header(res, field::content_length), std::to_string(res.body().size()));

    const Response head = get(request("/nope.xml", verb::head));
    EXPECT_EQ(head.result(), status::not_found);
    EXPECT_EQ(head.body().size(), 0u);
    EXPECT_EQ(header(head, field::content_length), header(res, field::content_length));
}

TEST_F(RouteTest, OtherMethodsAre405WithAllow) {
    for (verb method : {verb::post, verb::put, verb::delete_, verb::options}) {
        const Response res = get(request("/feed.xml", method));
        EXPECT_EQ(res.result(), status::method_not_allowed);
        EXPECT_EQ(header(res, field::allow), "GET, HEAD");
    }
}

TEST_F(RouteTest, BadTargetsAre400) {
    for (std::string target :
         {std::string("/../etc/passwd"), std::string("/feed.xml/.."), std::string("/a/..%2f"),
          std::string("http://evil.example/feed.xml"), std::string("*"),
          std::string("/feed.xml\0x", 11), "/" + std::string(2048, 'a')}) {
        EXPECT_EQ(get(request(target)).result(), status::bad_request) << target;
    }
    EXPECT_EQ(get(request("/" + std::string(2047, 'a'))).result(), status::not_found);
}

TEST_F(RouteTest, BodyOnGetIs400) {
    Request req = request("/feed.xml");
    req.set(field::content_length, "5");
    req.body() = "hello";
    EXPECT_EQ(get(req).result(), status::bad_request);

    Request chunked = request("/feed.xml");
    chunked.set(field::transfer_encoding, "chunked");
    EXPECT_EQ(get(chunked).result(), status::bad_request);

    Request empty = request("/feed.xml");
    empty.set(field::content_length, "0");
    EXPECT_EQ(get(empty).result(), status::ok);
}

TEST_F(RouteTest, Http11WithoutHostIs400) {
    Request req{verb::get, "/feed.xml", 11};
    EXPECT_EQ(get(req).result(), status::bad_request);
}

TEST_F(RouteTest, FollowsTheClientsKeepAlive) {
    Request close = request("/feed.xml");
    close.set(field::connection, "close");
    EXPECT_TRUE(get(close).need_eof());

    Request old{verb::get, "/feed.xml", 10};
    const Response old_res = get(old);
    EXPECT_EQ(old_res.version(), 10u);
    EXPECT_TRUE(old_res.need_eof());

    old.set(field::connection, "keep-alive");
    EXPECT_FALSE(get(old).need_eof());
}

TEST(Route, NoSnapshotIs503WithRetryAfter) {
    const Response res = route(request("/feed.xml"), nullptr);
    EXPECT_EQ(res.result(), status::service_unavailable);
    EXPECT_EQ(header(res, field::retry_after), "1");
    EXPECT_EQ(header(res, field::server), std::string("feedd/") + kVersion);
}

}  // namespace
}  // namespace feedd::http
