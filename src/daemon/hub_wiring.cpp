#include "daemon/hub_wiring.h"

#include "daemon/log.h"

namespace feedd {

hub::HubOptions hub_options(const Config& config) {
    hub::HubOptions options;
    auto& limits = options.limits;
    const auto& h = config.hub;
    limits.lease_min = std::chrono::seconds(h.lease_min_s);
    limits.lease_max = std::chrono::seconds(h.lease_max_s);
    limits.lease_default = std::chrono::seconds(h.lease_default_s);
    limits.retry_min = std::chrono::seconds(h.retry_min_s);
    limits.max_subscriptions = static_cast<std::size_t>(h.max_subscriptions);
    limits.allow_private_callbacks = h.allow_private_callbacks;
    options.state_dir = config.state_dir;
    return options;
}

std::vector<hub::Topic> hub_topics_of(const std::shared_ptr<const Snapshot>& snapshot) {
    std::vector<hub::Topic> topics;
    for (const auto& [path, document] : snapshot->resources) {
        if (document->self_url().empty()) continue;
        topics.push_back({document->self_url(), document->version(),
                          [snapshot, path = path]() -> std::optional<hub::TopicDocument> {
                              // Renders a deferred feed (tag, section) on the hub's worker.
                              const Resource* resource = snapshot->find(path);
                              if (!resource) return std::nullopt;
                              return hub::TopicDocument{
                                  resource->content_type,
                                  std::shared_ptr<const std::string>(snapshot, &resource->body),
                                  resource->link_header};
                          }});
    }
    return topics;
}

void publish_hub_stats(const hub::HubStats& stats, hub::HubStats& reported,
                       http::Metrics& metrics) {
    metrics.set_gauge("feedd_hub_subscriptions", "Active subscriptions to feedd's WebSub hub",
                      static_cast<double>(stats.subscriptions));
    metrics.set_gauge("feedd_hub_pending_deliveries",
                      "Subscriptions whose feed's newest document is not delivered yet",
                      static_cast<double>(stats.pending_deliveries));
    metrics.set_gauge("feedd_hub_pending_requests",
                      "Subscription requests waiting for verification",
                      static_cast<double>(stats.pending_requests));
    const auto add = [&](const char* name, const char* help, std::uint64_t now,
                         std::uint64_t before) {
        if (now >= before) metrics.add_counter(name, help, {}, static_cast<double>(now - before));
    };
    add("feedd_hub_deliveries_total", "Documents delivered to subscribers", stats.deliveries,
        reported.deliveries);
    add("feedd_hub_delivery_failures_total", "Failed delivery attempts", stats.failures,
        reported.failures);
    add("feedd_hub_verified_total", "Subscriptions and unsubscriptions verified", stats.verified,
        reported.verified);
    add("feedd_hub_denied_total", "Subscription requests denied", stats.denied, reported.denied);
    add("feedd_hub_ended_total", "Subscriptions ended by 410 Gone, 24 h of failures or expiry",
        stats.ended, reported.ended);
    reported = stats;
    metrics.set_health("hub_subscriptions", static_cast<double>(stats.subscriptions));
    metrics.set_health("hub_pending_deliveries", static_cast<double>(stats.pending_deliveries));
}

void log_hub(hub::LogLevel level, const std::string& line) {
    switch (level) {
        case hub::LogLevel::debug:
            log::debug(line);
            break;
        case hub::LogLevel::info:
            log::info(line);
            break;
        case hub::LogLevel::warning:
            log::warning(line);
            break;
        case hub::LogLevel::error:
            log::error(line);
            break;
    }
}

}  // namespace feedd
