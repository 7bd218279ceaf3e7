// Podcast media served from the content directory under podcast.media_path (docs/podcasts.md,
// "Serving media and downloads"): which URL maps to which file, how a file is opened so that
// nothing outside the directory can be reached, and the response a request gets — byte ranges,
// validators and conditional requests as RFC 9110 says. The server (server.cpp) opens and reads
// on its disk threads and sends what plan_media_response() lays out; everything here but
// open_media() is pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::http {

// Bytes first..last of a file, both included (RFC 9110's int-range, resolved against a size).
struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::uint64_t size() const { return last - first + 1; }
    bool operator==(const ByteRange&) const = default;
};

struct RangeSet {
    // none: no Range, or one to ignore (invalid syntax, another unit, too many ranges): the whole
    // file, 200. satisfiable: `ranges`, in order, overlapping and adjacent ones merged (§14.2
    // lets a server coalesce them), 206. unsatisfiable: 416.
    enum class Kind { none, satisfiable, unsatisfiable } kind = Kind::none;
    std::vector<ByteRange> ranges;
    bool operator==(const RangeSet&) const = default;
};

// More ranges than this in one request are ignored (the whole file is served): a request for
// thousands of tiny ranges costs the server far more than the bytes it asks for.
inline constexpr std::size_t kMaxRanges = 16;

// A Range header's value (RFC 9110 §14.1.2: "bytes=0-99", "bytes=500-", "bytes=-500", several
// separated by commas) against a file of `size` bytes. Total: never throws, linear in the input.
RangeSet parse_range(std::string_view header, std::uint64_t size);

// The file a request target names under `media_path` ("/media/"), relative to the content
// directory ("episodes/042.mp3"), percent-decoded. Errors are the status to answer: 400 for what
// is no valid path (a stray '%', NUL, an encoded '/' or '\', "." or ".." segments, encoded or
// not), 404 for what feedd never serves (an empty name, a hidden file or directory, a name that
// is no media type of content/media_types.h).
std::expected<std::string, unsigned> media_relative_path(std::string_view target,
                                                         std::string_view media_path);

// What responses need of an opened file (fstat and its first bytes).
struct MediaFile {
    std::uint64_t size = 0;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t mtime_ns = 0;  // since the epoch
    std::string content_type;   // from the first bytes, else from the name
};

// A strong validator: the same bytes keep it, any replacement (another inode) or change (size,
// modification time in nanoseconds) makes another.
std::string media_etag(const MediaFile& file);

// An opened media file: `fd` is the caller's to close.
struct OpenedMedia {
    int fd = -1;
    MediaFile file;
};

// Opens `relative` (from media_relative_path) inside `dir` for reading, refusing (404) what is not
// a regular file or resolves outside `dir` through ".." or a symlink, with no window between the
// check and the open: openat2(RESOLVE_BENEATH), or without it (Linux < 5.6) one O_NOFOLLOW
// openat per component, which refuses every symlink. Blocks on the disk: for a worker thread.
std::expected<OpenedMedia, unsigned> open_media(const std::filesystem::path& dir,
                                                std::string_view relative);

// The request headers that decide a media response (views into the request).
struct MediaRequest {
    bool head = false;
    std::string_view range = {};
    std::string_view if_range = {};
    std::string_view if_match = {};
    std::string_view if_none_match = {};
    std::string_view if_modified_since = {};
    std::string_view if_unmodified_since = {};
};

// One piece of a response body: bytes of the file, or text of its own (a multipart/byteranges
// boundary and part header).
struct BodyPart {
    std::string text;  // when not empty, this part is the text
    ByteRange file{};  // else these bytes of the file
    bool is_text() const { return !text.empty(); }
};

struct MediaPlan {
    unsigned status = 200;
    // Header lines, each ending in CRLF, without the status line, Date and Connection.
    std::string fields;
    std::vector<BodyPart> body;  // empty for HEAD, 304, 412; a short text for 416
    std::uint64_t content_length = 0;
};

// The response to a GET or HEAD of `file`: conditionals first (If-Match, If-Unmodified-Since:
// 412; If-None-Match, If-Modified-Since: 304; §13.2.2), then Range, honoured only when If-Range
// (a strong ETag or the exact Last-Modified date) matches: 206 with one range or
// multipart/byteranges, 416 with "Content-Range: bytes */N", else 200 with the whole file.
MediaPlan plan_media_response(const MediaRequest& request, const MediaFile& file,
                              std::chrono::seconds max_age);

}  // namespace feedd::http
