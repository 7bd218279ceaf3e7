// The HTTP side of pinging (libcurl, multi interface). Used from one thread at a time — the
// Pinger's worker, or the caller of deliver_all — except wakeup(), which any thread may call.
// libcurl is loaded by the first start(), not before (curl_library.h); if it cannot be loaded,
// that request ends with a retry outcome naming the library, like an unreachable endpoint.
// Internal to ping/: the daemon talks to Pinger.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ping/types.h"

namespace feedd::ping {

struct ClientOptions {
    std::string user_agent;
    std::string site_title;  // XML-RPC pings name the site
    std::string site_url;
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
    std::chrono::milliseconds total_timeout = std::chrono::seconds(15);  // per request
    int max_redirects = 5;  // each one only to the same host
};

struct Request {
    Endpoint endpoint;
    std::string topic;
    std::uint64_t tag = 0;  // the caller's, returned with the outcome
};

struct Finished {
    std::uint64_t tag = 0;
    Outcome outcome;
};

class Client {
  public:
    explicit Client(ClientOptions options);
    ~Client();  // abandons transfers still running
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void start(const Request& request);
    // Moves transfers along, waiting at most `wait` for network activity or wakeup().
    std::vector<Finished> run(std::chrono::milliseconds wait);
    void wakeup();  // thread-safe: makes a run() in another thread return early
    std::size_t active() const;
    void cancel_all();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Runs every request to its end (concurrently) and returns the outcomes in request order.
std::vector<Outcome> deliver_all(const ClientOptions& options,
                                 const std::vector<Request>& requests);

}  // namespace feedd::ping
