#include "config/glob.h"

#include <fnmatch.h>

namespace feedd {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    for (std::size_t start = 0;;) {
        const auto slash = path.find('/', start);
        out.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos) return out;
        start = slash + 1;
    }
}

// One segment of a pattern against one name: glibc's fnmatch(3) does '*', '?' and '[...]' (no
// '/' can be in either, so FNM_PATHNAME is moot). fnmatch wants NUL-terminated strings.
bool segment_match(std::string_view pattern, std::string_view name) {
    const std::string p(pattern);
    const std::string n(name);
    return ::fnmatch(p.c_str(), n.c_str(), 0) == 0;
}

// fnmatch(3) has no '**' (FNM_PATHNAME only keeps '*' from crossing a '/'), and no glob library
// is packaged that does (glob(3) lists the file system rather than matching a string): the
// segments are matched here, a "**" segment standing for any number of whole segments, each other
// segment by fnmatch. Backtracks only at "**": patterns are short.
bool match_segments(const std::vector<std::string_view>& pattern, std::size_t p,
                    const std::vector<std::string_view>& path, std::size_t s) {
    while (p < pattern.size()) {
        if (pattern[p] == "**") {
            // Consecutive "**" are one.
            while (p + 1 < pattern.size() && pattern[p + 1] == "**") ++p;
            if (p + 1 == pattern.size()) return true;  // "a/**": everything below a/
            for (std::size_t skip = s; skip < path.size(); ++skip) {
                if (match_segments(pattern, p + 1, path, skip)) return true;
            }
            return false;
        }
        if (s == path.size() || !segment_match(pattern[p], path[s])) return false;
        ++p;
        ++s;
    }
    return s == path.size();
}

}  // namespace

std::optional<std::string> glob_error(std::string_view pattern) {
    if (pattern.empty()) return "a glob must not be empty";
    if (pattern.front() == '/') {
        return "a glob is relative to content.dir and must not start with '/'";
    }
    for (const auto segment : segments(pattern)) {
        if (segment.empty())
            return "a glob must not contain an empty folder name ('//' or a trailing '/')";
        if (segment == "." || segment == "..") return "a glob must not contain '.' or '..' folders";
        if (segment != "**" && segment.find("**") != std::string_view::npos) {
            return "'**' must be a whole folder name (\"**/x.md\", \"a/**\"); use '*' within a "
                   "name";
        }
        for (std::size_t i = 0; i < segment.size(); ++i) {
            if (segment[i] == '\\') {
                if (i + 1 == segment.size()) return "a glob must not end with '\\'";
                ++i;
            } else if (segment[i] == '[') {
                // "[!]x]" and "[]x]": a ']' right after the opening (and '!' or '^') is a member.
                std::size_t j = i + 1;
                if (j < segment.size() && (segment[j] == '!' || segment[j] == '^')) ++j;
                if (j < segment.size() && segment[j] == ']') ++j;
                while (j < segment.size() && segment[j] != ']') ++j;
                if (j == segment.size()) return "'[' without a closing ']' in one folder name";
                i = j;
            }
        }
    }
    return std::nullopt;
}

bool glob_match(std::string_view pattern, std::string_view path) {
    return match_segments(segments(pattern), 0, segments(path), 0);
}

bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path) {
    for (const auto& pattern : patterns) {
        if (glob_match(pattern, path)) return true;
    }
    return false;
}

}  // namespace feedd
