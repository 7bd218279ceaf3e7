// feedd's own WebSub hub: the state machine (state.h) run by a worker thread that sends
// verifications and deliveries through ping/'s HttpClient and keeps subscriptions and pending
// deliveries in state_dir/hub-state.json (mode 0600: it holds the subscribers' secrets).
//
// The daemon owns one Hub while hub.enabled:
//   - construct it before the first snapshot is published (it loads the state file);
//   - hand every snapshot's feeds to update_topics() after each swap, the first one included:
//     subscribers of a feed whose version changed get its document (so a restart delivers what
//     changed while feedd was down);
//   - route POSTs to hub.path to submit(), on the HTTP server's I/O thread: it parses the body and
//     queues the request in memory, and never waits on anything outside the process;
//   - read stats() for /metrics and /healthz; stop() before the io_context goes away.
// Network I/O, rendering a deferred feed for its subscribers, HMAC and fsync happen on the worker.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/state.h"

namespace feedd::hub {

struct HubOptions {
    Limits limits;
    std::filesystem::path state_dir;
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
    std::chrono::milliseconds total_timeout = std::chrono::seconds(15);  // per callback request
};

// A feed as distributed: its bytes exactly as served, and the headers that go with them.
struct TopicDocument {
    std::string content_type;
    std::shared_ptr<const std::string> body;
    std::string link_header;  // <hub>; rel="hub", …, <self>; rel="self"
};

struct Topic {
    std::string url;      // the feed's self URL
    std::string version;  // changes whenever its bytes may have
    // Called on the worker when a subscriber is due (may render a deferred document); nullopt
    // when the document cannot be made.
    std::function<std::optional<TopicDocument>()> load;
};

struct Answer {
    int status = 202;
    std::string message;  // one line
};

struct HubStats {
    std::size_t subscriptions = 0;
    std::size_t pending_deliveries = 0;
    std::size_t pending_requests = 0;
    std::uint64_t deliveries = 0;  // succeeded, since start
    std::uint64_t failures = 0;    // failed delivery attempts, since start
    std::uint64_t verified = 0;    // subscriptions and unsubscriptions verified, since start
    std::uint64_t denied = 0;
    std::uint64_t ended = 0;  // by 410 Gone, by failing for 24 h, or expired
};

enum class LogLevel { debug, info, warning, error };
using LogFn = std::function<void(LogLevel, const std::string&)>;

// STATE_DIR/hub-state.json.
std::filesystem::path hub_state_file(const std::filesystem::path& state_dir);

class Hub {
  public:
    // Loads the state (a corrupt file is moved aside with a warning) and starts the worker. Log
    // lines are posted to `io`.
    Hub(boost::asio::io_context& io, HubOptions options, LogFn log);
    ~Hub();
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    // A subscription request's Content-Type and body: 202, or 4xx/429 with a one-line reason.
    // Thread-safe; parses and queues in memory only.
    Answer submit(std::string_view content_type, std::string_view body);
    // Thread-safe; the worker applies the topics.
    void update_topics(std::vector<Topic> topics);
    HubStats stats() const;
    // Verified subscriptions per topic URL. Thread-safe; walks every subscription.
    std::map<std::string, std::size_t> subscribers_per_topic() const;
    // Abandons requests in flight (deliveries stay pending), saves the state, joins the worker.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace feedd::hub
