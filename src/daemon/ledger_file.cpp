#include "daemon/ledger_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "daemon/log.h"
#include "ping/queue.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;

std::string system_error(const fs::path& file, const char* what) {
    return file.string() + ": cannot " + what + ": " + std::strerror(errno);
}

// The whole of `bytes` to `fd`, then onto the disk.
bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return ::fdatasync(fd) == 0;
}

// A compacted ledger replaces the file whole; appends (append_ledger) stay in place.
std::expected<void, std::string> rewrite(const fs::path& file, const IdentityLedger& ledger) {
    return ping::write_file_atomically(file, format_ledger(ledger), ping::kReadableByAll);
}

}  // namespace

fs::path ledger_file(const Config& config) {
    return config.state_dir / "identity-ledger";
}

std::expected<IdentityLedger, std::string> load_ledger(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!fs::exists(file, ec) && !ec) return IdentityLedger{};
        return std::unexpected(file.string() + ": cannot read: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = parse_ledger(text.str(), file.string());
    if (!parsed) return std::unexpected(parsed.error());
    if (parsed->torn_tail)
        log::warning(file.string() +
                     ": its last line was cut short (an append that did not finish); left out");
    // Each rename and each adoption that changes an id appends a line: rewritten when most of the
    // lines are superseded (or a torn line waits at the end), which keeps a start's read short.
    if (parsed->torn_tail || parsed->lines > 2 * parsed->ledger.size() + 64) {
        if (auto rewritten = rewrite(file, parsed->ledger); !rewritten)
            log::warning(rewritten.error() +
                         " (compacting the identity ledger; it stays as it was)");
    }
    return std::move(parsed->ledger);
}

std::expected<void, std::string> append_ledger(const fs::path& file,
                                               const std::vector<LedgerChange>& changes) {
    if (changes.empty()) return {};
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec)
        return std::unexpected(file.parent_path().string() + ": cannot create: " + ec.message());
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return std::unexpected(system_error(file, "open"));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const auto error = system_error(file, "stat");
        ::close(fd);
        return std::unexpected(error);
    }
    // An earlier append cut short (a crash, a full disk) may have left half a line: it goes, or the
    // next line would be glued to it. What it said is made again by whoever wanted it.
    off_t end = st.st_size;
    for (char last = 0; end > 0 && ::pread(fd, &last, 1, end - 1) == 1 && last != '\n';) --end;
    if (end != st.st_size && ::ftruncate(fd, end) != 0) {
        const auto error = system_error(file, "truncate a torn last line");
        ::close(fd);
        return std::unexpected(error);
    }
    std::string bytes;
    if (end == 0) {
        bytes = kLedgerHeader;
        bytes += '\n';
    }
    bytes += ledger_lines(changes);
    const bool written = write_all(fd, bytes);
    const int saved = errno;
    if (!written) (void)::ftruncate(fd, end);  // no half line left for the next append to follow
    ::close(fd);
    if (!written) {
        errno = saved;
        return std::unexpected(system_error(file, "write"));
    }
    return {};
}

std::expected<void, std::string> save_ledger_changes(const fs::path& file, IdentityLedger& ledger) {
    auto saved = append_ledger(file, ledger.changes());
    if (saved) ledger.clear_changes();
    return saved;
}

}  // namespace feedd
