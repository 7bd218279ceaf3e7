// resolve() with RouteContext::may_block false (the server's I/O thread): it never renders,
// parses a feed back or compresses, says needs_preparation instead, and after prepare() answers
// as route() does.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "http/route.h"

namespace feedd::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

constexpr std::string_view kRss =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>T</title>"
    "<link>https://feeds.example.org/</link><description>d</description>"
    "<item><title>A</title></item>\n<item><title>B</title></item>\n</channel></rss>";

std::shared_ptr<Resource> rss_resource() {
    auto rss =
        make_page_resource("application/rss+xml; charset=utf-8", std::string(kRss), Seconds{});
    rss->self_url = "https://feeds.example.org/feed.xml";
    return rss;
}

struct Fixture {
    Snapshot snapshot;
    int renders = 0;
    bool throws = false;

    Fixture() {
        snapshot.add("/feed.xml", rss_resource());
        snapshot.resources["/tags/t/feed.xml"] = std::make_shared<const Document>(
            [this]() -> Rendered {
                ++renders;
                if (throws) throw std::runtime_error("render failed");
                return std::shared_ptr<const Resource>(rss_resource());
            },
            "https://feeds.example.org/tags/t/feed.xml", "v1");
    }
};

Request request(std::string_view target, std::string_view accept = {}, verb method = verb::get) {
    Request req{method, target, 11};
    req.set(field::host, "feeds.example.org");
    if (!accept.empty()) req.set(field::accept_encoding, accept);
    return req;
}

RouteContext nonblocking() {
    RouteContext context;
    context.may_block = false;
    return context;
}

// What the server sends once prepared: route() of the same request (which may block).
void expect_prepared_answer_is_routes(const Request& req, const Snapshot& snapshot) {
    const Resolved resolved = resolve(req, &snapshot, nonblocking());
    ASSERT_FALSE(resolved.needs_preparation) << req.target();
    Routed got = resolved.served ? Routed{respond(*resolved.served, req.version(), req.keep_alive(),
                                                  RouteContext{}.max_age),
                                          nullptr}
                                 : resolved.routed;
    if (req.method() == verb::head) got.response.body() = {};
    const Routed expected = route(req, &snapshot, RouteContext{});
    EXPECT_EQ(got.response.result(), expected.response.result()) << req.target();
    EXPECT_EQ(got.response[field::etag], expected.response[field::etag]) << req.target();
    EXPECT_EQ(got.response[field::content_length], expected.response[field::content_length]);
    EXPECT_EQ(std::string_view(got.response.body().data(), got.response.body().size()),
              std::string_view(expected.response.body().data(), expected.response.body().size()))
        << req.target();
}

TEST(RoutePrepare, CompressedVariantsAreLeftToPrepare) {
    for (const verb method : {verb::get, verb::head}) {
        Fixture f;
        const Resource& rss = f.snapshot.at("/feed.xml");
        const Request br = request("/feed.xml", "br", method);
        EXPECT_TRUE(resolve(br, &f.snapshot, nonblocking()).needs_preparation);
        EXPECT_FALSE(rss.br_ready()) << "the I/O thread compressed";
        prepare(br, f.snapshot, RouteContext{});
        EXPECT_TRUE(rss.br_ready());
        EXPECT_FALSE(rss.gzip_ready()) << "prepare() made more than the chosen variant";
        expect_prepared_answer_is_routes(br, f.snapshot);

        const Request gz = request("/feed.xml", "gzip", method);
        EXPECT_TRUE(resolve(gz, &f.snapshot, nonblocking()).needs_preparation);
        EXPECT_FALSE(rss.gzip_ready());
        prepare(gz, f.snapshot, RouteContext{});
        expect_prepared_answer_is_routes(gz, f.snapshot);
    }
}

TEST(RoutePrepare, IdentityAndNotModifiedNeedNothing) {
    Fixture f;
    const Resource& rss = f.snapshot.at("/feed.xml");
    expect_prepared_answer_is_routes(request("/feed.xml"), f.snapshot);
    Request conditional = request("/feed.xml", "br");
    conditional.set(field::if_none_match, rss.br_etag);
    const Resolved resolved = resolve(conditional, &f.snapshot, nonblocking());
    ASSERT_FALSE(resolved.needs_preparation);
    ASSERT_TRUE(resolved.served);
    EXPECT_TRUE(resolved.served->not_modified);
    EXPECT_FALSE(rss.br_ready()) << "a 304 has no body to compress";
    // Healthz, 404 and bad requests never wait.
    for (const char* target : {"/healthz", "/nope", "/../etc"}) {
        EXPECT_FALSE(resolve(request(target), &f.snapshot, nonblocking()).needs_preparation);
    }
}

TEST(RoutePrepare, BrowserViewAndEntrySpansAreLeftToPrepare) {
    {
        Fixture f;
        Request navigate = request("/feed.xml");
        navigate.set("Sec-Fetch-Mode", "navigate");
        EXPECT_TRUE(resolve(navigate, &f.snapshot, nonblocking()).needs_preparation);
        EXPECT_FALSE(f.snapshot.at("/feed.xml").view_ready()) << "the I/O thread parsed the feed";
        prepare(navigate, f.snapshot, RouteContext{});
        EXPECT_TRUE(f.snapshot.at("/feed.xml").view_ready());
        expect_prepared_answer_is_routes(navigate, f.snapshot);
    }
    {
        Fixture f;
        const Request limited = request("/feed.xml?limit=1");
        EXPECT_TRUE(resolve(limited, &f.snapshot, nonblocking()).needs_preparation);
        EXPECT_FALSE(f.snapshot.at("/feed.xml").view_ready());
        prepare(limited, f.snapshot, RouteContext{});
        expect_prepared_answer_is_routes(limited, f.snapshot);
    }
}

TEST(RoutePrepare, DeferredDocumentsRenderOnlyInPrepare) {
    Fixture f;
    const Request req = request("/tags/t/feed.xml");
    EXPECT_TRUE(resolve(req, &f.snapshot, nonblocking()).needs_preparation);
    EXPECT_EQ(f.renders, 0) << "the I/O thread rendered";
    prepare(req, f.snapshot, RouteContext{});
    EXPECT_EQ(f.renders, 1);
    expect_prepared_answer_is_routes(req, f.snapshot);
    EXPECT_EQ(f.renders, 1);
}

TEST(RoutePrepare, ARenderThatThrowsStaysUnprepared) {
    Fixture f;
    f.throws = true;
    const Request req = request("/tags/t/feed.xml");
    EXPECT_TRUE(resolve(req, &f.snapshot, nonblocking()).needs_preparation);
    EXPECT_NO_THROW(prepare(req, f.snapshot, RouteContext{}));
    EXPECT_EQ(f.renders, 1);
    EXPECT_TRUE(resolve(req, &f.snapshot, nonblocking()).needs_preparation);
    // The next attempt renders again, as Document::get() promises.
    f.throws = false;
    prepare(req, f.snapshot, RouteContext{});
    EXPECT_EQ(f.renders, 2);
    expect_prepared_answer_is_routes(req, f.snapshot);
}

}  // namespace
}  // namespace feedd::http
