// The one thing the HTTP server knows of feedd's WebSub hub (hub/, wired by daemon/): a path whose
// POSTs carry a form body to a function that answers at once.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace feedd::http {

struct HubAnswer {
    unsigned status = 202;
    std::string message;  // one line; sent as text/plain with a newline
};

struct HubEndpoint {
    std::string path;                    // exact path, e.g. "/websub" (a query is ignored)
    std::size_t body_limit = 64 * 1024;  // larger bodies get 413
    // Runs on the server's I/O thread: must not wait on anything outside the process.
    std::function<HubAnswer(std::string_view content_type, std::string_view body)> submit;
};

}  // namespace feedd::http
