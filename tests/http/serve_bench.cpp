// A one-I/O-thread feedd HTTP server over a synthetic snapshot, for measuring the request path
// with wrk (see the report in the http module's commit history). Not a test: it prints its port
// and serves on 127.0.0.1 until SIGINT or SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "http/metrics.h"
#include "http/server.h"

int main() {
    namespace asio = boost::asio;
    using namespace feedd;
    auto snapshot = std::make_shared<Snapshot>();
    std::string feed;
    // About the size of a 50-entry feed with summaries.
    for (int i = 0; feed.size() < 60 * 1024; ++i) {
        feed += "<item><title>Entry " + std::to_string(i) +
                "</title><description>Lorem ipsum dolor sit amet, consectetur adipiscing "
                "elit, sed do eiusmod tempor incididunt ut labore.</description></item>\n";
    }
    snapshot->add("/feed.xml", make_page_resource("application/rss+xml; charset=utf-8", std::move(feed),
                                                  std::chrono::sys_days{std::chrono::year{2024} / 5 / 1}));
    snapshot->info.articles = 50;
    snapshot->info.built_at = std::chrono::system_clock::now();

    SnapshotSlot slot;
    slot.store(snapshot);
    asio::io_context io(1);
    http::Metrics metrics;  // on, as in the daemon: its cost is part of the figure
    http::ServerOptions options;
    options.metrics = &metrics;
    http::Server server(io, {asio::ip::make_address("127.0.0.1"), 0}, slot, options);
    server.start();
    std::cout << server.local_endpoint().port() << std::endl;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { server.stop(); });
    io.run();
}
