// The libcurl multi driver that Client (the ping protocols) and HttpClient (the hub's plain
// requests) share: the multi handle, made by the first request; the transfers in flight, by easy
// handle; the requests that failed before a transfer could start; run() with wakeup() from another
// thread. What a transfer carries and what its end means stays with each client.
//
// Used from one thread at a time, except wakeup(). Internal to ping/.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ping/curl_library.h"

namespace feedd::ping {

// The multi handle and the wait for wakeup() before it exists; no transfers of its own.
class CurlMultiHandle {
  public:
    CurlMultiHandle() = default;
    ~CurlMultiHandle();  // the owner has removed its easy handles first
    CurlMultiHandle(const CurlMultiHandle&) = delete;
    CurlMultiHandle& operator=(const CurlMultiHandle&) = delete;

    // Loads libcurl and makes the multi handle if that has not happened yet; the error otherwise.
    std::optional<std::string> ready();
    bool exists() const { return multi_ != nullptr; }
    const CurlLibrary* library() const { return curl_; }  // set once ready() succeeded

    void add(CURL* easy);  // std::runtime_error when libcurl refuses
    void remove(CURL* easy);
    void perform();
    void poll(std::chrono::milliseconds wait);  // network activity or wakeup()
    // The next finished transfer libcurl reports, or nullptr.
    CURLMsg* next_done();

    void wait_for_wakeup(std::chrono::milliseconds wait);  // only while !exists()
    void wakeup();                                         // thread-safe

  private:
    // Both set by the first ready() (libcurl is loaded then, not before), on the one thread that
    // uses the client; wakeup() reads `multi_` under wake_mutex_.
    const CurlLibrary* curl_ = nullptr;
    CURLM* multi_ = nullptr;
    // Until `multi_` exists, run() waits here and wakeup() signals here.
    std::mutex wake_mutex_;
    std::condition_variable woken_cv_;
    bool woken_ = false;
};

// `Transfer` owns its easy handle (member `easy`) and frees it when destroyed; `Result` is what
// run() hands back for a request that ended.
template <class Transfer, class Result>
class CurlMulti {
  public:
    ~CurlMulti() { cancel_all(); }  // abandons transfers still running

    std::optional<std::string> ready() { return handle_.ready(); }
    const CurlLibrary* library() const { return handle_.library(); }

    // Adds a transfer whose easy handle is set up; throws (and frees it) when libcurl refuses.
    void add(std::unique_ptr<Transfer> t) {
        CURL* easy = t->easy;
        handle_.add(easy);
        transfers_.emplace(easy, std::move(t));
    }

    // A request that ended before a transfer could start (libcurl could not be loaded): the next
    // run() returns it, like any other result.
    void fail(Result result) { failed_.push_back(std::move(result)); }

    // Moves transfers along, waiting at most `wait` for network activity or wakeup(). Each
    // finished transfer, already removed from the multi handle, goes to
    // `finish(std::unique_ptr<Transfer>, CURLcode) -> std::optional<Result>`, which may add()
    // a follow-up instead of returning a result.
    template <class Finish>
    std::vector<Result> run(std::chrono::milliseconds wait, Finish&& finish) {
        std::vector<Result> finished = std::move(failed_);
        failed_.clear();
        if (!handle_.exists()) {
            // Nothing was ever sent (or libcurl could not be loaded): wait without it.
            if (finished.empty()) handle_.wait_for_wakeup(wait);
            return finished;
        }
        auto collect = [&] {
            while (CURLMsg* msg = handle_.next_done()) {
                auto it = transfers_.find(msg->easy_handle);
                if (it == transfers_.end()) continue;
                auto t = std::move(it->second);
                transfers_.erase(it);
                const CURLcode code = msg->data.result;
                handle_.remove(t->easy);
                if (auto result = finish(std::move(t), code))
                    finished.push_back(std::move(*result));
            }
        };
        handle_.perform();
        collect();
        if (finished.empty()) {
            handle_.poll(wait);
            handle_.perform();
            collect();
        }
        return finished;
    }

    void wakeup() { handle_.wakeup(); }
    std::size_t active() const { return transfers_.size() + failed_.size(); }

    void cancel_all() {
        for (auto& [easy, t] : transfers_) handle_.remove(easy);
        transfers_.clear();
        failed_.clear();
    }

  private:
    CurlMultiHandle handle_;  // declared first: cleaned up after the transfers are gone
    std::map<CURL*, std::unique_ptr<Transfer>> transfers_;
    std::vector<Result> failed_;
};

}  // namespace feedd::ping
