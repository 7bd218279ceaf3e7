// The plain HTTP client (the hub's) against a real peer on 127.0.0.1.
#include "ping/http_client.h"

#include <gtest/gtest.h>

#include "support/peers.h"

namespace feedd::ping {
namespace {

using namespace std::chrono_literals;
using test::Peer;

std::vector<HttpResult> run_all(HttpClient& client) {
    std::vector<HttpResult> out;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (client.active() > 0 && std::chrono::steady_clock::now() < deadline) {
        for (auto& r : client.run(200ms)) out.push_back(std::move(r));
    }
    return out;
}

TEST(HttpClient, GetsAndPostsWithHeadersAndUserAgent) {
    Peer peer("websub_callback.py", {});
    HttpClient client;
    HttpRequest get;
    get.tag = 1;
    get.url = peer.url("/cb/a?hub.mode=subscribe&hub.topic=t&hub.challenge=xyz");
    get.user_agent = "feedd-hub/test (0 subscribers)";
    client.start(get);
    HttpRequest post;
    post.tag = 2;
    post.post = true;
    post.url = peer.url("/cb/a");
    post.body = std::make_shared<const std::string>("<rss/>");
    post.headers = {"Content-Type: application/rss+xml", "Link: <https://h/>; rel=\"hub\""};
    client.start(post);
    auto results = run_all(client);
    ASSERT_EQ(results.size(), 2u);
    std::sort(results.begin(), results.end(),
              [](const auto& a, const auto& b) { return a.tag < b.tag; });
    EXPECT_EQ(results[0].status, 200);
    EXPECT_EQ(results[0].body, "xyz");
    EXPECT_EQ(results[1].status, 202);
    const auto log = peer.get_json("/_test/log");
    EXPECT_EQ(log["verifications"][0]["user_agent"], "feedd-hub/test (0 subscribers)");
    EXPECT_EQ(log["deliveries"][0]["body"], "<rss/>");
    EXPECT_EQ(log["deliveries"][0]["content_type"], "application/rss+xml");
    EXPECT_EQ(log["deliveries"][0]["links"][0], "<https://h/>; rel=\"hub\"");
}

TEST(HttpClient, PublicOnlyRefusesLoopbackWhenConnecting) {
    Peer peer("websub_callback.py", {});
    HttpClient client;
    HttpRequest request;
    request.url = "http://localhost:" + std::to_string(peer.port()) +
                  "/cb/a?hub.mode=subscribe&hub.challenge=x";
    request.public_only = true;
    client.start(request);
    const auto results = run_all(client);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_TRUE(results[0].refused);
    EXPECT_EQ(results[0].status, 0);
    EXPECT_NE(results[0].error.find("is not a public address"), std::string::npos)
        << results[0].error;
    EXPECT_TRUE(peer.get_json("/_test/log")["verifications"].empty());
}

TEST(HttpClient, RedirectsAreNotFollowed) {
    Peer peer("websub_callback.py", {});
    peer.post_form("/_test/callback", "name=r&deliver=redirect");
    HttpClient client;
    HttpRequest request;
    request.post = true;
    request.url = peer.url("/cb/r");
    request.body = std::make_shared<const std::string>("x");
    client.start(request);
    const auto results = run_all(client);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, 307);
    EXPECT_EQ(peer.get_json("/_test/log")["deliveries"].size(), 1u);
}

}  // namespace
}  // namespace feedd::ping
