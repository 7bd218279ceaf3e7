#include "content/episode_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>

#include "content/media_info.h"
#include "content/media_types.h"
#include "content/scan.h"

namespace feedd {
namespace {

bool is_regular(const std::filesystem::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string folder_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string{} : std::string(path.substr(0, slash));
}

std::string join(std::string_view folder, std::string_view name) {
    return folder.empty() ? std::string(name) : std::string(folder) + "/" + std::string(name);
}

// A reference that is a path and not a URL: no scheme, not rooted ("/x", "//host/x"), no query
// or fragment.
bool is_relative_path(std::string_view ref) {
    if (ref.empty() || ref.front() == '/' || ref.find_first_of("?#") != std::string_view::npos)
        return false;
    const auto colon = ref.find(':');
    const auto slash = ref.find('/');
    return colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon);
}

// `ref` relative to `folder`, '.' and '..' resolved; empty when it would leave content.dir.
std::string resolve_path(std::string_view folder, std::string_view ref) {
    std::vector<std::string_view> parts;
    const auto push_all = [&](std::string_view path) {
        while (!path.empty()) {
            const auto slash = path.find('/');
            const auto part = path.substr(0, slash);
            if (part == "..") {
                if (parts.empty()) return false;
                parts.pop_back();
            } else if (!part.empty() && part != ".") {
                parts.push_back(part);
            }
            if (slash == std::string_view::npos) break;
            path.remove_prefix(slash + 1);
        }
        return true;
    };
    if (!push_all(folder) || !push_all(ref) || parts.empty()) return {};
    std::string out;
    for (const auto part : parts) {
        if (!out.empty()) out += '/';
        out += part;
    }
    return out;
}

// A relative reference in the metadata: the file it names, or empty (left as a link).
std::string named_file(const ContentConfig& content, const Article& a, std::string_view what,
                       std::string_view ref, std::vector<Problem>& problems) {
    if (!is_relative_path(ref)) return {};
    const std::string file = resolve_path(folder_of(a.path), ref);
    if (!file.empty() && is_regular(content.dir / file)) return file;
    if (content.episode_media) {
        problems.push_back({a.path, 0,
                            std::string(what) + " file '" + std::string(ref) +
                                "' not found beside the article; published as a link relative "
                                "to the article",
                            Severity::warning});
    }
    return {};
}

// The one audio or video file of a bundle's folder (not below it); empty when none, with a
// warning when several.
std::string bundle_media(const ContentConfig& content, const Article& a,
                         std::vector<Problem>& problems) {
    const std::string folder = folder_of(a.path);
    DIR* dir = ::opendir((content.dir / folder).c_str());
    if (!dir) return {};
    std::vector<std::string> found;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name = entry->d_name;
        if (is_ignored_name(name)) continue;
        const auto type = media_type_from_name(name);
        if (type && (type->kind == MediaKind::audio || type->kind == MediaKind::video) &&
            is_regular(content.dir / join(folder, name)))
            found.push_back(join(folder, name));
    }
    ::closedir(dir);
    if (found.size() == 1) return found.front();
    if (found.size() > 1) {
        std::sort(found.begin(), found.end());
        problems.push_back({a.path, 0,
                            "the bundle holds " + std::to_string(found.size()) +
                                " media files; name its episode with 'enclosure:'",
                            Severity::warning});
    }
    return {};
}

std::string first_existing(const ContentConfig& content, const std::string& stem,
                           std::initializer_list<std::string_view> extensions) {
    for (const auto extension : extensions) {
        std::string candidate = stem + std::string(extension);
        if (is_regular(content.dir / candidate)) return candidate;
    }
    return {};
}

void attach_link(const ContentConfig& content, const Article& a, std::string_view what,
                 EpisodeLink& link, const std::string& stem,
                 std::initializer_list<std::string_view> extensions,
                 std::vector<Problem>& problems) {
    if (!link.url.empty()) {
        if (auto file = named_file(content, a, what, link.url, problems); !file.empty()) {
            link.file = std::move(file);
        }
    } else if (content.episode_media && !stem.empty()) {
        link.file = first_existing(content, stem, extensions);
    }
    const std::string& name = link.file.empty() ? link.url : link.file;
    if (link.type.empty() && !name.empty()) {
        if (const auto type = media_type_from_name(name)) link.type = type->mime;
    }
}

}  // namespace

void attach_episode_files(const ContentConfig& content, Article& a,
                          std::vector<Problem>& problems) {
    const bool bundle = is_bundle_index(a.path);
    // Beside "ep/042-guest.md": "ep/042-guest" + an extension.
    std::string stem = bundle ? std::string{} : without_extension(a.path);
    if (a.enclosure && !a.enclosure->url.empty()) {
        if (auto file = named_file(content, a, "enclosure", a.enclosure->url, problems);
            !file.empty()) {
            a.enclosure->file = std::move(file);
        }
    } else if (!a.enclosure && content.episode_media) {
        std::string file =
            bundle ? bundle_media(content, a, problems)
                   : first_existing(content, stem,
                                    {".mp3", ".m4a", ".m4b", ".aac", ".ogg", ".oga", ".opus",
                                     ".flac", ".wav", ".mp4", ".m4v", ".mov", ".webm"});
        if (!file.empty()) {
            a.enclosure.emplace();
            a.enclosure->file = std::move(file);
        }
    }
    if (a.enclosure && !a.enclosure->file.empty()) {
        // A bundle's transcript and chapters are named after its episode's file.
        if (bundle) stem = without_extension(a.enclosure->file);
        const auto info = probe_media(content.dir / a.enclosure->file);
        if (!info) {
            problems.push_back(
                {a.path, 0,
                 "cannot read the enclosure '" + a.enclosure->file + "': " + info.error(),
                 Severity::warning});
        } else {
            a.enclosure->length = info->length;
            if (info->type) a.enclosure->type = info->type->mime;
            a.enclosure->duration_s = info->duration_s;
        }
    }
    // Only an episode looks for its transcript and chapters by name: a few lookups less for
    // every other article of the site.
    if (!a.enclosure) stem.clear();
    Episode episode = *a.episode;
    attach_link(content, a, "transcript", episode.transcript, stem, {".vtt", ".srt"}, problems);
    attach_link(content, a, "chapters", episode.chapters, stem, {".chapters.json"}, problems);
    if (content.episode_media && !a.image.empty() && is_relative_path(a.image)) {
        const std::string file = resolve_path(folder_of(a.path), a.image);
        if (!file.empty() && is_regular(content.dir / file)) episode.image_file = file;
    }
    a.episode = std::move(episode);
}

std::vector<std::string> articles_named_after(std::string_view media_path) {
    std::string stem = without_extension(media_path);
    // "042.chapters.json" → "042".
    if (stem.ends_with(".chapters"))
        stem.resize(stem.size() - std::string_view(".chapters").size());
    std::vector<std::string> out;
    for (const char* extension : {".md", ".markdown", ".txt", ".html", ".htm"})
        out.push_back(stem + extension);
    const std::string folder = folder_of(media_path);
    if (!folder.empty()) {
        out.push_back(folder + "/index.md");
        out.push_back(folder + "/index.markdown");
    }
    return out;
}

bool is_episode_file_name(std::string_view name) {
    return media_type_from_name(name).has_value();
}

}  // namespace feedd
