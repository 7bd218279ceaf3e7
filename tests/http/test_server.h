// What the HTTP server tests share: a real feedd server on 127.0.0.1, and a feed whose URLs point
// there.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "feed/feed.h"
#include "feed/snapshot.h"
#include "http/server.h"

namespace feedd::http::testing {

// A server on 127.0.0.1:<kernel's port> over `slot` (holding `first`), with its io_context
// running on its own thread until the server stops.
class TestServer {
  public:
    explicit TestServer(std::shared_ptr<const Snapshot> first, ServerOptions options = {}) {
        slot.store(std::move(first));
        server.emplace(
            io, boost::asio::ip::tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0}, slot,
            options);
        server->start();
        finished_ = std::async(std::launch::async, [this] { io.run(); });
    }
    ~TestServer() {
        server->stop();
        finished_.wait();
    }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    boost::asio::ip::tcp::endpoint endpoint() const { return server->local_endpoint(); }
    // True when io.run() returned within `limit`.
    bool finishes_within(std::chrono::milliseconds limit) {
        return finished_.wait_for(limit) == std::future_status::ready;
    }

    boost::asio::io_context io;
    SnapshotSlot slot;
    std::optional<Server> server;

  private:
    std::future<void> finished_;
};

// A blocking client whose reads give up after a deadline instead of hanging the test.
class Client {
  public:
    explicit Client(const boost::asio::ip::tcp::endpoint& endpoint) { stream_.connect(endpoint); }

    void send(std::string_view raw) {
        boost::asio::write(stream_.socket(), boost::asio::buffer(raw));
    }

    void get(std::string_view target, std::string_view extra_headers = "") {
        send(std::string("GET ") + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
             std::string(extra_headers) + "\r\n");
    }

    struct Reply {
        boost::system::error_code ec;
        boost::beast::http::response<boost::beast::http::string_body> response;
    };
    Reply read(std::chrono::milliseconds limit = std::chrono::seconds(5)) {
        Reply reply;
        boost::beast::http::response_parser<boost::beast::http::string_body> parser;
        parser.body_limit(boost::none);
        stream_.expires_after(limit);
        boost::beast::http::async_read(
            stream_, buffer_, parser,
            [&](boost::system::error_code ec, std::size_t) { reply.ec = ec; });
        io_.restart();
        io_.run();
        if (parser.is_header_done()) reply.response = parser.release();
        return reply;
    }

    // Bytes received and not read yet. (A read that times out would close the socket.)
    std::size_t pending() { return stream_.socket().available(); }

  private:
    boost::asio::io_context io_;
    boost::beast::tcp_stream stream_{io_};
    boost::beast::flat_buffer buffer_;
};

// A feed without entries whose links are on 127.0.0.1, updated 2024-05-01.
inline Feed loopback_feed(std::string title) {
    Feed feed;
    feed.title = std::move(title);
    feed.description = "Feeds over the wire";
    feed.urls.home = "http://127.0.0.1/";
    feed.urls.rss = "http://127.0.0.1/feed.xml";
    feed.urls.atom = "http://127.0.0.1/atom.xml";
    feed.urls.json = "http://127.0.0.1/feed.json";
    feed.updated = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};
    return feed;
}

}  // namespace feedd::http::testing
