#include "http/response_cache.h"

#include <cerrno>
#include <functional>

#include <sys/mman.h>
#include <unistd.h>

namespace feedd::http {

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U  // Linux 6.3; older kernels refuse it with EINVAL
#endif

ResponseCache::ResponseCache(const std::shared_ptr<const Snapshot>& snapshot,
                             std::chrono::seconds max_age)
    : owner_(snapshot), max_age_(max_age) {}

ResponseCache::~ResponseCache() {
    // Pages already handed to TCP by sendfile stay referenced by the socket buffers.
    if (fd_ >= 0) ::close(fd_);
}

std::size_t ResponseCache::KeyHash::operator()(const Key& key) const noexcept {
    return std::hash<const void*>{}(key.shown) ^
           (static_cast<std::size_t>(key.coding) << 1 | std::size_t{key.not_modified});
}

const ResponseCache::Entry& ResponseCache::entry(const Served& served) {
    const Key key{served.shown, served.coding, served.not_modified};
    if (const auto found = entries_.find(key); found != entries_.end()) return found->second;
    if (entries_.size() >= kMaxEntries) {
        scratch_ = Entry{};
        build(served, scratch_);
        return scratch_;
    }
    Entry made;
    build(served, made);
    return entries_.emplace(key, std::move(made)).first->second;
}

void ResponseCache::build(const Served& served, Entry& entry) {
    // Beast makes the headers, once: the bytes are those route() gives, with no second
    // implementation of them to keep in step. Serialized by hand because Beast's serializer would
    // also write the status line and the final CRLF, which differ per request.
    const Response response = respond(served, 11, true, max_age_);
    for (const auto& field : response) {
        entry.fields.append(field.name_string());
        entry.fields.append(": ");
        entry.fields.append(field.value());
        entry.fields.append("\r\n");
    }
    if (!served.not_modified) {
        const std::string& body = served.body();
        if (body.size() >= kFileMin) entry.offset = store(body);
    }
}

// Appends `body` to the memfd; its offset, or -1 when it cannot (then the body is copied).
std::int64_t ResponseCache::store(const std::string& body) noexcept {
    if (file_failed_ || file_size_ + body.size() > kFileMax) return -1;
    if (fd_ < 0) {
        fd_ = ::memfd_create("feedd-bodies", MFD_CLOEXEC | MFD_NOEXEC_SEAL);
        if (fd_ < 0 && errno == EINVAL) fd_ = ::memfd_create("feedd-bodies", MFD_CLOEXEC);
        if (fd_ < 0) {
            // Out of descriptors, or forbidden: every body is copied, as before.
            file_failed_ = true;
            return -1;
        }
    }
    // Bytes once written are never changed: sendfile gives TCP references to these pages, not
    // copies, so a later write to them would change responses already sent.
    const auto offset = static_cast<off_t>(file_size_);
    std::size_t done = 0;
    while (done < body.size()) {
        const ssize_t n = ::pwrite(fd_, body.data() + done, body.size() - done,
                                   offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // Out of memory (or a memory limit): keep what is there, copy from now on. The
            // partial bytes past file_size_ are never sent.
            file_failed_ = true;
            return -1;
        }
        done += static_cast<std::size_t>(n);
    }
    file_size_ += body.size();
    return offset;
}

}  // namespace feedd::http
