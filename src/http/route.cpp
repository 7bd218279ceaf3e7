#include "http/route.h"

#include <feedd/version.h>

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "feed/browser_view.h"
#include "http/header_text.h"
#include "http/http_date.h"
#include "http/metrics.h"
#include "http/readers_hooks.h"
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

using detail::iequals;
using detail::is_ows;
using detail::trim;

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
// is small. The highest-ranked coding the resource has wins; on a tie brotli beats gzip (its
// bodies are smaller) and both beat identity unless the client ranks identity higher. A coding
// the header does not name is acceptable only through "*". Identity is served when nothing else
// is acceptable, even if the client refused it: a 406 would help no feed reader.
Coding choose_coding(std::string_view header, bool have_gzip, bool have_br) {
    int gzip = -1, br = -1, identity = -1, any = -1;
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
        } else if (iequals(coding, "br")) {
            br = std::max(br, q);
        } else if (iequals(coding, "identity")) {
            identity = std::max(identity, q);
        } else if (coding == "*") {
            any = std::max(any, q);
        }
    }
    if (gzip < 0) gzip = std::max(any, 0);
    if (br < 0) br = std::max(any, 0);
    if (!have_gzip) gzip = 0;
    if (!have_br) br = 0;
    const int best = std::max(gzip, br);
    // Identity competes only when the client ranks it.
    if (best == 0 || best < identity) return Coding::identity;
    return br == best ? Coding::br : Coding::gzip;
}

// opaque-tag including its quotes, without a W/ prefix.
std::string_view opaque(std::string_view etag) {
    if (etag.starts_with("W/")) etag.remove_prefix(2);
    return etag;
}

// Weak comparison (RFC 9110 §8.8.3.2) of each member of an If-None-Match list against every
// encoding of the selected representation (a cache may hold the gzip copy and ask for brotli).
// Empty tags never match. A malformed member ends the list.
bool none_match_hits(std::string_view header, std::initializer_list<std::string_view> etags) {
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
        for (const std::string_view etag : etags) {
            if (!etag.empty() && tag == opaque(etag)) return true;
        }
        i = close + 1;
    }
    return false;
}

using detail::hex_value;

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
    explicit CacheControl(std::string_view fixed) : size(fixed.size()) {
        std::copy(fixed.begin(), fixed.end(), text);
    }
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
                    std::string_view cache_control, std::string_view vary) {
    res.set(field::etag, etag);
    if (resource.last_modified != Seconds{}) {
        res.set(field::last_modified, format_http_date(resource.last_modified));
    }
    res.set(field::cache_control, cache_control);
    res.set(field::vary, vary);
    // WebSub discovery (§4): subscribers find the hubs and the topic URL in the headers too.
    if (!resource.link_header.empty()) res.set(field::link, resource.link_header);
}

bool not_modified(const Request& request, const Resource& resource,
                  std::initializer_list<std::string_view> etags) {
    if (const auto inm = request.find(field::if_none_match); inm != request.end()) {
        return none_match_hits(inm->value(), etags);
    }
    if (resource.last_modified == Seconds{}) return false;
    if (const auto ims = request.find(field::if_modified_since); ims != request.end()) {
        const auto since = parse_http_date(ims->value());
        return since && resource.last_modified <= *since;
    }
    return false;
}

// A browser loading a page (Fetch §3.2: Sec-Fetch-Mode, Sec-Fetch-Dest), as opposed to a feed
// reader or a script. Accept is not used: some feed readers send text/html in it.
bool is_navigation(const Request& request) {
    const auto mode = request.find("Sec-Fetch-Mode");
    if (mode != request.end() && iequals(trim(mode->value()), "navigate")) return true;
    const auto dest = request.find("Sec-Fetch-Dest");
    return dest != request.end() && iequals(trim(dest->value()), "document");
}

// The value of `name` in a query ("a=1&limit=5"); nullopt when absent.
std::optional<std::string_view> query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        }
    }
    return std::nullopt;
}

// "\"tag\"" → "\"tag-n<N>\"": the ETag of a feed cut to its first N entries.
std::string limited_etag(std::string_view etag, std::size_t n) {
    std::string out(etag.substr(0, etag.size() - 1));
    out += "-n";
    out += std::to_string(n);
    out += '"';
    return out;
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

CacheControl cache_control_of(const Resource& document, std::chrono::seconds max_age) {
    return document.immutable ? CacheControl("public, max-age=31536000, immutable")
                              : CacheControl(max_age);
}

std::string_view vary_of(const Resource& document) {
    return document.self_url.empty() ? "Accept-Encoding"
                                     : "Accept-Encoding, Sec-Fetch-Mode, Sec-Fetch-Dest";
}

Resolved resolve_unchecked(const Request& request, const Snapshot* snapshot,
                           const RouteContext& context) {
    const unsigned version = request.version();
    const bool keep_alive = request.keep_alive();
    const auto text = [&](status code, std::string_view body) {
        return Resolved{std::nullopt,
                        Routed{text_response(code, body, version, keep_alive), nullptr}};
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
        Resolved resolved = text(status::method_not_allowed, "Method not allowed.\n");
        resolved.routed.response.set(field::allow, "GET, HEAD");
        return resolved;
    }
    if (has_body(request)) return text(status::bad_request, "GET and HEAD take no body.\n");

    std::string_view path = target.substr(0, target.find('?'));
    const bool stats_page =
        context.readers != nullptr && (path == "/stats" || path == "/stats.json");
    if ((path == "/metrics" && context.metrics != nullptr) || stats_page) {
        if (!context.may_see_stats)
            return text(status::forbidden, "Forbidden (server.metrics_allow).\n");
        if (path == "/stats")
            return {std::nullopt, generated(status::ok, "text/html; charset=utf-8",
                                            context.readers->stats_html(), request)};
        if (path == "/stats.json")
            return {std::nullopt, generated(status::ok, "application/json",
                                            context.readers->stats_json(), request)};
        auto body = context.metrics->render();
        if (context.readers != nullptr) body += context.readers->metrics_text();
        return {std::nullopt, generated(status::ok, "text/plain; version=0.0.4; charset=utf-8",
                                        std::move(body), request)};
    }
    if (path == "/healthz") {
        if (snapshot == nullptr) {
            return {std::nullopt, generated(status::service_unavailable, "application/json",
                                            "{\"status\":\"starting\"}\n", request)};
        }
        return {std::nullopt,
                generated(status::ok, "application/json",
                          render_health(*snapshot, context.now, context.metrics), request)};
    }
    if (snapshot == nullptr) {
        Resolved resolved = text(status::service_unavailable, "The feeds are being built.\n");
        resolved.routed.response.set(field::retry_after, "1");
        return resolved;
    }
    if (path == "/index.html") path = "/";
    const Document* document = snapshot->document(path);
    if (document == nullptr) return text(status::not_found, "Not found.\n");
    // What the server's I/O thread must not make (RouteContext::may_block) is only asked for
    // after its *ready() query: the marker is returned instead.
    const bool may_block = context.may_block;
    const auto unprepared = [] {
        Resolved resolved;
        resolved.needs_preparation = true;
        return resolved;
    };
    // A deferred document renders here on first request (feed/snapshot.h); one that fails
    // feedd's checks is not served.
    if (!may_block && !document->rendered()) return unprepared();
    const Resource* rendered = document->get();
    if (rendered == nullptr)
        return text(status::internal_server_error, "This document could not be built.\n");
    const Resource& resource = *rendered;
    const bool is_feed = !resource.self_url.empty();

    // ?limit=N: the feed's first N entries, cut out of the stored bytes by the entry spans the
    // snapshot keeps (feed/browser_view.h) — a copy per request, no parsing or rendering.
    std::size_t limit = 0;
    const auto question = target.find('?');
    if (is_feed && question != std::string_view::npos) {
        if (const auto value = query_param(target.substr(question + 1), "limit")) {
            if (!may_block && !resource.view_ready()) return unprepared();
            const std::size_t bound = context.feed_limit > 0
                                          ? context.feed_limit
                                          : std::max<std::size_t>(1, resource.entry_spans().size());
            const auto [end, ec] =
                std::from_chars(value->data(), value->data() + value->size(), limit);
            if (value->empty() || ec != std::errc{} || end != value->data() + value->size() ||
                limit < 1 || limit > bound) {
                return text(status::bad_request,
                            "limit must be a whole number from 1 to the "
                            "feed limit.\n");
            }
        }
    }

    // A browser navigating to a feed gets its HTML view; readers keep getting the feed's bytes.
    const bool navigating = is_feed && is_navigation(request);
    if (navigating && !may_block && !resource.view_ready()) return unprepared();
    const Resource* view = navigating ? resource.browser_view() : nullptr;
    const bool browser = view != nullptr;
    const Resource& shown = browser ? *view : resource;
    // Cutting is only needed when the feed has more entries than asked for; otherwise the whole
    // feed is that document, with its compressed variants.
    const bool cut = !browser && limit > 0 && limit < resource.entry_spans().size();

    if (!cut) {
        const auto accept = request.find(field::accept_encoding);
        const Coding coding =
            accept == request.end() ? Coding::identity : choose_coding(accept->value(), true, true);
        const bool unchanged =
            not_modified(request, shown, {shown.etag, shown.gzip_etag, shown.br_etag});
        // A 304 carries no body, so its variant need not be made (respond()); a HEAD's
        // Content-Length is the variant's size, so it needs it like a GET.
        if (!may_block && !unchanged &&
            ((coding == Coding::gzip && !shown.gzip_ready()) ||
             (coding == Coding::br && !shown.br_ready()))) {
            return unprepared();
        }
        return {Served{&resource, &shown, coding, unchanged}, {}};
    }

    // The cut feed: identity only, its own ETag, bytes made for this request.
    const std::string cut_etag = limited_etag(resource.etag, limit);
    const CacheControl cache_control = cache_control_of(resource, context.max_age);
    Resolved resolved{std::nullopt, Routed{Response{status::ok, version}, nullptr}};
    Response& res = resolved.routed.response;
    res.set(field::server, server_name());
    res.keep_alive(keep_alive);
    if (not_modified(request, resource, {cut_etag})) {
        res.result(status::not_modified);
        set_validators(res, resource, cut_etag, cache_control.view(), vary_of(resource));
        return resolved;
    }
    resolved.routed.generated = std::make_shared<const std::string>(
        limit_feed(resource.body, resource.entry_spans(), limit));
    const std::string& body = *resolved.routed.generated;
    res.set(field::content_type, resource.content_type);
    set_validators(res, resource, cut_etag, cache_control.view(), vary_of(resource));
    res.content_length(body.size());
    res.body() = {body.data(), body.size()};
    return resolved;
}

Routed internal_error(const Request& request) {
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

}  // namespace

std::string_view Served::etag() const {
    switch (coding) {
        case Coding::br:
            return shown->br_etag;
        case Coding::gzip:
            return shown->gzip_etag;
        case Coding::identity:
            break;
    }
    return shown->etag;
}

const std::string& Served::body() const {
    switch (coding) {
        case Coding::br:
            return shown->br_body();
        case Coding::gzip:
            return shown->gzip_body();
        case Coding::identity:
            break;
    }
    return shown->body;
}

Response respond(const Served& served, unsigned version, bool keep_alive,
                 std::chrono::seconds max_age) {
    const Resource& shown = *served.shown;
    const CacheControl cache_control = cache_control_of(*served.document, max_age);
    const std::string_view vary = vary_of(*served.document);
    Response res{served.not_modified ? status::not_modified : status::ok, version};
    res.set(field::server, server_name());
    res.keep_alive(keep_alive);
    if (served.not_modified) {
        // Compressed variants are made on their first request (feed/snapshot.h), not for a 304.
        set_validators(res, shown, served.etag(), cache_control.view(), vary);
        return res;
    }
    const std::string& body = served.body();
    res.set(field::content_type, shown.content_type);
    if (served.coding == Coding::br) res.set(field::content_encoding, "br");
    if (served.coding == Coding::gzip) res.set(field::content_encoding, "gzip");
    set_validators(res, shown, served.etag(), cache_control.view(), vary);
    res.content_length(body.size());
    res.body() = {body.data(), body.size()};
    return res;
}

Resolved resolve(const Request& request, const Snapshot* snapshot, const RouteContext& context) {
    try {
        return resolve_unchecked(request, snapshot, context);
    } catch (...) {
        return {std::nullopt, internal_error(request)};
    }
}

void prepare(const Request& request, const Snapshot& snapshot, const RouteContext& context) {
    try {
        RouteContext blocking = context;
        blocking.may_block = true;
        const Resolved resolved = resolve(request, &snapshot, blocking);
        if (resolved.served && !resolved.served->not_modified) (void)resolved.served->body();
    } catch (...) {
        // Out of memory, or a compressor that failed: resolve() on the I/O thread sees the
        // variant still missing and the server answers 500.
    }
}

Routed route(const Request& request, const Snapshot* snapshot, const RouteContext& context) {
    Routed routed = [&]() -> Routed {
        Resolved resolved = resolve(request, snapshot, context);
        if (!resolved.served) return std::move(resolved.routed);
        try {
            return {
                respond(*resolved.served, request.version(), request.keep_alive(), context.max_age),
                nullptr};
        } catch (...) {
            return internal_error(request);
        }
    }();
    // HEAD gets every header GET would, Content-Length included, and no body.
    if (request.method() == verb::head) routed.response.body() = {};
    return routed;
}

}  // namespace feedd::http
