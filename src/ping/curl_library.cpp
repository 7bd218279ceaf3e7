#include "ping/curl_library.h"

#include <dlfcn.h>

#include <atomic>
#include <forward_list>
#include <mutex>
#include <stdexcept>

namespace feedd::ping {
namespace {

std::string what_dlerror() {
    const char* text = dlerror();
    return text ? text : "unknown error";
}

// Resolves `name` into `slot`, keeping its declared type; false (with dlerror() pending) if absent.
template <typename Fn>
bool resolve(void* handle, const char* name, Fn& slot) {
    dlerror();  // clear a stale error
    void* symbol = dlsym(handle, name);
    if (!symbol) return false;
    slot = reinterpret_cast<Fn>(symbol);
    return true;
}

// A mutex rather than std::call_once: a load that failed must be tried again by the next ping.
struct Cache {
    std::mutex mutex;
    std::string soname{kCurlSoname};
    // Tables handed out so far; a forward_list never moves its elements, so pointers stay valid.
    std::forward_list<CurlLibrary> tables;
    std::atomic<const CurlLibrary*> loaded{nullptr};
};

Cache& cache() {
    // Never destroyed: a ping thread may still hold a table while static destructors run at exit.
    static Cache* const instance = new Cache;
    return *instance;
}

}  // namespace

std::expected<CurlLibrary, std::string> open_curl_library(const std::string& soname) {
    void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        return std::unexpected(
            "cannot load " + soname +
            " (libcurl, needed to send pings; Debian package libcurl4): " + what_dlerror());
    }
    CurlLibrary lib;
    std::string missing;
    auto need = [&](const char* name, auto& slot) {
        if (missing.empty() && !resolve(handle, name, slot)) {
            missing =
                "cannot use " + soname + " (libcurl, needed to send pings): " + what_dlerror();
        }
    };
    need("curl_global_init", lib.global_init);
    need("curl_free", lib.free);
    need("curl_easy_init", lib.easy_init);
    need("curl_easy_cleanup", lib.easy_cleanup);
    need("curl_easy_perform", lib.easy_perform);
    need("curl_easy_setopt", lib.easy_setopt);
    need("curl_easy_getinfo", lib.easy_getinfo);
    need("curl_easy_strerror", lib.easy_strerror);
    need("curl_easy_escape", lib.easy_escape);
    need("curl_getdate", lib.getdate);
    need("curl_slist_append", lib.slist_append);
    need("curl_slist_free_all", lib.slist_free_all);
    need("curl_multi_init", lib.multi_init);
    need("curl_multi_cleanup", lib.multi_cleanup);
    need("curl_multi_add_handle", lib.multi_add_handle);
    need("curl_multi_remove_handle", lib.multi_remove_handle);
    need("curl_multi_perform", lib.multi_perform);
    need("curl_multi_info_read", lib.multi_info_read);
    need("curl_multi_poll", lib.multi_poll);
    need("curl_multi_wakeup", lib.multi_wakeup);
    need("curl_url", lib.url);
    need("curl_url_cleanup", lib.url_cleanup);
    need("curl_url_set", lib.url_set);
    need("curl_url_get", lib.url_get);
    if (!missing.empty()) {
        dlclose(handle);
        return std::unexpected(std::move(missing));
    }
    return lib;  // the handle stays open for as long as the process runs
}

std::expected<const CurlLibrary*, std::string> curl_library() {
    auto& c = cache();
    if (const auto* lib = c.loaded.load(std::memory_order_acquire)) return lib;
    std::lock_guard lock(c.mutex);
    if (const auto* lib = c.loaded.load(std::memory_order_relaxed)) return lib;
    auto opened = open_curl_library(c.soname);
    if (!opened) return std::unexpected(std::move(opened.error()));
    // Thread-safe since libcurl 7.84 (Debian 12 has 7.88); also serialised here.
    if (const auto code = opened->global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
        return std::unexpected("curl_global_init failed: " +
                               std::string(opened->easy_strerror(code)));
    }
    c.tables.push_front(*opened);
    c.loaded.store(&c.tables.front(), std::memory_order_release);
    return &c.tables.front();
}

const CurlLibrary& curl_library_or_throw() {
    auto lib = curl_library();
    if (!lib) throw std::runtime_error(lib.error());
    return **lib;
}

void set_curl_soname_for_testing(std::string soname) {
    auto& c = cache();
    std::lock_guard lock(c.mutex);
    c.soname = soname.empty() ? std::string(kCurlSoname) : std::move(soname);
    c.loaded.store(nullptr, std::memory_order_release);
}

}  // namespace feedd::ping
