// Episodes from media files (docs/podcasts.md): what feedd reads from real audio files made at
// test time with sox, lame and ffmpeg (Debian packages; nothing binary is committed), and how an
// article finds its enclosure, transcript and chapters.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "content/episode_files.h"
#include "content/media_info.h"
#include "content/scan.h"
#include "test_util.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
}

// 3 s of a sine in every format TagLib must measure, made once per test binary.
class Audio {
  public:
    Audio() {
        char pattern[] = "/tmp/feedd-episode-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        const std::string d = dir_.string();
        const std::string ffmpeg = "ffmpeg -nostdin -loglevel error -y -i " + d + "/a.wav ";
        const std::string script =
            "sox -n -r 22050 -c 1 " + d + "/a.wav synth 3 sine 440 && sox " + d + "/a.wav " + d +
            "/a.flac && sox " + d + "/a.wav -C 0 " + d + "/a.ogg && lame --quiet -b 32 " + d +
            "/a.wav " + d + "/a.mp3 && " + ffmpeg + "-c:a aac -b:a 32k " + d + "/a.m4a && " +
            ffmpeg + "-c:a libopus -b:a 16k " + d + "/a.opus && sox -n -r 22050 -c 1 " + d +
            "/b.wav synth 5.6 sine 330 && lame --quiet -b 32 " + d + "/b.wav " + d +
            "/b.mp3 && ffmpeg -nostdin -loglevel error -y -f lavfi -i color=c=red:s=1400x1400 "
            "-frames:v 1 " +
            d + "/square.jpg";
        ok_ = std::system(script.c_str()) == 0;
    }
    ~Audio() { fs::remove_all(dir_); }
    fs::path file(const std::string& name) const { return dir_ / name; }
    bool ok() const { return ok_; }

  private:
    fs::path dir_;
    bool ok_ = false;
};

const Audio& audio() {
    static const Audio instance;
    return instance;
}

class TempContent {
  public:
    TempContent() {
        char pattern[] = "/tmp/feedd-content-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        config_.dir = dir_;
        config_.episode_media = true;
    }
    ~TempContent() { fs::remove_all(dir_); }
    const ContentConfig& config() const { return config_; }
    ContentConfig& config() { return config_; }
    fs::path operator/(const std::string& rel) const { return dir_ / rel; }
    void copy(const std::string& from, const std::string& to) const {
        fs::create_directories((dir_ / to).parent_path());
        fs::copy_file(audio().file(from), dir_ / to, fs::copy_options::overwrite_existing);
    }
    ParseOutcome read(const std::string& rel) const {
        const auto stamp = stamp_source(config_, rel);
        if (!stamp) return {};
        return read_article(config_, *stamp);
    }

  private:
    fs::path dir_;
    ContentConfig config_;
};

struct Expectation {
    const char* file;
    const char* mime;
};

TEST(MediaInfo, ReadsTypeLengthAndDurationOfEachFormat) {
    ASSERT_TRUE(audio().ok()) << "sox, lame or ffmpeg failed";
    for (const auto& [file, mime] :
         {Expectation{"a.mp3", "audio/mpeg"}, Expectation{"a.m4a", "audio/x-m4a"},
          Expectation{"a.ogg", "audio/ogg"}, Expectation{"a.opus", "audio/opus"},
          Expectation{"a.flac", "audio/flac"}, Expectation{"a.wav", "audio/wav"}}) {
        const auto info = probe_media(audio().file(file));
        ASSERT_TRUE(info.has_value()) << file << ": " << info.error();
        EXPECT_EQ(info->length, fs::file_size(audio().file(file))) << file;
        ASSERT_TRUE(info->type.has_value()) << file;
        EXPECT_EQ(info->type->mime, mime) << file;
        EXPECT_EQ(info->duration_s, std::optional<std::int64_t>(3)) << file;
    }
    // Rounded to the nearest second.
    const auto longer = probe_media(audio().file("b.mp3"));
    ASSERT_TRUE(longer.has_value());
    EXPECT_EQ(longer->duration_s, std::optional<std::int64_t>(6));
}

TEST(MediaInfo, TheContentDecidesTheTypeOverTheName) {
    ASSERT_TRUE(audio().ok());
    TempContent content;
    content.copy("a.m4a", "mislabelled.mp3");
    const auto info = probe_media(content / "mislabelled.mp3");
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->type->mime, "audio/x-m4a");
    EXPECT_EQ(info->duration_s, std::optional<std::int64_t>(3));
}

TEST(MediaInfo, AnUnchangedFileIsNotReadAgainAndAReplacedOneIs) {
    ASSERT_TRUE(audio().ok());
    TempContent content;
    content.copy("a.mp3", "ep.mp3");
    ASSERT_TRUE(probe_media(content / "ep.mp3").has_value());
    const auto reads = media_probe_reads();
    ASSERT_TRUE(probe_media(content / "ep.mp3").has_value());
    EXPECT_EQ(media_probe_reads(), reads);
    content.copy("b.mp3", "ep.mp3");
    const auto replaced = probe_media(content / "ep.mp3");
    ASSERT_TRUE(replaced.has_value());
    EXPECT_EQ(media_probe_reads(), reads + 1);
    EXPECT_EQ(replaced->duration_s, std::optional<std::int64_t>(6));
    EXPECT_EQ(replaced->length, fs::file_size(audio().file("b.mp3")));
}

TEST(MediaInfo, UnknownAndMissingFiles) {
    TempContent content;
    write(content / "notes.mp3", "just some text, not audio at all");
    const auto text = probe_media(content / "notes.mp3");
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(text->type->mime, "audio/mpeg");  // by its name: the bytes say nothing
    EXPECT_FALSE(text->duration_s.has_value());
    EXPECT_FALSE(probe_media(content / "absent.mp3").has_value());
}

TEST(ImageInfo, ReadsTypeAndSize) {
    ASSERT_TRUE(audio().ok());
    const auto jpeg = probe_image(audio().file("square.jpg"));
    ASSERT_TRUE(jpeg.has_value()) << jpeg.error();
    EXPECT_EQ(jpeg->mime, "image/jpeg");
    EXPECT_EQ(jpeg->width, 1400);
    EXPECT_EQ(jpeg->height, 1400);
    TempContent content;
    // A PNG's signature and IHDR chunk are all stbi_info reads: 3000 x 1500.
    std::string png = "\x89PNG\r\n\x1A\n";
    png += std::string("\0\0\0\x0DIHDR", 8);
    png += std::string("\0\0\x0B\xB8\0\0\x05\xDC\x08\x02\0\0\0", 13);
    png += std::string("\0\0\0\0", 4);
    write(content / "wide.png", png);
    const auto wide = probe_image(content / "wide.png");
    ASSERT_TRUE(wide.has_value()) << wide.error();
    EXPECT_EQ(wide->mime, "image/png");
    EXPECT_EQ(wide->width, 3000);
    EXPECT_EQ(wide->height, 1500);
    write(content / "fake.png", "GIF89a not a png");
    const auto fake = probe_image(content / "fake.png");
    ASSERT_TRUE(fake.has_value());
    EXPECT_EQ(fake->mime, "");
}

TEST(EpisodeFiles, AMediaFileBesideTheArticleIsItsEnclosure) {
    ASSERT_TRUE(audio().ok());
    TempContent content;
    write(content / "episodes/042-guest.md", "---\ntitle: Guest\ndate: 2026-01-02\n---\nHi.\n");
    content.copy("a.opus", "episodes/042-guest.opus");
    write(content / "episodes/042-guest.vtt", "WEBVTT\n");
    write(content / "episodes/042-guest.chapters.json", "{\"version\":\"1.2.0\",\"chapters\":[]}");
    const auto out = content.read("episodes/042-guest.md");
    ASSERT_TRUE(out.article.has_value());
    ASSERT_TRUE(out.article->enclosure.has_value());
    const Enclosure& e = *out.article->enclosure;
    EXPECT_EQ(e.file, "episodes/042-guest.opus");
    EXPECT_EQ(e.length, fs::file_size(audio().file("a.opus")));
    EXPECT_EQ(e.type, "audio/opus");
    EXPECT_EQ(e.duration_s, std::optional<std::int64_t>(3));
    EXPECT_EQ(out.article->episode->transcript.file, "episodes/042-guest.vtt");
    EXPECT_EQ(out.article->episode->transcript.type, "text/vtt");
    EXPECT_EQ(out.article->episode->chapters.file, "episodes/042-guest.chapters.json");
    EXPECT_EQ(out.article->episode->chapters.type, "application/json+chapters");
    EXPECT_TRUE(out.problems.empty());
}

TEST(EpisodeFiles, WithoutAShowNothingIsLookedForBesideTheArticle) {
    ASSERT_TRUE(audio().ok());
    TempContent content;
    content.config().episode_media = false;
    write(content / "a.md", "---\ntitle: A\ndate: 2026-01-02\n---\nHi.\n");
    content.copy("a.mp3", "a.mp3");
    const auto out = content.read("a.md");
    ASSERT_TRUE(out.article.has_value());
    EXPECT_FALSE(out.article->enclosure.has_value());
}

TEST(EpisodeFiles, AnEnclosureNamedAsAPathIsProbedAndTheUrlFormsStay) {
    ASSERT_TRUE(audio().ok());
    TempContent content;
    write(content / "posts/ep.md",
          "---\ntitle: E\ndate: 2026-01-02\nenclosure: ../audio/show 1.m4a\ntranscript: "
          "https://cdn.example.org/t.srt\n---\nHi.\n");
    content.copy("a.m4a", "audio/show 1.m4a");
    auto out = content.read("posts/ep.md");
    ASSERT_TRUE(out.article && out.article->enclosure);
    EXPECT_EQ(out.article->enclosure->file, "audio/show 1.m4a");
    EXPECT_EQ(out.article->enclosure->type, "audio/x-m4a");
    EXPECT_EQ(out.article->enclosure->duration_s, std::optional<std::int64_t>(3));
    EXPECT_EQ(out.article->episode->transcript.url, "https://cdn.example.org/t.srt");
    EXPECT_EQ(out.article->episode->transcript.file, "");
    EXPECT_EQ(out.article->episode->transcript.type, "application/srt");

    // A URL, and the {url, length, type} mapping: as written, no file.
    write(content / "posts/url.md",
          "---\ntitle: U\ndate: 2026-01-02\nenclosure: https://cdn.example.org/u.mp3\n---\nHi.\n");
    out = content.read("posts/url.md");
    ASSERT_TRUE(out.article && out.article->enclosure);
    EXPECT_EQ(out.article->enclosure->url, "https://cdn.example.org/u.mp3");
    EXPECT_EQ(out.article->enclosure->file, "");
    write(content / "posts/map.md",
          "---\ntitle: M\ndate: 2026-01-02\nenclosure: {url: /m.mp3, length: 12, type: "
          "audio/mpeg}\n---\nHi.\n");
    out = content.read("posts/map.md");
    ASSERT_TRUE(out.article && out.article->enclosure);
    EXPECT_EQ(*out.article->enclosure, (Enclosure{"/m.mp3", 12, "audio/mpeg", "", std::nullopt}));
}

TEST(EpisodeFiles, AMissingFileOrOneAboveTheContentDirIsAWarningAndStaysALink) {
    TempContent content;
    write(content / "ep.md", "---\ntitle: E\ndate: 2026-01-02\nenclosure: gone.mp3\n---\nHi.\n");
    auto out = content.read("ep.md");
    ASSERT_TRUE(out.article && out.article->enclosure);
    EXPECT_EQ(out.article->enclosure->file, "");
    EXPECT_EQ(out.article->enclosure->url, "gone.mp3");
    ASSERT_NE(testing::find_problem(out.problems, "enclosure file 'gone.mp3' not found"), nullptr);
    write(content / "up.md", "---\ntitle: E\ndate: 2026-01-02\nenclosure: ../../etc/passwd\n---\n");
    out = content.read("up.md");
    ASSERT_TRUE(out.article && out.article->enclosure);
    EXPECT_EQ(out.article->enclosure->file, "");
}

TEST(EpisodeFiles, ABundleHasTheOneAudioFileInItsFolder) {
    ASSERT_TRUE(audio().ok());
    TempContent content;
    write(content / "shows/003/index.md", "---\ntitle: Bundle\ndate: 2026-01-02\n---\nHi.\n");
    content.copy("a.flac", "shows/003/episode.flac");
    write(content / "shows/003/episode.srt", "1\n00:00:00,000 --> 00:00:01,000\nHi\n");
    auto out = content.read("shows/003/index.md");
    ASSERT_TRUE(out.article && out.article->enclosure);
    EXPECT_EQ(out.article->enclosure->file, "shows/003/episode.flac");
    EXPECT_EQ(out.article->episode->transcript.file, "shows/003/episode.srt");
    content.copy("a.mp3", "shows/003/other.mp3");
    out = content.read("shows/003/index.md");
    ASSERT_TRUE(out.article);
    EXPECT_FALSE(out.article->enclosure.has_value());
    EXPECT_NE(testing::find_problem(out.problems, "the bundle holds 2 media files"), nullptr);
}

TEST(EpisodeFiles, MediaFilesAreNeverArticles) {
    ASSERT_TRUE(audio().ok());
    TempContent content;
    write(content / "ep.md", "---\ntitle: E\ndate: 2026-01-02\n---\nHi.\n");
    for (const char* name : {"ep.mp3", "ep.m4a", "x.ogg", "x.opus", "x.flac", "x.wav"})
        content.copy("a.mp3", name);
    write(content / "ep.vtt", "WEBVTT\n");
    write(content / "ep.srt", "1\n");
    write(content / "ep.chapters.json", "{}");
    std::vector<Problem> problems;
    const auto listed = list_sources(content.config(), problems);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].path, "ep.md");
    EXPECT_TRUE(problems.empty());
}

TEST(EpisodeFiles, TheArticlesAMediaFileBelongsTo) {
    const auto named = articles_named_after("ep/042.chapters.json");
    EXPECT_NE(std::find(named.begin(), named.end(), "ep/042.md"), named.end());
    EXPECT_NE(std::find(named.begin(), named.end(), "ep/index.md"), named.end());
    EXPECT_TRUE(is_episode_file_name("042.MP3"));
    EXPECT_FALSE(is_episode_file_name("042.md"));
}

TEST(EpisodeMetadata, EpisodeKeysAreRead) {
    const auto out = testing::parse(
        "ep.md",
        "---\ntitle: E\ndate: 2026-01-02\nepisode: 42\nseason: 3\nepisode_type: bonus\n"
        "explicit: true\ntranscript: https://x.example/t.vtt\nchapters: c.json\n"
        "persons:\n  - {name: Ada, role: guest, href: 'https://ada.example', img: "
        "'https://ada.example/a.jpg'}\n  - name: Bob\n"
        "soundbites:\n  - {start: '1:05', duration: 30.5, title: Best bit}\n---\nHi.\n");
    ASSERT_TRUE(out.article.has_value()) << (out.problems.empty() ? "" : out.problems[0].message);
    const Episode& ep = *out.article->episode;
    EXPECT_EQ(ep.episode, std::optional<long long>(42));
    EXPECT_EQ(ep.season, std::optional<long long>(3));
    EXPECT_EQ(ep.episode_type, "bonus");
    EXPECT_EQ(ep.explicit_content, std::optional<bool>(true));
    EXPECT_EQ(ep.transcript.url, "https://x.example/t.vtt");
    EXPECT_EQ(ep.chapters.url, "c.json");
    ASSERT_EQ(ep.persons.size(), 2u);
    EXPECT_EQ(ep.persons[0], (EpisodePerson{"Ada", "guest", "", "https://ada.example",
                                            "https://ada.example/a.jpg"}));
    EXPECT_EQ(ep.persons[1].name, "Bob");
    ASSERT_EQ(ep.soundbites.size(), 1u);
    EXPECT_EQ(ep.soundbites[0], (Soundbite{65, 30.5, "Best bit"}));
    EXPECT_TRUE(out.problems.empty());
}

TEST(EpisodeMetadata, BadEpisodeKeysAreErrorsWithTheirLine) {
    const auto bad = [](const std::string& line) {
        const auto out =
            testing::parse("ep.md", "---\ntitle: E\ndate: 2026-01-02\n" + line + "\n---\n");
        for (const auto& p : out.problems)
            if (p.severity == Severity::error) return std::to_string(p.line) + ": " + p.message;
        return std::string("no error");
    };
    EXPECT_EQ(bad("episode: forty"),
              "4: 'episode' must be a whole number from 0 to 1000000000, not 'forty'");
    EXPECT_EQ(bad("episode_type: extra"),
              "4: 'episode_type' must be full, trailer or bonus, not 'extra'");
    EXPECT_EQ(bad("explicit: maybe"), "4: 'explicit' must be true or false, not 'maybe'");
    EXPECT_EQ(bad("persons: Ada"), "4: 'persons' must be a list of mappings, not text");
    EXPECT_EQ(bad("persons: [{role: host}]"), "4: 'persons' items need a 'name'");
    EXPECT_EQ(bad("soundbites: [{start: 1}]"),
              "4: 'soundbites' items need a 'start' and a 'duration' above 0");
    EXPECT_EQ(bad("soundbites: [{start: x, duration: 3}]"),
              "4: 'soundbites.start' must be seconds (90.5) or [HH:]MM:SS, not 'x'");
}

}  // namespace
}  // namespace feedd
