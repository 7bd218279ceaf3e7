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
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/metrics.h"
#include "http/test_server.h"

namespace feedd::http {
namespace {

using testing::Client;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

std::shared_ptr<const Snapshot> snapshot_with(std::string feed_body) {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->add("/feed.xml",
                  make_page_resource("application/rss+xml; charset=utf-8", std::move(feed_body),
                                     std::chrono::sys_days{std::chrono::year{2024} / 5 / 1}));
    return snapshot;
}

ServerOptions options(ServerLimits limits, Metrics* metrics = nullptr,
                      std::chrono::seconds max_age = std::chrono::seconds{300}) {
    ServerOptions result;
    result.limits = limits;
    result.metrics = metrics;
    result.max_age = max_age;
    return result;
}

// The server over a snapshot whose feed says "first".
class TestServer : public testing::TestServer {
  public:
    explicit TestServer(ServerOptions options = {})
        : testing::TestServer(snapshot_with("first"), options) {}
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
    const auto second = snapshot_with("second");
    server.slot.store(second);
    client.get("/feed.xml");
    const auto reply = client.read();
    EXPECT_EQ(reply.response.body(), "second");
    EXPECT_EQ(reply.response[bhttp::field::etag], second->at("/feed.xml").etag);
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
    TestServer server{options(limits)};
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

TEST(Server, RequestWithABodyGets400) {
    TestServer server;
    for (const char* request :
         {"GET /feed.xml HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
          "POST /feed.xml HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
          "GET /feed.xml HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
          "5\r\nhello\r\n0\r\n\r\n"}) {
        Client client{server.endpoint()};
        client.send(request);
        const auto reply = client.read();
        EXPECT_EQ(reply.response.result(), bhttp::status::bad_request) << request;
        EXPECT_FALSE(reply.response.keep_alive());
    }
}

TEST(Server, BodyOverAConfiguredLimitGets413) {
    ServerLimits limits;
    limits.body_limit = 4;
    TestServer server{options(limits)};
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
    TestServer server{options(limits)};
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
    TestServer server{options(limits)};
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

// A listening socket made the way systemd makes one before it passes it as fd 3.
int listening_socket(int family) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_storage address{};
    socklen_t length = 0;
    if (family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&address);
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        length = sizeof *in;
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        length = sizeof *in6;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd, 16) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

TEST(Server, AdoptsAnInheritedListeningSocket) {
    for (const int family : {AF_INET, AF_INET6}) {
        const int fd = listening_socket(family);
        if (fd < 0 && family == AF_INET6) continue;  // no IPv6 loopback in this sandbox
        ASSERT_GE(fd, 0);
        asio::io_context io;
        SnapshotSlot slot;
        slot.store(snapshot_with("adopted"));
        Server server(io, fd, slot);
        EXPECT_EQ(server.local_endpoint().address().is_v6(), family == AF_INET6);
        EXPECT_TRUE(server.local_endpoint().address().is_loopback());
        server.start();
        auto running = std::async(std::launch::async, [&io] { io.run(); });
        {
            Client client{server.local_endpoint()};
            client.get("/feed.xml");
            const auto reply = client.read();
            ASSERT_FALSE(reply.ec) << reply.ec.message();
            EXPECT_EQ(reply.response.body(), "adopted");
        }
        server.stop();
        EXPECT_EQ(running.wait_for(5s), std::future_status::ready);
        EXPECT_EQ(::fcntl(fd, F_GETFD), -1) << "the server owns the fd and closes it";
    }
}

TEST(Server, RefusesAnFdThatIsNotAListeningTcpSocket) {
    asio::io_context io;
    SnapshotSlot slot;
    const int unbound = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    for (const int fd : {unbound, udp}) {
        ASSERT_GE(fd, 0);
        EXPECT_THROW(Server(io, fd, slot), boost::system::system_error);
        EXPECT_NE(::fcntl(fd, F_GETFD), -1) << "a refused fd stays the caller's";
        ::close(fd);
    }
    EXPECT_THROW(Server(io, 1000, slot), boost::system::system_error);  // not open at all
}

TEST(Server, CacheControlComesFromTheOptions) {
    TestServer server{options({}, nullptr, std::chrono::seconds{42})};
    Client client{server.endpoint()};
    client.get("/feed.xml");
    EXPECT_EQ(client.read().response[bhttp::field::cache_control], "public, max-age=42");
}

TEST(Server, MetricsAndHealthzReflectTraffic) {
    Metrics metrics;
    TestServer server{options({}, &metrics)};
    Client client{server.endpoint()};
    client.get("/feed.xml");
    const auto feed = client.read();
    client.get("/feed.xml",
               "If-None-Match: " + std::string(feed.response[bhttp::field::etag]) + "\r\n");
    EXPECT_EQ(client.read().response.result(), bhttp::status::not_modified);
    client.get("/.env");
    EXPECT_EQ(client.read().response.result(), bhttp::status::not_found);

    client.get("/metrics");
    const auto reply = client.read();
    ASSERT_EQ(reply.response.result(), bhttp::status::ok);
    const std::string& text = reply.response.body();
    EXPECT_NE(text.find("feedd_http_requests_total{path=\"/feed.xml\",code=\"200\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("feedd_http_requests_total{path=\"/feed.xml\",code=\"304\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("feedd_http_requests_total{path=\"other\",code=\"404\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("feedd_http_not_modified_total 1\n"), std::string::npos);
    EXPECT_NE(text.find("feedd_http_connections_open 1\n"), std::string::npos);
    // Bytes on the wire include headers, so the 200 alone is more than its body.
    const auto at = text.find("\nfeedd_http_response_bytes_total ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_GT(std::stoull(text.substr(at + 33)), feed.response.body().size() + 100);

    client.get("/healthz");
    const auto health = client.read();
    EXPECT_EQ(health.response.result(), bhttp::status::ok);
    EXPECT_EQ(health.response[bhttp::field::cache_control], "no-store");
    EXPECT_NE(health.response.body().find("\"status\":\"ok\""), std::string::npos);
}

TEST(Server, TooManyHeaderFieldsGets431) {
    TestServer server;
    const auto fields = [](int n) {
        std::string extra;
        for (int i = 0; i < n; ++i) extra += "X-F" + std::to_string(i) + ": v\r\n";
        return extra;
    };
    Client ok{server.endpoint()};
    ok.get("/feed.xml", fields(99));  // with Host: 100, the limit
    EXPECT_EQ(ok.read().response.result(), bhttp::status::ok);
    Client over{server.endpoint()};
    over.get("/feed.xml", fields(100));
    const auto reply = over.read();
    EXPECT_EQ(reply.response.result(), bhttp::status::request_header_fields_too_large);
    EXPECT_FALSE(reply.response.keep_alive());
}

TEST(Server, OverlongRequestLineGets414) {
    TestServer server;
    for (const std::size_t length : {std::size_t{3000}, std::size_t{20000}}) {
        Client client{server.endpoint()};
        client.get("/" + std::string(length, 'a'));
        const auto reply = client.read();
        ASSERT_FALSE(reply.ec) << length << ": " << reply.ec.message();
        EXPECT_EQ(reply.response.result(), bhttp::status::uri_too_long) << length;
    }
}

TEST(Server, HostileTargetsGet400Or404AndNeverAFile) {
    TestServer server;
    for (const std::string& target : std::vector<std::string>{
             "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2e/%2e%2E/etc/passwd",
             "/feed.xml%00", "/etc/passwd", "http://evil.example/feed.xml",
             "http://127.0.0.1/../etc/passwd", "/" + std::string("\0", 1) + "etc"}) {
        Client client{server.endpoint()};
        client.get(target);
        const auto reply = client.read();
        ASSERT_FALSE(reply.ec) << target << ": " << reply.ec.message();
        const int code = reply.response.result_int();
        EXPECT_TRUE(code == 400 || code == 404) << target << " gave " << code;
        EXPECT_EQ(reply.response.body().find("root:"), std::string::npos);
    }
}

TEST(Server, ManyPipelinedRequestsAreAnsweredInOrderThroughASmallBuffer) {
    ServerLimits limits;
    limits.pipeline_buffer = 512;
    TestServer server{options(limits)};
    Client client{server.endpoint()};
    std::string burst;
    constexpr int kRequests = 300;
    for (int i = 0; i < kRequests; ++i) {
        burst += i % 3 == 2 ? "GET /missing HTTP/1.1\r\nHost: a\r\n\r\n"
                            : "GET /feed.xml HTTP/1.1\r\nHost: a\r\n\r\n";
    }
    client.send(burst);
    for (int i = 0; i < kRequests; ++i) {
        const auto reply = client.read();
        ASSERT_FALSE(reply.ec) << i << ": " << reply.ec.message();
        EXPECT_EQ(reply.response.result(),
                  i % 3 == 2 ? bhttp::status::not_found : bhttp::status::ok)
            << i;
    }
}

TEST(Server, SlowClientIsDroppedWhileOthersAreServed) {
    ServerLimits limits;
    limits.read_timeout = 1s;
    Metrics metrics;
    TestServer server{options(limits, &metrics)};
    // Slowloris: a valid request that never ends, one header byte every 50 ms.
    Client slow{server.endpoint()};
    slow.send("GET /feed.xml HTTP/1.1\r\nHost: a\r\n");
    std::atomic<bool> dropped{false};
    std::thread trickle([&] {
        try {
            for (int i = 0; i < 200 && !dropped; ++i) {
                slow.send(i % 2 ? "\r\n" : "X-a: b");
                std::this_thread::sleep_for(50ms);
            }
        } catch (const boost::system::system_error&) {
            // the server closed the connection
        }
    });
    const auto started = std::chrono::steady_clock::now();
    Client normal{server.endpoint()};
    for (int i = 0; i < 10; ++i) {
        const auto sent = std::chrono::steady_clock::now();
        normal.get("/feed.xml");
        const auto reply = normal.read(2s);
        ASSERT_FALSE(reply.ec) << reply.ec.message();
        EXPECT_EQ(reply.response.body(), "first");
        EXPECT_LT(std::chrono::steady_clock::now() - sent, 500ms);
        std::this_thread::sleep_for(50ms);
    }
    // The slow client gets nothing but the end of the connection, after about read_timeout.
    const auto reply = slow.read(5s);
    const auto waited = std::chrono::steady_clock::now() - started;
    dropped = true;
    trickle.join();
    EXPECT_TRUE(reply.ec == bhttp::error::end_of_stream ||
                reply.ec == asio::error::connection_reset)
        << reply.ec.message();
    EXPECT_TRUE(reply.response[bhttp::field::server].empty()) << "no response expected";
    EXPECT_GE(waited, 900ms);
    EXPECT_LT(waited, 4s);
    EXPECT_NE(metrics.render().find("feedd_http_timeouts_total 1\n"), std::string::npos);
}

TEST(Server, AtTheConnectionCapNewClientsWaitUntilASlotFrees) {
    ServerLimits limits;
    limits.max_connections = 2;
    TestServer server{options(limits)};
    std::optional<Client> first{server.endpoint()};
    Client second{server.endpoint()};
    for (Client* client : {&*first, &second}) {
        client->get("/feed.xml");
        ASSERT_EQ(client->read().response.result(), bhttp::status::ok);
    }
    // The kernel completes the handshake (backlog), but feedd does not take the connection yet.
    Client third{server.endpoint()};
    third.get("/feed.xml");
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(third.pending(), 0u);
    first.reset();
    const auto reply = third.read(5s);
    ASSERT_FALSE(reply.ec) << reply.ec.message();
    EXPECT_EQ(reply.response.body(), "first");
    // Still at the cap with second and third: a fourth waits again.
    Client fourth{server.endpoint()};
    fourth.get("/feed.xml");
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(fourth.pending(), 0u);
}

}  // namespace
}  // namespace feedd::http
