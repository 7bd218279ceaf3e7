// The HTTP/1.1 server: accepts connections and answers each request with route() on the current
// snapshot.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/cidr.h"
#include "feed/snapshot.h"
#include "http/hub_endpoint.h"

namespace feedd::http {

class Metrics;
class ReaderHooks;

struct ServerLimits {
    std::chrono::seconds read_timeout{30};        // to receive a whole request's headers
    std::chrono::seconds keep_alive_timeout{60};  // idle time between requests
    std::size_t header_limit = 8 * 1024;          // bytes of request line + headers (else 431/414)
    std::size_t header_fields_limit = 100;        // header fields of one request (else 431)
    std::size_t body_limit = 0;                   // feed requests carry no body (0: body is 400)
    std::chrono::seconds write_timeout{30};       // to send one whole response
    // Open connections. At the cap the server stops accepting until one closes: new clients
    // wait in the kernel's listen backlog instead of being refused (see Listener::on_accept).
    std::size_t max_connections = 10'000;
    // Bytes of pipelined requests read ahead of the one being answered; the rest waits in the
    // kernel and TCP flow control slows the client down.
    std::size_t pipeline_buffer = 16 * 1024;
};

struct ServerOptions {
    ServerLimits limits;
    std::chrono::seconds max_age{300};  // Cache-Control max-age of feeds (config server.max_age)
    std::size_t feed_limit = 0;  // largest ?limit=N (config feeds.limit; 0: a feed's entry count)
    // Updated per connection and response, rendered at /metrics; null: no /metrics. Must outlive
    // the io_context's handlers.
    Metrics* metrics = nullptr;
    // Where bodies of 32 KB and more are copied, once per snapshot, to be sent with sendfile: an
    // unnamed O_TMPFILE file there (nothing is left behind, even after a crash), taking at most
    // 64 MB per live snapshot. Empty, or a directory that cannot hold one: a memfd (shmem), which
    // costs the kernel more per response (http/response_cache.cpp). /var/tmp is disk-backed on
    // Debian and private under systemd's PrivateTmp.
    std::string body_dir = "/var/tmp";
    // Told of every subscription feed served (http/readers_hooks.h), and asked for /stats and
    // /stats.json; null: no counting, no stats pages. Must outlive the io_context's handlers.
    ReaderHooks* readers = nullptr;
    // server.trusted_proxies: peers whose X-Forwarded-For/Forwarded name the client.
    std::vector<Cidr> trusted_proxies;
    // server.metrics_allow: the clients /stats, /stats.json and /metrics answer (403 to others).
    std::vector<Cidr> metrics_allow = {*parse_cidr("127.0.0.0/8"), *parse_cidr("::1/128")};
    // feedd's WebSub hub (hub.enabled): POSTs to its path are read with their body (up to its
    // limit) and answered by its submit(); null: no hub, and requests take no body.
    std::shared_ptr<const HubEndpoint> hub;
    // Podcast media (podcast.media_path, docs/podcasts.md): GET and HEAD under `path` ("/media/")
    // serve the media files of `dir` (content.dir) with byte ranges (http/media.h), opened and
    // read on two disk threads of their own and written from the I/O thread a chunk at a time.
    // Unset: no media (none configured, or podcast.media_url names a CDN).
    struct MediaRoot {
        std::string path;
        std::filesystem::path dir;
    };
    std::optional<MediaRoot> media;
};

// All handlers run on `io` without strands: call io.run() from one thread only. `snapshots` must
// outlive the io_context's handlers. What may take long — rendering a deferred document, making a
// browser view or a compressed variant, writing the response cache's file — runs on the Server's
// own two worker threads (route.h: RouteContext::may_block, prepare()), whose results are posted
// back to `io`: so `io` must outlive the Server, whose destructor waits for the jobs still running
// (a render that never returns would hold it).
class Server {
  public:
    // Binds and listens immediately (throws boost::system::system_error when it cannot).
    Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           const SnapshotSlot& snapshots, ServerOptions options = {});
    // Adopts a socket that is already bound and listening (systemd socket activation: fd 3 and
    // up, see sd_listen_fds). IPv4 or IPv6 is read from the socket. Throws
    // boost::system::system_error, leaving the fd open, if it is not a listening TCP socket;
    // otherwise the Server owns and closes it.
    Server(boost::asio::io_context& io, int listening_fd, const SnapshotSlot& snapshots,
           ServerOptions options = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void start();  // begins accepting on the io_context
    // Stops accepting and closes idle connections; a response being written, or being prepared on
    // a worker, is finished first (within the write timeout). Safe to call from any thread (it is
    // dispatched onto the io_context).
    void stop();
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    // Runs `job` on the worker threads, for work that readers would otherwise wait for and that
    // must not hold the I/O thread: making a new snapshot's compressed variants ahead of its first
    // requests. Jobs still queued run before ~Server returns.
    void run_on_workers(std::function<void()> job);

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace feedd::http
