// The durable queue of pending pings, and the record of what was last announced where.
//
// Delivery is at-least-once: a job leaves the queue only after its endpoint answered with success,
// and the queue is on disk before anything is sent. A crash loses no pending ping; the only ping
// that can be repeated is one that was in flight when the process died (the endpoint may have
// received it without us seeing the answer). Exactly-once is not possible over HTTP without the
// endpoint's help; for WebSub and XML-RPC a repeated ping is harmless.
//
// Not thread-safe: the owner serialises access. Time is passed in, so tests never sleep.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ping/types.h"

namespace feedd::ping {

struct RetryPolicy {
    std::chrono::milliseconds first_delay = std::chrono::seconds(30);  // after the first failure
    std::chrono::milliseconds max_delay = std::chrono::hours(1);       // cap between two tries
    std::chrono::milliseconds give_up_after = std::chrono::hours(24);  // since the first try
    // A new job waits this long before its first try, so a burst of rebuilds coalesces into one
    // ping carrying the latest state.
    std::chrono::milliseconds settle = std::chrono::seconds(1);
    double jitter = 0.2;  // each delay is scaled by a random factor in [1 - jitter, 1 + jitter]
    // At most this many pings in flight to one endpoint; the rest wait their turn. A site with
    // a hundred topic feeds announces them all at start: at once they would be a burst of a
    // hundred connections to one hub (a small hub's listen queue drops them, and the kernel
    // retries each after seconds).
    std::size_t max_in_flight_per_endpoint = 4;
};

// The delay before try number `failures + 1`: first_delay × 2^(failures-1), jittered, capped.
// `unit_random` is in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failures,
                                        double unit_random);

struct Job {
    Endpoint endpoint;
    std::string topic;  // the feed's self URL
    std::string etag;   // the state being announced
    int failures = 0;   // failed tries of this job
    TimePoint enqueued{};
    std::optional<TimePoint> first_attempt;  // starts the give-up window
    TimePoint next_attempt{};
    std::string last_error;
    std::uint64_t seq = 0;   // changes whenever the job is replaced; not persisted
    bool in_flight = false;  // not persisted
};

// Replaces `file` with `bytes` atomically and durably: temp file, fsync, rename, fsync of the
// folder; on a failure the temp file is removed. A new file gets `mode` (0600 unless said: state
// files may hold secrets). The error names the file or folder.
std::expected<void, std::string> write_file_atomically(
    const std::filesystem::path& file, const std::string& bytes,
    std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                  std::filesystem::perms::owner_write);
// Replaces `file` with `bytes` atomically but not durably: the same temp file and rename, so a
// reader never sees half a file, but no fsync, so after a crash of the machine the file may be the
// old one or empty. For output that a rerun makes again: `feedd build` writes thousands of site
// files, and an fsync each would make it many times slower. A new file gets `mode` (by default
// 0666 less the umask, as any program's output).
std::expected<void, std::string> replace_file(
    const std::filesystem::path& file, const std::string& bytes,
    std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                  std::filesystem::perms::owner_write |
                                  std::filesystem::perms::group_read |
                                  std::filesystem::perms::group_write |
                                  std::filesystem::perms::others_read |
                                  std::filesystem::perms::others_write);
// 0644, for a state file that holds nothing secret (reader totals, episode guids).
inline constexpr auto kReadableByAll =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
    std::filesystem::perms::group_read | std::filesystem::perms::others_read;

class PingQueue {
  public:
    explicit PingQueue(RetryPolicy policy = {}, std::uint64_t seed = std::random_device{}());

    // Reads a state file written by save(). A missing file is an empty state. An unreadable or
    // corrupt one is renamed aside (FILE.corrupt-UNIXTIME), the state starts empty, and the
    // returned warnings say so.
    std::vector<std::string> load(const std::filesystem::path& file);
    // write_file_atomically(file, serialize()).
    std::expected<void, std::string> save(const std::filesystem::path& file) const;
    std::string serialize() const;

    // Records that `endpoint` must be told about `topic` in state `etag`. Nothing happens when that
    // exact state was already announced there (so announcing every feed at start pings only for
    // what changed while feedd was down). Otherwise a pending job for the same (endpoint, topic) is
    // replaced — coalescing — and the state counts as announced: it is in the queue, which is on
    // disk together with this record. Returns whether a job was queued.
    //
    // A replaced job keeps its retry schedule (a failing endpoint is not tried faster because the
    // content changes) but gets a fresh give-up window: it announces a new state.
    bool announce(const Endpoint& endpoint, const std::string& topic, const std::string& etag,
                  TimePoint now);
    // Whether announce() would queue a job.
    bool changed(const Endpoint& endpoint, const std::string& topic, const std::string& etag) const;

    // The jobs due at `now` that are not in flight, oldest first and at most
    // max_in_flight_per_endpoint in flight per endpoint; they are marked in flight.
    std::vector<Job> take_due(TimePoint now);

    enum class Result {
        delivered,    // removed from the queue
        rescheduled,  // will be tried again at its next_attempt
        given_up,     // removed: permanent failure, or the give-up window has passed
        superseded,   // the job was replaced while in flight; the new state stays queued
    };
    // Records how the attempt at `job` (as returned by take_due) ended.
    Result complete(const Job& job, const Outcome& outcome, TimePoint now);

    // Un-marks every in-flight job (their attempts were abandoned, e.g. at stop()).
    void abandon_in_flight();
    // Drops pending jobs for endpoints not in `endpoints` (removed from the config); returns them.
    std::vector<Job> retain_endpoints(const std::vector<Endpoint>& endpoints);

    // The earliest next_attempt of a job not in flight whose endpoint has room for one more;
    // nullopt when there is none (the pinger then waits for a transfer to end).
    std::optional<TimePoint> next_due() const;
    const std::vector<Job>& jobs() const { return jobs_; }
    std::size_t size() const { return jobs_.size(); }

  private:
    struct Announced {
        std::string endpoint_key;
        std::string topic;
        std::string etag;
    };
    Job* find(const std::string& endpoint_key, const std::string& topic);

    std::map<std::string, std::size_t> in_flight_by_endpoint() const;  // by Endpoint::key()

    RetryPolicy policy_;
    std::mt19937_64 random_;
    std::vector<Job> jobs_;
    std::vector<Announced> announced_;
    std::uint64_t next_seq_ = 1;
};

}  // namespace feedd::ping
