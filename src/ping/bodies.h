// Pure request bodies and response parsing for WebSub publishing and XML-RPC pings.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "ping/types.h"

namespace feedd::ping {

// application/x-www-form-urlencoded: "hub.mode=publish&hub.url=<topic>" (or hub.topic=).
// Percent-encodes with libcurl, loading it if the client has not (std::runtime_error if it cannot).
std::string websub_publish_body(std::string_view topic_url, bool topic_param);

// XML-RPC calls as sent to ping services (UTF-8, markup escaped).
std::string xmlrpc_extended_ping_body(std::string_view site_title, std::string_view site_url,
                                      std::string_view feed_url);
std::string xmlrpc_ping_body(std::string_view site_title, std::string_view site_url);

struct XmlRpcResponse {
    enum class Kind {
        success,    // a response struct with flerror false (or no flerror at all)
        flerror,    // flerror true: the service refused the ping; `message` says why
        fault,      // an XML-RPC <fault>; `message` is its faultString
        malformed,  // not an XML-RPC methodResponse
    };
    Kind kind = Kind::malformed;
    std::string message;
    int fault_code = 0;
};

XmlRpcResponse parse_xmlrpc_response(std::string_view body);

// Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), relative to `now`.
// A date in the past gives 0 s; anything unparsable gives nullopt. An HTTP-date is read by libcurl,
// loaded if the client has not (std::runtime_error if it cannot).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, TimePoint now);

}  // namespace feedd::ping

namespace feedd::ping {

// How an HTTP answer counts: 2xx success; 429 and 5xx retry (with their Retry-After); anything
// else permanent.
Outcome classify_status(int status, std::optional<std::chrono::seconds> retry_after);

}  // namespace feedd::ping
