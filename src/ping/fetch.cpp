#include "ping/fetch.h"

#include "ping/curl_library.h"

namespace feedd::ping {
namespace {

struct Body {
    std::string bytes;
    std::size_t limit = 0;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& body = *static_cast<Body*>(user);
    const std::size_t n = size * count;
    if (body.bytes.size() + n > body.limit) {
        body.too_large = true;
        return 0;  // ends the transfer with CURLE_WRITE_ERROR
    }
    body.bytes.append(data, n);
    return n;
}

}  // namespace

std::expected<std::string, std::string> fetch_document(const std::string& url,
                                                       const FetchOptions& options) {
    const auto library = curl_library();
    if (!library) return std::unexpected(url + ": " + library.error());
    const CurlLibrary& curl = **library;
    CURL* easy = curl.easy_init();
    if (!easy) return std::unexpected(url + ": cannot start a request (libcurl)");
    Body body;
    body.limit = options.max_bytes;
    char error[CURL_ERROR_SIZE] = {};
    const auto setopt = curl.easy_setopt;
    setopt(easy, CURLOPT_URL, url.c_str());
    setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, url.starts_with("https:") ? "https" : "http,https");
    setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    setopt(easy, CURLOPT_MAXREDIRS, options.max_redirects);
    setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
    setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
    setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
    setopt(easy, CURLOPT_NOSIGNAL, 1L);
    setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    setopt(easy, CURLOPT_WRITEDATA, &body);
    setopt(easy, CURLOPT_ERRORBUFFER, error);
    const CURLcode code = curl.easy_perform(easy);
    long status = 0;
    curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl.easy_cleanup(easy);
    if (body.too_large)
        return std::unexpected(url + ": larger than " + std::to_string(options.max_bytes >> 20) +
                               " MiB, not read");
    if (code != CURLE_OK)
        return std::unexpected(
            url + ": " + (error[0] ? std::string(error) : std::string(curl.easy_strerror(code))));
    if (status < 200 || status > 299)
        return std::unexpected(url + ": HTTP " + std::to_string(status));
    return std::move(body.bytes);
}

}  // namespace feedd::ping
