#include "ping/http_client.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <optional>

#include "ping/address.h"
#include "ping/curl_library.h"
#include "ping/curl_multi.h"

namespace feedd::ping {
namespace {

struct Transfer {
    HttpRequest request;
    std::size_t max_response = 0;
    std::string response;
    bool refused = false;
    std::string refused_address;
    const CurlLibrary* curl = nullptr;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    char error[CURL_ERROR_SIZE] = {};

    ~Transfer() {
        if (easy) curl->easy_cleanup(easy);
        if (headers) curl->slist_free_all(headers);
    }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    // The rest is read and dropped: a callback's answer is only looked at for a challenge.
    const size_t room = t->max_response - std::min(t->max_response, t->response.size());
    t->response.append(data, std::min(n, room));
    return n;
}

std::optional<boost::asio::ip::address> address_of(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        return boost::asio::ip::address_v4(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        boost::asio::ip::address_v6::bytes_type bytes;
        std::copy(std::begin(in6->sin6_addr.s6_addr), std::end(in6->sin6_addr.s6_addr),
                  bytes.begin());
        return boost::asio::ip::address_v6(bytes);
    }
    return std::nullopt;
}

// Called by libcurl for each address it is about to connect to: the one place that sees the
// address actually used.
curl_socket_t open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(user);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    if (t->request.public_only) {
        const auto ip = address_of(&address->addr);
        if (!ip || !is_public_address(*ip)) {
            t->refused = true;
            t->refused_address = ip ? ip->to_string() : "an address of another family";
            return CURL_SOCKET_BAD;  // libcurl tries the next address, if any
        }
    }
    const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    return fd < 0 ? CURL_SOCKET_BAD : fd;
}

}  // namespace

struct HttpClient::Impl {
    HttpClientOptions options;
    CurlMulti<Transfer, HttpResult> multi;

    void begin(std::unique_ptr<Transfer> t) {
        const CurlLibrary* curl = multi.library();
        t->curl = curl;
        t->max_response = options.max_response_bytes;
        CURL* easy = curl->easy_init();
        if (!easy) throw std::bad_alloc();
        t->easy = easy;
        for (const auto& header : t->request.headers) {
            t->headers = curl->slist_append(t->headers, header.c_str());
        }
        t->headers = curl->slist_append(t->headers, "Expect:");
        const auto setopt = curl->easy_setopt;
        setopt(easy, CURLOPT_URL, t->request.url.c_str());
        setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
        setopt(easy, CURLOPT_PROXY,
               "");  // never the environment's proxy: it would connect unchecked
        if (t->request.post) {
            static const std::string empty;
            const std::string& body = t->request.body ? *t->request.body : empty;
            setopt(easy, CURLOPT_POST, 1L);
            setopt(easy, CURLOPT_POSTFIELDS, body.data());
            setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        } else {
            setopt(easy, CURLOPT_HTTPGET, 1L);
        }
        setopt(easy, CURLOPT_HTTPHEADER, t->headers);
        setopt(easy, CURLOPT_USERAGENT, t->request.user_agent.c_str());
        setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
        setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
        setopt(easy, CURLOPT_NOSIGNAL, 1L);
        setopt(easy, CURLOPT_QUICK_EXIT, 1L);  // see client.cpp: a hanging lookup holds nothing
        setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
        setopt(easy, CURLOPT_OPENSOCKETDATA, t.get());
        setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
        setopt(easy, CURLOPT_WRITEDATA, t.get());
        setopt(easy, CURLOPT_ERRORBUFFER, t->error);
        multi.add(std::move(t));
    }

    HttpResult finish(Transfer& t, CURLcode code) {
        const CurlLibrary* curl = multi.library();
        HttpResult out;
        out.tag = t.request.tag;
        if (code != CURLE_OK) {
            if (t.refused) {
                out.refused = true;
                out.error = "refused: " + t.refused_address + " is not a public address";
            } else {
                out.error = t.error[0] ? std::string(t.error) : curl->easy_strerror(code);
                if (code == CURLE_OPERATION_TIMEDOUT && !out.error.starts_with("timed out") &&
                    out.error.find("imed out") == std::string::npos) {
                    out.error = "timed out: " + out.error;
                }
            }
            return out;
        }
        long status = 0;
        curl->easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
        out.status = static_cast<int>(status);
        out.body = std::move(t.response);
        return out;
    }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
}

HttpClient::~HttpClient() = default;  // impl_->multi abandons the transfers still running

void HttpClient::start(HttpRequest request) {
    if (auto error = impl_->multi.ready()) {
        HttpResult out;
        out.tag = request.tag;
        out.error = std::move(*error);
        impl_->multi.fail(std::move(out));
        return;
    }
    auto t = std::make_unique<Transfer>();
    t->request = std::move(request);
    impl_->begin(std::move(t));
}

std::vector<HttpResult> HttpClient::run(std::chrono::milliseconds wait) {
    return impl_->multi.run(wait, [&](std::unique_ptr<Transfer> t, CURLcode code) {
        return std::optional<HttpResult>(impl_->finish(*t, code));
    });
}

void HttpClient::wakeup() {
    impl_->multi.wakeup();
}

std::size_t HttpClient::active() const {
    return impl_->multi.active();
}

void HttpClient::cancel_all() {
    impl_->multi.cancel_all();
}

}  // namespace feedd::ping
