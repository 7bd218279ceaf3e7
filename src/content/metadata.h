// Article metadata as front matter and sidecars write it (the same keys in every format), and the
// intermediate result the body parsers hand to parse_article. The keys generators use (Hugo,
// Jekyll, Zola, Pelican, Eleventy) are understood natively; docs/content.md has the table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/article.h"

namespace feedd {

struct Metadata {
    std::optional<std::string> title;
    std::optional<Seconds> date;          // `date`: the date the feeds show (Hugo's .Date)
    std::optional<Seconds> publish_date;  // `publishDate`, `pubDate`, `published`: not before it
    std::optional<Seconds> updated;
    // `author` (one) or `authors` (a list; the first is Article::author, the rest co-authors).
    std::optional<std::vector<Person>> authors;
    std::optional<std::vector<std::string>> tags;
    std::optional<std::vector<std::string>> categories;
    std::optional<std::string> summary;
    std::optional<bool> draft;
    std::optional<std::string> id;
    std::optional<std::string> url;
    std::optional<std::string> image;
    std::optional<std::string> lang;
    std::optional<Enclosure> enclosure;
    // A podcast episode's keys (docs/podcasts.md), each set on its own.
    std::optional<long long> episode;
    std::optional<long long> season;
    std::optional<std::string> episode_type;  // full | trailer | bonus
    std::optional<bool> explicit_content;
    std::optional<std::string> transcript;  // a URL or a file relative to the article
    std::optional<std::string> chapters;
    std::optional<std::vector<EpisodePerson>> persons;
    std::optional<std::vector<Soundbite>> soundbites;
    std::optional<std::string> slug;
    std::optional<Seconds> expires;
    // `redirect_to` / `redirect` as written: the file is a redirect stub when it has no text.
    std::optional<std::string> redirect;

    // Every field `over` sets replaces ours.
    void overlay(const Metadata& over);
    void overlay(Metadata&& over);
};

struct MetadataSource {
    std::string_view path;                   // reported in problems
    int first_line = 1;                      // file line of the YAML text's first line
    std::string_view timezone;               // for dates without an offset
    Seconds reference{};                     // for dates without a year
    const MetadataKeyNames* keys = nullptr;  // content.keys: the site's own names for keys
    // Jekyll (a post under _posts/): a string of tags or categories without commas is split on
    // spaces ("categories: a b" is two), as Jekyll does.
    bool split_words_on_spaces = false;
};

// Reads YAML metadata (a mapping, or empty). Unknown keys are warnings; a wrong type, a bad date
// or broken YAML is an error with the line in the file. Returns nullopt after an error.
std::optional<Metadata> parse_metadata(std::string_view yaml, const MetadataSource& source,
                                       std::vector<Problem>& problems);

// The other front matter formats; each is read into the same keys as YAML, and its problems give
// the line in the file (`source.first_line` is the file line of the text's first line).
// TOML, between "+++" lines (Hugo, Zola).
std::optional<Metadata> parse_toml_metadata(std::string_view toml, const MetadataSource& source,
                                            std::vector<Problem>& problems);
// A JSON object (Hugo: one at the top of the file is its front matter).
std::optional<Metadata> parse_json_metadata(std::string_view json, const MetadataSource& source,
                                            std::vector<Problem>& problems);
// The length of the JSON object `text` starts with (strings and nesting respected); npos when it
// does not start with '{' or the object is not closed.
std::size_t json_object_length(std::string_view text);
// Pelican / MultiMarkdown metadata: "Key: value" lines from the first line up to the first blank
// line (indented lines continue a value; keys in any case). Only a block whose first key is one
// feedd knows (docs/content.md, or content.keys), whose lines are all "Key: value" lines or
// continuations, and which names a title or a date is one: a paragraph that merely starts with
// "Note: ..." stays prose. The block's length with its blank line; 0 when `text` has none.
std::size_t pelican_block_length(std::string_view text, const MetadataSource& source);
std::optional<Metadata> parse_pelican_metadata(std::string_view block, const MetadataSource& source,
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
    Metadata meta;                  // from front matter (Markdown) or the title line (text)
    std::string html;               // the body (without heading_html)
    std::string heading_html;       // a leading level-1 heading; dropped when it became the title
    std::string derived_title;      // first heading (Markdown); empty when none
    std::string derived_summary;    // first paragraph, plain, already shortened
    Seconds reference{};            // for yearless dates in a sidecar: footer date or mtime
    std::string related_url;        // a web page's canonical URL (rel=canonical, og:url)
    std::string title_site_suffix;  // Article::title_site_suffix of a web page's <title>
};

// Summary length when it is taken from the body.
inline constexpr std::size_t kSummaryChars = 300;

}  // namespace feedd
