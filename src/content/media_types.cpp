#include "content/media_types.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace feedd {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

struct ByExtension {
    std::string_view extension;
    std::string_view mime;
    MediaKind kind;
};

// The types Apple Podcasts and Podcast Index document for enclosures, transcripts and chapters.
constexpr ByExtension kByExtension[] = {
    {".mp3", "audio/mpeg", MediaKind::audio},
    {".m4a", "audio/x-m4a", MediaKind::audio},
    {".m4b", "audio/x-m4a", MediaKind::audio},
    {".aac", "audio/aac", MediaKind::audio},
    {".ogg", "audio/ogg", MediaKind::audio},
    {".oga", "audio/ogg", MediaKind::audio},
    {".opus", "audio/opus", MediaKind::audio},
    {".flac", "audio/flac", MediaKind::audio},
    {".wav", "audio/wav", MediaKind::audio},
    {".mp4", "video/mp4", MediaKind::video},
    {".m4v", "video/x-m4v", MediaKind::video},
    {".mov", "video/quicktime", MediaKind::video},
    {".webm", "video/webm", MediaKind::video},
    {".jpg", "image/jpeg", MediaKind::image},
    {".jpeg", "image/jpeg", MediaKind::image},
    {".png", "image/png", MediaKind::image},
    {".vtt", "text/vtt", MediaKind::transcript},
    {".srt", "application/srt", MediaKind::transcript},
    {".chapters.json", "application/json+chapters", MediaKind::chapters},
};

bool starts_with(std::string_view bytes, std::string_view prefix) {
    return bytes.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<MediaType> media_type_from_name(std::string_view file_name) {
    const auto name = lower(file_name.substr(file_name.find_last_of('/') + 1));
    for (const auto& entry : kByExtension) {
        if (name.size() > entry.extension.size() && name.ends_with(entry.extension)) {
            return MediaType{std::string(entry.mime), entry.kind};
        }
    }
    return std::nullopt;
}

std::optional<MediaType> media_type_from_content(std::string_view b) {
    const auto audio = [](std::string_view mime) {
        return MediaType{std::string(mime), MediaKind::audio};
    };
    const auto byte = [&](std::size_t i) {
        return i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
    };
    if (starts_with(b, "ID3")) return audio("audio/mpeg");
    if (starts_with(b, "fLaC")) return audio("audio/flac");
    if (starts_with(b, "OggS")) {
        // The first page holds the codec's identification header.
        if (b.find("OpusHead") != std::string_view::npos) return audio("audio/opus");
        return audio("audio/ogg");
    }
    if (starts_with(b, "RIFF") && b.size() >= 12 && b.substr(8, 4) == "WAVE")
        return audio("audio/wav");
    if (b.size() >= 12 && b.substr(4, 4) == "ftyp") {
        const auto brand = b.substr(8, 4);
        if (brand == "M4A " || brand == "M4B " || brand == "M4P ") return audio("audio/x-m4a");
        if (brand == "M4V " || brand == "M4VH" || brand == "M4VP") {
            return MediaType{"video/x-m4v", MediaKind::video};
        }
        if (brand == "qt  ") return MediaType{"video/quicktime", MediaKind::video};
        return MediaType{"video/mp4", MediaKind::video};
    }
    if (starts_with(b, "\x1A\x45\xDF\xA3")) return MediaType{"video/webm", MediaKind::video};
    if (starts_with(b, "\xFF\xD8\xFF")) return MediaType{"image/jpeg", MediaKind::image};
    if (starts_with(b, "\x89PNG\r\n\x1A\n")) return MediaType{"image/png", MediaKind::image};
    // An MPEG audio frame header without ID3: 11 sync bits, then a version other than the
    // reserved one and layer III/II/I (ADTS AAC has the layer bits 00).
    if (byte(0) == 0xFF && (byte(1) & 0xE0) == 0xE0 && ((byte(1) >> 3) & 3) != 1) {
        if (((byte(1) >> 1) & 3) != 0) return audio("audio/mpeg");
        return audio("audio/aac");
    }
    return std::nullopt;
}

}  // namespace feedd
