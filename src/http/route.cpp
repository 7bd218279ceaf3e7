#include "http/route.h"

#include <feedd/version.h>

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/http_date.h"
#include "http/metrics.h"
#include "http/responses.h"

namespace feedd::http {

namespace bhttp = boost::beast::http;
using bhttp::field;
using bhttp::status;
using bhttp::verb;

std::string_view server_name() {
    static const std::string name = std::string("feedd/") + kVersion;
    return name;
}

Response text_response(status code, std::string_view body, unsigned version, bool keep_alive) {
    Response res{code, version};
    res.set(field::server, server_name());
    res.set(field::content_type, "text/plain; charset=utf-8");
    res.body() = {body.data(), body.size()};
    res.content_length(body.size());
    res.keep_alive(keep_alive);
    return res;
}

namespace {

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; };
               return lower(x) == lower(y);
           });
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), as thousandths; -1 if malformed.
int parse_qvalue(std::string_view s) {
    if (s.empty() || (s[0] != '0' && s[0] != '1')) return -1;
    int value = (s[0] - '0') * 1000;
    if (s.size() == 1) return value;
    if (s[1] != '.' || s.size() > 5) return -1;
    int scale = 100;
    for (char c : s.substr(2)) {
        if (c < '0' || c > '9') return -1;
        value += (c - '0') * scale;
        scale /= 10;
    }
    return value <= 1000 ? value : -1;
}

// Hand-written: Beast has no Accept-Encoding negotiation, and the grammar (RFC 9110 §12.5.3)
// is small. True when gzip is acceptable and not ranked below an explicit identity.
bool accepts_gzip(std::string_view header) {
    int gzip = -1, identity = -1, any = -1;
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);

        const auto semi = item.find(';');
        const std::string_view coding = trim(item.substr(0, semi));
        if (coding.empty()) continue;
        int q = 1000;
        std::string_view params =
            semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1);
        while (!params.empty()) {
            const auto next = params.find(';');
            const std::string_view param = trim(params.substr(0, next));
            params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
            const auto eq = param.find('=');
            if (eq != std::string_view::npos && iequals(trim(param.substr(0, eq)), "q")) {
                q = parse_qvalue(trim(param.substr(eq + 1)));
            }
        }
        if (q < 0) continue;  // a malformed member says nothing
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
            gzip = std::max(gzip, q);
        } else if (iequals(coding, "identity")) {
            identity = std::max(identity, q);
        } else if (coding == "*") {
            any = std::max(any, q);
        }
    }
    if (gzip < 0) gzip = std::max(any, 0);
    // Identity is always acceptable, but competes with gzip only when the client ranks it.
    return gzip > 0 && gzip >= identity;
}

// opaque-tag including its quotes, without a W/ prefix.
std::string_view opaque(std::string_view etag) {
    if (etag.starts_with("W/")) etag.remove_prefix(2);
    return etag;
}

// Weak comparison (RFC 9110 §8.8.3.2) of each member of an If-None-Match list against the
// resource's two representations. A malformed member ends the list.
bool none_match_hits(std::string_view header, const Resource& resource) {
    const std::string_view plain = opaque(resource.etag);
    const std::string_view gzip = opaque(resource.gzip_etag);
    std::size_t i = 0;
    while (i < header.size()) {
        const char c = header[i];
        if (c == ',' || is_ows(c)) {
            ++i;
            continue;
        }
        if (c == '*') return true;
        if (header.compare(i, 2, "W/") == 0) i += 2;
        if (i >= header.size() || header[i] != '"') return false;
        const auto close = header.find('"', i + 1);
        if (close == std::string_view::npos) return false;
        const std::string_view tag = header.substr(i, close + 1 - i);
        if (tag == plain || (!gzip.empty() && tag == gzip)) return true;
        i = close + 1;
    }
    return false;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Origin-form only: feedd cannot know which authorities are its own, so absolute-form ("http://
// other.example/…") and asterisk-form are refused. Dot-dot and NUL are refused in the path also
// when percent-encoded (%2e%2e, %2E%2e, %00): nothing here maps paths onto files, but a proxy or a
// static copy of `feedd build` in front might.
status check_target(std::string_view target) {
    if (target.size() > kMaxTarget) return status::uri_too_long;
    if (target.empty() || target.front() != '/') return status::bad_request;
    if (target.find('\0') != std::string_view::npos) return status::bad_request;
    const std::string_view path = target.substr(0, target.find('?'));
    if (path.find("..") != std::string_view::npos) return status::bad_request;
    if (path.find('%') == std::string_view::npos) return status::ok;
    std::string decoded;
    decoded.reserve(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] != '%') {
            decoded += path[i];
            continue;
        }
        const int high = i + 2 < path.size() ? hex_value(path[i + 1]) : -1;
        const int low = high >= 0 ? hex_value(path[i + 2]) : -1;
        if (low < 0) return status::bad_request;  // a stray '%' is not a valid URI
        decoded += static_cast<char>(high * 16 + low);
        i += 2;
    }
    if (decoded.find("..") != std::string::npos || decoded.find('\0') != std::string::npos) {
        return status::bad_request;
    }
    return status::ok;
}

// "public, max-age=N" without a heap allocation (the header copies it).
struct CacheControl {
    char text[48];
    std::size_t size;
    explicit CacheControl(std::chrono::seconds max_age) {
        constexpr std::string_view prefix = "public, max-age=";
        std::copy(prefix.begin(), prefix.end(), text);
        const auto end = std::to_chars(text + prefix.size(), text + sizeof text,
                                       std::max<std::int64_t>(0, max_age.count()))
                             .ptr;
        size = static_cast<std::size_t>(end - text);
    }
    std::string_view view() const { return {text, size}; }
};

bool has_body(const Request& request) {
    if (request.find(field::transfer_encoding) != request.end()) return true;
    const auto length = request.find(field::content_length);
    if (length == request.end()) return false;
    const std::string_view value = trim(length->value());
    return value.find_first_not_of('0') != std::string_view::npos;
}

// Headers shared by 200 and 304 (RFC 9110 §15.4.5 asks a 304 to repeat them).
void set_validators(Response& res, const Resource& resource, std::string_view etag,
                    std::string_view cache_control) {
    res.set(field::etag, etag);
    if (resource.last_modified != Seconds{}) {
        res.set(field::last_modified, format_http_date(resource.last_modified));
    }
    res.set(field::cache_control, cache_control);
    res.set(field::vary, "Accept-Encoding");
    // WebSub discovery (§4): subscribers find the hubs and the topic URL in the headers too.
    if (!resource.link_header.empty()) res.set(field::link, resource.link_header);
}

bool not_modified(const Request& request, const Resource& resource) {
    if (const auto inm = request.find(field::if_none_match); inm != request.end()) {
        return none_match_hits(inm->value(), resource);
    }
    if (resource.last_modified == Seconds{}) return false;
    if (const auto ims = request.find(field::if_modified_since); ims != request.end()) {
        const auto since = parse_http_date(ims->value());
        return since && resource.last_modified <= *since;
    }
    return false;
}

// /healthz and /metrics: generated per request, never cached.
Routed generated(status code, std::string_view content_type, std::string body,
                 const Request& request) {
    Routed routed{Response{code, request.version()},
                  std::make_shared<const std::string>(std::move(body))};
    Response& res = routed.response;
    res.set(field::server, server_name());
    res.set(field::content_type, content_type);
    res.set(field::cache_control, "no-store");
    res.keep_alive(request.keep_alive());
    res.body() = {routed.generated->data(), routed.generated->size()};
    res.content_length(routed.generated->size());
    return routed;
}

Routed route_unchecked(const Request& request, const Snapshot* snapshot,
                       const RouteContext& context) {
    const unsigned version = request.version();
    const bool keep_alive = request.keep_alive();
    const auto text = [&](status code, std::string_view body) {
        return Routed{text_response(code, body, version, keep_alive), nullptr};
    };

    const std::string_view target = request.target();
    switch (check_target(target)) {
        case status::ok:
            break;
        case status::uri_too_long:
            return text(status::uri_too_long, "Request target too long.\n");
        default:
            return text(status::bad_request, "Bad request target.\n");
    }
    if (version >= 11 && request.find(field::host) == request.end()) {
        return text(status::bad_request, "Missing Host header.\n");
    }
    const verb method = request.method();
    if (method != verb::get && method != verb::head) {
        Routed routed = text(status::method_not_allowed, "Method not allowed.\n");
        routed.response.set(field::allow, "GET, HEAD");
        return routed;
    }
    if (has_body(request)) return text(status::bad_request, "GET and HEAD take no body.\n");

    std::string_view path = target.substr(0, target.find('?'));
    if (path == "/metrics" && context.metrics != nullptr) {
        return generated(status::ok, "text/plain; version=0.0.4; charset=utf-8",
                         context.metrics->render(), request);
    }
    if (path == "/healthz") {
        if (snapshot == nullptr) {
            return generated(status::service_unavailable, "application/json",
                             "{\"status\":\"starting\"}\n", request);
        }
        return generated(status::ok, "application/json",
                         render_health(*snapshot, context.now, context.metrics), request);
    }
    if (snapshot == nullptr) {
        Routed routed = text(status::service_unavailable, "The feeds are being built.\n");
        routed.response.set(field::retry_after, "1");
        return routed;
    }
    if (path == "/index.html") path = "/";
    const auto found = snapshot->resources.find(path);
    if (found == snapshot->resources.end()) return text(status::not_found, "Not found.\n");
    const Resource& resource = found->second;

    const auto accept = request.find(field::accept_encoding);
    const bool gzip =
        !resource.gzip_body.empty() && accept != request.end() && accepts_gzip(accept->value());
    const std::string& body = gzip ? resource.gzip_body : resource.body;

    const CacheControl cache_control{context.max_age};
    Routed routed{Response{status::ok, version}, nullptr};
    Response& res = routed.response;
    res.set(field::server, server_name());
    res.keep_alive(keep_alive);
    if (not_modified(request, resource)) {
        res.result(status::not_modified);
        set_validators(res, resource, gzip ? resource.gzip_etag : resource.etag,
                       cache_control.view());
        return routed;
    }
    res.set(field::content_type, resource.content_type);
    if (gzip) res.set(field::content_encoding, "gzip");
    set_validators(res, resource, gzip ? resource.gzip_etag : resource.etag, cache_control.view());
    res.content_length(body.size());
    res.body() = {body.data(), body.size()};
    return routed;
}

}  // namespace

Routed route(const Request& request, const Snapshot* snapshot, const RouteContext& context) {
    Routed routed = [&]() -> Routed {
        try {
            return route_unchecked(request, snapshot, context);
        } catch (...) {
            try {
                return {text_response(status::internal_server_error, "Internal server error.\n",
                                      request.version(), false),
                        nullptr};
            } catch (...) {
                // Out of memory: a bare 500 with no length, which the server ends by closing.
                Routed bare;
                bare.response.result(status::internal_server_error);
                return bare;
            }
        }
    }();
    // HEAD gets every header GET would, Content-Length included, and no body.
    if (request.method() == verb::head) routed.response.body() = {};
    return routed;
}

}  // namespace feedd::http
