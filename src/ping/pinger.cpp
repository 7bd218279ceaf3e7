#include "ping/pinger.h"

#include <feedd/version.h>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "ping/client.h"

namespace feedd::ping {
namespace {

std::string in_seconds(Clock::duration d) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

ClientOptions client_options(const PingerOptions& o) {
    ClientOptions c;
    c.user_agent = o.user_agent.empty() ? default_user_agent(o.site_url) : o.user_agent;
    c.site_title = o.site_title;
    c.site_url = o.site_url;
    c.connect_timeout = o.connect_timeout;
    c.total_timeout = o.total_timeout;
    return c;
}

}  // namespace

std::string default_user_agent(std::string_view site_url) {
    return std::string("feedd/") + kVersion + " (+" + std::string(site_url) + ")";
}

std::filesystem::path state_file(const std::filesystem::path& state_dir) {
    return state_dir / "ping-state.json";
}

struct Pinger::Impl {
    boost::asio::io_context& io;
    PingerOptions options;
    LogFn log_fn;
    std::filesystem::path file;
    Client client;

    mutable std::mutex mutex;
    PingQueue queue;
    bool dirty = false;
    bool stopping = false;
    std::string last_save_error;
    std::map<std::uint64_t, Job> in_flight;  // by request tag
    std::uint64_t next_tag = 1;
    std::map<std::string, EndpointStats> endpoint_stats;  // by Endpoint::key()
    std::thread worker;

    Impl(boost::asio::io_context& io_, PingerOptions options_, LogFn log_)
        : io(io_),
          options(std::move(options_)),
          log_fn(std::move(log_)),
          file(state_file(options.state_dir)),
          client(client_options(options)),
          queue(options.retry) {}

    void log(LogLevel level, std::string message) {
        if (!log_fn) return;
        boost::asio::post(
            io, [fn = log_fn, level, message = std::move(message)] { fn(level, message); });
    }

    void save_if_dirty() {
        std::string bytes;
        {
            std::lock_guard lock(mutex);
            if (!dirty) return;
            bytes = queue.serialize();
            dirty = false;
        }
        if (auto saved = write_file_atomically(file, bytes); !saved) {
            std::lock_guard lock(mutex);
            dirty = true;  // tried again on the next turn of the loop
            if (saved.error() == last_save_error) return;
            last_save_error = saved.error();
            log(LogLevel::error, "ping: cannot save the queue: " + saved.error());
        } else {
            std::lock_guard lock(mutex);
            last_save_error.clear();
        }
    }

    void record(const Job& job, const Outcome& outcome, TimePoint now) {
        PingQueue::Result result;
        std::optional<TimePoint> next;
        {
            std::lock_guard lock(mutex);
            result = queue.complete(job, outcome, now);
            dirty = true;
            auto& stats = endpoint_stats[job.endpoint.key()];
            stats.last_outcome = std::string(to_string(outcome.kind)) + ": " + outcome.message;
            for (const auto& j : queue.jobs()) {
                if (j.endpoint == job.endpoint && j.topic == job.topic) next = j.next_attempt;
            }
        }
        const std::string what = "ping " + job.endpoint.key() + " for " + job.topic;
        switch (result) {
            case PingQueue::Result::delivered:
                log(LogLevel::info, what + ": " + outcome.message);
                break;
            case PingQueue::Result::rescheduled:
                log(LogLevel::warning, what + " failed (" + outcome.message + "); try " +
                                           std::to_string(job.failures + 2) + " in " +
                                           in_seconds(next.value_or(now) - now));
                break;
            case PingQueue::Result::given_up:
                log(LogLevel::error, what + " given up after " + std::to_string(job.failures + 1) +
                                         " tries: " + outcome.message);
                break;
            case PingQueue::Result::superseded:
                log(LogLevel::debug, what + " (" + outcome.message + "): a newer state is queued");
                break;
        }
    }

    void run() {
        for (;;) {
            std::vector<std::pair<std::uint64_t, Job>> due;
            std::chrono::milliseconds wait(1000);
            {
                std::lock_guard lock(mutex);
                if (stopping) break;
                const auto now = Clock::now();
                for (auto& job : queue.take_due(now)) {
                    const auto tag = next_tag++;
                    endpoint_stats[job.endpoint.key()].last_attempt = now;
                    in_flight.emplace(tag, job);
                    due.emplace_back(tag, std::move(job));
                    dirty = true;  // first_attempt starts the give-up window
                }
                if (const auto next = queue.next_due()) {
                    const auto until = std::chrono::ceil<std::chrono::milliseconds>(*next - now);
                    wait = std::clamp(until, std::chrono::milliseconds(0), wait);
                }
            }
            // On disk before anything is sent: a crash loses nothing that was announced.
            save_if_dirty();
            for (const auto& [tag, job] : due) client.start({job.endpoint, job.topic, tag});
            for (auto& finished : client.run(wait)) {
                Job job;
                {
                    std::lock_guard lock(mutex);
                    auto it = in_flight.find(finished.tag);
                    if (it == in_flight.end()) continue;
                    job = std::move(it->second);
                    in_flight.erase(it);
                }
                record(job, finished.outcome, Clock::now());
            }
        }
        client.cancel_all();
        {
            std::lock_guard lock(mutex);
            queue.abandon_in_flight();
            in_flight.clear();
            dirty = true;
        }
        save_if_dirty();
    }
};

Pinger::Pinger(boost::asio::io_context& io, PingerOptions options, LogFn log)
    : impl_(std::make_unique<Impl>(io, std::move(options), std::move(log))) {
    auto& impl = *impl_;
    for (const auto& warning : impl.queue.load(impl.file)) {
        if (impl.log_fn) impl.log_fn(LogLevel::warning, warning);
    }
    for (const auto& job : impl.queue.retain_endpoints(impl.options.endpoints)) {
        impl.dirty = true;
        if (impl.log_fn) {
            impl.log_fn(LogLevel::warning, "ping: dropping the pending ping of " + job.topic +
                                               " to " + job.endpoint.key() +
                                               ": no longer configured");
        }
    }
    for (const auto& endpoint : impl.options.endpoints) {
        impl.endpoint_stats[endpoint.key()].endpoint = endpoint;
    }
    if (impl.log_fn && impl.queue.size() > 0) {
        impl.log_fn(LogLevel::info,
                    "ping: " + std::to_string(impl.queue.size()) + " pending ping(s) resumed");
    }
    impl.worker = std::thread([&impl] { impl.run(); });
}

Pinger::~Pinger() {
    stop();
}

void Pinger::announce(const std::vector<Topic>& topics) {
    bool queued = false;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopping) return;
        const auto now = Clock::now();
        for (const auto& endpoint : impl_->options.endpoints) {
            for (const auto& topic : topics) {
                queued = impl_->queue.announce(endpoint, topic.url, topic.etag, now) || queued;
            }
        }
        impl_->dirty = impl_->dirty || queued;
    }
    if (queued) impl_->client.wakeup();
}

PingStats Pinger::stats() const {
    std::lock_guard lock(impl_->mutex);
    PingStats out;
    out.queue_length = impl_->queue.size();
    for (const auto& endpoint : impl_->options.endpoints) {
        auto stats = impl_->endpoint_stats.at(endpoint.key());
        stats.pending = 0;
        stats.next_retry.reset();
        for (const auto& job : impl_->queue.jobs()) {
            if (!(job.endpoint == endpoint)) continue;
            ++stats.pending;
            if (!job.in_flight && (!stats.next_retry || job.next_attempt < *stats.next_retry)) {
                stats.next_retry = job.next_attempt;
            }
        }
        out.endpoints.push_back(std::move(stats));
    }
    return out;
}

void Pinger::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->client.wakeup();
    if (impl_->worker.joinable()) impl_->worker.join();
}

std::vector<Delivery> ping_all_now(const PingerOptions& options, const std::vector<Topic>& topics) {
    std::vector<Request> requests;
    std::vector<Delivery> deliveries;
    for (const auto& endpoint : options.endpoints) {
        for (const auto& topic : topics) {
            requests.push_back({endpoint, topic.url, 0});
            deliveries.push_back({endpoint, topic.url, {}});
        }
    }
    const auto outcomes = deliver_all(client_options(options), requests);
    for (std::size_t i = 0; i < outcomes.size(); ++i) deliveries[i].outcome = outcomes[i];
    return deliveries;
}

}  // namespace feedd::ping
