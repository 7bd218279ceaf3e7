#include "ping/address.h"

#include <gtest/gtest.h>

namespace feedd::ping {
namespace {

bool is_public(const char* text) {
    return is_public_address(boost::asio::ip::make_address(text));
}

TEST(Address, PrivateAndSpecialRangesAreNotPublic) {
    for (const char* address :
         {"127.0.0.1",       "127.255.0.9",     "10.1.2.3",     "172.16.0.1", "172.31.255.255",
          "192.168.1.1",     "169.254.169.254", "100.64.0.1",   "0.0.0.0",    "224.0.0.1",
          "239.255.255.250", "255.255.255.255", "240.0.0.1",    "::1",        "::",
          "fe80::1",         "fc00::1",         "fd12:3456::1", "ff02::1",    "::ffff:127.0.0.1",
          "::ffff:10.0.0.1", "64:ff9b::a00:1"}) {
        EXPECT_FALSE(is_public(address)) << address;
    }
}

TEST(Address, PublicAddressesArePublic) {
    for (const char* address :
         {"93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "2001:db8::1",
          "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
        EXPECT_TRUE(is_public(address)) << address;
    }
}

TEST(Address, LiteralHostsAreFoundWithoutALookup) {
    EXPECT_EQ(literal_host("http://127.0.0.1:8080/cb")->to_string(), "127.0.0.1");
    EXPECT_EQ(literal_host("https://[::1]:9/x?y")->to_string(), "::1");
    EXPECT_EQ(literal_host("http://user@10.0.0.1/")->to_string(), "10.0.0.1");
    EXPECT_EQ(literal_host("http://LocalHost./cb")->to_string(), "127.0.0.1");
    EXPECT_EQ(literal_host("http://a.localhost/cb")->to_string(), "127.0.0.1");
    EXPECT_FALSE(literal_host("https://subscriber.example/cb").has_value());
    EXPECT_FALSE(literal_host("not a url").has_value());
}

}  // namespace
}  // namespace feedd::ping
