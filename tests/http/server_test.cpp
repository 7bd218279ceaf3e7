#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>

namespace feedd::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

std::shared_ptr<const Snapshot> snapshot_with(std::string feed_body) {
    auto snapshot = std::make_shared<Snapshot>();
    Resource rss;
    rss.content_type = "application/rss+xml; charset=utf-8";
    rss.etag = "\"" + (feed_body.size() <= 64 ? feed_body : std::string("big")) + "\"";
    rss.body = std::move(feed_body);
    rss.last_modified = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};
    snapshot->resources.emplace("/feed.xml", std::move(rss));
    return snapshot;
}

// A server on 127.0.0.1:<kernel's port> with its io_context running on its own thread.
class TestServer {
  public:
    explicit TestServer(ServerLimits limits = {}) {
        slot.store(snapshot_with("first"));
        server.emplace(io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}, slot, limits);
        server->start();
        finished_ = std::async(std::launch::async, [this] { io.run(); });
    }
    ~TestServer() {
        server->stop();
        finished_.wait();
    }

    tcp::endpoint endpoint() const { return server->local_endpoint(); }
    // True when io.run() returned within `limit`.
    bool finishes_within(std::chrono::milliseconds limit) {
        return finished_.wait_for(limit) == std::future_status::ready;
    }

    asio::io_context io;
    SnapshotSlot slot;
    std::optional<Server> server;

  private:
    std::future<void> finished_;
};

// A blocking client whose reads give up after a deadline instead of hanging the test.
class Client {
  public:
    explicit Client(const tcp::endpoint& endpoint) { stream_.connect(endpoint); }

    void send(std::string_view raw) { asio::write(stream_.socket(), asio::buffer(raw)); }

    void get(std::string_view target, std::string_view extra_headers = "") {
        send(std::string("GET ") + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
             std::string(extra_headers) + "\r\n");
    }

    struct Reply {
        error_code ec;
        bhttp::response<bhttp::string_body> response;
    };
    Reply read(std::chrono::seconds limit = 5s) {
        Reply reply;
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(boost::none);
        stream_.expires_after(limit);
        bhttp::async_read(stream_, buffer_, parser,
                          [&](error_code ec, std::size_t) { reply.ec = ec; });
        io_.restart();
        io_.run();
        if (parser.is_header_done()) reply.response = parser.release();
        return reply;
    }

  private:
    asio::io_context io_;
    beast::tcp_stream stream_{io_};
    beast::flat_buffer buffer_;
};

TEST(Server, BindsTheKernelsPortOnLoopback) {
    TestServer server;
    EXPECT_EQ(server.endpoint().address().to_string(), "127.0.0.1");
    EXPECT_NE(server.endpoint().port(), 0);
}

TEST(Server, KeepAliveServesTwoRequestsOnOneConnection) {
    TestServer server;
    Client client{server.endpoint()};
    for (int i = 0; i < 2; ++i) {
        client.get("/feed.xml");
        const auto reply = client.read();
        ASSERT_FALSE(reply.ec) << reply.ec.message();
        EXPECT_EQ(reply.response.result(), bhttp::status::ok);
        EXPECT_EQ(reply.response.body(), "first");
        EXPECT_TRUE(reply.response.keep_alive());
        EXPECT_FALSE(reply.response[bhttp::field::date].empty());
    }
}

TEST(Server, PipelinedRequestsAreAnsweredInOrder) {
    TestServer server;
    Client client{server.endpoint()};
    client.send(
        "GET /feed.xml HTTP/1.1\r\nHost: a\r\n\r\n"
        "GET /missing HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(client.read().response.result(), bhttp::status::ok);
    EXPECT_EQ(client.read().response.result(), bhttp::status::not_found);
}

TEST(Server, NextRequestSeesASwappedSnapshot) {
    TestServer server;
    Client client{server.endpoint()};
    client.get("/feed.xml");
    EXPECT_EQ(client.read().response.body(), "first");
    server.slot.store(snapshot_with("second"));
    client.get("/feed.xml");
    const auto reply = client.read();
    EXPECT_EQ(reply.response.body(), "second");
    EXPECT_EQ(reply.response[bhttp::field::etag], "\"second\"");
}

TEST(Server, EmptySlotGives503) {
    TestServer server;
    server.slot.store(nullptr);
    Client client{server.endpoint()};
    client.get("/feed.xml");
    const auto reply = client.read();
    EXPECT_EQ(reply.response.result(), bhttp::status::service_unavailable);
    EXPECT_EQ(reply.response[bhttp::field::retry_after], "1");
}

TEST(Server, OversizedHeaderGets431ThenClose) {
    ServerLimits limits;
    limits.header_limit = 1024;
    TestServer server{limits};
    Client client{server.endpoint()};
    client.get("/feed.xml", "X-Filler: " + std::string(4000, 'x') + "\r\n");
    const auto reply = client.read();
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.result(), bhttp::status::request_header_fields_too_large);
    EXPECT_FALSE(reply.response.keep_alive());
    EXPECT_EQ(client.read().ec, bhttp::error::end_of_stream);
}

TEST(Server, MalformedRequestLineGets400ThenClose) {
    TestServer server;
    Client client{server.endpoint()};
    client.send("GET /feed.xml HTTP/9.x\r\n\r\n");
    const auto reply = client.read();
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.result(), bhttp::status::bad_request);
    EXPECT_EQ(client.read().ec, bhttp::error::end_of_stream);
}

TEST(Server, RequestBodyOverTheLimitGets413) {
    TestServer server;
    Client client{server.endpoint()};
    client.send("GET /feed.xml HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
    EXPECT_EQ(client.read().response.result(), bhttp::status::payload_too_large);
}

TEST(Server, Http10AndConnectionCloseEndTheConnection) {
    TestServer server;
    {
        Client client{server.endpoint()};
        client.send("GET /feed.xml HTTP/1.0\r\n\r\n");
        const auto reply = client.read();
        EXPECT_EQ(reply.response.result(), bhttp::status::ok);
        EXPECT_EQ(reply.response.version(), 10u);
        EXPECT_EQ(client.read().ec, bhttp::error::end_of_stream);
    }
    {
        Client client{server.endpoint()};
        client.get("/feed.xml", "Connection: close\r\n");
        EXPECT_EQ(client.read().response.body(), "first");
        EXPECT_EQ(client.read().ec, bhttp::error::end_of_stream);
    }
}

TEST(Server, SilentClientIsClosedAfterTheReadTimeout) {
    ServerLimits limits;
    limits.read_timeout = 1s;
    TestServer server{limits};
    Client client{server.endpoint()};
    const auto started = std::chrono::steady_clock::now();
    const auto reply = client.read(10s);
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(reply.ec, bhttp::error::end_of_stream) << reply.ec.message();
    EXPECT_GE(waited, 900ms);
    EXPECT_LT(waited, 5s);
}

TEST(Server, IdleKeepAliveConnectionIsClosedAfterItsTimeout) {
    ServerLimits limits;
    limits.read_timeout = 30s;
    limits.keep_alive_timeout = 1s;
    TestServer server{limits};
    Client client{server.endpoint()};
    client.get("/feed.xml");
    EXPECT_EQ(client.read().response.result(), bhttp::status::ok);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(client.read(10s).ec, bhttp::error::end_of_stream);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(Server, StopClosesIdleConnectionsAndLetsRunReturn) {
    TestServer server;
    const auto endpoint = server.endpoint();
    Client client{endpoint};
    client.get("/feed.xml");
    EXPECT_EQ(client.read().response.result(), bhttp::status::ok);

    server.server->stop();
    EXPECT_TRUE(server.finishes_within(5000ms)) << "io_context.run() did not return";
    EXPECT_EQ(client.read().ec, bhttp::error::end_of_stream);

    asio::io_context io;
    tcp::socket late{io};
    error_code ec;
    late.connect(endpoint, ec);
    EXPECT_TRUE(ec) << "the listener should be closed";
}

TEST(Server, StopAndSwapMidWriteStillDeliverTheWholeResponse) {
    TestServer server;
    std::string big(16 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    server.slot.store(snapshot_with(big));
    Client client{server.endpoint()};
    client.get("/feed.xml");
    // The client does not read yet, so the server's write stalls on full socket buffers.
    std::this_thread::sleep_for(200ms);
    server.slot.store(
        snapshot_with("replacement"));  // the old snapshot now lives only in the session
    server.server->stop();
    EXPECT_FALSE(server.finishes_within(100ms)) << "stop() must wait for the response in flight";

    const auto reply = client.read();
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.result(), bhttp::status::ok);
    EXPECT_TRUE(reply.response.body() == big) << "body damaged after the snapshot was swapped";
    EXPECT_EQ(client.read().ec, bhttp::error::end_of_stream);
    EXPECT_TRUE(server.finishes_within(5000ms));
}

}  // namespace
}  // namespace feedd::http
