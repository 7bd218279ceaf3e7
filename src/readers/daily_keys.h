// The keyed hash that stands for a client in memory (docs/readers.md): SipHash-2-4 of its network
// and User-Agent under a key made at random for each UTC day and never written anywhere, with the
// day before's key kept one more day to recognise a client seen under it. Shared by the reader
// counter and the podcast download counter. Not thread-safe: each owner locks.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>

#include "readers/counter.h"

namespace feedd::readers {

class DailyKeys {
  public:
    // `random` fills a key (libsodium's randombytes_buf when empty).
    explicit DailyKeys(std::function<void(std::uint8_t*, std::size_t)> random);
    ~DailyKeys();  // wipes the keys
    DailyKeys(const DailyKeys&) = delete;
    DailyKeys& operator=(const DailyKeys&) = delete;

    enum class Roll { same_day, next_day, later };
    // Moves to the UTC day of `at`: a new key, and the previous one kept as yesterday's when the
    // days follow each other. Says which, so that owners move or drop their hashes alike.
    Roll roll(Seconds at);
    std::uint64_t today(const ClientPrefix& client, std::string_view user_agent) const;
    bool has_yesterday() const { return have_yesterday_; }
    std::uint64_t yesterday(const ClientPrefix& client, std::string_view user_agent) const;

    static constexpr std::size_t kKeyBytes = 16;  // crypto_shorthash_KEYBYTES

  private:
    using Key = std::array<std::uint8_t, kKeyBytes>;
    std::function<void(std::uint8_t*, std::size_t)> random_;
    std::int64_t day_ = 0;  // of today_; 0: no key made yet
    Key today_{};
    Key yesterday_{};
    bool have_yesterday_ = false;
};

}  // namespace feedd::readers
