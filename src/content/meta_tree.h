// Metadata as a small tree of feedd's own, for the formats read by a library whose types stay in
// their .cpp (TOML with toml++, JSON with nlohmann-json) and for Pelican's key blocks: each
// reader turns its text into a MetaNode, and parse_metadata_tree (metadata.cpp) reads that with
// the same Reader as YAML front matter. Internal to content/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "content/metadata.h"

namespace feedd {

struct MetaNode {
    enum class Kind { null, scalar, sequence, map };
    Kind kind = Kind::null;
    std::string text;             // a scalar's text (numbers, booleans and dates as written)
    int line = 0;                 // 0-based, counted from MetadataSource::first_line
    std::vector<MetaNode> items;  // a sequence's items; a map's keys and values, alternating
};

// Reads `root` (a map, or null) like parse_metadata reads YAML.
std::optional<Metadata> parse_metadata_tree(const MetaNode& root, const MetadataSource& source,
                                            std::vector<Problem>& problems);

// What a metadata key means to feedd, whatever its name.
enum class MetadataKey {
    title,
    date,
    publish_date,
    published,
    updated,
    expires,
    author,
    authors,
    tags,
    categories,
    taxonomies,
    summary,
    id,
    url,
    image,
    images,
    cover,
    lang,
    slug,
    enclosure,
    episode,
    season,
    episode_type,
    explicit_content,
    transcript,
    chapters,
    persons,
    soundbites,
    draft,
    status
};
struct KnownKey {
    MetadataKey key;
    int rank;  // where several keys set one field, the highest rank wins
};
// `name` (any case) as a generator or the site (content.keys, when given) names it; nullopt for a
// key feedd does not know.
std::optional<KnownKey> lookup_metadata_key(std::string_view name, const MetadataKeyNames* site);

}  // namespace feedd
