#include "feed/podcast.h"

#include <dlfcn.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

#include "content/media_info.h"
#include "feed/feed.h"
#include "feed/url.h"

namespace feedd {
namespace {

struct Sha1 {
    decltype(&EVP_sha1) sha1 = nullptr;
    decltype(&EVP_Digest) digest = nullptr;
    std::string error;
};

// libcrypto is opened, not linked, as hub/signature.cpp does: a site without a show (or a build
// without it installed) needs no OpenSSL at run time.
const Sha1& sha1() {
    static const Sha1 loaded = [] {
        Sha1 s;
        void* handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            s.error = std::string(
                          "cannot load libcrypto.so.3 (OpenSSL, needed for "
                          "podcast:guid; Debian package libssl3): ") +
                      (why ? why : "unknown error");
            return s;
        }
        s.sha1 = reinterpret_cast<decltype(&EVP_sha1)>(dlsym(handle, "EVP_sha1"));
        s.digest = reinterpret_cast<decltype(&EVP_Digest)>(dlsym(handle, "EVP_Digest"));
        if (!s.sha1 || !s.digest) s.error = "libcrypto.so.3 has no EVP_sha1 or EVP_Digest";
        return s;
    }();
    return loaded;
}

bool is_relative_reference(std::string_view ref) {
    return !ref.empty() && !detail::has_scheme(ref) && !ref.starts_with("/");
}

std::string owner_path(const Config& config) {
    return config.file.string();
}

}  // namespace

std::optional<Show> make_show(const Config& config) {
    const PodcastConfig& p = config.podcast;
    if (!p.enabled) return std::nullopt;
    Show show;
    show.author = p.author.empty() ? config.site.author.name : p.author;
    show.owner = p.owner;
    if (!p.image.empty()) {
        show.image = detail::has_scheme(p.image) ? detail::escape_uri_reference(p.image)
                                                 : media_file_url(config, p.image);
    }
    for (const auto& written : p.categories) {
        if (auto found = find_podcast_category(written)) show.categories.push_back(*found);
    }
    show.explicit_content = p.explicit_content;
    show.type = p.type;
    show.complete = p.complete;
    show.block = p.block;
    show.locked = p.locked;
    show.funding = p.funding;
    show.new_feed_url = p.new_feed_url;
    show.medium = p.medium;
    return show;
}

std::expected<std::string, std::string> podcast_guid(std::string_view feed_url) {
    const Sha1& s = sha1();
    if (!s.error.empty()) return std::unexpected(s.error);
    if (const auto scheme = feed_url.find("://"); scheme != std::string_view::npos)
        feed_url.remove_prefix(scheme + 3);
    while (feed_url.ends_with('/')) feed_url.remove_suffix(1);
    // RFC 9562 section 5.5: SHA-1 of the namespace's 16 bytes followed by the name.
    static constexpr unsigned char kNamespace[16] = {0xea, 0xd4, 0xc2, 0x36, 0xbf, 0x58,
                                                     0x58, 0xc6, 0xa2, 0xc6, 0xa6, 0xb2,
                                                     0x8d, 0x12, 0x8c, 0xb6};
    std::string input(reinterpret_cast<const char*>(kNamespace), sizeof kNamespace);
    input += feed_url;
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!s.digest(input.data(), input.size(), hash, &size, s.sha1(), nullptr) || size < 16)
        return std::unexpected(std::string("SHA-1 failed"));
    hash[6] = static_cast<unsigned char>((hash[6] & 0x0F) | 0x50);  // version 5
    hash[8] = static_cast<unsigned char>((hash[8] & 0x3F) | 0x80);  // RFC 9562 variant
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kDigits[hash[i] >> 4];
        out += kDigits[hash[i] & 15];
    }
    return out;
}

std::string media_file_url(const Config& config, std::string_view file) {
    const std::string path = detail::encode_path(file);
    if (!config.podcast.media_url.empty()) return config.podcast.media_url + path;
    return site_url(config, config.podcast.media_path) + path;
}

std::string itunes_duration(std::int64_t seconds) {
    if (seconds < 0) seconds = 0;
    char out[32];
    std::snprintf(out, sizeof out, "%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
    return out;
}

EpisodeGuids episode_guids(const std::vector<const Article*>& articles, const Config& config) {
    EpisodeGuids guids;
    for (const Article* a : articles) {
        if (!a->enclosure || a->draft) continue;
        const std::string key = a->enclosure->file.empty() ? a->enclosure->url : a->enclosure->file;
        if (!key.empty()) guids[key] = make_entry(*a, config).id;
    }
    return guids;
}

std::string format_episode_guids(const EpisodeGuids& guids) {
    std::string out;
    for (const auto& [enclosure, guid] : guids) {
        // Tabs and newlines cannot be in a path the scan accepts or a guid; skipped if they are.
        if (enclosure.find_first_of("\t\n") != std::string::npos ||
            guid.find_first_of("\t\n") != std::string::npos)
            continue;
        out += enclosure + '\t' + guid + '\n';
    }
    return out;
}

EpisodeGuids parse_episode_guids(std::string_view text) {
    EpisodeGuids guids;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const auto line = text.substr(0, newline);
        const auto tab = line.find('\t');
        if (tab != std::string_view::npos && tab > 0 && tab + 1 < line.size() &&
            line.find('\t', tab + 1) == std::string_view::npos) {
            guids[std::string(line.substr(0, tab))] = std::string(line.substr(tab + 1));
        }
        if (newline == std::string_view::npos) break;
        text.remove_prefix(newline + 1);
    }
    return guids;
}

std::vector<Problem> podcast_lint(const Config& config, const std::vector<const Article*>& articles,
                                  const EpisodeGuids& last_build, Seconds now) {
    std::vector<Problem> problems;
    const PodcastConfig& p = config.podcast;
    if (!p.enabled) return problems;
    const std::string conf = owner_path(config);
    const auto show = [&](std::string message, Severity severity) {
        problems.push_back({conf, 0, "podcast: " + std::move(message), severity});
    };
    if (p.owner.email.empty())
        show("no 'podcast.owner.email' (Spotify and Podcast Index use it to verify the owner)",
             Severity::warning);
    if (p.image.empty()) {
        show("no 'podcast.image' (Apple Podcasts requires show artwork)", Severity::error);
    } else if (!detail::has_scheme(p.image)) {
        const auto file = config.content.dir / p.image;
        const auto image = probe_image(file);
        if (!image) {
            show("'podcast.image' " + file.string() + ": " + image.error(), Severity::error);
        } else if (image->mime.empty()) {
            show("'podcast.image' " + file.string() + " is not a JPEG or PNG image",
                 Severity::error);
        } else if (image->width != image->height || image->width < 1400 || image->width > 3000) {
            show("'podcast.image' " + file.string() + " is " + std::to_string(image->width) + "x" +
                     std::to_string(image->height) +
                     " px; Apple Podcasts wants a square from 1400x1400 to 3000x3000",
                 Severity::error);
        }
    }
    if (p.categories.empty())
        show("no 'podcast.categories' (Apple Podcasts requires one of its categories)",
             Severity::error);
    if (!p.explicit_content)
        show("no 'podcast.explicit' (Apple Podcasts requires true or false)", Severity::error);

    const auto now_guids = episode_guids(articles, config);
    for (const Article* a : articles) {
        if (!a->enclosure || !is_published(*a, now)) continue;
        const Enclosure& e = *a->enclosure;
        const auto episode = [&](std::string message, Severity severity) {
            problems.push_back({a->path, 0, "podcast: " + std::move(message), severity});
        };
        if (e.file.empty() && is_relative_reference(e.url)) {
            episode("enclosure file '" + e.url + "' not found", Severity::error);
            continue;
        }
        const std::string name = e.file.empty() ? e.url : e.file;
        if (e.type.empty() || e.type == "application/octet-stream") {
            episode("enclosure '" + name + "' is of an unknown type", Severity::error);
        }
        if (!e.file.empty() && !e.duration_s) {
            episode("enclosure '" + name + "' has no duration that could be read",
                    Severity::warning);
        }
        const std::string url = e.file.empty() ? e.url : media_file_url(config, e.file);
        if (url.starts_with("http://")) {
            episode(
                "enclosure URL " + url + " is http://; Apple Podcasts and many apps want https://",
                Severity::warning);
        }
        const std::string key = e.file.empty() ? e.url : e.file;
        const auto before = last_build.find(key);
        const auto current = now_guids.find(key);
        if (before != last_build.end() && current != now_guids.end() &&
            before->second != current->second) {
            episode("the guid of '" + key + "' changed from " + before->second + " to " +
                        current->second +
                        " since the last build; apps will show the episode again as new",
                    Severity::warning);
        }
    }
    return problems;
}

}  // namespace feedd
