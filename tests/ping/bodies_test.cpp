#include "ping/bodies.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <vector>

namespace feedd::ping {
namespace {

using namespace std::chrono_literals;

// The <string> params of a methodCall, read back with an XML parser.
std::vector<std::string> call_params(const std::string& body, std::string* method) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(body.c_str())) << body;
    *method = doc.child("methodCall").child_value("methodName");
    std::vector<std::string> out;
    for (auto param : doc.child("methodCall").child("params").children("param")) {
        out.push_back(param.child("value").child_value("string"));
    }
    return out;
}

TEST(WebSubPublishBody, PercentEncodesTheTopicUrl) {
    EXPECT_EQ(websub_publish_body("https://example.org/feed.xml?a=1&b=2", false),
              "hub.mode=publish&hub.url=https%3A%2F%2Fexample.org%2Ffeed.xml%3Fa%3D1%26b%3D2");
}

TEST(WebSubPublishBody, UsesHubTopicWhenAsked) {
    EXPECT_EQ(websub_publish_body("http://x/f", true),
              "hub.mode=publish&hub.topic=http%3A%2F%2Fx%2Ff");
}

TEST(WebSubPublishBody, EncodesNonAsciiAsUtf8Bytes) {
    // "é" is C3 A9 in UTF-8; a space must not survive raw in a form value.
    EXPECT_EQ(websub_publish_body("http://x/caf\xC3\xA9 feed", false),
              "hub.mode=publish&hub.url=http%3A%2F%2Fx%2Fcaf%C3%A9%20feed");
}

TEST(XmlRpcBodies, ExtendedPingCarriesTitleSiteAndFeedEscaped) {
    const std::string title = "Tom & Jerry's <News> \xC3\xA9t\xC3\xA9";
    const auto body = xmlrpc_extended_ping_body(title, "https://example.org/?a=1&b=2",
                                                "https://example.org/feed.xml");
    EXPECT_EQ(body.find("<News>"), std::string::npos) << body;
    EXPECT_NE(body.find("&amp;"), std::string::npos) << body;
    std::string method;
    const auto params = call_params(body, &method);
    EXPECT_EQ(method, "weblogUpdates.extendedPing");
    ASSERT_EQ(params.size(), 3u);
    EXPECT_EQ(params[0], title);
    EXPECT_EQ(params[1], "https://example.org/?a=1&b=2");
    EXPECT_EQ(params[2], "https://example.org/feed.xml");
}

TEST(XmlRpcBodies, PlainPingCarriesTitleAndSite) {
    std::string method;
    const auto params = call_params(xmlrpc_ping_body("A < B", "https://example.org/"), &method);
    EXPECT_EQ(method, "weblogUpdates.ping");
    EXPECT_EQ(params, (std::vector<std::string>{"A < B", "https://example.org/"}));
}

TEST(XmlRpcResponseParse, PingOMaticSuccess) {
    const auto r = parse_xmlrpc_response(
        "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
        "<member><name>flerror</name><value><boolean>0</boolean></value></member>"
        "<member><name>message</name><value><string>Thanks for the ping.</string></value></member>"
        "</struct></value></param></params></methodResponse>");
    EXPECT_EQ(r.kind, XmlRpcResponse::Kind::success);
    EXPECT_EQ(r.message, "Thanks for the ping.");
}

TEST(XmlRpcResponseParse, FlerrorTrueIsAFailureWithItsMessage) {
    // Bare <value> text is a string in XML-RPC.
    const auto r = parse_xmlrpc_response(
        "<methodResponse><params><param><value><struct>"
        "<member><name>flerror</name><value><boolean>1</boolean></value></member>"
        "<member><name>message</name><value>Too many pings</value></member>"
        "</struct></value></param></params></methodResponse>");
    EXPECT_EQ(r.kind, XmlRpcResponse::Kind::flerror);
    EXPECT_EQ(r.message, "Too many pings");
}

TEST(XmlRpcResponseParse, FaultGivesCodeAndString) {
    const auto r = parse_xmlrpc_response(
        "<methodResponse><fault><value><struct>"
        "<member><name>faultCode</name><value><int>-32601</int></value></member>"
        "<member><name>faultString</name><value><string>no such method</string></value></member>"
        "</struct></value></fault></methodResponse>");
    EXPECT_EQ(r.kind, XmlRpcResponse::Kind::fault);
    EXPECT_EQ(r.fault_code, -32601);
    EXPECT_EQ(r.message, "no such method");
}

TEST(XmlRpcResponseParse, HtmlOrGarbageIsMalformed) {
    EXPECT_EQ(parse_xmlrpc_response("<html><body>Bad gateway</body></html>").kind,
              XmlRpcResponse::Kind::malformed);
    EXPECT_EQ(parse_xmlrpc_response("not xml at all <").kind, XmlRpcResponse::Kind::malformed);
    EXPECT_EQ(parse_xmlrpc_response("<methodResponse/>").kind, XmlRpcResponse::Kind::malformed);
}

TEST(RetryAfter, DelaySeconds) {
    EXPECT_EQ(parse_retry_after(" 120 ", Clock::now()), 120s);
    EXPECT_EQ(parse_retry_after("0", Clock::now()), 0s);
    EXPECT_EQ(parse_retry_after("-5", Clock::now()), std::nullopt);
    EXPECT_EQ(parse_retry_after("soon", Clock::now()), std::nullopt);
    EXPECT_EQ(parse_retry_after("", Clock::now()), std::nullopt);
}

TEST(RetryAfter, HttpDateRelativeToNow) {
    // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s after the epoch (RFC 9110's example).
    const auto now = Clock::from_time_t(784111777 - 90);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 90s);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 1h), 0s);
}

TEST(ClassifyStatus, SuccessRetryPermanent) {
    EXPECT_EQ(classify_status(202, std::nullopt).kind, OutcomeKind::success);
    EXPECT_EQ(classify_status(204, std::nullopt).kind, OutcomeKind::success);
    EXPECT_EQ(classify_status(500, std::nullopt).kind, OutcomeKind::retry);
    EXPECT_EQ(classify_status(429, std::nullopt).kind, OutcomeKind::retry);
    const auto unavailable = classify_status(503, 7s);
    EXPECT_EQ(unavailable.kind, OutcomeKind::retry);
    EXPECT_EQ(unavailable.retry_after, 7s);
    EXPECT_EQ(classify_status(400, std::nullopt).kind, OutcomeKind::permanent);
    EXPECT_EQ(classify_status(404, std::nullopt).kind, OutcomeKind::permanent);
    EXPECT_EQ(classify_status(410, std::nullopt).kind, OutcomeKind::permanent);
}

}  // namespace
}  // namespace feedd::ping
