// One GET of a document from another server, for the one-shot commands (`feedd adopt URL`): the
// network side of feedd lives in ping/, which loads libcurl only when it is used (curl_library.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <string>

namespace feedd::ping {

struct FetchOptions {
    std::string user_agent;
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
    std::chrono::milliseconds total_timeout = std::chrono::seconds(60);
    std::size_t max_bytes = 64u << 20;  // a feed larger than this is refused, not read into memory
    long max_redirects = 5;
};

// The body of a 2xx answer to GET `url` (http or https; redirects followed, https never to http).
// The error names the URL and says what happened: the HTTP status, or libcurl's message.
std::expected<std::string, std::string> fetch_document(const std::string& url,
                                                       const FetchOptions& options);

}  // namespace feedd::ping
