// The subscriber side of bench/hub_fanout.sh: one process standing in for 10 000 WebSub
// callbacks on loopback, fast enough that the hub, not the peer, is what the bench measures.
//
//   hub_fanout_peer [--keep-alive] [--threads N (default 2)] ADDRESSES...   (127.0.0.2 …)
//
// Listens on the same free port on every address (several loopback addresses, because the hub
// allows at most 1 000 subscriptions per callback host) and prints that port on stdout.
// Boost.Beast, N threads on one io_context (the peer must get its share of a loaded machine). Each
// answer closes its connection, as 10 000 distinct hosts would make the hub open 10 000
// connections, unless --keep-alive:
//   - GET /cb/N?…hub.challenge=X…  → 200 with X (verification of intent);
//   - POST /cb/N                   → 204; counts the delivery, its bytes and its arrival time;
//   - GET /stats                   → JSON: verifications, deliveries, distinct callbacks
//     delivered to, duplicates, bytes, first and last arrival (CLOCK_REALTIME, ns since epoch);
//   - POST /reset                  → forgets the deliveries counted so far.
// Written by hand because it is the bench's own instrument: nothing Debian packages echoes a
// challenge and timestamps each POST at this rate.
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Counts {
    std::mutex mutex;  // every thread's sessions count here
    std::uint64_t verifications = 0;
    std::uint64_t deliveries = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t bytes = 0;
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::unordered_map<std::string, std::uint32_t> per_callback;  // path → deliveries
};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The value of `name` in a query string, %-decoded (a challenge is hex, but decode anyway).
std::string query_value(std::string_view target, std::string_view name) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return {};
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        std::string out;
        const auto value = pair.substr(eq + 1);
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (value[i] == '%' && i + 2 < value.size()) {
                out +=
                    static_cast<char>(std::stoi(std::string(value.substr(i + 1, 2)), nullptr, 16));
                i += 2;
            } else {
                out += value[i] == '+' ? ' ' : value[i];
            }
        }
        return out;
    }
    return {};
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, Counts& counts, bool keep_alive)
        : stream_(std::move(socket)), counts_(counts), keep_alive_(keep_alive) {}
    void start() { read(); }

  private:
    void read() {
        request_ = {};
        parser_.emplace();
        parser_->body_limit(16 * 1024 * 1024);
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (!ec) self->answer();
                         });
    }

    void answer() {
        request_ = parser_->release();
        const std::string_view target(request_.target().data(), request_.target().size());
        const std::string_view path = target.substr(0, target.find('?'));
        auto response = std::make_shared<http::response<http::string_body>>();
        response->version(request_.version());
        response->keep_alive(keep_alive_ && request_.keep_alive());
        response->set(http::field::content_type, "text/plain");
        std::unique_lock lock(counts_.mutex);
        if (request_.method() == http::verb::post && path.starts_with("/cb/")) {
            const auto t = now_ns();
            if (counts_.deliveries == 0) counts_.first_ns = t;
            counts_.last_ns = t;
            ++counts_.deliveries;
            counts_.bytes += request_.body().size();
            if (++counts_.per_callback[std::string(path)] > 1) ++counts_.duplicates;
            response->result(http::status::no_content);
        } else if (request_.method() == http::verb::get && path.starts_with("/cb/")) {
            ++counts_.verifications;
            response->result(http::status::ok);
            response->body() = query_value(target, "hub.challenge");
        } else if (path == "/stats") {
            response->result(http::status::ok);
            response->set(http::field::content_type, "application/json");
            response->body() = "{\"verifications\":" + std::to_string(counts_.verifications) +
                               ",\"deliveries\":" + std::to_string(counts_.deliveries) +
                               ",\"distinct\":" + std::to_string(counts_.per_callback.size()) +
                               ",\"duplicates\":" + std::to_string(counts_.duplicates) +
                               ",\"bytes\":" + std::to_string(counts_.bytes) +
                               ",\"first_ns\":" + std::to_string(counts_.first_ns) +
                               ",\"last_ns\":" + std::to_string(counts_.last_ns) + "}\n";
        } else if (request_.method() == http::verb::post && path == "/reset") {
            counts_.deliveries = counts_.duplicates = counts_.bytes = 0;
            counts_.first_ns = counts_.last_ns = 0;
            counts_.per_callback.clear();
            response->result(http::status::no_content);
        } else {
            response->result(http::status::not_found);
        }
        lock.unlock();
        response->prepare_payload();
        http::async_write(stream_, *response,
                          [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                              if (ec || !response->keep_alive()) {
                                  beast::error_code ignored;
                                  self->stream_.shutdown(tcp::socket::shutdown_send, ignored);
                                  return;
                              }
                              self->read();
                          });
    }

    tcp::socket stream_;
    Counts& counts_;
    bool keep_alive_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> request_;
};

void accept(tcp::acceptor& acceptor, Counts& counts, bool keep_alive) {
    acceptor.async_accept(
        [&acceptor, &counts, keep_alive](beast::error_code ec, tcp::socket socket) {
            if (!ec) std::make_shared<Session>(std::move(socket), counts, keep_alive)->start();
            accept(acceptor, counts, keep_alive);
        });
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> addresses;
    bool keep_alive = false;
    int threads = 2;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--keep-alive") {
            keep_alive = true;
        } else if (std::string_view(argv[i]) == "--threads" && i + 1 < argc) {
            threads = std::max(1, std::atoi(argv[++i]));
        } else {
            addresses.emplace_back(argv[i]);
        }
    }
    if (addresses.empty()) {
        std::cerr << "usage: hub_fanout_peer [--keep-alive] [--threads N] ADDRESS...\n";
        return 2;
    }
    asio::io_context io(threads);
    Counts counts;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    // The first address picks a free port; the others must get the same one (or all start over).
    for (int attempt = 0; attempt < 20 && acceptors.empty(); ++attempt) {
        unsigned short port = 0;
        for (const auto& address : addresses) {
            auto a = std::make_unique<tcp::acceptor>(io);
            const tcp::endpoint at(asio::ip::make_address(address), port);
            beast::error_code ec;
            a->open(at.protocol(), ec);
            if (!ec) a->set_option(asio::socket_base::reuse_address(true), ec);
            if (!ec) a->bind(at, ec);
            if (!ec) a->listen(4096, ec);
            if (ec) {
                acceptors.clear();
                break;
            }
            port = a->local_endpoint().port();
            acceptors.push_back(std::move(a));
        }
    }
    if (acceptors.empty()) {
        std::cerr << "hub_fanout_peer: cannot listen on one port on every address\n";
        return 1;
    }
    for (auto& a : acceptors) accept(*a, counts, keep_alive);
    std::cout << acceptors.front()->local_endpoint().port() << std::endl;
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
}
