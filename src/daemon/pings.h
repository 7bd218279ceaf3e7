// The glue between feedd's config, snapshots and metrics and the ping stage's plain values.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "feed/snapshot.h"
#include "http/metrics.h"
#include "ping/pinger.h"

namespace feedd {

ping::PingerOptions pinger_options(const Config& config);

// Every feed document of a snapshot as a topic: its public self URL and the ETag being served.
std::vector<ping::Topic> topics_of(const Snapshot& snapshot);

// Queue length and per-endpoint state into /metrics and /healthz.
void publish_ping_stats(const ping::PingStats& stats, http::Metrics& metrics);

void log_ping(ping::LogLevel level, const std::string& line);

// `feedd ping`: pings every endpoint for every feed now; prints one line per delivery.
int ping_now(const Config& config, const Snapshot& snapshot);

}  // namespace feedd
