// Which addresses an outgoing request to a URL given by a stranger (a WebSub callback) may reach.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string_view>

namespace feedd::ping {

// False for loopback, private (RFC 1918, IPv6 unique local), shared (100.64/10), link-local,
// multicast, unspecified, broadcast, reserved (240/4) and documentation-free special ranges
// (0/8); IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
bool is_public_address(const boost::asio::ip::address& address);

// The host of an http(s) URL when it is an IP literal ("127.0.0.1", "[::1]"), or "localhost";
// nullopt when it is a name that needs DNS. For checks that must not wait for a lookup.
std::optional<boost::asio::ip::address> literal_host(std::string_view url);

}  // namespace feedd::ping
