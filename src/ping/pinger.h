// Pinger: announces changed feeds to WebSub hubs and XML-RPC ping services, durably.
//
// The daemon owns one Pinger for the life of `serve`:
//   - construct it after the first snapshot is built (it loads the queue from state_dir and
//     resumes pending pings at once);
//   - call announce(all feeds with their ETags) after each snapshot swap, including the first
//     one at start: only (endpoint, feed) pairs whose ETag differs from the last one announced
//     there are queued, so a restart pings exactly for what changed while feedd was down;
//   - read stats() for /healthz and /metrics;
//   - call stop() before the io_context goes away.
// Network I/O and fsync happen on the Pinger's own worker thread, never on the io_context's.
// Why a worker (curl multi + curl_multi_poll/wakeup) rather than curl's socket interface driven by
// Asio: the state file's fsync must stay off the I/O thread too, and for a few requests per feed
// change the worker is much less code than bridging CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION to Asio.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ping/queue.h"
#include "ping/types.h"

namespace feedd::ping {

struct PingerOptions {
    std::vector<Endpoint> endpoints;
    std::string site_title;
    std::string site_url;
    std::filesystem::path state_dir;  // the queue lives in state_file(state_dir)
    std::string user_agent;           // empty: default_user_agent(site_url)
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
    std::chrono::milliseconds total_timeout = std::chrono::seconds(15);
    RetryPolicy retry;
};

enum class LogLevel { debug, info, warning, error };
using LogFn = std::function<void(LogLevel, const std::string&)>;

// "feedd/VERSION (+SITE_URL)".
std::string default_user_agent(std::string_view site_url);
// STATE_DIR/ping-state.json: the pending queue and what was last announced where.
std::filesystem::path state_file(const std::filesystem::path& state_dir);

struct EndpointStats {
    Endpoint endpoint;
    std::size_t pending = 0;                // jobs queued for this endpoint
    std::optional<TimePoint> last_attempt;  // since this process started
    std::string last_outcome;               // "" before the first attempt, else "success: ..." etc.
    std::optional<TimePoint> next_retry;    // earliest next try of a pending job
};

struct PingStats {
    std::size_t queue_length = 0;
    std::vector<EndpointStats> endpoints;  // in configuration order
};

class Pinger {
  public:
    // Loads the state (problems are logged as warnings; a corrupt file is moved aside) and starts
    // the worker. Log lines are posted to `io`, so `log` runs on the io_context's thread.
    Pinger(boost::asio::io_context& io, PingerOptions options, LogFn log);
    ~Pinger();  // stop()
    Pinger(const Pinger&) = delete;
    Pinger& operator=(const Pinger&) = delete;

    // Thread-safe; returns at once (the state is written by the worker before any ping is sent).
    void announce(const std::vector<Topic>& topics);
    PingStats stats() const;
    // Abandons requests in flight (they stay queued), writes the state, joins the worker.
    // Idempotent; returns within a second.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct Delivery {
    Endpoint endpoint;
    std::string topic;
    Outcome outcome;
};

// `feedd ping`: pings every endpoint for every topic now, concurrently, and returns each outcome
// (endpoint-major order). Blocking; touches no state (a running daemon owns state_dir).
std::vector<Delivery> ping_all_now(const PingerOptions& options, const std::vector<Topic>& topics);

}  // namespace feedd::ping
