// Who fetched a feed, from its User-Agent alone: an aggregator that reports how many of its users
// subscribe (Feedly's "42 subscribers"), a bot that is no reader at all, or any other client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace feedd::readers {

enum class ClientKind : std::uint8_t { aggregator, bot, other };

struct ClientClass {
    ClientKind kind = ClientKind::other;
    std::string
        source;  // aggregator: its name, lowercase ("feedly"); bot: "bots"; other: "clients"
    std::uint64_t subscribers = 0;  // aggregator: the count it reports
    std::string feed_id;  // aggregator: its own id of the feed, when it sends one ("" else)
    bool operator==(const ClientClass&) const = default;
};

// The aggregators feedd knows (user_agents.cpp: one table, a sample string each), then the bot
// patterns. An aggregator that names no count ("Feedly/1.0" without "N subscribers") is another
// client: it counts by address and User-Agent like a desktop reader.
ClientClass classify_user_agent(std::string_view user_agent);

}  // namespace feedd::readers
