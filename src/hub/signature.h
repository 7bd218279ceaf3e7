// X-Hub-Signature (WebSub §7.1): HMAC-SHA256 of a delivery's body with the subscriber's secret.
//
// HMAC is OpenSSL's (libcrypto), opened with dlopen() the first time a signature is made, like
// libcurl (ping/curl_library.h) and for the same reason: feedd does not load crypto libraries it
// may never use. A hub that delivers has libcurl loaded, and Debian's libcurl4 links
// libcrypto.so.3, so opening it then maps nothing new. Only the header (libssl-dev) is needed to
// build.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace feedd::hub {

// "sha256=" and the lower-case hex HMAC-SHA256 of `body` keyed with `secret`; the error names the
// library when libcrypto cannot be loaded. Thread-safe.
std::expected<std::string, std::string> hub_signature(std::string_view secret,
                                                      std::string_view body);

// `bytes` random bytes from the kernel (getrandom), as lower-case hex: hub.challenge.
std::string random_hex(std::size_t bytes);

}  // namespace feedd::hub
