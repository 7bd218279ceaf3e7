#include "readers/daily_keys.h"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

namespace feedd::readers {
namespace {

static_assert(DailyKeys::kKeyBytes == crypto_shorthash_KEYBYTES);

// SipHash-2-4 (libsodium's crypto_shorthash), a keyed hash made for hash tables: without the key,
// which lives only in this process's memory for a day, a value tells nothing of its input.
std::uint64_t keyed_hash(const std::uint8_t* key, const ClientPrefix& client,
                         std::string_view user_agent) {
    // On the stack: this runs for every feed request (a heap allocation would be a good part of
    // its cost). User-Agents are cut at 512 bytes, which tells any two real ones apart.
    unsigned char input[sizeof client.bytes + 512];
    user_agent = user_agent.substr(0, 512);
    std::memcpy(input, client.bytes.data(), client.bytes.size());
    // An empty view may point nowhere (null), which memcpy may not be given even for 0 bytes.
    if (!user_agent.empty())
        std::memcpy(input + client.bytes.size(), user_agent.data(), user_agent.size());
    std::uint64_t out = 0;
    crypto_shorthash(reinterpret_cast<unsigned char*>(&out), input,
                     client.bytes.size() + user_agent.size(), key);
    return out;
}

std::int64_t day_of(Seconds at) {
    return std::chrono::floor<std::chrono::days>(at).time_since_epoch().count();
}

}  // namespace

DailyKeys::DailyKeys(std::function<void(std::uint8_t*, std::size_t)> random) {
    if (!random) {
        if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
        random = [](std::uint8_t* out, std::size_t n) { randombytes_buf(out, n); };
    }
    random_ = std::move(random);
}

DailyKeys::~DailyKeys() {
    sodium_memzero(today_.data(), today_.size());
    sodium_memzero(yesterday_.data(), yesterday_.size());
}

DailyKeys::Roll DailyKeys::roll(Seconds at) {
    const auto now_day = day_of(at);
    if (now_day == day_) return Roll::same_day;
    const bool consecutive = day_ != 0 && now_day == day_ + 1;
    if (consecutive) {
        yesterday_ = today_;
        have_yesterday_ = true;
    } else {
        sodium_memzero(yesterday_.data(), yesterday_.size());
        have_yesterday_ = false;
    }
    random_(today_.data(), today_.size());
    day_ = now_day;
    return consecutive ? Roll::next_day : Roll::later;
}

std::uint64_t DailyKeys::today(const ClientPrefix& client, std::string_view user_agent) const {
    return keyed_hash(today_.data(), client, user_agent);
}

std::uint64_t DailyKeys::yesterday(const ClientPrefix& client, std::string_view user_agent) const {
    return keyed_hash(yesterday_.data(), client, user_agent);
}

}  // namespace feedd::readers
