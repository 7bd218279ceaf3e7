// The glue between feedd's config, snapshots and metrics and the hub stage's plain values.
#pragma once

#include <memory>
#include <vector>

#include "config/config.h"
#include "feed/snapshot.h"
#include "http/metrics.h"
#include "hub/hub.h"

namespace feedd {

hub::HubOptions hub_options(const Config& config);

// Every feed of the snapshot as a topic: self URL, version, and its document as served (which
// keeps the snapshot alive while the hub holds it).
std::vector<hub::Topic> hub_topics_of(const std::shared_ptr<const Snapshot>& snapshot);

// Gauges and counters (feedd_hub_*) into /metrics, and "hub_subscriptions" into /healthz.
// `reported` holds the counters as last reported, so that only the increase is added.
void publish_hub_stats(const hub::HubStats& stats, hub::HubStats& reported, http::Metrics& metrics);

void log_hub(hub::LogLevel level, const std::string& line);

}  // namespace feedd
