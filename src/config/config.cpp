#include "config/config.h"
#include "config/cidr.h"
#include "config/glob.h"
#include "config/podcast_categories.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <date/tz.h>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

namespace feedd {
namespace {

namespace fs = std::filesystem;

// Thrown inside this file only, so that the validation code reads top to bottom;
// parse_config turns it into a ConfigError.
struct Invalid {
    std::string message;
};

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
        std::ostringstream out;
        out << file_;
        if (!mark.is_null()) out << ':' << mark.line + 1 << ':' << mark.column + 1;
        out << ": " << message;
        throw Invalid{out.str()};
    }

    // Walks a mapping, calling the handler registered for each key; any other key is an error.
    void read_map(const YAML::Node& node, const std::string& where,
                  const std::map<std::string, std::function<void(const YAML::Node&,
                                                                 const std::string&)>>& handlers)
        const {
        if (!node.IsMap()) fail(node.Mark(), "'" + where + "' must be a mapping");
        for (const auto& item : node) {
            const auto key = item.first.as<std::string>();
            const auto full = where.empty() ? key : where + "." + key;
            const auto handler = handlers.find(key);
            if (handler == handlers.end()) {
                std::string known;
                for (const auto& [name, _] : handlers) known += (known.empty() ? "" : ", ") + name;
                fail(item.first.Mark(), "unknown key '" + full + "' (expected one of: " + known + ")");
            }
            handler->second(item.second, full);
        }
    }

    void require(const YAML::Node& map, const std::string& where, const char* key) const {
        if (!map[key]) {
            fail(map.Mark(), "missing required key '" + (where.empty() ? "" : where + ".") + key + "'");
        }
    }

    std::string string(const YAML::Node& node, const std::string& key) const {
        if (!node.IsScalar()) fail(node.Mark(), "'" + key + "' must be a string");
        // Strings end up in the feeds, and XML 1.0 has no way to carry these (found by config_fuzz).
        for (const char c : node.Scalar()) {
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                fail(node.Mark(), "'" + key + "' must not contain control characters");
            }
        }
        return node.Scalar();
    }

    std::string non_empty_string(const YAML::Node& node, const std::string& key) const {
        auto value = string(node, key);
        if (value.empty()) fail(node.Mark(), "'" + key + "' must not be empty");
        return value;
    }

    bool boolean(const YAML::Node& node, const std::string& key) const {
        bool value = false;
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
            fail(node.Mark(), "'" + key + "' must be true or false");
        }
        return value;
    }

    long long integer(const YAML::Node& node, const std::string& key, long long min,
                      long long max) const {
        long long value = 0;
        const std::string text = node.IsScalar() ? node.Scalar() : std::string{};
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (!node.IsScalar() || text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
            fail(node.Mark(), "'" + key + "' must be a whole number");
        }
        if (value < min || value > max) {
            fail(node.Mark(), "'" + key + "' must be between " + std::to_string(min) + " and " +
                                  std::to_string(max));
        }
        return value;
    }

    std::vector<std::string> string_list(const YAML::Node& node, const std::string& key) const {
        if (node.IsScalar()) return {node.Scalar()};
        if (!node.IsSequence()) fail(node.Mark(), "'" + key + "' must be a list of strings");
        std::vector<std::string> out;
        for (const auto& item : node) out.push_back(non_empty_string(item, key + " item"));
        return out;
    }

private:
    std::string file_;
};

// server.trusted_proxies / server.metrics_allow: an address range or a list of them, each checked
// where it is written.
std::vector<Cidr> read_ranges(const Reader& reader, const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar() && !node.IsSequence())
        reader.fail(node.Mark(),
                    "'" + key + "' must be a list of addresses or CIDR ranges (10.0.0.0/8, ::1/128)");
    std::vector<Cidr> out;
    const auto one = [&](const YAML::Node& item) {
        auto cidr = parse_cidr(reader.non_empty_string(item, key + " item"));
        if (!cidr) reader.fail(item.Mark(), "'" + key + "': " + cidr.error());
        out.push_back(*cidr);
    };
    if (node.IsScalar()) {
        one(node);
    } else {
        for (const auto& item : node) one(item);
    }
    return out;
}

// content.include / content.exclude: a glob or a list of globs, each checked where it is written.
std::vector<std::string> read_globs(const Reader& reader, const YAML::Node& node,
                                    const std::string& key) {
    if (node.IsScalar()) {
        const auto glob = reader.non_empty_string(node, key);
        if (const auto error = glob_error(glob)) {
            reader.fail(node.Mark(), "'" + key + "': '" + glob + "': " + *error);
        }
        return {glob};
    }
    if (!node.IsSequence())
        reader.fail(node.Mark(), "'" + key + "' must be a glob or a list of globs");
    std::vector<std::string> out;
    for (const auto& item : node) {
        auto glob = reader.non_empty_string(item, key + " item");
        if (const auto error = glob_error(glob)) {
            reader.fail(item.Mark(), "'" + key + "': '" + glob + "': " + *error);
        }
        out.push_back(std::move(glob));
    }
    return out;
}

bool starts_with_http_scheme(std::string_view url) {
    return url.starts_with("http://") || url.starts_with("https://");
}

// site.permalink: every "{name}" is one of kPermalinkPlaceholders and every '{' is closed (the
// error points at the '{': on the scalar's line, exact for a one-line scalar without escapes), and
// one of {path}, {slug}, {title} tells the articles apart.
void check_permalink(const Reader& reader, const YAML::Node& node, const std::string& key,
                     const std::string& pattern) {
    const auto fail_at = [&](std::size_t offset, const std::string& message) {
        YAML::Mark mark = node.Mark();
        // A quoted scalar's mark is its opening quote; yaml-cpp tags quoted scalars "!".
        const bool quoted = node.Tag() == "!";
        if (!mark.is_null()) mark.column += static_cast<int>(offset) + (quoted ? 1 : 0);
        reader.fail(mark, message);
    };
    for (std::size_t open = pattern.find('{'); open != std::string::npos;
         open = pattern.find('{', open + 1)) {
        const std::size_t close = pattern.find_first_of("{}", open + 1);
        if (close == std::string::npos || pattern[close] == '{') {
            fail_at(open, "'" + key + "': '{' without a closing '}' in '" + pattern + "'");
        }
        const std::string name = pattern.substr(open + 1, close - open - 1);
        const auto* end = std::end(kPermalinkPlaceholders);
        if (std::find(std::begin(kPermalinkPlaceholders), end, name) == end) {
            std::string known;
            for (const std::string_view p : kPermalinkPlaceholders) {
                known += (known.empty() ? "{" : ", {") + std::string(p) + "}";
            }
            fail_at(open, "'" + key + "': unknown placeholder '{" + name +
                              "}' (expected one of: " + known + ")");
        }
    }
    // The permalink is also the id (docs/identity.md): without a placeholder that tells articles
    // apart, every article of a day (or of the site) would share one and readers would show one.
    if (pattern.find("{path}") == std::string::npos &&
        pattern.find("{slug}") == std::string::npos &&
        pattern.find("{title}") == std::string::npos &&
        pattern.find("{title:hugo}") == std::string::npos) {
        reader.fail(node.Mark(), "'" + key +
                                     "' must contain {path}, {slug} or {title} (links and ids " +
                                     "would be shared by several articles), got '" + pattern + "'");
    }
}

std::string http_url(const Reader& reader, const YAML::Node& node, const std::string& key) {
    auto url = reader.non_empty_string(node, key);
    if (!starts_with_http_scheme(url) || url.find("://") + 3 >= url.size()) {
        reader.fail(node.Mark(), "'" + key + "' must be an absolute http(s) URL, got '" + url + "'");
    }
    for (const unsigned char c : url) {
        if (c <= ' ' || c == 0x7f) {
            reader.fail(node.Mark(), "'" + key + "' must not contain spaces or control characters");
        }
    }
    return url;
}

// A URL reference a document names (absolute http(s), or relative such as "/feed.xsl"); empty
// means none. Like http_url, no spaces or control characters, and no scheme but http(s).
std::string url_reference(const Reader& reader, const YAML::Node& node, const std::string& key) {
    auto url = reader.string(node, key);
    for (const unsigned char c : url) {
        if (c <= ' ' || c == 0x7f) {
            reader.fail(node.Mark(), "'" + key + "' must not contain spaces or control characters");
        }
    }
    // The scheme: what comes before the first ':' if no '/', '?' or '#' does (RFC 3986 4.2).
    const auto colon = url.find(':');
    if (colon != std::string::npos && colon < url.find_first_of("/?#")) {
        if (!starts_with_http_scheme(url) || url.find("://") + 3 >= url.size()) {
            reader.fail(node.Mark(),
                        "'" + key + "' must be an http(s) URL or a path, got '" + url + "'");
        }
    }
    return url;
}

// A hub is its URL, or {url: URL, param: hub.topic} for hubs that want hub.topic.
HubConfig read_hub(const Reader& reader, const YAML::Node& node, const std::string& key) {
    HubConfig hub;
    if (node.IsScalar()) {
        hub.url = http_url(reader, node, key);
        return hub;
    }
    reader.read_map(node, key,
                    {{"url", [&](auto& n, auto& k) { hub.url = http_url(reader, n, k); }},
                     {"param", [&](auto& n, auto& k) {
                          const auto param = reader.non_empty_string(n, k);
                          if (param != "hub.url" && param != "hub.topic") {
                              reader.fail(n.Mark(), "'" + k + "' must be hub.url or hub.topic");
                          }
                          hub.topic_param = param == "hub.topic";
                      }}});
    reader.require(node, key, "url");
    return hub;
}

// hub: feedd's own WebSub hub. The path is served by feedd and advertised under site.url, so it is
// an absolute path of plain characters; the lease bounds must be in order.
void read_own_hub(const Reader& reader, const YAML::Node& node, const std::string& where,
                  OwnHubConfig& hub) {
    constexpr long long kDay = 24 * 3600;
    std::optional<YAML::Mark> default_mark;
    reader.read_map(
        node, where,
        {{"enabled", [&](auto& n, auto& k) { hub.enabled = reader.boolean(n, k); }},
         {"path",
          [&](auto& n, auto& k) {
              auto path = reader.non_empty_string(n, k);
              const bool plain = std::all_of(path.begin(), path.end(), [](unsigned char c) {
                  return std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' ||
                         c == '~';
              });
              if (!path.starts_with('/') || path.size() < 2 || !plain ||
                  path.find("//") != std::string::npos) {
                  reader.fail(n.Mark(), "'" + k +
                                            "' must be a path such as /websub (letters, digits, "
                                            "'/', '-', '_', '.', '~'), got '" +
                                            path + "'");
              }
              hub.path = path;
          }},
         {"lease_min_s",
          [&](auto& n, auto& k) { hub.lease_min_s = reader.integer(n, k, 60, 365 * kDay); }},
         {"lease_max_s",
          [&](auto& n, auto& k) { hub.lease_max_s = reader.integer(n, k, 60, 365 * kDay); }},
         {"lease_default_s",
          [&](auto& n, auto& k) {
              hub.lease_default_s = reader.integer(n, k, 60, 365 * kDay);
              default_mark = n.Mark();
          }},
         {"retry_min_s",
          [&](auto& n, auto& k) { hub.retry_min_s = reader.integer(n, k, 1, kDay); }},
         {"max_subscriptions",
          [&](auto& n, auto& k) { hub.max_subscriptions = reader.integer(n, k, 1, 10'000'000); }},
         {"allow_private_callbacks",
          [&](auto& n, auto& k) { hub.allow_private_callbacks = reader.boolean(n, k); }}});
    if (hub.lease_min_s > hub.lease_max_s) {
        reader.fail(node["lease_min_s"] ? node["lease_min_s"].Mark() : node.Mark(),
                    "'" + where + ".lease_min_s' (" + std::to_string(hub.lease_min_s) +
                        ") must not be greater than '" + where + ".lease_max_s' (" +
                        std::to_string(hub.lease_max_s) + ")");
    }
    if (default_mark) {
        if (hub.lease_default_s < hub.lease_min_s || hub.lease_default_s > hub.lease_max_s) {
            reader.fail(*default_mark, "'" + where + ".lease_default_s' must be between '" + where +
                                           ".lease_min_s' and '" + where + ".lease_max_s'");
        }
    } else {
        // The default of 10 days follows the bounds when they exclude it.
        hub.lease_default_s = std::clamp(hub.lease_default_s, hub.lease_min_s, hub.lease_max_s);
    }
}

// podcast: the show's metadata and where its media is served. Categories are checked against
// Apple's list here; the artwork's file (type, size) by `feedd check`, which reads the files.
void read_podcast(const Reader& reader, const YAML::Node& node, const std::string& where,
                  PodcastConfig& podcast) {
    podcast.enabled = true;
    if (node.IsNull()) return;  // `podcast:` alone: a show with every default
    const auto one_of = [&](const YAML::Node& n, const std::string& k,
                            std::initializer_list<std::string_view> allowed) {
        auto value = reader.non_empty_string(n, k);
        std::string list;
        for (const auto a : allowed) {
            if (value == a) return value;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        reader.fail(n.Mark(), "'" + k + "' must be one of " + list + ", got '" + value + "'");
    };
    reader.read_map(
        node, where,
        {{"author", [&](auto& n, auto& k) { podcast.author = reader.string(n, k); }},
         {"owner",
          [&](const YAML::Node& owner, const std::string& k) {
              reader.read_map(
                  owner, k,
                  {{"name", [&](auto& n, auto& kk) { podcast.owner.name = reader.string(n, kk); }},
                   {"email",
                    [&](auto& n, auto& kk) {
                        auto email = reader.string(n, kk);
                        if (!email.empty() && (email.find('@') == std::string::npos ||
                                               email.find_first_of(" <>") != std::string::npos)) {
                            reader.fail(n.Mark(), "'" + kk + "' must be an email address, got '" +
                                                      email + "'");
                        }
                        podcast.owner.email = email;
                    }}});
          }},
         {"image", [&](auto& n, auto& k) { podcast.image = reader.non_empty_string(n, k); }},
         {"categories",
          [&](const YAML::Node& n, const std::string& k) {
              podcast.categories = reader.string_list(n, k);
              for (std::size_t i = 0; i < podcast.categories.size(); ++i) {
                  auto found = find_podcast_category(podcast.categories[i]);
                  if (!found) reader.fail(n[i].Mark(), "'" + k + "': " + found.error());
                  // Kept in Apple's spelling: the feed writes what Apple lists.
                  podcast.categories[i] = found->subcategory.empty()
                                              ? found->category
                                              : found->category + "/" + found->subcategory;
              }
          }},
         {"explicit", [&](auto& n, auto& k) { podcast.explicit_content = reader.boolean(n, k); }},
         {"type", [&](auto& n, auto& k) { podcast.type = one_of(n, k, {"episodic", "serial"}); }},
         {"complete", [&](auto& n, auto& k) { podcast.complete = reader.boolean(n, k); }},
         {"block", [&](auto& n, auto& k) { podcast.block = reader.boolean(n, k); }},
         {"locked", [&](auto& n, auto& k) { podcast.locked = reader.boolean(n, k); }},
         {"funding",
          [&](const YAML::Node& list, const std::string& k) {
              if (!list.IsSequence()) reader.fail(list.Mark(), "'" + k + "' must be a list of {url, text}");
              for (const auto& item : list) {
                  FundingLink link;
                  reader.read_map(
                      item, k,
                      {{"url", [&](auto& n, auto& kk) { link.url = http_url(reader, n, kk); }},
                       {"text", [&](auto& n, auto& kk) { link.text = reader.string(n, kk); }}});
                  reader.require(item, k, "url");
                  podcast.funding.push_back(std::move(link));
              }
          }},
         {"new_feed_url", [&](auto& n, auto& k) { podcast.new_feed_url = http_url(reader, n, k); }},
         {"medium",
          [&](auto& n, auto& k) {
              podcast.medium = one_of(n, k, {"podcast", "music", "video", "film", "audiobook",
                                              "newsletter", "blog"});
          }},
         {"media_path",
          [&](auto& n, auto& k) {
              auto path = reader.non_empty_string(n, k);
              const bool plain = std::all_of(path.begin(), path.end(), [](unsigned char c) {
                  return std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
              });
              if (!path.starts_with('/') || path.size() < 2 || !plain || path.find("//") != std::string::npos ||
                  path.find("/../") != std::string::npos || path.find("/./") != std::string::npos) {
                  reader.fail(n.Mark(), "'" + k +
                                            "' must be a path such as /media/ (letters, digits, "
                                            "'/', '-', '_', '.', '~'), got '" + path + "'");
              }
              if (!path.ends_with('/')) path += '/';
              podcast.media_path = path;
          }},
         {"media_url", [&](auto& n, auto& k) {
              auto url = http_url(reader, n, k);
              if (!url.ends_with('/')) url += '/';
              podcast.media_url = url;
          }}});
    if (podcast.locked && podcast.owner.email.empty()) {
        reader.fail(node.Mark(), "'" + where + ".locked' needs '" + where +
                                     ".owner.email' (the address that may move the show)");
    }
}

// content.keys: {feedd key: a name or a list of names}; a name (in any case) may stand for one
// feedd key only.
MetadataKeyNames read_metadata_keys(const Reader& reader, const YAML::Node& node,
                                    const std::string& where) {
    if (!node.IsMap()) {
        reader.fail(node.Mark(), "'" + where +
                                     "' must be a mapping of feedd keys to the site's names for "
                                     "them, e.g. {author: [by]}");
    }
    MetadataKeyNames out;
    std::map<std::string, std::string> owner;  // a name in lower case → its feedd key
    for (const auto& item : node) {
        const auto key = item.first.as<std::string>();
        const auto full = where + "." + key;
        if (std::find(std::begin(kMetadataKeys), std::end(kMetadataKeys), key) ==
            std::end(kMetadataKeys)) {
            std::string known;
            for (const auto name : kMetadataKeys)
                known += (known.empty() ? "" : ", ") + std::string(name);
            reader.fail(item.first.Mark(),
                        "unknown metadata key '" + full + "' (expected one of: " + known + ")");
        }
        std::vector<std::string> names;
        const auto add = [&](const YAML::Node& name_node) {
            auto name = reader.non_empty_string(name_node, full);
            std::string lower = name;
            for (char& c : lower)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            const auto [it, added] = owner.emplace(lower, key);
            if (!added && it->second != key) {
                reader.fail(name_node.Mark(),
                            "'" + full + "': '" + name + "' already names '" + it->second + "'");
            }
            names.push_back(std::move(name));
        };
        if (item.second.IsSequence()) {
            for (const auto& name : item.second) add(name);
        } else if (item.second.IsScalar()) {
            add(item.second);
        } else {
            reader.fail(item.second.Mark(), "'" + full + "' must be a name or a list of names");
        }
        auto& slot = out[key];
        slot.insert(slot.end(), names.begin(), names.end());
    }
    return out;
}

// "host:port", "[v6]:port" or ":port" (all interfaces).
void parse_listen(const Reader& reader, const YAML::Node& node, ServerConfig& server) {
    const auto text = reader.non_empty_string(node, "server.listen");
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        reader.fail(node.Mark(), "'server.listen' must be HOST:PORT, e.g. 127.0.0.1:8080");
    }
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) host = "0.0.0.0";
    const auto port_text = text.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
        port > 65535) {
        reader.fail(node.Mark(), "'server.listen' has an invalid port '" + port_text + "'");
    }
    server.listen = text;
    server.host = host;
    server.port = static_cast<std::uint16_t>(port);
}

Config read_config(const YAML::Node& root, const Reader& reader, const fs::path& file) {
    Config config;
    config.file = file;
    const auto base = file.parent_path();
    auto resolve = [&](const std::string& path) { return (base / path).lexically_normal(); };

    if (!root || root.IsNull()) reader.fail(YAML::Mark::null_mark(), "the file is empty");
    if (!root.IsMap()) reader.fail(root.Mark(), "the top level must be a mapping");

    reader.read_map(
        root, "",
        {{"site",
          [&](const YAML::Node& site, const std::string& where) {
              reader.read_map(
                  site, where,
                  {{"title", [&](auto& n, auto& k) { config.site.title = reader.non_empty_string(n, k); }},
                   {"url",
                    [&](auto& n, auto& k) {
                        auto url = http_url(reader, n, k);
                        if (!url.ends_with('/')) url += '/';
                        config.site.url = url;
                    }},
                   {"description", [&](auto& n, auto& k) { config.site.description = reader.string(n, k); }},
                   {"language", [&](auto& n, auto& k) { config.site.language = reader.string(n, k); }},
                   {"permalink",
                    [&](auto& n, auto& k) {
                        auto pattern = reader.non_empty_string(n, k);
                        check_permalink(reader, n, k, pattern);
                        config.site.permalink = pattern;
                    }},
                   {"author", [&](const YAML::Node& author, const std::string& k) {
                        if (author.IsScalar()) {
                            config.site.author.name = reader.string(author, k);
                            return;
                        }
                        reader.read_map(
                            author, k,
                            {{"name", [&](auto& n, auto& kk) { config.site.author.name = reader.string(n, kk); }},
                             {"email",
                              [&](auto& n, auto& kk) { config.site.author.email = reader.string(n, kk); }}});
                    }}});
              reader.require(site, where, "title");
              reader.require(site, where, "url");
          }},
         {"content",
          [&](const YAML::Node& content, const std::string& where) {
              reader.read_map(
                  content, where,
                  {{"dir",
                    [&](auto& n, auto& k) {
                        config.content.dir = resolve(reader.non_empty_string(n, k));
                    }},
                   {"timezone",
                    [&](auto& n, auto& k) {
                        auto zone = reader.non_empty_string(n, k);
                        // "UTC" (the default) needs no check: its dates are read without the
                        // tz database, whose first use lists all of /usr/share/zoneinfo.
                        try {
                            if (zone != "UTC") date::locate_zone(zone);
                        } catch (const std::exception&) {
                            reader.fail(n.Mark(), "'" + k + "': unknown time zone '" + zone +
                                                      "' (use an IANA name such as Europe/Berlin)");
                        }
                        config.content.timezone = zone;
                    }},
                   {"cut_markers",
                    [&](auto& n, auto& k) {
                        config.content.cut_markers = reader.string_list(n, k);
                    }},
                   {"debounce_ms",
                    [&](auto& n, auto& k) {
                        config.content.debounce_ms = static_cast<int>(reader.integer(n, k, 0, 60'000));
                    }},
                   {"max_file_bytes",
                    [&](auto& n, auto& k) {
                        config.content.max_file_bytes =
                            static_cast<std::uintmax_t>(reader.integer(n, k, 1, 1LL << 40));
                    }},
                   {"keys",
                    [&](const YAML::Node& keys, const std::string& k) {
                        config.content.keys = read_metadata_keys(reader, keys, k);
                    }},
                   {"include",
                    [&](auto& n, auto& k) { config.content.include = read_globs(reader, n, k); }},
                   {"exclude",
                    [&](auto& n, auto& k) { config.content.exclude = read_globs(reader, n, k); }}});
              reader.require(content, where, "dir");
          }},
         {"feeds",
          [&](const YAML::Node& feeds, const std::string& where) {
              reader.read_map(
                  feeds, where,
                  {{"limit",
                    [&](auto& n, auto& k) {
                        config.feeds.limit = static_cast<int>(reader.integer(n, k, 1, 100'000));
                    }},
                   {"full_content",
                    [&](auto& n, auto& k) { config.feeds.full_content = reader.boolean(n, k); }},
                   {"smart_titles",
                    [&](auto& n, auto& k) { config.feeds.smart_titles = reader.boolean(n, k); }},
                   {"stylesheet", [&](auto& n, auto& k) {
                        config.feeds.stylesheet = url_reference(reader, n, k);
                    }}});
          }},
         {"server",
          [&](const YAML::Node& server, const std::string& where) {
              reader.read_map(
                  server, where,
                  {{"listen", [&](auto& n, auto&) { parse_listen(reader, n, config.server); }},
                   {"trusted_proxies",
                    [&](auto& n, auto& k) { config.server.trusted_proxies = read_ranges(reader, n, k); }},
                   {"metrics_allow",
                    [&](auto& n, auto& k) { config.server.metrics_allow = read_ranges(reader, n, k); }},
                   {"max_age", [&](auto& n, auto& k) {
                        config.server.max_age = static_cast<int>(reader.integer(n, k, 0, 31'536'000));
                    }}});
          }},
         {"ping",
          [&](const YAML::Node& ping, const std::string& where) {
              reader.read_map(
                  ping, where,
                  {{"websub",
                    [&](const YAML::Node& hubs, const std::string& k) {
                        if (!hubs.IsSequence()) reader.fail(hubs.Mark(), "'" + k + "' must be a list of hub URLs");
                        for (const auto& hub : hubs) config.ping.websub.push_back(read_hub(reader, hub, k));
                    }},
                   {"xmlrpc",
                    [&](const YAML::Node& urls, const std::string& k) {
                        if (!urls.IsSequence()) reader.fail(urls.Mark(), "'" + k + "' must be a list of URLs");
                        for (const auto& url : urls) config.ping.xmlrpc.push_back(http_url(reader, url, k));
                    }},
                   {"enabled", [&](auto& n, auto& k) { config.ping.enabled = reader.boolean(n, k); }}});
          }},
         {"hub", [&](const YAML::Node& hub,
                     const std::string& where) { read_own_hub(reader, hub, where, config.hub); }},
         {"podcast", [&](const YAML::Node& podcast,
                         const std::string& where) { read_podcast(reader, podcast, where, config.podcast); }},
         {"state_dir",
          [&](auto& n, auto& k) { config.state_dir = resolve(reader.non_empty_string(n, k)); }}});

    reader.require(root, "", "site");
    reader.require(root, "", "content");
    if (config.state_dir.empty()) config.state_dir = resolve("state");
    config.content.episode_media = config.podcast.enabled;
    return config;
}

// Offset of the first byte that is not part of well-formed UTF-8 (no overlongs, surrogates or
// code points past U+10FFFF); npos when there is none. Hand-written: yaml-cpp passes such bytes
// through inside scalars, and they would end up in the feeds, which must be UTF-8.
std::size_t first_invalid_utf8(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = s[i];
        const std::size_t len = c < 0x80 ? 1
                                : (c & 0xE0) == 0xC0 ? 2
                                : (c & 0xF0) == 0xE0 ? 3
                                : (c & 0xF8) == 0xF0 ? 4
                                                     : 0;
        if (len == 0 || i + len > text.size()) return i;
        char32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
        i += len;
    }
    return std::string_view::npos;
}

}  // namespace

std::expected<Config, ConfigError> parse_config(std::string_view yaml, const fs::path& file) {
    const auto absolute = fs::absolute(file).lexically_normal();
    const Reader reader(absolute.string());
    if (const auto bad = first_invalid_utf8(yaml); bad != std::string_view::npos) {
        const auto before = yaml.substr(0, bad);
        const auto line = std::count(before.begin(), before.end(), '\n') + 1;
        const auto newline = before.rfind('\n');
        const auto column = newline == std::string_view::npos ? bad + 1 : bad - newline;
        return std::unexpected(ConfigError{absolute.string() + ":" + std::to_string(line) + ":" +
                                           std::to_string(column) +
                                           ": the config file is not valid UTF-8"});
    }
    try {
        const auto root = YAML::Load(std::string(yaml));
        return read_config(root, reader, absolute);
    } catch (const Invalid& invalid) {
        return std::unexpected(ConfigError{invalid.message});
    } catch (const YAML::Exception& error) {
        std::ostringstream out;
        out << absolute.string();
        if (!error.mark.is_null()) out << ':' << error.mark.line + 1 << ':' << error.mark.column + 1;
        out << ": " << error.msg;
        return std::unexpected(ConfigError{out.str()});
    }
}

std::expected<Config, ConfigError> load_config(const fs::path& file) {
    std::error_code ec;
    std::ifstream in;
    if (fs::is_regular_file(file, ec)) in.open(file, std::ios::binary);
    if (!in.is_open()) {
        return std::unexpected(
            ConfigError{fs::absolute(file).lexically_normal().string() + ": cannot read the config file"});
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), file);
}

}  // namespace feedd
