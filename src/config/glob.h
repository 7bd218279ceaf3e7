// Path globs of content.include and content.exclude: '/'-separated paths relative to content.dir.
// `*` and `?` and `[...]` stay within one path segment (a folder or file name); a `**` segment
// matches any number of whole segments, none included ("**/x.md" matches "x.md" and "a/b/x.md").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedd {

// Why `pattern` is not a usable glob (empty, absolute, "..", an unclosed '[', a '**' that is not
// a whole segment); nullopt when it is one.
std::optional<std::string> glob_error(std::string_view pattern);

// Whether `path` (relative, '/'-separated, no leading '/') matches `pattern` (valid by
// glob_error). Case-sensitive, like the file system.
bool glob_match(std::string_view pattern, std::string_view path);

// Whether `path` matches any of `patterns`.
bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path);

}  // namespace feedd
