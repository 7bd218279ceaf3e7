// What kind of media file a path is: the MIME type a feed's enclosure and an HTTP response carry.
// Shared by the feed stage (enclosures, `feedd check`) and the HTTP stage (serving under
// podcast.media_path), so that both say the same type for the same file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedd {

enum class MediaKind { audio, video, image, transcript, chapters };

struct MediaType {
    std::string mime;  // e.g. "audio/mpeg"
    MediaKind kind;
    bool operator==(const MediaType&) const = default;
};

// By the file name's extension (case-insensitive): the media a podcast may publish, its
// artwork, transcripts (.vtt, .srt) and chapters (".chapters.json"). nullopt: not a media file.
std::optional<MediaType> media_type_from_name(std::string_view file_name);

// By the file's first bytes (16 or more are enough; fewer may leave it undecided): MP3 (ID3 or
// an MPEG audio frame), MP4/M4A (ftyp brands), Ogg (Vorbis, Opus), FLAC, WAV, WebM/Matroska,
// JPEG, PNG. nullopt: not a format recognised here. The content decides over the name because
// a file named .mp3 that holds AAC plays wrongly in apps that trust the type.
std::optional<MediaType> media_type_from_content(std::string_view first_bytes);

}  // namespace feedd
