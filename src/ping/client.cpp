#include "ping/client.h"

#include <strings.h>
#include <algorithm>
#include <cstring>

#include "ping/bodies.h"
#include "ping/curl_library.h"
#include "ping/curl_multi.h"

namespace feedd::ping {
namespace {

constexpr std::size_t kMaxResponseBytes = 1 << 20;  // a ping answer is tiny; don't buffer a flood

std::string url_host(const CurlLibrary& curl, const std::string& url) {
    CURLU* handle = curl.url();
    if (!handle) return {};
    std::string host;
    char* part = nullptr;
    if (curl.url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl.url_get(handle, CURLUPART_HOST, &part, 0) == CURLUE_OK) {
        host = part;
        curl.free(part);
    }
    curl.url_cleanup(handle);
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return host;
}

enum class Stage { websub, extended_ping, ping };

struct Transfer {
    Request request;
    Stage stage = Stage::websub;
    std::string url;
    int redirects = 0;
    std::string body;
    std::string response;
    std::string retry_after;
    const CurlLibrary* curl = nullptr;  // set with `easy`
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    char error[CURL_ERROR_SIZE] = {};
    std::optional<Outcome> extended_failure;  // why extendedPing fell back to ping

    ~Transfer() { release(); }
    void release() {
        if (easy) curl->easy_cleanup(easy);
        if (headers) curl->slist_free_all(headers);
        easy = nullptr;
        headers = nullptr;
    }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (t->response.size() + n > kMaxResponseBytes) return 0;  // aborts with CURLE_WRITE_ERROR
    t->response.append(data, n);
    return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    const std::string_view line(data, n);
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0) {
        t->retry_after = std::string(line.substr(name.size()));
    }
    // Each response in a redirect chain starts over.
    if (line.starts_with("HTTP/")) t->retry_after.clear();
    return n;
}

Outcome network_failure(CURLcode code, const Transfer& t) {
    // t.curl is set: only a transfer that was started has a result.
    Outcome out;
    out.kind = OutcomeKind::retry;
    if (code == CURLE_OPERATION_TIMEDOUT) {
        out.message = "timed out";
        if (t.error[0]) out.message += std::string(": ") + t.error;
    } else {
        out.message = t.error[0] ? std::string(t.error) : t.curl->easy_strerror(code);
    }
    if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT) {
        out.kind = OutcomeKind::permanent;
    }
    return out;
}

Outcome xmlrpc_outcome(const std::string& body) {
    const auto parsed = parse_xmlrpc_response(body);
    Outcome out;
    out.http_status = 200;
    switch (parsed.kind) {
        case XmlRpcResponse::Kind::success:
            out.kind = OutcomeKind::success;
            out.message = parsed.message.empty() ? "ok" : parsed.message;
            break;
        case XmlRpcResponse::Kind::flerror:
            out.kind = OutcomeKind::permanent;
            out.message = "flerror: " + parsed.message;
            break;
        case XmlRpcResponse::Kind::fault:
            out.kind = OutcomeKind::permanent;
            out.message = "fault " + std::to_string(parsed.fault_code) + ": " + parsed.message;
            break;
        case XmlRpcResponse::Kind::malformed:
            out.kind = OutcomeKind::permanent;
            out.message = "malformed XML-RPC response: " + parsed.message;
            break;
    }
    return out;
}

}  // namespace

struct Client::Impl {
    ClientOptions options;
    CurlMulti<Transfer, Finished> multi;

    void begin(std::unique_ptr<Transfer> t) {
        const CurlLibrary* curl = multi.library();
        t->curl = curl;
        t->release();
        t->response.clear();
        t->retry_after.clear();
        t->error[0] = '\0';
        const auto& ep = t->request.endpoint;
        const char* content_type = "Content-Type: application/x-www-form-urlencoded";
        switch (t->stage) {
            case Stage::websub:
                t->body = websub_publish_body(t->request.topic, ep.topic_param);
                break;
            case Stage::extended_ping:
                t->body = xmlrpc_extended_ping_body(options.site_title, options.site_url,
                                                    t->request.topic);
                content_type = "Content-Type: text/xml; charset=utf-8";
                break;
            case Stage::ping:
                t->body = xmlrpc_ping_body(options.site_title, options.site_url);
                content_type = "Content-Type: text/xml; charset=utf-8";
                break;
        }
        CURL* easy = curl->easy_init();
        if (!easy) throw std::bad_alloc();
        t->easy = easy;
        t->headers = curl->slist_append(t->headers, content_type);
        t->headers = curl->slist_append(t->headers, "Expect:");
        const auto setopt = curl->easy_setopt;
        setopt(easy, CURLOPT_URL, t->url.c_str());
        setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // redirects are checked below
        setopt(easy, CURLOPT_POST, 1L);
        setopt(easy, CURLOPT_POSTFIELDS, t->body.c_str());
        setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->body.size()));
        setopt(easy, CURLOPT_HTTPHEADER, t->headers);
        setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
        setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
        setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
        setopt(easy, CURLOPT_NOSIGNAL, 1L);
        // A name whose lookup hangs (a DNS server that never answers): when the timeout ends the
        // request, libcurl would otherwise wait for its resolver thread's getaddrinfo() to return
        // (Curl_resolver_kill), and every other ping with it. Quick exit leaves that thread
        // behind instead (libcurl 7.87+; older ones refuse the option, which changes nothing).
        setopt(easy, CURLOPT_QUICK_EXIT, 1L);
        setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
        setopt(easy, CURLOPT_WRITEDATA, t.get());
        setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
        setopt(easy, CURLOPT_HEADERDATA, t.get());
        setopt(easy, CURLOPT_ERRORBUFFER, t->error);
        multi.add(std::move(t));
    }

    // Decides what a finished request means; returns nullopt when a follow-up request was started.
    std::optional<Outcome> finish(std::unique_ptr<Transfer> t, CURLcode code) {
        const CurlLibrary* curl = multi.library();
        // No fallback after a network error: the service was not reached, so the other method
        // would not be either; the queue's retry covers it.
        if (code != CURLE_OK) return conclude(*t, network_failure(code, *t), false);

        long status = 0;
        curl->easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status == 301 || status == 302 || status == 307 || status == 308) {
            char* location = nullptr;
            curl->easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &location);
            const std::string target = location ? location : "";
            Outcome refused;
            refused.kind = OutcomeKind::permanent;
            refused.http_status = static_cast<int>(status);
            if (target.empty()) {
                refused.message = "HTTP " + std::to_string(status) + " without a usable Location";
            } else if (url_host(*curl, target) != url_host(*curl, t->url)) {
                refused.message = "redirect to another host refused: " + target;
            } else if (t->url.starts_with("https:") && !target.starts_with("https:")) {
                refused.message = "redirect from https to http refused: " + target;
            } else if (t->redirects >= options.max_redirects) {
                refused.message = "too many redirects";
            } else {
                // Same host: send the same POST there (a ping is not a form to be turned into GET).
                t->url = target;
                ++t->redirects;
                begin(std::move(t));
                return std::nullopt;
            }
            return conclude(*t, refused, false);
        }
        const auto http = classify_status(static_cast<int>(status),
                                          parse_retry_after(t->retry_after, Clock::now()));
        if (t->stage == Stage::websub || !http.ok()) {
            if (status == 303) {  // "See Other": the POST was handled
                Outcome done = http;
                done.kind = OutcomeKind::success;
                return conclude(*t, done, false);
            }
            return conclude(*t, http, true);
        }
        // flerror is the service's considered answer to the ping itself: no second try.
        const auto answer = xmlrpc_outcome(t->response);
        return conclude(*t, answer, answer.message.rfind("flerror", 0) != 0);
    }

    // Applies the XML-RPC fallback: extendedPing was answered with a fault, an HTTP error or
    // something that is not XML-RPC; weblogUpdates.ping is the older method every service has.
    std::optional<Outcome> conclude(Transfer& t, Outcome outcome, bool may_fall_back) {
        if (t.stage == Stage::extended_ping && !outcome.ok() && may_fall_back) {
            auto next = std::make_unique<Transfer>();
            next->request = t.request;
            next->stage = Stage::ping;
            next->url = t.request.endpoint.url;
            next->extended_failure = outcome;
            begin(std::move(next));
            return std::nullopt;
        }
        if (t.stage == Stage::ping && t.extended_failure) {
            const auto& first = *t.extended_failure;
            outcome.message = "extendedPing: " + first.message + "; ping: " + outcome.message;
            // Either answer saying "later" keeps the job alive.
            if (!outcome.ok() && first.kind == OutcomeKind::retry) {
                outcome.kind = OutcomeKind::retry;
                if (!outcome.retry_after) outcome.retry_after = first.retry_after;
            }
        }
        return outcome;
    }
};

// Nothing of libcurl is touched here: a Pinger exists for the whole life of `serve`, and libcurl
// is loaded only once a ping is sent (see curl_library.h for why).
Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
}

Client::~Client() = default;  // impl_->multi abandons the transfers still running

void Client::start(const Request& request) {
    if (auto error = impl_->multi.ready()) {
        // Reported like an unreachable endpoint: the queue keeps the ping and tries again later.
        Outcome out;
        out.kind = OutcomeKind::retry;
        out.message = std::move(*error);
        impl_->multi.fail({request.tag, std::move(out)});
        return;
    }
    auto t = std::make_unique<Transfer>();
    t->request = request;
    t->url = request.endpoint.url;
    t->stage = request.endpoint.kind == EndpointKind::websub ? Stage::websub : Stage::extended_ping;
    impl_->begin(std::move(t));
}

std::vector<Finished> Client::run(std::chrono::milliseconds wait) {
    return impl_->multi.run(
        wait, [&](std::unique_ptr<Transfer> t, CURLcode code) -> std::optional<Finished> {
            const auto tag = t->request.tag;
            auto outcome = impl_->finish(std::move(t), code);
            if (!outcome) return std::nullopt;
            return Finished{tag, std::move(*outcome)};
        });
}

void Client::wakeup() {
    impl_->multi.wakeup();
}

std::size_t Client::active() const {
    return impl_->multi.active();
}

void Client::cancel_all() {
    impl_->multi.cancel_all();
}

std::vector<Outcome> deliver_all(const ClientOptions& options,
                                 const std::vector<Request>& requests) {
    Client client(options);
    std::vector<Outcome> outcomes(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        Request r = requests[i];
        r.tag = i;
        client.start(r);
    }
    while (client.active() > 0) {
        for (auto& f : client.run(std::chrono::milliseconds(200))) outcomes[f.tag] = f.outcome;
    }
    return outcomes;
}

}  // namespace feedd::ping
