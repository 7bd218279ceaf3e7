// feedd's own vocabulary for pings: where they go, what they announce, how an attempt ended.
// Plain values only, so the daemon converts its Config into these and nothing here knows YAML.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace feedd::ping {

using Clock = std::chrono::system_clock;  // wall clock: schedules must survive a restart
using TimePoint = Clock::time_point;

enum class EndpointKind { websub, xmlrpc };

struct Endpoint {
    EndpointKind kind = EndpointKind::websub;
    std::string url;
    bool topic_param = false;  // WebSub only: send hub.topic instead of hub.url

    // Stable identity used in the state file and in logs, e.g. "websub https://hub.example/".
    std::string key() const;
    bool operator==(const Endpoint&) const = default;
};

// A feed as announced: its public (self) URL and the ETag of the bytes being served.
struct Topic {
    std::string url;
    std::string etag;
    bool operator==(const Topic&) const = default;
};

enum class OutcomeKind {
    success,    // 2xx (and for XML-RPC: flerror false)
    retry,      // network error, timeout, 429, 5xx: try again later
    permanent,  // any other 4xx, flerror true, a fault, a redirect to another host: no retry
};

struct Outcome {
    OutcomeKind kind = OutcomeKind::retry;
    std::string message;                              // for logs and /healthz, e.g. "HTTP 503"
    int http_status = 0;                              // 0 when no response was received
    std::optional<std::chrono::seconds> retry_after;  // from a Retry-After header

    bool ok() const { return kind == OutcomeKind::success; }
};

// "success", "retry", "permanent".
const char* to_string(OutcomeKind kind);

}  // namespace feedd::ping
