#include "daemon/pings.h"

#include <ctime>
#include <iostream>

#include "daemon/log.h"

namespace feedd {

ping::PingerOptions pinger_options(const Config& config) {
    ping::PingerOptions options;
    for (const auto& hub : config.ping.websub) {
        options.endpoints.push_back({ping::EndpointKind::websub, hub.url, hub.topic_param});
    }
    for (const auto& url : config.ping.xmlrpc) options.endpoints.push_back({ping::EndpointKind::xmlrpc, url, false});
    options.site_title = config.site.title;
    options.site_url = config.site.url;
    options.state_dir = config.state_dir;
    return options;
}

std::vector<ping::Topic> topics_of(const Snapshot& snapshot) {
    std::vector<ping::Topic> topics;
    // A deferred document's version changes with its inputs: announced without rendering it.
    for (const auto& [path, document] : snapshot.resources) {
        if (!document->self_url().empty()) topics.push_back({document->self_url(), document->version()});
    }
    return topics;
}

namespace {

std::string rfc3339(ping::TimePoint at) {
    const std::time_t seconds = ping::Clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

}  // namespace

void publish_ping_stats(const ping::PingStats& stats, http::Metrics& metrics) {
    const auto seconds = [](ping::TimePoint at) {
        return static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
    };
    metrics.set_gauge("feedd_ping_queue_length", "Pings waiting to be delivered", static_cast<double>(stats.queue_length));
    metrics.set_health("ping_queue", static_cast<double>(stats.queue_length));
    std::string summary;
    for (const auto& endpoint : stats.endpoints) {
        const http::Metrics::Labels labels = {{"endpoint", endpoint.endpoint.url}};
        metrics.set_gauge("feedd_ping_pending", "Pings waiting for this endpoint", labels,
                          static_cast<double>(endpoint.pending));
        if (endpoint.last_attempt) {
            metrics.set_gauge("feedd_ping_last_attempt_timestamp_seconds", "When this endpoint was last tried",
                              labels, seconds(*endpoint.last_attempt));
        }
        if (endpoint.next_retry) {
            metrics.set_gauge("feedd_ping_next_retry_timestamp_seconds", "When this endpoint is tried next", labels,
                              seconds(*endpoint.next_retry));
        }
        summary += (summary.empty() ? "" : "; ") + endpoint.endpoint.key() + ": " +
                   (endpoint.last_outcome.empty() ? "not tried yet" : endpoint.last_outcome);
        if (endpoint.last_attempt) summary += ", last attempt " + rfc3339(*endpoint.last_attempt);
        if (endpoint.pending) summary += ", " + std::to_string(endpoint.pending) + " pending";
        if (endpoint.next_retry) summary += ", next retry " + rfc3339(*endpoint.next_retry);
    }
    metrics.set_health("ping_endpoints", summary);
}

void log_ping(ping::LogLevel level, const std::string& line) {
    switch (level) {
        case ping::LogLevel::debug: log::debug(line); break;
        case ping::LogLevel::info: log::info(line); break;
        case ping::LogLevel::warning: log::warning(line); break;
        case ping::LogLevel::error: log::error(line); break;
    }
}

int ping_now(const Config& config, const Snapshot& snapshot) {
    if (!config.ping.enabled) {
        std::cerr << "feedd: pings are disabled in " << config.file.string() << " (ping.enabled: false)\n";
        return 0;
    }
    const auto options = pinger_options(config);
    if (options.endpoints.empty()) {
        std::cerr << "feedd: no ping endpoints configured (ping.websub, ping.xmlrpc)\n";
        return 0;
    }
    bool all_ok = true;
    for (const auto& delivery : ping::ping_all_now(options, topics_of(snapshot))) {
        all_ok = all_ok && delivery.outcome.ok();
        std::cout << delivery.endpoint.key() << " " << delivery.topic << ": "
                  << ping::to_string(delivery.outcome.kind)
                  << (delivery.outcome.message.empty() ? "" : " (" + delivery.outcome.message + ")") << '\n';
    }
    return all_ok ? 0 : 1;
}

}  // namespace feedd
