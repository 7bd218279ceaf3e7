#include "ping/queue.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace feedd::ping {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr int kFormatVersion = 1;

std::int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
TimePoint from_ms(std::int64_t ms) {
    return TimePoint(std::chrono::duration_cast<Clock::duration>(milliseconds(ms)));
}

json endpoint_json(const Endpoint& e) {
    return {{"kind", e.kind == EndpointKind::xmlrpc ? "xmlrpc" : "websub"},
            {"url", e.url},
            {"topic_param", e.topic_param}};
}

Endpoint endpoint_from(const json& j) {
    Endpoint e;
    const auto kind = j.at("kind").get<std::string>();
    if (kind == "xmlrpc") {
        e.kind = EndpointKind::xmlrpc;
    } else if (kind == "websub") {
        e.kind = EndpointKind::websub;
    } else {
        throw std::runtime_error("unknown endpoint kind \"" + kind + "\"");
    }
    e.url = j.at("url").get<std::string>();
    e.topic_param = j.value("topic_param", false);
    return e;
}

std::string errno_text(const std::string& what, const std::filesystem::path& path) {
    return what + " " + path.string() + ": " + std::strerror(errno);
}

bool write_all(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failures,
                                        double unit_random) {
    const double base = static_cast<double>(policy.first_delay.count());
    const double cap = static_cast<double>(policy.max_delay.count());
    // 2^n overflows nothing here: the exponent stops growing once the cap is passed.
    const int exponent = std::clamp(failures - 1, 0, 40);
    const double raw = std::min(cap, base * std::pow(2.0, exponent));
    const double factor = 1.0 + policy.jitter * (2.0 * unit_random - 1.0);
    return milliseconds(static_cast<std::int64_t>(std::min(cap, raw * factor)));
}

PingQueue::PingQueue(RetryPolicy policy, std::uint64_t seed) : policy_(policy), random_(seed) {}

Job* PingQueue::find(const std::string& endpoint_key, const std::string& topic) {
    for (auto& job : jobs_) {
        if (job.topic == topic && job.endpoint.key() == endpoint_key) return &job;
    }
    return nullptr;
}

bool PingQueue::changed(const Endpoint& endpoint, const std::string& topic,
                        const std::string& etag) const {
    const auto key = endpoint.key();
    for (const auto& a : announced_) {
        if (a.endpoint_key == key && a.topic == topic) return a.etag != etag;
    }
    return true;
}

bool PingQueue::announce(const Endpoint& endpoint, const std::string& topic,
                         const std::string& etag, TimePoint now) {
    if (!changed(endpoint, topic, etag)) return false;
    const auto key = endpoint.key();
    auto it = std::find_if(announced_.begin(), announced_.end(), [&](const Announced& a) {
        return a.endpoint_key == key && a.topic == topic;
    });
    if (it == announced_.end()) {
        announced_.push_back({key, topic, etag});
    } else {
        it->etag = etag;
    }

    if (Job* job = find(key, topic)) {
        job->etag = etag;
        job->enqueued = now;
        job->first_attempt.reset();
        job->seq = next_seq_++;
        job->next_attempt = std::max(job->next_attempt, now + policy_.settle);
        return true;
    }
    Job job;
    job.endpoint = endpoint;
    job.topic = topic;
    job.etag = etag;
    job.enqueued = now;
    job.next_attempt = now + policy_.settle;
    job.seq = next_seq_++;
    jobs_.push_back(std::move(job));
    return true;
}

std::map<std::string, std::size_t> PingQueue::in_flight_by_endpoint() const {
    std::map<std::string, std::size_t> count;
    for (const auto& job : jobs_) {
        if (job.in_flight) ++count[job.endpoint.key()];
    }
    return count;
}

std::vector<Job> PingQueue::take_due(TimePoint now) {
    auto in_flight = in_flight_by_endpoint();
    std::vector<Job> due;
    for (auto& job : jobs_) {  // in the order announced
        if (job.in_flight || job.next_attempt > now) continue;
        auto& count = in_flight[job.endpoint.key()];
        if (count >= policy_.max_in_flight_per_endpoint) continue;
        ++count;
        job.in_flight = true;
        if (!job.first_attempt) job.first_attempt = now;
        due.push_back(job);
    }
    return due;
}

PingQueue::Result PingQueue::complete(const Job& attempted, const Outcome& outcome, TimePoint now) {
    auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const Job& j) {
        return j.topic == attempted.topic && j.endpoint == attempted.endpoint;
    });
    if (it == jobs_.end()) return Result::superseded;
    it->in_flight = false;
    if (it->seq != attempted.seq) {
        // Replaced while in flight: the new state still has to be announced, on its own schedule.
        // A failure still counts against the endpoint's backoff, so an outage is not hammered.
        if (!outcome.ok()) {
            it->failures = std::max(it->failures, attempted.failures + 1);
            it->next_attempt =
                std::max(it->next_attempt,
                         now + backoff_delay(policy_, it->failures,
                                             std::uniform_real_distribution<>(0.0, 1.0)(random_)));
            it->last_error = outcome.message;
        }
        return Result::superseded;
    }
    if (outcome.ok()) {
        jobs_.erase(it);
        return Result::delivered;
    }
    it->last_error = outcome.message;
    ++it->failures;
    const bool expired = it->first_attempt && now - *it->first_attempt >= policy_.give_up_after;
    if (outcome.kind == OutcomeKind::permanent || expired) {
        jobs_.erase(it);
        return Result::given_up;
    }
    // A server that says when to come back (Retry-After) is taken at its word, within [1 s, the
    // cap]; otherwise the delay grows exponentially.
    const auto delay =
        outcome.retry_after
            ? std::clamp<Clock::duration>(*outcome.retry_after, std::chrono::seconds(1),
                                          policy_.max_delay)
            : Clock::duration(backoff_delay(policy_, it->failures,
                                            std::uniform_real_distribution<>(0.0, 1.0)(random_)));
    it->next_attempt = now + delay;
    return Result::rescheduled;
}

void PingQueue::abandon_in_flight() {
    for (auto& job : jobs_) job.in_flight = false;
}

std::vector<Job> PingQueue::retain_endpoints(const std::vector<Endpoint>& endpoints) {
    std::vector<Job> dropped;
    std::erase_if(jobs_, [&](const Job& job) {
        if (std::find(endpoints.begin(), endpoints.end(), job.endpoint) != endpoints.end()) {
            return false;
        }
        dropped.push_back(job);
        return true;
    });
    return dropped;
}

std::optional<TimePoint> PingQueue::next_due() const {
    const auto in_flight = in_flight_by_endpoint();
    std::optional<TimePoint> next;
    for (const auto& job : jobs_) {
        if (job.in_flight || (next && job.next_attempt >= *next)) continue;
        const auto busy = in_flight.find(job.endpoint.key());
        if (busy != in_flight.end() && busy->second >= policy_.max_in_flight_per_endpoint) continue;
        next = job.next_attempt;
    }
    return next;
}

std::string PingQueue::serialize() const {
    json pending = json::array();
    for (const auto& job : jobs_) {
        pending.push_back({{"endpoint", endpoint_json(job.endpoint)},
                           {"topic", job.topic},
                           {"etag", job.etag},
                           {"failures", job.failures},
                           {"enqueued_ms", to_ms(job.enqueued)},
                           {"first_attempt_ms",
                            job.first_attempt ? json(to_ms(*job.first_attempt)) : json(nullptr)},
                           {"next_attempt_ms", to_ms(job.next_attempt)},
                           {"last_error", job.last_error}});
    }
    json announced = json::array();
    for (const auto& a : announced_) {
        announced.push_back({{"endpoint", a.endpoint_key}, {"topic", a.topic}, {"etag", a.etag}});
    }
    const json doc = {{"version", kFormatVersion}, {"pending", pending}, {"announced", announced}};
    return doc.dump(2) + "\n";
}

std::vector<std::string> PingQueue::load(const std::filesystem::path& file) {
    std::vector<std::string> warnings;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return warnings;
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();

    std::vector<Job> jobs;
    std::vector<Announced> announced;
    std::string problem;
    if (!in) {
        problem = "cannot read";
    } else {
        try {
            const json doc = json::parse(text.str());
            if (doc.at("version").get<int>() != kFormatVersion) {
                throw std::runtime_error("unknown version " + doc.at("version").dump());
            }
            for (const auto& p : doc.at("pending")) {
                Job job;
                job.endpoint = endpoint_from(p.at("endpoint"));
                job.topic = p.at("topic").get<std::string>();
                job.etag = p.at("etag").get<std::string>();
                job.failures = p.at("failures").get<int>();
                job.enqueued = from_ms(p.at("enqueued_ms").get<std::int64_t>());
                if (!p.at("first_attempt_ms").is_null()) {
                    job.first_attempt = from_ms(p.at("first_attempt_ms").get<std::int64_t>());
                }
                job.next_attempt = from_ms(p.at("next_attempt_ms").get<std::int64_t>());
                job.last_error = p.value("last_error", "");
                jobs.push_back(std::move(job));
            }
            for (const auto& a : doc.at("announced")) {
                announced.push_back({a.at("endpoint").get<std::string>(),
                                     a.at("topic").get<std::string>(),
                                     a.at("etag").get<std::string>()});
            }
        } catch (const std::exception& e) {
            problem = e.what();
        }
    }
    if (!problem.empty()) {
        const auto aside =
            file.string() + ".corrupt-" + std::to_string(Clock::to_time_t(Clock::now()));
        std::filesystem::rename(file, aside, ec);
        warnings.push_back("ping state " + file.string() + " is unusable (" + problem +
                           "); starting with an empty queue; the file was moved to " + aside +
                           (ec ? " (failed: " + ec.message() + ")" : ""));
        return warnings;
    }
    for (auto& job : jobs) job.seq = next_seq_++;
    jobs_ = std::move(jobs);
    announced_ = std::move(announced);
    return warnings;
}

std::expected<void, std::string> PingQueue::save(const std::filesystem::path& file) const {
    return write_file_atomically(file, serialize());
}

namespace {

// Both of the header's writers: the same temp file and rename, with or without the fsyncs.
std::expected<void, std::string> write_through_temporary(const std::filesystem::path& file,
                                                         const std::string& bytes,
                                                         std::filesystem::perms mode,
                                                         bool durable) {
    const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return std::unexpected("cannot create " + dir.string() + ": " + ec.message());
    const auto temp = std::filesystem::path(file.string() + ".tmp");
    // A failed write leaves no temporary file behind (it would sit next to the state for good).
    const auto failed = [&temp](std::string message) {
        ::unlink(temp.c_str());
        return std::unexpected(std::move(message));
    };

    const int fd =
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd < 0) return std::unexpected(errno_text("cannot create", temp));
    if (!write_all(fd, bytes) || (durable && ::fsync(fd) != 0)) {
        auto message = errno_text("cannot write", temp);
        ::close(fd);
        return failed(std::move(message));
    }
    if (::close(fd) != 0) return failed(errno_text("cannot close", temp));
    if (::rename(temp.c_str(), file.c_str()) != 0)
        return failed(errno_text("cannot rename to", file));
    if (!durable) return {};
    // The rename is durable only once the folder entry is.
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return std::unexpected(errno_text("cannot open", dir));
    const bool synced = ::fsync(dir_fd) == 0;
    ::close(dir_fd);
    if (!synced) return std::unexpected(errno_text("cannot fsync", dir));
    return {};
}

}  // namespace

std::expected<void, std::string> write_file_atomically(const std::filesystem::path& file,
                                                       const std::string& bytes,
                                                       std::filesystem::perms mode) {
    return write_through_temporary(file, bytes, mode, true);
}

std::expected<void, std::string> replace_file(const std::filesystem::path& file,
                                              const std::string& bytes,
                                              std::filesystem::perms mode) {
    return write_through_temporary(file, bytes, mode, false);
}

}  // namespace feedd::ping
