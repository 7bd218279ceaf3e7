// What a podcast's files are, read from the files themselves: an episode's byte length, MIME type
// and duration, and the show's artwork's type and size. The scan probes an article's enclosure
// with it (content/scan.cpp); `feedd check` the show's image.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>

#include "content/media_types.h"

namespace feedd {

struct MediaInfo {
    std::uint64_t length = 0;
    // From the file's first bytes (media_type_from_content), else from its name; nullopt: neither
    // knows it.
    std::optional<MediaType> type;
    // Whole seconds, rounded, read with TagLib (MP3, M4A/AAC, Ogg Vorbis and Opus, FLAC, WAV);
    // nullopt when TagLib cannot say.
    std::optional<std::int64_t> duration_s;
    bool operator==(const MediaInfo&) const = default;
};

// Reads a media file (a regular file; symlinks are followed only within what the caller
// allows). Kept per (path, size, mtime) for the process's lifetime, so a rebuild does not read
// an unchanged episode again; a replaced file is read afresh. Thread-safe (the scan reads
// articles on several threads). The error says why the file cannot be read.
std::expected<MediaInfo, std::string> probe_media(const std::filesystem::path& file);

// How many files probe_media actually read (not served from its cache): for tests.
std::uint64_t media_probe_reads();

struct ImageInfo {
    std::string mime;  // image/jpeg, image/png; empty: neither
    int width = 0;
    int height = 0;
};

// An image's type and pixel size from its header (stb_image's stbi_info: no decoding).
std::expected<ImageInfo, std::string> probe_image(const std::filesystem::path& file);

}  // namespace feedd
