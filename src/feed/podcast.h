// A site's feeds as a podcast show (docs/podcasts.md): the show's channel tags, episode URLs of
// media files, and what `feedd check` reports about a show that directories would reject.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/podcast_categories.h"
#include "content/article.h"

namespace feedd {

// The channel of a show, every URL absolute.
struct Show {
    std::string author;
    Person owner;
    std::string image;  // absolute URL; empty: none
    std::vector<CategoryPath> categories;
    std::optional<bool> explicit_content;
    std::string type;  // episodic | serial
    bool complete = false;
    bool block = false;
    bool locked = false;
    std::vector<FundingLink> funding;
    std::string new_feed_url;
    std::string medium;
};

// The show of a config with podcast.enabled; nullopt without.
std::optional<Show> make_show(const Config& config);

// Podcasting 2.0's podcast:guid: the UUIDv5 (RFC 9562, SHA-1) of the feed URL without its scheme
// and trailing slashes, in the namespace ead4c236-bf58-58c6-a2c6-a6b28d128cb6. SHA-1 comes from
// libcrypto, opened when first needed (as the hub's signatures do); the error says why not.
std::expected<std::string, std::string> podcast_guid(std::string_view feed_url);

// The URL of a media file of the content directory (relative to content.dir): podcast.media_url
// + path when set, else site.url + podcast.media_path + path; each segment percent-encoded.
std::string media_file_url(const Config& config, std::string_view file);

// itunes:duration: "HH:MM:SS" ("00:03:05"); Apple also takes seconds, but the clock form reads
// the same in every app.
std::string itunes_duration(std::int64_t seconds);

// Episode guids by enclosure, as the last build published them (state_dir/podcast-guids.tsv):
// enclosure (file path or URL) → guid.
using EpisodeGuids = std::map<std::string, std::string>;

// The guids the feeds give `articles`' enclosures now.
EpisodeGuids episode_guids(const std::vector<const Article*>& articles, const Config& config);

// "enclosure\tguid" lines, sorted; and back (lines that are not two fields are skipped).
std::string format_episode_guids(const EpisodeGuids& guids);
EpisodeGuids parse_episode_guids(std::string_view text);

// What directories (Apple Podcasts, Spotify, Podcast Index) reject or warn about, one Problem
// each, naming the file (an article, or the config file for the show's keys): no owner email,
// the image missing or not a 1400–3000 px square JPEG/PNG, no category, no explicit flag, an
// episode's enclosure missing, of an unknown type, without a duration or over http://, and an
// episode whose guid changed from `last_build` (apps would show it again as new). Errors: what a
// directory refuses; warnings: the rest. Reads the show's image file.
std::vector<Problem> podcast_lint(const Config& config, const std::vector<const Article*>& articles,
                                  const EpisodeGuids& last_build, Seconds now);

}  // namespace feedd
