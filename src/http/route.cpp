#include "http/route.h"

#include <feedd/version.h>

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/http_date.h"
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

constexpr std::size_t kMaxTarget = 2048;
constexpr std::string_view kCacheControl = "public, max-age=300";

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

bool valid_target(std::string_view target) {
    return !target.empty() && target.size() <= kMaxTarget && target.front() == '/' &&
           target.find("..") == std::string_view::npos &&
           target.find('\0') == std::string_view::npos;
}

bool has_body(const Request& request) {
    if (request.find(field::transfer_encoding) != request.end()) return true;
    const auto length = request.find(field::content_length);
    if (length == request.end()) return false;
    const std::string_view value = trim(length->value());
    return value.find_first_not_of('0') != std::string_view::npos;
}

// Headers shared by 200 and 304 (RFC 9110 §15.4.5 asks a 304 to repeat them).
void set_validators(Response& res, const Resource& resource, std::string_view etag) {
    res.set(field::etag, etag);
    if (resource.last_modified != Seconds{}) {
        res.set(field::last_modified, format_http_date(resource.last_modified));
    }
    res.set(field::cache_control, kCacheControl);
    res.set(field::vary, "Accept-Encoding");
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

Response route_unchecked(const Request& request, const Snapshot* snapshot) {
    const unsigned version = request.version();
    const bool keep_alive = request.keep_alive();
    const auto text = [&](status code, std::string_view body) {
        return text_response(code, body, version, keep_alive);
    };

    if (snapshot == nullptr) {
        Response res = text(status::service_unavailable, "The feeds are being built.\n");
        res.set(field::retry_after, "1");
        return res;
    }
    const std::string_view target = request.target();
    if (!valid_target(target)) return text(status::bad_request, "Bad request target.\n");
    if (version >= 11 && request.find(field::host) == request.end()) {
        return text(status::bad_request, "Missing Host header.\n");
    }
    const verb method = request.method();
    if (method != verb::get && method != verb::head) {
        Response res = text(status::method_not_allowed, "Method not allowed.\n");
        res.set(field::allow, "GET, HEAD");
        return res;
    }
    if (has_body(request)) return text(status::bad_request, "GET and HEAD take no body.\n");

    std::string_view path = target.substr(0, target.find('?'));
    if (path == "/index.html") path = "/";
    const auto found = snapshot->resources.find(path);
    if (found == snapshot->resources.end()) return text(status::not_found, "Not found.\n");
    const Resource& resource = found->second;

    const auto accept = request.find(field::accept_encoding);
    const bool gzip =
        !resource.gzip_body.empty() && accept != request.end() && accepts_gzip(accept->value());
    const std::string& body = gzip ? resource.gzip_body : resource.body;

    Response res{status::ok, version};
    res.set(field::server, server_name());
    res.keep_alive(keep_alive);
    if (not_modified(request, resource)) {
        res.result(status::not_modified);
        set_validators(res, resource, gzip ? resource.gzip_etag : resource.etag);
        return res;
    }
    res.set(field::content_type, resource.content_type);
    if (gzip) res.set(field::content_encoding, "gzip");
    set_validators(res, resource, gzip ? resource.gzip_etag : resource.etag);
    res.content_length(body.size());
    res.body() = {body.data(), body.size()};
    return res;
}

}  // namespace

Response route(const Request& request, const Snapshot* snapshot) {
    Response res = [&]() -> Response {
        try {
            return route_unchecked(request, snapshot);
        } catch (...) {
            try {
                return text_response(status::internal_server_error, "Internal server error.\n",
                                     request.version(), false);
            } catch (...) {
                // Out of memory: a bare 500 with no length, which the server ends by closing.
                Response bare;
                bare.result(status::internal_server_error);
                return bare;
            }
        }
    }();
    // HEAD gets every header GET would, Content-Length included, and no body.
    if (request.method() == verb::head) res.body() = {};
    return res;
}

}  // namespace feedd::http
