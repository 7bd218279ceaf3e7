// Who the client is behind a reverse proxy (http/readers_hooks.h, client_address), and the
// address ranges of server.trusted_proxies / server.metrics_allow (config/cidr.h).
#include <gtest/gtest.h>

#include "config/cidr.h"
#include "http/readers_hooks.h"

namespace feedd::http {
namespace {

IpAddress ip(const char* text) {
    return *parse_ip(text);
}

std::vector<Cidr> ranges(std::initializer_list<const char*> texts) {
    std::vector<Cidr> out;
    for (const char* text : texts) out.push_back(*parse_cidr(text));
    return out;
}

TEST(ClientAddress, ForwardedHeadersCountOnlyFromATrustedProxy) {
    const auto trusted = ranges({"127.0.0.1", "10.0.0.0/8"});
    EXPECT_EQ(client_address(ip("203.0.113.9"), "198.51.100.1", "", trusted), ip("203.0.113.9"));
    EXPECT_EQ(client_address(ip("127.0.0.1"), "198.51.100.1", "", trusted), ip("198.51.100.1"));
    EXPECT_EQ(client_address(ip("127.0.0.1"), "", "", trusted), ip("127.0.0.1"));
    EXPECT_EQ(client_address(ip("127.0.0.1"), "198.51.100.1", "", {}), ip("127.0.0.1"));
}

TEST(ClientAddress, TheFirstUntrustedHopFromTheNearEndIsTheClient) {
    const auto trusted = ranges({"127.0.0.1", "10.0.0.0/8"});
    // A forged first entry, the client, then an inner proxy of the site's own.
    EXPECT_EQ(client_address(ip("127.0.0.1"), "6.6.6.6, 198.51.100.1, 10.1.2.3", "", trusted),
              ip("198.51.100.1"));
    EXPECT_EQ(client_address(ip("127.0.0.1"), "unknown, 198.51.100.1", "", trusted),
              ip("198.51.100.1"));
    EXPECT_EQ(client_address(ip("127.0.0.1"), "198.51.100.1:4711", "", trusted),
              ip("198.51.100.1"));
}

TEST(ClientAddress, ForwardedHeaderOfRfc7239) {
    const auto trusted = ranges({"::1"});
    EXPECT_EQ(client_address(ip("::1"), "", "for=192.0.2.60;proto=http;by=203.0.113.43", trusted),
              ip("192.0.2.60"));
    EXPECT_EQ(client_address(ip("::1"), "", "for=\"[2001:db8:cafe::17]:4711\"", trusted),
              ip("2001:db8:cafe::17"));
    EXPECT_EQ(client_address(ip("::1"), "", "for=192.0.2.43, for=198.51.100.17", trusted),
              ip("198.51.100.17"));
    EXPECT_EQ(client_address(ip("::1"), "9.9.9.9", "for=_hidden", trusted),
              ip("::1"));  // Forwarded wins
}

TEST(Cidr, RangesContainTheirAddresses) {
    const auto lan = *parse_cidr("192.168.0.0/16");
    EXPECT_TRUE(lan.contains(ip("192.168.44.1")));
    EXPECT_FALSE(lan.contains(ip("192.169.0.1")));
    EXPECT_TRUE(lan.contains(ip("::ffff:192.168.1.1")));  // a dual-stack socket's IPv4 client
    EXPECT_FALSE(lan.contains(ip("2001:db8::1")));
    const auto v6 = *parse_cidr("2001:db8::/33");
    EXPECT_TRUE(v6.contains(ip("2001:db8:7fff::1")));
    EXPECT_FALSE(v6.contains(ip("2001:db8:8000::1")));
    EXPECT_TRUE(parse_cidr("0.0.0.0/0")->contains(ip("8.8.8.8")));
}

TEST(Cidr, MistakesAreSaid) {
    EXPECT_EQ(parse_cidr("10.0.0.1/8").error(),
              "'10.0.0.1/8' has bits set after its /8 prefix (did you mean the network's first "
              "address?)");
    EXPECT_EQ(parse_cidr("10.0.0.0/33").error(),
              "'10.0.0.0/33': the prefix length must be 0 to 32");
    EXPECT_EQ(parse_cidr("localhost").error(), "'localhost' is not an IPv4 or IPv6 address");
}

}  // namespace
}  // namespace feedd::http
