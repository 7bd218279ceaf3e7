// Article metadata as front matter and sidecars write it (the same keys in both), and the
// intermediate result the body parsers hand to parse_article.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/article.h"

namespace feedd {

struct Metadata {
    std::optional<std::string> title;
    std::optional<Seconds> date;
    std::optional<Seconds> updated;
    std::optional<Person> author;
    std::optional<std::vector<std::string>> tags;
    std::optional<std::vector<std::string>> categories;
    std::optional<std::string> summary;
    std::optional<bool> draft;
    std::optional<std::string> id;
    std::optional<std::string> url;
    std::optional<std::string> image;
    std::optional<std::string> lang;
    std::optional<Enclosure> enclosure;

    // Every field `over` sets replaces ours.
    void overlay(const Metadata& over);
    void overlay(Metadata&& over);
};

struct MetadataSource {
    std::string_view path;      // reported in problems
    int first_line = 1;         // file line of the YAML text's first line
    std::string_view timezone;  // for dates without an offset
    Seconds reference{};        // for dates without a year
};

// Reads YAML metadata (a mapping, or empty). Unknown keys are warnings; a wrong type, a bad date
// or broken YAML is an error with the line in the file. Returns nullopt after an error.
std::optional<Metadata> parse_metadata(std::string_view yaml, const MetadataSource& source,
                                       std::vector<Problem>& problems);

namespace detail {
// For the tests and the front_matter fuzz target, which check that both readings agree:
// whether parse_metadata reads `yaml` without libyaml (flat front matter, see metadata.cpp), and
// parse_metadata through libyaml whatever the text.
bool is_flat_yaml(std::string_view yaml);
std::optional<Metadata> parse_metadata_with_libyaml(std::string_view yaml,
                                                    const MetadataSource& source,
                                                    std::vector<Problem>& problems);
}  // namespace detail

// What a body parser found besides the metadata.
struct ParsedBody {
    Metadata meta;                // from front matter (Markdown) or the title line (text)
    std::string html;             // the body (without heading_html)
    std::string heading_html;     // a leading level-1 heading; dropped when it became the title
    std::string derived_title;    // first heading (Markdown); empty when none
    std::string derived_summary;  // first paragraph, plain, already shortened
    Seconds reference{};          // for yearless dates in a sidecar: footer date or mtime
};

// Summary length when it is taken from the body.
inline constexpr std::size_t kSummaryChars = 300;

}  // namespace feedd
