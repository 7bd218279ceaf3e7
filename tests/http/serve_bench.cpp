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
#include "http/readers_hooks.h"
#include "http/server.h"
#include "readers/counter.h"

namespace {

// What the daemon's ReaderStats does per feed request (daemon/reader_stats.cpp), without its page
// rendering: for bench/readers_cost.sh, which compares 304 throughput with and without it.
class CountingHooks : public feedd::http::ReaderHooks {
  public:
    void feed_served(const feedd::http::FeedServed& served) override {
        const auto prefix = served.client.v4
                                ? feedd::readers::ipv4_prefix(served.client.bytes.data())
                                : feedd::readers::ipv6_prefix(served.client.bytes.data());
        counter_.record(
            {served.path, served.user_agent, prefix,
             std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())});
    }
    std::string stats_html() override { return {}; }
    std::string stats_json() override { return {}; }
    std::string metrics_text() override { return {}; }

  private:
    feedd::readers::ReaderCounter counter_;
};

}  // namespace

int main(int argc, char** argv) {
    // --count-readers: feed requests are counted as `feedd serve` counts them.
    const bool count_readers = argc > 1 && std::string_view(argv[1]) == "--count-readers";
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
    auto resource = make_page_resource("application/rss+xml; charset=utf-8", std::move(feed),
                                       std::chrono::sys_days{std::chrono::year{2024} / 5 / 1});
    resource->self_url = "https://news.example.org/feed.xml";  // a subscription feed: counted
    snapshot->add("/feed.xml", std::move(resource));
    snapshot->info.articles = 50;
    snapshot->info.built_at = std::chrono::system_clock::now();

    SnapshotSlot slot;
    slot.store(snapshot);
    asio::io_context io(1);
    http::Metrics metrics;  // on, as in the daemon: its cost is part of the figure
    http::ServerOptions options;
    options.metrics = &metrics;
    CountingHooks hooks;
    if (count_readers) options.readers = &hooks;
    http::Server server(io, {asio::ip::make_address("127.0.0.1"), 0}, slot, options);
    server.start();
    std::cout << server.local_endpoint().port() << std::endl;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { server.stop(); });
    io.run();
}
