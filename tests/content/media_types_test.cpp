#include "content/media_types.h"

#include <gtest/gtest.h>

#include <string>

namespace feedd {
namespace {

TEST(MediaTypes, ByNameKnowsEpisodesArtworkTranscriptsAndChapters) {
    EXPECT_EQ(media_type_from_name("episodes/042-guest.MP3"),
              (MediaType{"audio/mpeg", MediaKind::audio}));
    EXPECT_EQ(media_type_from_name("a/b.m4a")->mime, "audio/x-m4a");
    EXPECT_EQ(media_type_from_name("show.png")->kind, MediaKind::image);
    EXPECT_EQ(media_type_from_name("042.vtt")->mime, "text/vtt");
    EXPECT_EQ(media_type_from_name("042.srt")->mime, "application/srt");
    EXPECT_EQ(media_type_from_name("042.chapters.json")->kind, MediaKind::chapters);
    EXPECT_FALSE(media_type_from_name("data.json"));
    EXPECT_FALSE(media_type_from_name("post.md"));
    EXPECT_FALSE(media_type_from_name(".mp3"));           // a hidden file, not an episode
    EXPECT_FALSE(media_type_from_name("dir.mp3/notes"));  // only the last component counts
}

TEST(MediaTypes, ByContentReadsTheMagicNumbers) {
    using namespace std::string_literals;
    EXPECT_EQ(media_type_from_content("ID3\x04\0\0\0\0\0\0"s)->mime, "audio/mpeg");
    EXPECT_EQ(media_type_from_content("\xFF\xFB\x90\x64\0\0"s)->mime, "audio/mpeg");  // MPEG-1 L3
    EXPECT_EQ(media_type_from_content("\xFF\xF1\x50\x80\0\0"s)->mime, "audio/aac");   // ADTS
    EXPECT_EQ(media_type_from_content("fLaC\0\0\0\x22"s)->mime, "audio/flac");
    EXPECT_EQ(
        media_type_from_content("OggS\0\x02" + std::string(22, '\0') + "\x01\x13OpusHead")->mime,
        "audio/opus");
    EXPECT_EQ(
        media_type_from_content("OggS\0\x02" + std::string(22, '\0') + "\x01\x1e\x01vorbis")->mime,
        "audio/ogg");
    EXPECT_EQ(media_type_from_content("RIFF\x24\0\0\0WAVEfmt "s)->mime, "audio/wav");
    EXPECT_EQ(media_type_from_content("\0\0\0\x20"
                                      "ftypM4A \0\0\0\0"s)
                  ->mime,
              "audio/x-m4a");
    EXPECT_EQ(media_type_from_content("\0\0\0\x20"
                                      "ftypisom\0\0\0\0"s)
                  ->mime,
              "video/mp4");
    EXPECT_EQ(media_type_from_content("\x1A\x45\xDF\xA3\x9F"s)->mime, "video/webm");
    EXPECT_EQ(media_type_from_content("\xFF\xD8\xFF\xE0"s)->mime, "image/jpeg");
    EXPECT_EQ(media_type_from_content("\x89PNG\r\n\x1A\n\0\0"s)->mime, "image/png");
    EXPECT_FALSE(media_type_from_content("<html><body>"));
    EXPECT_FALSE(media_type_from_content(""));
    EXPECT_FALSE(media_type_from_content("RIFF"));  // too short to say
}

}  // namespace
}  // namespace feedd
