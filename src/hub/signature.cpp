#include "hub/signature.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace feedd::hub {
namespace {

struct Crypto {
    decltype(&EVP_sha256) sha256 = nullptr;
    decltype(&HMAC) hmac = nullptr;
    std::string error;
};

const Crypto& crypto() {
    static const Crypto loaded = [] {
        Crypto c;
        void* handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            c.error = std::string(
                          "cannot load libcrypto.so.3 (OpenSSL, needed to sign deliveries; "
                          "Debian package libssl3): ") +
                      (why ? why : "unknown error");
            return c;
        }
        c.sha256 = reinterpret_cast<decltype(&EVP_sha256)>(dlsym(handle, "EVP_sha256"));
        c.hmac = reinterpret_cast<decltype(&HMAC)>(dlsym(handle, "HMAC"));
        if (!c.sha256 || !c.hmac) c.error = "libcrypto.so.3 has no EVP_sha256 or HMAC";
        return c;
    }();
    return loaded;
}

std::string hex(const unsigned char* data, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += kDigits[data[i] >> 4];
        out += kDigits[data[i] & 15];
    }
    return out;
}

}  // namespace

std::expected<std::string, std::string> hub_signature(std::string_view secret,
                                                      std::string_view body) {
    const Crypto& c = crypto();
    if (!c.error.empty()) return std::unexpected(c.error);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!c.hmac(c.sha256(), secret.data(), static_cast<int>(secret.size()),
                reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest,
                &length)) {
        return std::unexpected("HMAC-SHA256 failed");
    }
    return "sha256=" + hex(digest, length);
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buffer(bytes);
    std::size_t done = 0;
    while (done < bytes) {
        const auto n = getrandom(buffer.data() + done, bytes - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error("getrandom failed");
        done += static_cast<std::size_t>(n);
    }
    return hex(buffer.data(), bytes);
}

}  // namespace feedd::hub
