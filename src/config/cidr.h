// IP address ranges in CIDR notation, for server.trusted_proxies and server.metrics_allow.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace feedd {

// An IPv4 or IPv6 address as bytes (IPv4 in the first 4). IPv4-mapped IPv6 addresses
// (::ffff:192.0.2.1) are IPv4: a dual-stack socket reports IPv4 clients that way.
struct IpAddress {
    std::array<std::uint8_t, 16> bytes{};
    bool v4 = true;
    bool operator==(const IpAddress&) const = default;
};

struct Cidr {
    IpAddress network;  // the bits after `bits` are zero
    int bits = 0;       // prefix length: 0–32 (IPv4), 0–128 (IPv6)
    bool contains(const IpAddress& address) const;
    bool operator==(const Cidr&) const = default;
};

// "192.0.2.1", "::1", "::ffff:192.0.2.1"; the error says what is wrong.
std::expected<IpAddress, std::string> parse_ip(std::string_view text);
// "10.0.0.0/8", "2001:db8::/32", or an address alone (a /32 or /128). Host bits set after the
// prefix ("10.0.0.1/8") are an error: such a range was probably meant otherwise.
std::expected<Cidr, std::string> parse_cidr(std::string_view text);
bool any_contains(const std::vector<Cidr>& ranges, const IpAddress& address);
std::string to_string(const IpAddress& address);

}  // namespace feedd
