#include "http/route.h"

#include <feedd/version.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "http/metrics.h"

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
    auto rss = make_page_resource("application/rss+xml; charset=utf-8", "<rss version=\"2.0\"><channel/></rss>",
                                  kModified);
    rss->self_url = "https://feeds.example.org/feed.xml";
    rss->link_header = "<https://hub.example/>; rel=\"hub\", <https://feeds.example.org/feed.xml>; rel=\"self\"";
    snapshot.add("/feed.xml", rss);
    snapshot.add("/", make_page_resource("text/html; charset=utf-8", "<!doctype html><title>site</title>", kModified));
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
    const Resource& rss = snapshot.at("/feed.xml");
    RouteContext context;
    // Snapshot bodies and static texts outlive the Routed; generated ones need route() itself.
    Response get(const Request& req) { return route(req, &snapshot, context).response; }
};

TEST_F(RouteTest, ServesFeedWithAllHeaders) {
    const Response res = get(request("/feed.xml"));
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(header(res, field::content_type), rss.content_type);
    EXPECT_EQ(header(res, field::content_length), std::to_string(rss.body.size()));
    EXPECT_EQ(header(res, field::etag), rss.etag);
    EXPECT_EQ(header(res, field::last_modified), kModifiedText);
    EXPECT_EQ(header(res, field::cache_control), "public, max-age=300");
    EXPECT_EQ(header(res, field::vary), "Accept-Encoding, Sec-Fetch-Mode, Sec-Fetch-Dest");
    EXPECT_EQ(header(res, field::server), std::string("feedd/") + kVersion);
    EXPECT_EQ(res.count(field::content_encoding), 0u);
    EXPECT_EQ(body(res), rss.body);
    EXPECT_EQ(res.body().data(), rss.body.data()) << "the body must point into the snapshot";
    EXPECT_TRUE(res.keep_alive());
}

TEST_F(RouteTest, FeedsCarryTheirWebSubLinkHeaderAndPagesNone) {
    EXPECT_EQ(header(get(request("/feed.xml")), field::link), rss.link_header);
    auto conditional = request("/feed.xml");
    conditional.set(field::if_none_match, rss.etag);
    const auto not_modified = get(conditional);
    EXPECT_EQ(not_modified.result(), status::not_modified);
    EXPECT_EQ(header(not_modified, field::link), rss.link_header);
    EXPECT_EQ(get(request("/")).count(field::link), 0u);
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
    req.set(field::if_none_match, rss.etag);
    const Response res = get(req);
    EXPECT_EQ(res.result(), status::not_modified);
    EXPECT_EQ(header(res, field::etag), rss.etag);
    EXPECT_EQ(header(res, field::cache_control), "public, max-age=300");
    EXPECT_EQ(header(res, field::vary), "Accept-Encoding, Sec-Fetch-Mode, Sec-Fetch-Dest");
    EXPECT_EQ(header(res, field::last_modified), kModifiedText);
    EXPECT_EQ(res.body().size(), 0u);
    EXPECT_EQ(res.count(field::content_length), 0u);
    EXPECT_TRUE(res.keep_alive());
}

TEST_F(RouteTest, IfNoneMatchMatchesAnyMemberOfAList) {
    Request req = request("/feed.xml");
    req.set(field::if_none_match, "\"old\", \"a,b\"," + rss.etag);
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
    req.set(field::if_none_match, "W/" + rss.etag);
    EXPECT_EQ(get(req).result(), status::not_modified);
    req.set(field::if_none_match, "W/\"rss-\"");
    EXPECT_EQ(get(req).result(), status::ok);
}

TEST_F(RouteTest, IfNoneMatchAcceptsTheGzipEtagAndAnswersWithTheChosenVariant) {
    Request req = request("/feed.xml");
    req.set(field::if_none_match, rss.gzip_etag);
    req.set(field::accept_encoding, "gzip");
    const Response res = get(req);
    EXPECT_EQ(res.result(), status::not_modified);
    EXPECT_EQ(header(res, field::etag), rss.gzip_etag);
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
    req.set(field::accept_encoding, "gzip, deflate");
    const Response res = get(req);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(header(res, field::content_encoding), "gzip");
    EXPECT_EQ(header(res, field::etag), rss.gzip_etag);
    EXPECT_EQ(header(res, field::content_length), std::to_string(rss.gzip_body().size()));
    EXPECT_EQ(body(res), rss.gzip_body());
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
    EXPECT_EQ(encoding("*"), "br");  // brotli wins ties (route_variants_test.cpp)
    EXPECT_EQ(encoding("*;q=0"), "identity");
    EXPECT_EQ(encoding("*, gzip;q=0"), "br");
    EXPECT_EQ(encoding("*, gzip;q=0, br;q=0"), "identity");
    EXPECT_EQ(encoding("identity;q=1, gzip;q=0.5"), "identity");
    EXPECT_EQ(encoding("identity;q=0.2, gzip;q=0.5"), "gzip");
    EXPECT_EQ(encoding("deflate"), "identity");
    EXPECT_EQ(encoding("x-gzip"), "gzip");
    EXPECT_EQ(encoding("gzip;q=2"), "identity");  // malformed qvalue: member ignored
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
    for (std::string target : {std::string("/../etc/passwd"), std::string("/feed.xml/.."),
                               std::string("/a/..%2f"), std::string("http://evil.example/feed.xml"),
                               std::string("*"), std::string("/feed.xml\0x", 11)}) {
        EXPECT_EQ(get(request(target)).result(), status::bad_request) << target;
    }
}

TEST_F(RouteTest, OverlongTargetIs414) {
    EXPECT_EQ(get(request("/" + std::string(kMaxTarget, 'a'))).result(), status::uri_too_long);
    EXPECT_EQ(get(request("/" + std::string(kMaxTarget - 1, 'a'))).result(), status::not_found);
}

TEST_F(RouteTest, PercentEncodedDotDotAndNulAre400InAnyCase) {
    for (const char* target : {"/%2e%2e/etc/passwd", "/%2E%2E/etc/passwd", "/%2e%2E/x", "/a/%2e./b",
                               "/a/.%2E", "/feed%00.xml", "/%zz", "/feed.xml%2", "/%"}) {
        EXPECT_EQ(get(request(target)).result(), status::bad_request) << target;
    }
    // Other escapes are fine: they name resources that simply do not exist here.
    EXPECT_EQ(get(request("/caf%C3%A9/feed.xml")).result(), status::not_found);
    EXPECT_EQ(get(request("/%2e/feed.xml")).result(), status::not_found);
    EXPECT_EQ(get(request("/feed.xml?next=%2e%2e")).result(), status::ok);  // the query is ignored
}

// feedd has no file-system handler: whatever the target, a 2xx body is a snapshot document.
TEST_F(RouteTest, NeverServesAnythingButSnapshotDocuments) {
    const auto in_snapshot = [&](const Response& res) {
        for (const auto& [path, document] : snapshot.resources) {
            const Resource& resource = snapshot.at(path);
            for (const std::string* bytes : {&resource.body, &resource.gzip_body()}) {
                if (res.body().data() == bytes->data() && res.body().size() == bytes->size()) {
                    return true;
                }
            }
        }
        return false;
    };
    for (const char* target :
         {"/etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd",
          "/proc/self/environ", "/CMakeLists.txt", "/feed.xml/../../etc/passwd", "/.",
          "/./feed.xml", "/feed.xml;/etc/passwd", "/index.html", "/", "/feed.xml"}) {
        const Response res = get(request(target));
        if (res.result_int() < 300) {
            EXPECT_TRUE(in_snapshot(res)) << target;
        } else {
            EXPECT_TRUE(res.result() == status::bad_request || res.result() == status::not_found)
                << target << " gave " << res.result_int();
            EXPECT_EQ(body(res).find("root:"), std::string::npos);
        }
    }
}

TEST_F(RouteTest, CacheControlFollowsMaxAge) {
    context.max_age = std::chrono::seconds{60};
    EXPECT_EQ(header(get(request("/feed.xml")), field::cache_control), "public, max-age=60");
    Request conditional = request("/feed.xml");
    conditional.set(field::if_none_match, rss.etag);
    const Response res = get(conditional);
    EXPECT_EQ(res.result(), status::not_modified);
    EXPECT_EQ(header(res, field::cache_control), "public, max-age=60");
    context.max_age = std::chrono::seconds{0};
    EXPECT_EQ(header(get(request("/")), field::cache_control), "public, max-age=0");
}

TEST_F(RouteTest, HealthzReportsTheSnapshotsBuild) {
    snapshot.info.articles = 42;
    snapshot.info.problems = 3;
    snapshot.info.built_at = sys_days{2024y / May / 1} + 12h + 30min + 5s + 250ms;
    snapshot.info.duration = microseconds{1500};
    context.now = snapshot.info.built_at + 90s;
    const Routed routed = route(request("/healthz"), &snapshot, context);
    const Response& res = routed.response;
    ASSERT_EQ(res.result(), status::ok);
    EXPECT_EQ(header(res, field::content_type), "application/json");
    EXPECT_EQ(header(res, field::cache_control), "no-store");
    EXPECT_EQ(header(res, field::content_length), std::to_string(res.body().size()));
    const auto doc = nlohmann::json::parse(body(res));
    EXPECT_EQ(doc["status"], "ok");
    EXPECT_EQ(doc["articles"], 42);
    EXPECT_EQ(doc["problems"], 3);
    EXPECT_EQ(doc["last_build"], "2024-05-01T12:30:05Z");
    EXPECT_DOUBLE_EQ(doc["last_build_duration_ms"].get<double>(), 1.5);
    EXPECT_EQ(doc["snapshot_age_seconds"], 90);
    EXPECT_FALSE(doc.contains("last_build_succeeded")) << "no metrics, nothing to say";

    const Routed head = route(request("/healthz", verb::head), &snapshot, context);
    EXPECT_EQ(head.response.result(), status::ok);
    EXPECT_EQ(head.response.body().size(), 0u);
    EXPECT_EQ(header(head.response, field::content_length), header(res, field::content_length));
}

TEST_F(RouteTest, HealthzCarriesTheDaemonsExtraFieldsWithoutLosingItsOwn) {
    Metrics metrics;
    metrics.set_health("ping_queue", 3);
    metrics.set_health("hub", "https://hub.example/");
    metrics.set_health("status", "overridden?");
    metrics.record_build(milliseconds{20}, 5, 0, false);
    context.metrics = &metrics;
    const Routed routed = route(request("/healthz"), &snapshot, context);
    const auto doc = nlohmann::json::parse(body(routed.response));
    EXPECT_EQ(doc["ping_queue"], 3);
    EXPECT_EQ(doc["hub"], "https://hub.example/");
    EXPECT_EQ(doc["status"], "ok");
    EXPECT_EQ(doc["last_build_succeeded"], false);
    metrics.remove_health("hub");
    EXPECT_FALSE(
        nlohmann::json::parse(body(route(request("/healthz"), &snapshot, context).response))
            .contains("hub"));
}

TEST(Route, HealthzBeforeTheFirstBuildIs503Starting) {
    const Routed routed = route(request("/healthz"), nullptr, {});
    EXPECT_EQ(routed.response.result(), status::service_unavailable);
    EXPECT_EQ(header(routed.response, field::cache_control), "no-store");
    EXPECT_EQ(nlohmann::json::parse(body(routed.response)),
              nlohmann::json({{"status", "starting"}}));
}

TEST_F(RouteTest, MetricsRendersThePrometheusExposition) {
    Metrics metrics;
    metrics.record_response("/feed.xml", 200, 1234);
    context.metrics = &metrics;
    const Routed routed = route(request("/metrics"), &snapshot, context);
    EXPECT_EQ(routed.response.result(), status::ok);
    EXPECT_EQ(header(routed.response, field::content_type),
              "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(header(routed.response, field::cache_control), "no-store");
    EXPECT_EQ(body(routed.response), metrics.render());
    EXPECT_NE(body(routed.response)
                  .find("feedd_http_requests_total{path=\"/feed.xml\",code=\"200\"} 1\n"),
              std::string::npos);
    // Also before the first build, when everything else is 503.
    EXPECT_EQ(route(request("/metrics"), nullptr, context).response.result(), status::ok);
    EXPECT_EQ(route(request("/metrics", verb::post), &snapshot, context).response.result(),
              status::method_not_allowed);
}

TEST_F(RouteTest, MetricsWithoutAMetricsObjectIs404) {
    EXPECT_EQ(get(request("/metrics")).result(), status::not_found);
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
    const Response res = route(request("/feed.xml"), nullptr, {}).response;
    EXPECT_EQ(res.result(), status::service_unavailable);
    EXPECT_EQ(header(res, field::retry_after), "1");
    EXPECT_EQ(header(res, field::server), std::string("feedd/") + kVersion);
}

}  // namespace
}  // namespace feedd::http
