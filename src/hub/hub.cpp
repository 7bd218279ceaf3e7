#include "hub/hub.h"

#include <feedd/version.h>

#include <boost/asio/post.hpp>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "hub/signature.h"
#include "ping/http_client.h"
#include "ping/queue.h"

namespace feedd::hub {
namespace {

// How long delivery bookkeeping (a success, a retry's schedule) may wait to be saved: a crash in
// that window repeats a delivery, which subscribers must accept anyway (at-least-once). A new,
// renewed or ended subscription, and a change to deliver, are saved before anything is sent.
constexpr auto kSaveInterval = std::chrono::seconds(1);
// ... or longer, so that saving takes at most a tenth of the worker's time: the whole state is
// rewritten each time, and with 10 000 subscriptions that is a 2 MB file and ~0.1 s, which once a
// second would slow a fan-out to them all by as much (bench/hub_fanout.sh).
constexpr int kSaveShare = 10;

ping::HttpClientOptions client_options(const HubOptions& o) {
    ping::HttpClientOptions c;
    c.connect_timeout = o.connect_timeout;
    c.total_timeout = o.total_timeout;
    c.max_response_bytes = 4096;  // a challenge echo; the rest of an answer is not looked at
    return c;
}

std::string user_agent(std::size_t subscribers) {
    return std::string("feedd-hub/") + kVersion + " (" + std::to_string(subscribers) +
           (subscribers == 1 ? " subscriber)" : " subscribers)");
}

}  // namespace

std::filesystem::path hub_state_file(const std::filesystem::path& state_dir) {
    return state_dir / "hub-state.json";
}

struct Hub::Impl {
    boost::asio::io_context& io;
    HubOptions options;
    LogFn log_fn;
    std::filesystem::path file;
    ping::HttpClient client;

    mutable std::mutex mutex;
    HubState state;
    std::optional<std::vector<Topic>> new_topics;
    bool stopping = false;
    bool dirty_now = false;    // save before sending anything
    bool dirty_later = false;  // save within save_interval
    HubStats counters;
    std::string last_save_error;

    // The worker's own.
    std::map<std::string, Topic> topics;
    std::map<std::string, std::pair<std::string, std::optional<TopicDocument>>> documents;
    std::map<std::uint64_t, Action> in_flight;
    bool have_topics = false;
    std::chrono::steady_clock::time_point last_save = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration save_interval = kSaveInterval;
    std::thread worker;

    Impl(boost::asio::io_context& io_, HubOptions options_, LogFn log_)
        : io(io_),
          options(std::move(options_)),
          log_fn(std::move(log_)),
          file(hub_state_file(options.state_dir)),
          client(client_options(options)),
          state(options.limits, [] { return random_hex(20); }) {}

    void log(LogLevel level, std::string message) {
        if (!log_fn) return;
        boost::asio::post(io, [fn = log_fn, level, message = std::move(message)] {
            fn(level, "hub: " + message);
        });
    }

    void load() {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec)) return;
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in.good() && !in.eof()) {
            throw std::runtime_error("cannot read " + file.string());
        }
        if (auto restored = state.restore(text.str()); !restored) {
            const auto aside = file.string() + ".corrupt-" +
                               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                  Clock::now().time_since_epoch())
                                                  .count());
            std::filesystem::rename(file, aside, ec);
            if (log_fn) {
                log_fn(LogLevel::warning, "hub: " + file.string() + " is unreadable (" +
                                              restored.error() + "); moved to " + aside +
                                              ", starting without subscriptions");
            }
        } else if (log_fn && state.size() > 0) {
            log_fn(LogLevel::info, "hub: " + std::to_string(state.size()) + " subscription(s), " +
                                       std::to_string(state.pending_deliveries()) +
                                       " pending delivery(ies) resumed");
        }
    }

    void save_if_dirty() {
        SavedState saved;
        {
            std::lock_guard lock(mutex);
            const bool due =
                dirty_now ||
                (dirty_later && std::chrono::steady_clock::now() - last_save >= save_interval);
            if (!due) return;
            // A copy, turned into JSON after the lock is released: with 10 000 subscriptions the
            // JSON takes tens of milliseconds, which submit() and stats() on the HTTP server's I/O
            // thread would otherwise wait for.
            saved = state.saved();
            dirty_now = dirty_later = false;
        }
        const auto started = std::chrono::steady_clock::now();
        const auto written = ping::write_file_atomically(file, serialize(saved));
        last_save = std::chrono::steady_clock::now();
        save_interval = std::max<std::chrono::steady_clock::duration>(
            kSaveInterval, kSaveShare * (last_save - started));
        if (!written) {
            std::lock_guard lock(mutex);
            dirty_later = true;  // tried again within save_interval
            if (written.error() == last_save_error) return;
            last_save_error = written.error();
            log(LogLevel::error, "cannot save the subscriptions: " + written.error());
        } else {
            std::lock_guard lock(mutex);
            last_save_error.clear();
        }
    }

    const TopicDocument* document_for(const std::string& url) {
        const auto topic = topics.find(url);
        if (topic == topics.end()) return nullptr;
        auto& slot = documents[url];
        if (slot.first != topic->second.version || !slot.second) {
            slot.first = topic->second.version;
            try {
                slot.second = topic->second.load ? topic->second.load() : std::nullopt;
            } catch (const std::exception& error) {
                log(LogLevel::error,
                    "cannot make " + url + " for its subscribers: " + error.what());
                slot.second.reset();
            }
        }
        return slot.second ? &*slot.second : nullptr;
    }

    void apply_topics(std::vector<Topic> next) {
        std::map<std::string, std::string> versions;
        std::map<std::string, Topic> by_url;
        for (auto& topic : next) {
            versions[topic.url] = topic.version;
            by_url[topic.url] = std::move(topic);
        }
        std::vector<std::string> changed;
        {
            std::lock_guard lock(mutex);
            changed = state.set_topics(versions, Clock::now());
            dirty_now = true;  // the topics' versions, and the deliveries now pending
        }
        topics = std::move(by_url);
        documents.clear();  // they hold the snapshot they came from
        for (const auto& url : changed) {
            std::lock_guard lock(mutex);
            log(LogLevel::info, url + " changed: " + std::to_string(state.subscribers(url)) +
                                    " subscriber(s) to notify");
        }
    }

    void send(const Action& action) {
        ping::HttpRequest request;
        request.tag = action.id;
        request.public_only = !options.limits.allow_private_callbacks;
        request.user_agent = user_agent(action.subscribers);
        if (action.kind != Action::Kind::deliver) {
            request.url = action.url();
        } else {
            const TopicDocument* document = document_for(action.topic);
            if (!document) {
                std::lock_guard lock(mutex);
                state.cancel_delivery(action);
                dirty_later = true;
                log(LogLevel::warning, "nothing delivered to " + action.callback + ": " +
                                           action.topic +
                                           " is no longer served or could not be made");
                return;
            }
            request.post = true;
            request.url = action.callback;
            request.body = document->body;
            request.headers.push_back("Content-Type: " + document->content_type);
            request.headers.push_back("Link: " + document->link_header);
            if (!action.secret.empty()) {
                auto signature = hub_signature(action.secret, *document->body);
                if (!signature) {
                    finish(action, Response{0, {}, signature.error()});
                    return;
                }
                request.headers.push_back("X-Hub-Signature: " + *signature);
            }
        }
        in_flight.emplace(action.id, action);
        client.start(std::move(request));
    }

    void finish(const Action& action, const Response& response) {
        Event event;
        {
            std::lock_guard lock(mutex);
            event = state.complete(action, response, Clock::now());
            switch (event.kind) {
                case Event::Kind::subscribed:
                case Event::Kind::renewed:
                case Event::Kind::unsubscribed:
                    ++counters.verified;
                    dirty_now = true;
                    break;
                case Event::Kind::denied:
                    ++counters.denied;
                    break;
                case Event::Kind::delivered:
                    ++counters.deliveries;
                    dirty_later = true;
                    break;
                case Event::Kind::retry:
                    ++counters.failures;
                    dirty_later = true;
                    break;
                case Event::Kind::gone:
                case Event::Kind::dropped:
                    ++counters.failures;
                    ++counters.ended;
                    dirty_now = true;
                    break;
                case Event::Kind::not_verified:
                case Event::Kind::ignored:
                    break;
            }
        }
        switch (event.kind) {
            case Event::Kind::delivered:
                log(LogLevel::debug, event.message);
                break;
            case Event::Kind::ignored:
                break;
            case Event::Kind::not_verified:
            case Event::Kind::retry:
                log(LogLevel::warning, event.message);
                break;
            case Event::Kind::dropped:
                log(LogLevel::error, event.message);
                break;
            default:
                log(LogLevel::info, event.message);
                break;
        }
    }

    void run() {
        for (;;) {
            std::optional<std::vector<Topic>> arrived;
            {
                std::lock_guard lock(mutex);
                if (stopping) break;
                arrived = std::move(new_topics);
                new_topics.reset();
            }
            if (arrived) {
                apply_topics(std::move(*arrived));
                have_topics = true;
            }
            std::vector<Action> due;
            auto wait = std::chrono::milliseconds(1000);
            bool idle = false;
            // Until the daemon hands over its first snapshot's feeds, there is nothing to deliver
            // (deliveries resumed from the state file wait for it rather than being dropped).
            if (have_topics) {
                std::lock_guard lock(mutex);
                const auto now = Clock::now();
                for (const auto& sub : state.expire(now)) {
                    ++counters.ended;
                    dirty_now = true;
                    log(LogLevel::info,
                        "lease of " + sub.callback + " (" + sub.topic + ") expired");
                }
                due = state.take_due(now);
                if (const auto next = state.next_due()) {
                    const auto until = std::chrono::ceil<std::chrono::milliseconds>(*next - now);
                    wait = std::clamp(until, std::chrono::milliseconds(0), wait);
                }
                idle = due.empty() && in_flight.empty() && state.pending_deliveries() == 0;
            }
            if (idle) documents.clear();
            save_if_dirty();  // on disk before anything is sent
            for (const auto& action : due) send(action);
            for (auto& result : client.run(wait)) {
                const auto it = in_flight.find(result.tag);
                if (it == in_flight.end()) continue;
                const Action action = std::move(it->second);
                in_flight.erase(it);
                finish(action,
                       Response{result.status, std::move(result.body), std::move(result.error)});
            }
        }
        client.cancel_all();
        in_flight.clear();
        {
            std::lock_guard lock(mutex);
            state.abandon_in_flight();
            dirty_now = true;
        }
        save_if_dirty();
    }
};

Hub::Hub(boost::asio::io_context& io, HubOptions options, LogFn log)
    : impl_(std::make_unique<Impl>(io, std::move(options), std::move(log))) {
    impl_->load();
    impl_->worker = std::thread([impl = impl_.get()] { impl->run(); });
}

Hub::~Hub() {
    stop();
}

Answer Hub::submit(std::string_view content_type, std::string_view body) {
    auto request = parse_subscription_request(content_type, body, impl_->options.limits);
    if (!request) return {400, request.error()};
    Admission admission;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopping) return {503, "The hub is stopping."};
        admission = impl_->state.admit(std::move(*request), Clock::now());
    }
    if (admission.status == 202) impl_->client.wakeup();
    return {admission.status, admission.message};
}

void Hub::update_topics(std::vector<Topic> topics) {
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopping) return;
        impl_->new_topics = std::move(topics);
    }
    impl_->client.wakeup();
}

HubStats Hub::stats() const {
    std::lock_guard lock(impl_->mutex);
    HubStats out = impl_->counters;
    out.subscriptions = impl_->state.size();
    out.pending_deliveries = impl_->state.pending_deliveries();
    out.pending_requests = impl_->state.pending_requests();
    return out;
}

std::map<std::string, std::size_t> Hub::subscribers_per_topic() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->state.subscribers_per_topic();
}

void Hub::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->client.wakeup();
    if (impl_->worker.joinable()) impl_->worker.join();
}

}  // namespace feedd::hub
