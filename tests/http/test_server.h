// What the HTTP server tests share: a real feedd server on 127.0.0.1, and a feed whose URLs point
// there.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>

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
