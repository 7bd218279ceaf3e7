// Counters and gauges for /metrics (Prometheus text format 0.0.4) and the body of /healthz.
// The server records every response; the daemon records builds and sets its own gauges.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feed/snapshot.h"

namespace feedd::http {

// Thread-safe. The request path (record_response, connection_*) only touches relaxed atomics in
// fixed arrays, so the I/O thread never waits for a build thread that holds the mutex.
class Metrics {
  public:
    using Labels = std::vector<std::pair<std::string, std::string>>;

    Metrics() = default;
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // --- request path (the server calls these) ---
    // `target` is the request target; paths feedd does not know share the label "other", so a
    // scanner cannot create new series.
    void record_response(std::string_view target, unsigned status, std::uint64_t bytes) noexcept;
    void connection_opened() noexcept;
    void connection_closed() noexcept;
    // A connection closed because it was too slow to send its request or idle for too long.
    void record_timeout() noexcept;
    // A podcast media response ended (whole or cut short): the bytes of media files it sent.
    void record_media(std::uint64_t file_bytes) noexcept;

    // --- per build (the daemon calls this) ---
    // `articles` counts only when the build succeeded (it is what is served); `problems` always.
    void record_build(std::chrono::microseconds duration, std::size_t articles,
                      std::size_t problems, bool succeeded,
                      std::chrono::system_clock::time_point at = std::chrono::system_clock::now());

    // --- free-form series for later stages (ping queue, per-endpoint state, …) ---
    // Names follow Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*, labels without ':'), counters end
    // in "_total", and one name keeps one type; a violation is a programming error and throws
    // std::invalid_argument. Setting a series creates it; `help` of the first call is kept.
    void set_gauge(std::string_view name, std::string_view help, double value);
    void set_gauge(std::string_view name, std::string_view help, const Labels& labels,
                   double value);
    void add_counter(std::string_view name, std::string_view help, const Labels& labels,
                     double delta = 1);
    // Drops every series of `name` (e.g. after a reload removed a ping endpoint).
    void remove(std::string_view name);

    // Extra top-level members of the /healthz JSON (e.g. "ping_queue": 3). They never replace
    // the built-in members.
    void set_health(std::string_view key, double value);
    void set_health(std::string_view key, std::string_view text);
    void remove_health(std::string_view key);

    // The whole exposition, ending in a newline.
    std::string render() const;

    // Label values of the request counter, by slot; exposed for tests.
    static std::string_view path_label(std::string_view target) noexcept;

  private:
    friend std::string render_health(const Snapshot&, std::chrono::system_clock::time_point,
                                     const Metrics*);

    static constexpr std::size_t kPaths = 10;
    static constexpr std::size_t kStatuses = 15;
    static constexpr std::size_t kBuckets = 13;  // finite histogram bounds; +Inf is the count

    struct Family {
        std::string help;
        bool counter = false;
        std::map<std::string, double, std::less<>> series;  // by rendered label set "{a=\"b\"}"
    };
    struct HealthValue {
        bool is_text = false;
        double number = 0;
        std::string text;
    };

    Family& family(std::string_view name, std::string_view help, bool counter);

    std::array<std::atomic<std::uint64_t>, kPaths * kStatuses> requests_{};
    std::atomic<std::uint64_t> bytes_sent_{0};
    std::atomic<std::uint64_t> not_modified_{0};
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> connections_{0};
    std::atomic<std::uint64_t> timeouts_{0};
    std::atomic<std::uint64_t> media_bytes_{0};

    mutable std::mutex mutex_;  // everything below
    std::uint64_t builds_ok_ = 0;
    std::uint64_t builds_failed_ = 0;
    std::array<std::uint64_t, kBuckets> build_buckets_{};  // not cumulative; summed when rendered
    double build_seconds_sum_ = 0;
    bool built_ = false;
    bool last_build_ok_ = false;
    double last_build_seconds_ = 0;
    std::chrono::system_clock::time_point last_build_at_{};
    std::size_t articles_ = 0;
    std::size_t problems_ = 0;
    std::map<std::string, Family, std::less<>> families_;
    std::map<std::string, HealthValue, std::less<>> health_;
};

// The /healthz document for a served snapshot: status, articles, problems, last_build
// (RFC 3339), last_build_duration_ms, snapshot_age_seconds, then the metrics' extra members.
std::string render_health(const Snapshot& snapshot, std::chrono::system_clock::time_point now,
                          const Metrics* metrics);

}  // namespace feedd::http
