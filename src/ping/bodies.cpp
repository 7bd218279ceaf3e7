#include "ping/bodies.h"

#include <charconv>
#include <memory>
#include <pugixml.hpp>
#include <sstream>

#include "ping/curl_library.h"

namespace feedd::ping {
namespace {

// RFC 3986 percent-encoding of everything but unreserved characters (curl's, rather than our own):
// a valid application/x-www-form-urlencoded value, since decoders accept %20 as well as '+'.
// Loads libcurl if the client has not yet (throws if it cannot: the client loads it first).
std::string form_value(std::string_view value) {
    const auto& curl = curl_library_or_throw();
    std::unique_ptr<char, decltype(curl.free)> escaped(
        curl.easy_escape(nullptr, value.data(), static_cast<int>(value.size())), curl.free);
    if (!escaped) throw std::bad_alloc();
    return escaped.get();
}

std::string method_call(std::string_view method, std::initializer_list<std::string_view> params) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto call = doc.append_child("methodCall");
    call.append_child("methodName").text().set(std::string(method).c_str());
    auto xml_params = call.append_child("params");
    for (const auto param : params) {
        xml_params.append_child("param").append_child("value").append_child("string").text().set(
            std::string(param).c_str());
    }
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw);
    return out.str();
}

// An XML-RPC <value>: a typed child (<string>, <boolean>, <int>, ...) or bare text, which is a
// string.
std::string value_text(pugi::xml_node value) {
    for (auto child : value.children()) {
        if (child.type() == pugi::node_element) return child.text().get();
    }
    return value.text().get();
}

bool value_true(pugi::xml_node value) {
    const std::string text = value_text(value);
    return text == "1" || text == "true";
}

pugi::xml_node member_value(pugi::xml_node xml_struct, std::string_view name) {
    for (auto member : xml_struct.children("member")) {
        if (std::string_view(member.child("name").text().get()) == name) {
            return member.child("value");
        }
    }
    return {};
}

}  // namespace

const char* to_string(OutcomeKind kind) {
    switch (kind) {
        case OutcomeKind::success:
            return "success";
        case OutcomeKind::retry:
            return "retry";
        case OutcomeKind::permanent:
            return "permanent";
    }
    return "?";
}

std::string Endpoint::key() const {
    if (kind == EndpointKind::xmlrpc) return "xmlrpc " + url;
    return (topic_param ? "websub(hub.topic) " : "websub ") + url;
}

std::string websub_publish_body(std::string_view topic_url, bool topic_param) {
    return std::string("hub.mode=publish&") + (topic_param ? "hub.topic=" : "hub.url=") +
           form_value(topic_url);
}

std::string xmlrpc_extended_ping_body(std::string_view site_title, std::string_view site_url,
                                      std::string_view feed_url) {
    return method_call("weblogUpdates.extendedPing", {site_title, site_url, feed_url});
}

std::string xmlrpc_ping_body(std::string_view site_title, std::string_view site_url) {
    return method_call("weblogUpdates.ping", {site_title, site_url});
}

XmlRpcResponse parse_xmlrpc_response(std::string_view body) {
    XmlRpcResponse out;
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(body.data(), body.size());
    if (!parsed) {
        out.message = std::string("not XML: ") + parsed.description();
        return out;
    }
    const auto response = doc.child("methodResponse");
    if (!response) {
        out.message = "no <methodResponse> element";
        return out;
    }
    if (const auto fault = response.child("fault")) {
        const auto fault_struct = fault.child("value").child("struct");
        out.kind = XmlRpcResponse::Kind::fault;
        out.message = value_text(member_value(fault_struct, "faultString"));
        const std::string code = value_text(member_value(fault_struct, "faultCode"));
        std::from_chars(code.data(), code.data() + code.size(), out.fault_code);
        return out;
    }
    const auto value = response.child("params").child("param").child("value");
    if (!value) {
        out.message = "<methodResponse> without a fault or a value";
        return out;
    }
    const auto result = value.child("struct");
    out.message = value_text(member_value(result, "message"));
    const auto flerror = member_value(result, "flerror");
    out.kind = flerror && value_true(flerror) ? XmlRpcResponse::Kind::flerror
                                              : XmlRpcResponse::Kind::success;
    return out;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, TimePoint now) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                              value.back() == '\n')) {
        value.remove_suffix(1);
    }
    if (value.empty()) return std::nullopt;
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size()) {
        if (seconds < 0) return std::nullopt;
        return std::chrono::seconds(seconds);
    }
    // curl_getdate reads the three HTTP-date forms; no need for a date parser of our own.
    const std::string text(value);
    const time_t when = curl_library_or_throw().getdate(text.c_str(), nullptr);
    if (when == -1) return std::nullopt;
    const auto delta = Clock::from_time_t(when) - now;
    if (delta <= Clock::duration::zero()) return std::chrono::seconds(0);
    return std::chrono::ceil<std::chrono::seconds>(delta);
}

}  // namespace feedd::ping

namespace feedd::ping {

Outcome classify_status(int status, std::optional<std::chrono::seconds> retry_after) {
    Outcome out;
    out.http_status = status;
    out.message = "HTTP " + std::to_string(status);
    if (status >= 200 && status < 300) {
        out.kind = OutcomeKind::success;
    } else if (status == 429 || (status >= 500 && status < 600)) {
        out.kind = OutcomeKind::retry;
        out.retry_after = retry_after;
        if (retry_after)
            out.message += " (Retry-After " + std::to_string(retry_after->count()) + " s)";
    } else {
        out.kind = OutcomeKind::permanent;
    }
    return out;
}

}  // namespace feedd::ping
