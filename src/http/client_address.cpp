#include <algorithm>
#include <optional>
#include <vector>

#include "http/readers_hooks.h"

namespace feedd::http {
namespace {

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// One Forwarded "for=" value or X-Forwarded-For item: "192.0.2.1", "192.0.2.1:4711",
// "[2001:db8::1]:4711", "\"[2001:db8::1]\"", "2001:db8::1".
std::optional<IpAddress> node_address(std::string_view node) {
    node = trimmed(node);
    if (node.size() >= 2 && node.front() == '"' && node.back() == '"')
        node = node.substr(1, node.size() - 2);
    if (!node.empty() && node.front() == '[') {
        const auto close = node.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        node = node.substr(1, close - 1);
    } else if (node.find(':') == node.rfind(':') && node.find(':') != std::string_view::npos) {
        node = node.substr(0, node.find(':'));  // IPv4 with a port
    }
    auto parsed = parse_ip(node);
    if (!parsed) return std::nullopt;
    return *parsed;
}

// The hops a proxy chain reports, nearest last.
std::vector<std::string_view> hops(std::string_view x_forwarded_for, std::string_view forwarded) {
    std::vector<std::string_view> out;
    if (!forwarded.empty()) {
        // RFC 7239: elements separated by ',', pairs by ';'; only for= names the client side.
        std::size_t start = 0;
        while (start <= forwarded.size()) {
            const auto end = std::min(forwarded.find(',', start), forwarded.size());
            auto element = forwarded.substr(start, end - start);
            std::size_t pair_start = 0;
            while (pair_start <= element.size()) {
                const auto pair_end = std::min(element.find(';', pair_start), element.size());
                const auto pair = trimmed(element.substr(pair_start, pair_end - pair_start));
                if (pair.size() > 4 && (pair.substr(0, 4) == "for=" ||
                                        pair.substr(0, 4) == "For=" || pair.substr(0, 4) == "FOR="))
                    out.push_back(pair.substr(4));
                pair_start = pair_end + 1;
            }
            start = end + 1;
        }
        return out;
    }
    std::size_t start = 0;
    while (start <= x_forwarded_for.size() && !x_forwarded_for.empty()) {
        const auto end = std::min(x_forwarded_for.find(',', start), x_forwarded_for.size());
        out.push_back(x_forwarded_for.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace

IpAddress client_address(const IpAddress& peer, std::string_view x_forwarded_for,
                         std::string_view forwarded, const std::vector<Cidr>& trusted_proxies) {
    if (trusted_proxies.empty() || !any_contains(trusted_proxies, peer)) return peer;
    // From the nearest hop outwards: each trusted proxy vouches for the one before it; the first
    // address that is no trusted proxy is the client. Anything before it may be forged.
    const auto chain = hops(x_forwarded_for, forwarded);
    IpAddress client = peer;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const auto address = node_address(*it);
        if (!address) return client;  // "unknown", an obfuscated name: the last one known
        client = *address;
        if (!any_contains(trusted_proxies, client)) return client;
    }
    return client;
}

}  // namespace feedd::http
