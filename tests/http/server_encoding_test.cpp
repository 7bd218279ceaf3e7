// Over TCP: the bytes feedd sends for each encoding decode back to the snapshot's documents.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <future>
#include <optional>
#include <string>

#include "feed/snapshot.h"
#include "http/server.h"
#include "http/test_server.h"
#include "support/gzip.h"

namespace feedd::http {
namespace {

using test::unbrotli;

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

Feed sample_feed() {
    Feed feed = testing::loopback_feed("Encoding test");
    for (int i = 0; i < 30; ++i) {
        Entry e;
        e.id = e.link = "http://127.0.0.1/post-" + std::to_string(i) + "/";
        e.title = "Post number " + std::to_string(i);
        e.published = e.updated = feed.updated - std::chrono::hours{24 * i};
        e.summary = "A summary that repeats itself, as feeds do, entry " + std::to_string(i);
        feed.entries.push_back(e);
    }
    return feed;
}

class ServerEncodingTest : public ::testing::Test {
  protected:
    static ServerOptions limit_50() {
        ServerOptions options;
        options.feed_limit = 50;
        return options;
    }

    bhttp::response<bhttp::string_body> get(std::string target, std::string accept,
                                            bool navigate = false) {
        asio::io_context client_io;
        tcp::socket socket(client_io);
        socket.connect(server.endpoint());
        bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
        req.set(bhttp::field::host, "127.0.0.1");
        if (!accept.empty()) req.set(bhttp::field::accept_encoding, accept);
        if (navigate) req.set("Sec-Fetch-Mode", "navigate");
        bhttp::write(socket, req);
        boost::beast::flat_buffer buffer;
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(boost::none);
        bhttp::read(socket, buffer, parser);
        return parser.release();
    }

    std::shared_ptr<const Snapshot> snapshot =
        std::make_shared<const Snapshot>(make_snapshot(sample_feed()));
    testing::TestServer server{snapshot, limit_50()};
};

TEST_F(ServerEncodingTest, BrotliBodiesDecodeToTheFeeds) {
    for (const char* path : {"/feed.xml", "/atom.xml", "/feed.json", "/"}) {
        const auto res = get(path, "gzip, deflate, br");
        const Resource& resource = *snapshot->find(path);
        ASSERT_EQ(res.result(), bhttp::status::ok) << path;
        EXPECT_EQ(res[bhttp::field::content_encoding], "br") << path;
        EXPECT_EQ(res[bhttp::field::etag], resource.br_etag) << path;
        EXPECT_EQ(res[bhttp::field::content_length], std::to_string(res.body().size())) << path;
        EXPECT_LT(res.body().size(), resource.gzip_body().size()) << path;
        EXPECT_EQ(unbrotli(res.body()), resource.body) << path;
    }
}

TEST_F(ServerEncodingTest, BrowserGetsTheHtmlViewBrotliEncoded) {
    const auto res = get("/feed.xml", "br", true);
    ASSERT_EQ(res.result(), bhttp::status::ok);
    EXPECT_EQ(res[bhttp::field::content_type], "text/html; charset=utf-8");
    const std::string html = unbrotli(res.body());
    EXPECT_EQ(html, snapshot->find("/feed.xml")->browser_view()->body);
    EXPECT_NE(html.find("<h1>Encoding test</h1>"), std::string::npos);
    EXPECT_NE(html.find("Post number 29"), std::string::npos);
    // The reader on the same URL gets the RSS, byte for byte.
    EXPECT_EQ(get("/feed.xml", "").body(), snapshot->find("/feed.xml")->body);
}

TEST_F(ServerEncodingTest, LimitSendsTheNewestEntries) {
    const auto res = get("/feed.xml?limit=3", "br");
    ASSERT_EQ(res.result(), bhttp::status::ok);
    EXPECT_EQ(res.count(bhttp::field::content_encoding), 0u);
    EXPECT_NE(res.body().find("Post number 2<"), std::string::npos);
    EXPECT_EQ(res.body().find("Post number 3<"), std::string::npos);
    std::size_t items = 0;
    for (auto at = res.body().find("<item>"); at != std::string::npos;
         at = res.body().find("<item>", at + 1)) {
        ++items;
    }
    EXPECT_EQ(items, 3u);
    EXPECT_EQ(get("/feed.xml?limit=51", "").result(), bhttp::status::bad_request);
}

}  // namespace
}  // namespace feedd::http
