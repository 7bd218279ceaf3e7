#include "http/media.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <functional>
#include <optional>
#include <utility>

#include "content/media_types.h"
#include "http/header_text.h"
#include "http/http_date.h"
#include "http/responses.h"

namespace feedd::http {
namespace {

constexpr std::uint64_t kMax = UINT64_MAX;

using detail::iequals;
using detail::is_ows;
using detail::trim;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// 1*DIGIT, saturating at the largest value (a position past any file is still a position: its
// range is unsatisfiable, not invalid). nullopt: empty or not all digits.
std::optional<std::uint64_t> parse_digits(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : s) {
        if (!is_digit(c)) return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
    }
    return value;
}

using detail::hex_value;

// Members of an entity-tag list (RFC 9110 §8.8.3: 1#entity-tag, or "*"), compared with `etag`:
// strongly (both strong and equal; If-Match, §13.1.1) or weakly (equal without W/;
// If-None-Match). A malformed member ends the list.
bool list_matches(std::string_view header, std::string_view etag, bool strong) {
    std::size_t i = 0;
    while (i < header.size()) {
        const char c = header[i];
        if (c == ',' || is_ows(c)) {
            ++i;
            continue;
        }
        if (c == '*') return true;
        bool weak = false;
        if (header.compare(i, 2, "W/") == 0) {
            weak = true;
            i += 2;
        }
        if (i >= header.size() || header[i] != '"') return false;
        const auto close = header.find('"', i + 1);
        if (close == std::string_view::npos) return false;
        if (header.substr(i, close + 1 - i) == etag && !(strong && weak)) return true;
        i = close + 1;
    }
    return false;
}

std::chrono::sys_seconds modified_second(const MediaFile& file) {
    return std::chrono::floor<std::chrono::seconds>(
        std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(file.mtime_ns)));
}

void add_field(std::string& fields, std::string_view name, std::string_view value) {
    fields += name;
    fields += ": ";
    fields += value;
    fields += "\r\n";
}

std::string content_range(const ByteRange& range, std::uint64_t size) {
    return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
           std::to_string(size);
}

}  // namespace

// Hand-written: Beast has no Range support, and the grammar (RFC 9110 §14.1.2) is small; what is
// feedd's own is the policy (merging, the range cap, ignoring rather than refusing).
RangeSet parse_range(std::string_view header, std::uint64_t size) {
    RangeSet none;
    const auto equals = header.find('=');
    if (equals == std::string_view::npos || !iequals(trim(header.substr(0, equals)), "bytes")) {
        return none;  // another unit, or no range-set: ignored (§14.2)
    }
    std::vector<ByteRange> ranges;
    std::size_t specs = 0;
    std::string_view rest = header.substr(equals + 1);
    while (true) {
        const auto comma = rest.find(',');
        const std::string_view spec = trim(rest.substr(0, comma));
        if (!spec.empty()) {
            if (++specs > kMaxRanges) return none;
            const auto dash = spec.find('-');
            if (dash == std::string_view::npos) return none;
            if (dash == 0) {  // suffix-range: the last N bytes
                const auto length = parse_digits(spec.substr(1));
                if (!length) return none;
                if (*length > 0 && size > 0) {
                    ranges.push_back({*length >= size ? 0 : size - *length, size - 1});
                }
            } else {
                const auto first = parse_digits(spec.substr(0, dash));
                if (!first) return none;
                std::uint64_t last = kMax;
                if (dash + 1 < spec.size()) {
                    const auto parsed = parse_digits(spec.substr(dash + 1));
                    if (!parsed || *parsed < *first) return none;  // invalid: ignored
                    last = *parsed;
                }
                if (*first < size) ranges.push_back({*first, std::min(last, size - 1)});
            }
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (specs == 0) return none;
    if (ranges.empty()) return {RangeSet::Kind::unsatisfiable, {}};
    std::sort(ranges.begin(), ranges.end(),
              [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
    std::vector<ByteRange> merged;
    for (const auto& range : ranges) {
        if (!merged.empty() && range.first <= merged.back().last + 1) {
            merged.back().last = std::max(merged.back().last, range.last);
        } else {
            merged.push_back(range);
        }
    }
    return {RangeSet::Kind::satisfiable, std::move(merged)};
}

std::expected<std::string, unsigned> media_relative_path(std::string_view target,
                                                         std::string_view media_path) {
    const std::string_view path = target.substr(0, target.find('?'));
    if (!path.starts_with(media_path)) return std::unexpected(404u);
    const std::string_view encoded = path.substr(media_path.size());
    std::string relative;
    relative.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        char c = encoded[i];
        if (c == '%') {
            const int high = i + 2 < encoded.size() ? hex_value(encoded[i + 1]) : -1;
            const int low = high >= 0 ? hex_value(encoded[i + 2]) : -1;
            if (low < 0) return std::unexpected(400u);  // a stray '%' is no valid URI
            c = static_cast<char>(high * 16 + low);
            // An encoded separator would name another path than the one the URL shows.
            if (c == '/' || c == '\\') return std::unexpected(400u);
            i += 2;
        }
        if (c == '\0') return std::unexpected(400u);
        relative += c;
    }
    if (relative.empty()) return std::unexpected(404u);
    std::string_view segments = relative;
    while (true) {
        const auto slash = segments.find('/');
        const std::string_view segment = segments.substr(0, slash);
        if (segment == "." || segment == "..") return std::unexpected(400u);
        if (segment.empty() || segment.front() == '.') return std::unexpected(404u);
        if (slash == std::string_view::npos) break;
        segments.remove_prefix(slash + 1);
    }
    if (!media_type_from_name(relative)) return std::unexpected(404u);
    return relative;
}

std::string media_etag(const MediaFile& file) {
    std::string etag = "\"";
    const auto put = [&etag](std::uint64_t value) {
        char hex[16];
        etag.append(hex, std::to_chars(hex, hex + sizeof hex, value, 16).ptr);
    };
    put(file.inode);
    etag += '-';
    put(file.size);
    etag += '-';
    put(static_cast<std::uint64_t>(file.mtime_ns));
    etag += '"';
    return etag;
}

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
};

constexpr int kOpenFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

// Without openat2: one openat per component with O_NOFOLLOW, so no symlink is ever followed (a
// stricter rule than RESOLVE_BENEATH, which allows those that stay inside).
int open_by_components(int dir, std::string_view relative) {
    Fd current{::dup(dir)};
    if (current.fd < 0) return -1;
    while (true) {
        const auto slash = relative.find('/');
        const std::string name(relative.substr(0, slash));
        if (slash == std::string_view::npos) {
            return ::openat(current.fd, name.c_str(), kOpenFlags | O_NOFOLLOW);
        }
        Fd next{::openat(current.fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
        if (next.fd < 0) return -1;
        std::swap(current.fd, next.fd);
        relative.remove_prefix(slash + 1);
    }
}

}  // namespace

std::expected<OpenedMedia, unsigned> open_media(const std::filesystem::path& dir,
                                                std::string_view relative) {
    const auto type = media_type_from_name(relative);
    if (!type) return std::unexpected(404u);
    const Fd root{::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
    if (root.fd < 0) return std::unexpected(404u);
    const std::string name(relative);
    open_how how{};
    how.flags = kOpenFlags;
    // The kernel resolves the whole path refusing any step out of `dir` (EXDEV), also through
    // symlinks and absolute ones, in one call: nothing can be swapped between a check and the
    // open. /proc-style magic links are refused too.
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    Fd file{static_cast<int>(::syscall(SYS_openat2, root.fd, name.c_str(), &how, sizeof how))};
    if (file.fd < 0 && errno == ENOSYS) file.fd = open_by_components(root.fd, relative);
    if (file.fd < 0) return std::unexpected(404u);
    struct stat status {};
    if (::fstat(file.fd, &status) != 0 || !S_ISREG(status.st_mode)) return std::unexpected(404u);
    OpenedMedia opened;
    opened.file.size = static_cast<std::uint64_t>(status.st_size);
    opened.file.device = status.st_dev;
    opened.file.inode = status.st_ino;
    opened.file.mtime_ns =
        static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec;
    char first[64];
    const auto n = ::pread(file.fd, first, sizeof first, 0);
    const auto sniffed =
        n > 0 ? media_type_from_content({first, static_cast<std::size_t>(n)}) : std::nullopt;
    opened.file.content_type = sniffed ? sniffed->mime : type->mime;
    opened.fd = file.release();
    return opened;
}

MediaPlan plan_media_response(const MediaRequest& request, const MediaFile& file,
                              std::chrono::seconds max_age) {
    const std::string etag = media_etag(file);
    const auto modified = modified_second(file);
    const std::string last_modified = format_http_date(modified);
    MediaPlan plan;
    std::string& fields = plan.fields;
    add_field(fields, "Server", server_name());
    // Validators on every answer but 412 (§15.4.5 asks a 304 to repeat them).
    const auto validators = [&] {
        add_field(fields, "ETag", etag);
        add_field(fields, "Last-Modified", last_modified);
        add_field(fields, "Cache-Control",
                  "public, max-age=" + std::to_string(std::max<std::int64_t>(0, max_age.count())));
    };
    const auto text = [&](unsigned status, std::string_view body) {
        plan.status = status;
        add_field(fields, "Content-Type", "text/plain; charset=utf-8");
        add_field(fields, "Content-Length", std::to_string(body.size()));
        plan.content_length = body.size();
        if (!request.head) plan.body.push_back({std::string(body), {}});
    };

    // §13.2.2: the preconditions in this order, each only when the one before is absent.
    if (!request.if_match.empty()) {
        if (!list_matches(request.if_match, etag, true)) {
            text(412, "Precondition failed.\n");
            return plan;
        }
    } else if (!request.if_unmodified_since.empty()) {
        const auto since = parse_http_date(trim(request.if_unmodified_since));
        if (since && modified > *since) {
            text(412, "Precondition failed.\n");
            return plan;
        }
    }
    bool not_modified = false;
    if (!request.if_none_match.empty()) {
        not_modified = list_matches(request.if_none_match, etag, false);
    } else if (!request.if_modified_since.empty()) {
        const auto since = parse_http_date(trim(request.if_modified_since));
        not_modified = since && modified <= *since;
    }
    if (not_modified) {
        plan.status = 304;
        validators();
        return plan;
    }

    RangeSet ranges;
    if (!request.range.empty()) {
        bool honour = true;
        if (const auto if_range = trim(request.if_range); !if_range.empty()) {
            // §13.1.5: an entity tag must match strongly (a weak one never does), a date exactly.
            if (if_range.front() == '"' || if_range.starts_with("W/")) {
                honour = if_range == etag;
            } else {
                const auto date = parse_http_date(if_range);
                honour = date && *date == modified;
            }
        }
        if (honour) ranges = parse_range(request.range, file.size);
    }
    add_field(fields, "Accept-Ranges", "bytes");
    // The type is the file's; a browser must not guess another (say, HTML) from its bytes.
    add_field(fields, "X-Content-Type-Options", "nosniff");
    if (ranges.kind == RangeSet::Kind::unsatisfiable) {
        add_field(fields, "Content-Range", "bytes */" + std::to_string(file.size));
        text(416, "Range not satisfiable.\n");
        return plan;
    }
    validators();
    if (ranges.kind == RangeSet::Kind::none) {
        plan.status = 200;
        add_field(fields, "Content-Type", file.content_type);
        add_field(fields, "Content-Length", std::to_string(file.size));
        plan.content_length = file.size;
        if (!request.head && file.size > 0) plan.body.push_back({{}, {0, file.size - 1}});
        return plan;
    }
    plan.status = 206;
    if (ranges.ranges.size() == 1) {
        const ByteRange& range = ranges.ranges.front();
        add_field(fields, "Content-Type", file.content_type);
        add_field(fields, "Content-Range", content_range(range, file.size));
        add_field(fields, "Content-Length", std::to_string(range.size()));
        plan.content_length = range.size();
        if (!request.head) plan.body.push_back({{}, range});
        return plan;
    }
    // §14.6: multipart/byteranges. The boundary must not occur in the parts: the ETag's hash in
    // it makes that as unlikely for media as any random string.
    char hash[17];
    const auto end =
        std::to_chars(hash, hash + 16, std::hash<std::string>{}(etag) | 1ULL << 63, 16).ptr;
    const std::string boundary = "feedd-byteranges-" + std::string(hash, end);
    add_field(fields, "Content-Type", "multipart/byteranges; boundary=" + boundary);
    std::vector<BodyPart> body;
    for (const auto& range : ranges.ranges) {
        body.push_back({"\r\n--" + boundary + "\r\nContent-Type: " + file.content_type +
                            "\r\nContent-Range: " + content_range(range, file.size) + "\r\n\r\n",
                        {}});
        body.push_back({{}, range});
    }
    body.push_back({"\r\n--" + boundary + "--\r\n", {}});
    for (const auto& part : body) {
        plan.content_length += part.is_text() ? part.text.size() : part.file.size();
    }
    add_field(fields, "Content-Length", std::to_string(plan.content_length));
    if (!request.head) plan.body = std::move(body);
    return plan;
}

}  // namespace feedd::http
