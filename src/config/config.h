// feedd's configuration: one YAML file loaded into typed, validated values.
// The key names are a public contract; config/feedd.yaml documents each of them.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/cidr.h"

namespace feedd {

struct Person {
    std::string name;
    std::string email;

    bool empty() const { return name.empty() && email.empty(); }
    bool operator==(const Person&) const = default;
};

struct SiteConfig {
    std::string title;  // required
    std::string url;    // required; absolute http(s) URL, always ends with '/'
    std::string description;
    std::string language = "en";
    Person author;
    // An article's link and default id under `url`: placeholders from kPermalinkPlaceholders
    // (docs/content.md, "Permalinks"), e.g. "/{path}/" or "/{year}/{month}/{day}/{slug}.html".
    std::string permalink = "/{path}/";
};

// The placeholders site.permalink may use; any other "{name}", or a '{' left open, is a config
// error. The feed stage fills them in (src/feed/permalink.h).
inline constexpr std::string_view kPermalinkPlaceholders[] = {
    "path", "section", "slug", "title", "title:hugo", "year", "month", "day", "categories"};

// content.keys: a feedd metadata key → the site's own names for it ({"author": {"by"}}), read
// like the generators' names for it (docs/content.md).
using MetadataKeyNames = std::map<std::string, std::vector<std::string>>;
// The metadata keys content.keys may name.
inline constexpr std::string_view kMetadataKeys[] = {
    "title", "date", "updated", "expires", "author", "tags", "categories", "summary",
    "draft", "id",   "url",     "image",   "lang",   "slug", "enclosure",
    // A podcast episode's (docs/podcasts.md).
    "episode", "season", "episode_type", "explicit", "transcript", "chapters", "persons",
    "soundbites"};

struct ContentConfig {
    std::filesystem::path dir;     // required; absolute after loading
    std::string timezone = "UTC";  // IANA name, checked against the tz database when loading
    std::vector<std::string> cut_markers = {"Latest news"};
    int debounce_ms = 200;
    std::uintmax_t max_file_bytes = 16 * 1024 * 1024;
    MetadataKeyNames keys;
    // Globs relative to dir (config/glob.h): a file is read when it matches one of `include`
    // (empty: every article file) and none of `exclude`.
    std::vector<std::string> include;
    std::vector<std::string> exclude;
    // podcast.enabled (set by the loader, not a key of its own): an article's episode media,
    // transcript and chapters are also found beside it by name (docs/podcasts.md), which costs a
    // few lookups per article that sites without a show need not pay.
    bool episode_media = false;
};

struct FeedsConfig {
    int limit = 50;
    bool full_content = true;
    // href of an XSLT stylesheet the RSS and Atom documents name in <?xml-stylesheet?> (e.g.
    // "/feed.xsl", which feedd serves); empty: none.
    std::string stylesheet;
    // Titles with curly quotes, dashes and ellipses, as jekyll-feed publishes them (Jekyll's
    // smartify; feed/smart_titles.h). Off: titles as written.
    bool smart_titles = false;
};

struct ServerConfig {
    std::string listen = "127.0.0.1:8080";  // as written in the file
    std::string host = "127.0.0.1";         // parsed from listen
    std::uint16_t port = 8080;              // parsed from listen; 0 asks the kernel for a free port
    int max_age = 300;                      // Cache-Control max-age of feeds, in seconds
    // Connections from these may name the client in X-Forwarded-For / Forwarded (a reverse
    // proxy); from anyone else those headers are ignored. Default: none.
    std::vector<Cidr> trusted_proxies;
    // Who may see /stats, /stats.json and /metrics (others get 403): loopback by default.
    std::vector<Cidr> metrics_allow = {*parse_cidr("127.0.0.0/8"), *parse_cidr("::1/128")};
};

struct HubConfig {
    std::string url;
    bool topic_param = false;  // send hub.topic instead of hub.url (for hubs that want it)
    bool operator==(const HubConfig&) const = default;
};

struct PingConfig {
    std::vector<HubConfig> websub;    // WebSub hubs: POST hub.mode=publish
    std::vector<std::string> xmlrpc;  // weblogUpdates ping services
    bool enabled = true;              // false: no outgoing pings (development, CI)
};

// hub: feedd as a WebSub hub for its own feeds (docs/hub.md). Times in seconds.
struct OwnHubConfig {
    bool enabled = false;
    std::string path = "/websub";  // the endpoint; advertised as site.url + path
    long long lease_min_s = 3600;
    long long lease_max_s = 30LL * 24 * 3600;
    long long lease_default_s = 10LL * 24 * 3600;  // when a subscriber asks for none
    long long retry_min_s = 60;                    // first retry of a failed delivery
    long long max_subscriptions = 100'000;
    bool allow_private_callbacks =
        false;  // loopback/private/link-local callbacks (tests, intranets)
    bool operator==(const OwnHubConfig&) const = default;
};

// podcast: the site's feeds are a show (docs/podcasts.md). Present in the file → `enabled`.
struct FundingLink {
    std::string url;   // absolute http(s)
    std::string text;  // what the app shows on the link
    bool operator==(const FundingLink&) const = default;
};

struct PodcastConfig {
    bool enabled = false;  // the file has a `podcast:` block
    std::string author;    // itunes:author; empty: site.author's name
    Person owner;          // itunes:owner; directories want the email
    // The show's artwork: a path relative to content.dir or an absolute http(s) URL, as written.
    std::string image;
    // Apple Podcasts categories as written: "News" or "News/Tech News" (category/subcategory).
    std::vector<std::string> categories;
    std::optional<bool> explicit_content;  // unset: not stated (`feedd check` reports it)
    std::string type = "episodic";         // episodic | serial
    bool complete = false;
    bool block = false;
    bool locked = false;  // podcast:locked; owner.email names who may move the show
    std::vector<FundingLink> funding;
    std::string new_feed_url;       // itunes:new-feed-url, for a show that moves
    std::string medium = "podcast";  // podcast:medium
    // Media files are served under this URL path, which maps to content.dir: with the default,
    // content/episodes/042.mp3 is /media/episodes/042.mp3. Always starts and ends with '/'.
    std::string media_path = "/media/";
    // When set (absolute http(s), ends with '/'), enclosures point there instead (a CDN holding
    // the same files under the same relative paths) and feedd serves no media.
    std::string media_url;
    bool operator==(const PodcastConfig&) const = default;
};

struct Config {
    std::filesystem::path file;  // the file it was loaded from (absolute)
    SiteConfig site;
    ContentConfig content;
    FeedsConfig feeds;
    ServerConfig server;
    PingConfig ping;
    OwnHubConfig hub;
    PodcastConfig podcast;
    std::filesystem::path state_dir;  // absolute after loading
};

// "FILE:LINE:COLUMN: message" (LINE and COLUMN 1-based; omitted when unknown).
struct ConfigError {
    std::string message;
};

// Reads and validates a config file. Relative paths in it are resolved against the file's folder.
std::expected<Config, ConfigError> load_config(const std::filesystem::path& file);

// Same, from text already read; `file` names it in errors and anchors relative paths.
std::expected<Config, ConfigError> parse_config(std::string_view yaml,
                                                const std::filesystem::path& file);

}  // namespace feedd
