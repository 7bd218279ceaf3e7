#include "config/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace feedd {

std::expected<IpAddress, std::string> parse_ip(std::string_view text) {
    const std::string copy(text);  // inet_pton wants a terminated string
    IpAddress address;
    if (::inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) return address;
    std::array<std::uint8_t, 16> v6{};
    if (::inet_pton(AF_INET6, copy.c_str(), v6.data()) != 1)
        return std::unexpected("'" + copy + "' is not an IPv4 or IPv6 address");
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.data(), kMapped, sizeof kMapped) == 0) {
        std::memcpy(address.bytes.data(), v6.data() + 12, 4);
        return address;
    }
    address.bytes = v6;
    address.v4 = false;
    return address;
}

std::expected<Cidr, std::string> parse_cidr(std::string_view text) {
    const auto slash = text.find('/');
    auto address = parse_ip(text.substr(0, slash));
    if (!address) return std::unexpected(address.error());
    const int max_bits = address->v4 ? 32 : 128;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
            bits < 0 || bits > max_bits)
            return std::unexpected("'" + std::string(text) + "': the prefix length must be 0 to " +
                                   std::to_string(max_bits));
    }
    Cidr cidr{*address, bits};
    for (int bit = bits; bit < max_bits; ++bit) {
        if (cidr.network.bytes[bit / 8] & (0x80 >> (bit % 8)))
            return std::unexpected("'" + std::string(text) + "' has bits set after its /" +
                                   std::to_string(bits) +
                                   " prefix (did you mean the network's first address?)");
    }
    return cidr;
}

bool Cidr::contains(const IpAddress& address) const {
    if (address.v4 != network.v4) return false;
    const int whole = bits / 8;
    if (std::memcmp(address.bytes.data(), network.bytes.data(), static_cast<std::size_t>(whole)) !=
        0)
        return false;
    if (bits % 8 == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits % 8));
    return (address.bytes[whole] & mask) == (network.bytes[whole] & mask);
}

bool any_contains(const std::vector<Cidr>& ranges, const IpAddress& address) {
    for (const auto& range : ranges) {
        if (range.contains(address)) return true;
    }
    return false;
}

std::string to_string(const IpAddress& address) {
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(address.v4 ? AF_INET : AF_INET6, address.bytes.data(), text, sizeof text);
    return text;
}

}  // namespace feedd
