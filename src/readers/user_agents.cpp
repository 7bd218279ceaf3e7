#include "readers/user_agents.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace feedd::readers {
namespace {

// Hosted readers that poll a feed once for all their users and say how many in their User-Agent.
// `mark`: a piece of its User-Agent (matched case-insensitively); the samples are in
// tests/readers/user_agents_test.cpp, one test each. Hand-written: no packaged library knows
// these strings, and they are feedd's own product (docs/readers.md).
struct Aggregator {
    std::string_view source;
    std::string_view mark;
};
constexpr std::array<Aggregator, 19> kAggregators{{
    {"feedly", "feedly"},
    {"inoreader", "inoreader"},
    {"newsblur", "newsblur"},
    {"feedbin", "feedbin"},
    {"theoldreader", "theoldreader"},
    {"bazqux", "bazqux"},
    {"feedspot", "feedspot"},
    {"bloglovin", "bloglovin"},
    {"netvibes", "netvibes"},
    {"feeder", "feeder.co"},
    {"feedhq", "feedhq"},
    {"feedwrangler", "feed wrangler"},
    {"newsgator", "newsgator"},
    {"overcast", "overcast"},
    {"podcastaddict", "podcastaddict"},
    {"feedpress", "feedpress"},
    {"feedfetcher-google", "feedfetcher-google"},
    {"superfeedr", "superfeedr"},
    {"flipboard", "flipboard"},
}};

// Crawlers, previewers, monitors and validators: they fetch feeds, nobody reads them there.
constexpr std::array<std::string_view, 29> kBotMarks{{
    "bot",      "crawler",    "spider",      "slurp",           "facebookexternalhit",
    "embedly",  "preview",    "whatsapp",    "skypeuripreview", "uptime",
    "pingdom",  "statuscake", "monitor",     "validator",       "w3c_",
    "headless", "lighthouse", "archive.org", "ia_archiver",     "semrush",
    "ahrefs",   "mj12",       "dotbot",      "petalbot",        "bytespider",
    "gptbot",   "ccbot",      "amazonbot",   "baiduspider",
}};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "42 subscribers", "1 subscriber", "13 readers", "1 in total subscribers": the number before.
std::optional<std::uint64_t> reported_count(std::string_view ua) {
    for (const std::string_view word : {"subscriber", "reader"}) {
        for (auto at = ua.find(word); at != std::string_view::npos; at = ua.find(word, at + 1)) {
            auto end = at;
            while (end > 0 && ua[end - 1] == ' ') --end;
            if (end >= 9 && ua.substr(end - 8, 8) == "in total") {
                end -= 8;
                while (end > 0 && ua[end - 1] == ' ') --end;
            }
            auto begin = end;
            while (begin > 0 && is_digit(ua[begin - 1])) --begin;
            if (begin == end || end - begin > 12 || end == at) continue;
            std::uint64_t n = 0;
            for (auto i = begin; i < end; ++i) n = n * 10 + static_cast<std::uint64_t>(ua[i] - '0');
            return n;
        }
    }
    return std::nullopt;
}

// "feed-id=ad8d…", "feed-id:1373711", "feedid: 2431342", NewsBlur's ".../site/1234/…".
std::string feed_id(std::string_view ua_lower, std::string_view ua) {
    for (const std::string_view key : {"feed-id", "feedid"}) {
        auto at = ua_lower.find(key);
        if (at == std::string_view::npos) continue;
        at += key.size();
        while (at < ua.size() && (ua[at] == ':' || ua[at] == '=' || ua[at] == ' ')) ++at;
        auto end = at;
        while (end < ua.size() && (std::isalnum(static_cast<unsigned char>(ua[end])) ||
                                   ua[end] == '-' || ua[end] == '_'))
            ++end;
        if (end > at) return std::string(ua.substr(at, std::min<std::size_t>(end - at, 64)));
    }
    if (const auto site = ua_lower.find("/site/"); site != std::string_view::npos) {
        auto end = site + 6;
        while (end < ua.size() && is_digit(ua[end])) ++end;
        if (end > site + 6)
            return std::string(ua.substr(site + 6, std::min<std::size_t>(end - site - 6, 64)));
    }
    return {};
}

// An aggregator feedd does not list but that reports a count: named by its product token
// ("FeedHQ/1.0 (…; 2 subscribers)" → "feedhq"; "Mozilla/5.0 (compatible; Foo; …)" → "foo").
std::string product_name(std::string_view ua_lower) {
    auto rest = ua_lower;
    if (const auto compatible = rest.find("compatible;"); compatible != std::string_view::npos) {
        rest.remove_prefix(compatible + 11);
    }
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::string name;
    for (const char c : rest) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') {
            name += c;
        } else {
            break;
        }
        if (name.size() == 32) break;
    }
    return name.empty() ? "other-aggregator" : name;
}

}  // namespace

ClientClass classify_user_agent(std::string_view user_agent) {
    const auto ua = lower(user_agent);
    if (const auto count = reported_count(ua)) {
        ClientClass out{ClientKind::aggregator, {}, *count, feed_id(ua, user_agent)};
        for (const auto& aggregator : kAggregators) {
            if (ua.find(aggregator.mark) != std::string::npos) {
                out.source = aggregator.source;
                return out;
            }
        }
        out.source = product_name(ua);
        return out;
    }
    if (ua.empty()) return {ClientKind::bot, "bots", 0, {}};  // a person's reader names itself
    for (const auto mark : kBotMarks) {
        if (ua.find(mark) != std::string::npos) return {ClientKind::bot, "bots", 0, {}};
    }
    return {ClientKind::other, "clients", 0, {}};
}

}  // namespace feedd::readers
