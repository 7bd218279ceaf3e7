#include "ping/curl_multi.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace feedd::ping {

CurlMultiHandle::~CurlMultiHandle() {
    if (multi_) curl_->multi_cleanup(multi_);
}

std::optional<std::string> CurlMultiHandle::ready() {
    if (multi_) return std::nullopt;
    auto lib = curl_library();
    if (!lib) return lib.error();
    CURLM* handle = (*lib)->multi_init();
    if (!handle) return std::string("curl_multi_init failed");
    std::lock_guard lock(wake_mutex_);
    curl_ = *lib;
    multi_ = handle;
    return std::nullopt;
}

void CurlMultiHandle::add(CURL* easy) {
    if (curl_->multi_add_handle(multi_, easy) != CURLM_OK) {
        throw std::runtime_error("curl_multi_add_handle failed");
    }
}

void CurlMultiHandle::remove(CURL* easy) {
    curl_->multi_remove_handle(multi_, easy);
}

void CurlMultiHandle::perform() {
    int running = 0;
    curl_->multi_perform(multi_, &running);
}

void CurlMultiHandle::poll(std::chrono::milliseconds wait) {
    curl_->multi_poll(multi_, nullptr, 0, static_cast<int>(std::max<std::int64_t>(0, wait.count())),
                      nullptr);
}

CURLMsg* CurlMultiHandle::next_done() {
    int left = 0;
    while (CURLMsg* msg = curl_->multi_info_read(multi_, &left)) {
        if (msg->msg == CURLMSG_DONE) return msg;
    }
    return nullptr;
}

void CurlMultiHandle::wait_for_wakeup(std::chrono::milliseconds wait) {
    std::unique_lock lock(wake_mutex_);
    woken_cv_.wait_for(lock, std::max(wait, std::chrono::milliseconds(0)), [&] { return woken_; });
    woken_ = false;
}

void CurlMultiHandle::wakeup() {
    std::lock_guard lock(wake_mutex_);
    if (multi_) {
        curl_->multi_wakeup(multi_);
    } else {
        woken_ = true;
        woken_cv_.notify_all();
    }
}

}  // namespace feedd::ping
