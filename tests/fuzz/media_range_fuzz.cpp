// Podcast media requests (http/media.h): a Range header, a request target and the conditional
// headers, answered against a file whose size and validators come from the input.
// Input: 8 bytes of file size, then fields separated by '\n': Range, target, If-Range, If-Match,
// If-None-Match, If-Modified-Since, If-Unmodified-Since.
// Invariants: ranges are in order, disjoint, inside the file, at most kMaxRanges; a mapped path
// has no "." or ".." segment, no NUL and no hidden name; a plan's Content-Length equals the bytes
// of its parts (or of the body GET would send, for HEAD); 206 parts lie inside the file.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "http/media.h"

namespace {

void check(bool holds) {
    if (!holds) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 8) return 0;
    std::uint64_t file_size = 0;
    std::memcpy(&file_size, data, 8);
    file_size %= (1ULL << 40);  // up to a terabyte, in ranges of every size
    std::string_view rest(reinterpret_cast<const char*>(data + 8), size - 8);
    std::vector<std::string_view> fields;
    while (fields.size() < 7) {
        const auto newline = rest.find('\n');
        fields.push_back(rest.substr(0, newline));
        if (newline == std::string_view::npos) break;
        rest.remove_prefix(newline + 1);
    }
    fields.resize(7);

    using feedd::http::RangeSet;
    const RangeSet ranges = feedd::http::parse_range(fields[0], file_size);
    check(ranges.kind == RangeSet::Kind::satisfiable || ranges.ranges.empty());
    check(ranges.kind != RangeSet::Kind::satisfiable || !ranges.ranges.empty());
    check(ranges.ranges.size() <= feedd::http::kMaxRanges);
    for (std::size_t i = 0; i < ranges.ranges.size(); ++i) {
        const auto& range = ranges.ranges[i];
        check(range.first <= range.last && range.last < file_size);
        if (i > 0) check(ranges.ranges[i - 1].last + 1 < range.first);
    }

    if (const auto path = feedd::http::media_relative_path(fields[1], "/media/")) {
        check(path->find('\0') == std::string::npos);
        std::string_view segments = *path;
        while (true) {
            const auto slash = segments.find('/');
            const auto segment = segments.substr(0, slash);
            check(!segment.empty() && segment.front() != '.');
            if (slash == std::string_view::npos) break;
            segments.remove_prefix(slash + 1);
        }
    } else {
        check(path.error() == 400 || path.error() == 404);
    }

    feedd::http::MediaFile file;
    file.size = file_size;
    file.inode = file_size * 31 + 7;
    file.mtime_ns = static_cast<std::int64_t>(file_size % 4'000'000'000) * 1'000'000'000;
    file.content_type = "audio/mpeg";
    for (const bool head : {false, true}) {
        feedd::http::MediaRequest request{head,      fields[0], fields[2], fields[3],
                                          fields[4], fields[5], fields[6]};
        const auto plan = feedd::http::plan_media_response(request, file, std::chrono::seconds(60));
        std::uint64_t length = 0;
        for (const auto& part : plan.body) {
            if (part.is_text()) {
                length += part.text.size();
            } else {
                check(part.file.first <= part.file.last && part.file.last < file_size);
                length += part.file.size();
            }
        }
        if (head) {
            check(plan.body.empty());
        } else {
            check(length == plan.content_length);
        }
        check(plan.status == 200 || plan.status == 206 || plan.status == 304 ||
              plan.status == 412 || plan.status == 416);
        if (plan.status == 304) check(plan.body.empty());
        check(plan.fields.find("Content-Length: " + std::to_string(plan.content_length) + "\r\n") !=
                  std::string::npos ||
              plan.status == 304);
    }
    return 0;
}
