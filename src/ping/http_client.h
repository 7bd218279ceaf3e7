// Plain HTTP requests (GET, or POST with a body and headers) through libcurl's multi interface,
// for the WebSub hub's verifications and deliveries (hub/). Unlike Client (client.h), which speaks
// the ping protocols, it only carries bytes: the caller decides what a status means.
//
// Requests to URLs given by strangers can be limited to public addresses: the check is made on the
// address libcurl is about to connect to (CURLOPT_OPENSOCKETFUNCTION), after its lookup, so a name
// that resolves to a public address when checked and to a private one when connecting (DNS
// rebinding) cannot get through, and every address of a name is checked. Redirects are never
// followed and proxies from the environment are not used (a proxy would connect for us, unchecked).
//
// Used from one thread at a time, except wakeup(). libcurl is loaded by the first start().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace feedd::ping {

struct HttpRequest {
    std::uint64_t tag = 0;  // the caller's, returned with the result
    bool post = false;      // else GET
    std::string url;
    std::vector<std::string> headers;         // "Name: value"
    std::shared_ptr<const std::string> body;  // POST only; shared, never copied
    std::string user_agent;
    bool public_only = false;  // connect only to public addresses (address.h)
};

struct HttpResult {
    std::uint64_t tag = 0;
    int status = 0;        // 0 when no response was received
    std::string body;      // at most HttpClientOptions::max_response_bytes; longer bodies are cut
    std::string error;     // when status is 0: why, for logs
    bool refused = false;  // public_only, and every address of the host was not public
};

struct HttpClientOptions {
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
    std::chrono::milliseconds total_timeout = std::chrono::seconds(15);  // per request
    std::size_t max_response_bytes = 64 * 1024;
};

class HttpClient {
  public:
    explicit HttpClient(HttpClientOptions options = {});
    ~HttpClient();  // abandons transfers still running
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    void start(HttpRequest request);
    // Moves transfers along, waiting at most `wait` for network activity or wakeup().
    std::vector<HttpResult> run(std::chrono::milliseconds wait);
    void wakeup();  // thread-safe
    std::size_t active() const;
    void cancel_all();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace feedd::ping
