#include "ping/address.h"

#include <cstdint>

namespace feedd::ping {
namespace {

bool public_v4(std::uint32_t a) {
    const auto in = [a](std::uint32_t net, int bits) {
        const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
        return (a & mask) == net;
    };
    return !(in(0x00000000, 8) ||   // "this network", 0.0.0.0
             in(0x0A000000, 8) ||   // 10/8
             in(0x64400000, 10) ||  // 100.64/10, carrier-grade NAT
             in(0x7F000000, 8) ||   // loopback
             in(0xA9FE0000, 16) ||  // link-local
             in(0xAC100000, 12) ||  // 172.16/12
             in(0xC0000000, 24) ||  // 192.0.0/24, IETF protocol assignments
             in(0xC0A80000, 16) ||  // 192.168/16
             in(0xC6120000, 15) ||  // 198.18/15, benchmarking
             in(0xE0000000, 4) ||   // multicast
             in(0xF0000000, 4));    // reserved and broadcast
}

}  // namespace

bool is_public_address(const boost::asio::ip::address& address) {
    if (address.is_v4()) return public_v4(address.to_v4().to_uint());
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) {
        return public_v4(
            boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_uint());
    }
    const auto bytes = v6.to_bytes();
    if (v6.is_unspecified() || v6.is_loopback() || v6.is_multicast()) return false;
    if ((bytes[0] & 0xFE) == 0xFC) return false;                      // fc00::/7 unique local
    if (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80) return false;  // fe80::/10 link-local
    if (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0xC0) return false;  // fec0::/10 site-local
    if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B) {
        // 64:ff9b::/96, NAT64: the IPv4 address it carries decides.
        const std::uint32_t v4 = (std::uint32_t{bytes[12]} << 24) |
                                 (std::uint32_t{bytes[13]} << 16) |
                                 (std::uint32_t{bytes[14]} << 8) | bytes[15];
        return public_v4(v4);
    }
    return true;
}

std::optional<boost::asio::ip::address> literal_host(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return std::nullopt;
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    std::string_view host;
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = rest.substr(1, close - 1);
        if (const auto zone = host.find('%'); zone != std::string_view::npos)
            host = host.substr(0, zone);
    } else {
        host = rest.substr(0, rest.find(':'));
    }
    std::string lower(host);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!lower.empty() && lower.back() == '.') lower.pop_back();
    if (lower == "localhost" || lower.ends_with(".localhost")) {
        return boost::asio::ip::address_v4::loopback();
    }
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(lower, ec);
    if (ec) return std::nullopt;
    return address;
}

}  // namespace feedd::ping
