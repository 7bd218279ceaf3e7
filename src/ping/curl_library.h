// libcurl, opened with dlopen() the first time a ping is sent instead of being linked into feedd.
//
// Why by hand: linking -lcurl makes every feedd process load libcurl and the ~35 libraries it
// needs (gnutls, libcrypto, krb5, ldap, p11-kit, …) at start; their relocations and constructors
// touch ~6 MB that stay resident. Measured on Debian 12 (MB = 1024 kB): a trivial C++ program has
// 3.1 MB resident, 9.1 MB when linked with -lcurl; `feedd serve` with 10k articles and pings off
// peaked (VmHWM) at 36.6 MB with libcurl linked and 30.5 MB with this loader (medians of 5).
// Most operators never ping, and the memory target is a tenth of Hugo's, so those 6 MB are paid
// only by a process that sends a ping.
//
// The table holds the real prototypes from <curl/curl.h> (decltype), so calls through it are
// type-checked like direct calls; the header is still included for types and constants only
// (libcurl4-openssl-dev stays a build dependency, libcurl4 a run-time one of the package). Calling
// a curl_* function directly in feedd_ping would fail to link the feedd binary, which no longer
// gets -lcurl, and tests/support/library_not_needed.cmake checks that feedd does not need it.
//
// Internal to ping/.
#pragma once

#include <curl/curl.h>

#include <expected>
#include <string>
#include <string_view>

namespace feedd::ping {

// The soname feedd opens: the Debian package libcurl4 (the OpenSSL flavour, whose headers are
// libcurl4-openssl-dev's).
inline constexpr std::string_view kCurlSoname = "libcurl.so.4";

// Every libcurl function feedd calls. Variadic ones (setopt, getinfo) are called through a pointer
// of their own variadic type, exactly as a direct call would be.
struct CurlLibrary {
    decltype(&curl_global_init) global_init = nullptr;
    decltype(&curl_free) free = nullptr;
    decltype(&curl_easy_init) easy_init = nullptr;
    decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
    decltype(&curl_easy_perform) easy_perform = nullptr;
    decltype(&curl_easy_setopt) easy_setopt = nullptr;
    decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
    decltype(&curl_easy_strerror) easy_strerror = nullptr;
    decltype(&curl_easy_escape) easy_escape = nullptr;
    decltype(&curl_getdate) getdate = nullptr;
    decltype(&curl_slist_append) slist_append = nullptr;
    decltype(&curl_slist_free_all) slist_free_all = nullptr;
    decltype(&curl_multi_init) multi_init = nullptr;
    decltype(&curl_multi_cleanup) multi_cleanup = nullptr;
    decltype(&curl_multi_add_handle) multi_add_handle = nullptr;
    decltype(&curl_multi_remove_handle) multi_remove_handle = nullptr;
    decltype(&curl_multi_perform) multi_perform = nullptr;
    decltype(&curl_multi_info_read) multi_info_read = nullptr;
    decltype(&curl_multi_poll) multi_poll = nullptr;
    decltype(&curl_multi_wakeup) multi_wakeup = nullptr;
    decltype(&curl_url) url = nullptr;
    decltype(&curl_url_cleanup) url_cleanup = nullptr;
    decltype(&curl_url_set) url_set = nullptr;
    decltype(&curl_url_get) url_get = nullptr;
};

// The process's libcurl. The first call that succeeds opens kCurlSoname with
// dlopen(RTLD_NOW | RTLD_LOCAL), resolves every function and runs curl_global_init; the library
// then stays loaded for the life of the process and later calls return the same table at the cost
// of an atomic load. Thread-safe. When the library or one of its functions is missing, returns a
// message naming the library with dlerror()'s text, and the next call tries again (so installing
// libcurl4 lets the queued pings through without a restart).
std::expected<const CurlLibrary*, std::string> curl_library();

// curl_library()'s table, or std::runtime_error with its message.
const CurlLibrary& curl_library_or_throw();

// Opens `soname` and resolves the table, without curl_global_init and without caching. On success
// the library stays open (the table points into it); on failure nothing stays open and the message
// names `soname` and says what dlopen()/dlsym() reported. curl_library() is built on it; tests
// call it with other names.
std::expected<CurlLibrary, std::string> open_curl_library(const std::string& soname);

// Tests only: makes the next curl_library() call open `soname` (empty: kCurlSoname) even if a
// library was loaded already. Tables handed out before stay valid.
void set_curl_soname_for_testing(std::string soname);

}  // namespace feedd::ping
