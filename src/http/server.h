// The HTTP/1.1 server: accepts connections and answers each request with route() on the current
// snapshot.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

#include "feed/snapshot.h"

namespace feedd::http {

struct ServerLimits {
    std::chrono::seconds read_timeout{30};        // to receive a whole request's headers
    std::chrono::seconds keep_alive_timeout{60};  // idle time between requests
    std::size_t header_limit = 8 * 1024;          // bytes of request line + headers
    std::size_t body_limit = 0;                   // feed requests carry no body
    std::chrono::seconds write_timeout{30};       // to send one whole response
};

// All handlers run on `io` without strands: call io.run() from one thread only. `snapshots` must
// outlive the io_context's handlers.
class Server {
  public:
    // Binds and listens immediately (throws boost::system::system_error when it cannot).
    Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           const SnapshotSlot& snapshots, ServerLimits limits = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void start();  // begins accepting on the io_context
    // Stops accepting and closes idle connections; a response being written is finished first.
    // Safe to call from any thread (it is dispatched onto the io_context).
    void stop();
    boost::asio::ip::tcp::endpoint local_endpoint() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace feedd::http
