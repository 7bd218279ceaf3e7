// A show of three real episodes (MP3, M4A, Opus, made at test time with lame and ffmpeg), built by
// the real feedd with config only for the show, read back by three podcast parsers: gPodder's
// (python3-podcastparser), Podcast Index's (npm podcast-partytime, pinned by
// tests/interop/podcast_node/package-lock.json) and Universal Feed Parser. Each must see every
// episode with the length and type of its file and its duration (ffprobe's, ±1 s), and the
// transcript and chapters where it reads them; `feedd check` must find nothing to report.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"

namespace feedd::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSite = "https://show.example.org/";
const fs::path kScriptsDir = FEEDD_SOURCE_DIR "/tests/interop";

void write(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
}

struct Episode {
    std::string article;  // in the content dir
    std::string media;    // in the content dir
    std::string title;
    std::string type;
    std::string link;  // the guid: the article's permalink
    bool transcript = false;
    bool chapters = false;
};

const std::vector<Episode>& episodes() {
    static const std::vector<Episode> all = {
        {"episodes/001-welcome.md", "episodes/001-welcome.mp3", "Welcome", "audio/mpeg",
         kSite + "episodes/001-welcome/", true, true},
        {"episodes/002-guest.md", "episodes/audio/002 guest.m4a", "A guest", "audio/x-m4a",
         kSite + "episodes/002-guest/", false, false},
        {"episodes/003-finale/index.md", "episodes/003-finale/finale.opus", "Finale", "audio/opus",
         kSite + "episodes/003-finale/", true, false},
    };
    return all;
}

std::string media_url(const std::string& path) {
    std::string out = kSite + "media/";
    for (char c : path) out += c == ' ' ? std::string("%20") : std::string(1, c);
    return out;
}

// The show, built once per test process.
class Show {
  public:
    Show() {
        const fs::path c = content();
        fs::create_directories(c / "episodes/audio");
        fs::create_directories(c / "episodes/003-finale");
        const std::string d = dir_.path().string();
        const std::string script =
            "set -e; cd " + d + "; sox -n -r 22050 -c 1 a.wav synth 3 sine 440; " +
            "sox -n -r 22050 -c 1 b.wav synth 4 sine 330; sox -n -r 22050 -c 1 c.wav synth 5 sine "
            "550; " +
            "lame --quiet -b 32 a.wav 'content/episodes/001-welcome.mp3'; " +
            "ffmpeg -nostdin -loglevel error -y -i b.wav -c:a aac -b:a 32k "
            "'content/episodes/audio/002 guest.m4a'; " +
            "ffmpeg -nostdin -loglevel error -y -i c.wav -c:a libopus -b:a 16k "
            "content/episodes/003-finale/finale.opus; rm a.wav b.wav c.wav";
        media_ok_ = std::system(script.c_str()) == 0;
        write(c / "episodes/001-welcome.md",
              "---\ntitle: Welcome\ndate: 2026-01-01T08:00:00Z\nepisode: 1\nexplicit: false\n"
              "persons: [{name: Ada, role: host}]\n---\nThe first episode.\n");
        write(c / "episodes/001-welcome.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nWelcome\n");
        write(
            c / "episodes/001-welcome.chapters.json",
            "{\"version\": \"1.2.0\", \"chapters\": [{\"startTime\": 0, \"title\": \"Hello\"}]}\n");
        write(c / "episodes/002-guest.md",
              "---\ntitle: A guest\ndate: 2026-01-08T08:00:00Z\nepisode: 2\n"
              "enclosure: audio/002 guest.m4a\n---\nWith a guest.\n");
        write(c / "episodes/003-finale/index.md",
              "---\ntitle: Finale\ndate: 2026-01-15T08:00:00Z\nepisode: 3\n"
              "episode_type: bonus\n---\nThe last one.\n");
        write(c / "episodes/003-finale/finale.srt", "1\n00:00:00,000 --> 00:00:01,000\nBye\n");
        // A 1400 x 1400 PNG's header: what the lint reads of the artwork.
        std::string png = "\x89PNG\r\n\x1A\n";
        png += std::string("\0\0\0\x0DIHDR\0\0\x05\x78\0\0\x05\x78\x08\x02\0\0\0\0\0\0\0", 25);
        write(c / "show.png", png);
        write(config(),
              "site:\n  title: Test Show\n  url: " + kSite +
                  "\n  description: Three short episodes\n  author: {name: Ada}\n"
                  "content:\n  dir: content\nping:\n  enabled: false\nstate_dir: state\n"
                  "podcast:\n  owner: {name: Ada, email: ada@example.org}\n  image: show.png\n"
                  "  categories: [Technology, News/Tech News]\n  explicit: false\n");
        build_ =
            run_program({FEEDD_BINARY, "build", "-c", config().string(), "-o", out().string()});
    }
    fs::path content() const { return dir_.path() / "content"; }
    fs::path config() const { return dir_.path() / "feedd.yaml"; }
    fs::path out() const { return dir_.path() / "public"; }
    const RunResult& build() const { return build_; }
    bool media_ok() const { return media_ok_; }

  private:
    TempDir dir_;
    RunResult build_;
    bool media_ok_ = false;
};

const Show& show() {
    static const Show instance;
    return instance;
}

json run_json(const std::vector<std::string>& argv) {
    const auto result = run_program(argv);
    if (result.exit_code != 0) {
        ADD_FAILURE() << argv[0] << " " << argv[1] << " exited with " << result.exit_code << ":\n"
                      << result.err;
        return nullptr;
    }
    try {
        return json::parse(result.out);
    } catch (const json::exception& error) {
        ADD_FAILURE() << argv[0] << " printed no JSON (" << error.what() << "):\n" << result.out;
        return nullptr;
    }
}

// ffprobe's duration of a file, in seconds.
double probed_duration(const fs::path& file) {
    const auto result = run_program({"/usr/bin/ffprobe", "-v", "error", "-show_entries",
                                     "format=duration", "-of", "csv=p=0", file.string()});
    return result.exit_code == 0 ? std::stod(result.out) : -100;
}

// One reader's episodes (newest first, as the feed lists them) against the files.
void expect_episodes(const std::string& reader, const json& list, bool reads_links) {
    ASSERT_TRUE(list.is_array()) << reader;
    ASSERT_EQ(list.size(), episodes().size()) << reader;
    for (std::size_t i = 0; i < episodes().size(); ++i) {
        const Episode& e = episodes()[episodes().size() - 1 - i];
        const json& got = list[i];
        SCOPED_TRACE(reader + ": " + e.title);
        EXPECT_EQ(got["title"], e.title);
        EXPECT_EQ(got["guid"], e.link);
        EXPECT_EQ(got["url"], media_url(e.media));
        EXPECT_EQ(got["length"], fs::file_size(show().content() / e.media));
        EXPECT_EQ(got["type"], e.type);
        ASSERT_TRUE(got["duration"].is_number());
        EXPECT_NEAR(got["duration"].get<double>(), probed_duration(show().content() / e.media),
                    1.0);
        if (!reads_links) continue;
        const std::string stem = e.media.substr(0, e.media.rfind('.'));
        if (e.transcript) {
            const std::string extension = e.article.ends_with("index.md") ? ".srt" : ".vtt";
            EXPECT_EQ(got["transcript"], media_url(stem + extension));
        } else {
            EXPECT_TRUE(got["transcript"].is_null()) << got["transcript"];
        }
        if (e.chapters) {
            EXPECT_EQ(got["chapters"], media_url(stem + ".chapters.json"));
        } else {
            EXPECT_TRUE(got["chapters"].is_null()) << got["chapters"];
        }
    }
}

TEST(PodcastShow, BuildsAndChecksClean) {
    ASSERT_TRUE(show().media_ok()) << "sox, lame or ffmpeg failed";
    ASSERT_EQ(show().build().exit_code, 0) << show().build().err;
    const auto check = run_program({FEEDD_BINARY, "check", "-c", show().config().string()});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_EQ(check.out, "");  // one line per problem: none
}

TEST(PodcastShow, GpodderAndFeedparserSeeEveryEpisode) {
    ASSERT_EQ(show().build().exit_code, 0) << show().build().err;
    const auto doc = run_json({"/usr/bin/python3", (kScriptsDir / "podcast_readers.py").string(),
                               (show().out() / "feed.xml").string(), kSite + "feed.xml"});
    ASSERT_TRUE(doc.is_object());
    // podcastparser reads no podcast:transcript or podcast:chapters.
    expect_episodes("podcastparser", doc["podcastparser"], false);
    expect_episodes("feedparser", doc["feedparser"], true);
}

TEST(PodcastShow, PodcastIndexPartytimeSeesEveryEpisodeAndTheShowGuid) {
    ASSERT_EQ(show().build().exit_code, 0) << show().build().err;
    TempDir node;
    for (const char* file : {"package.json", "package-lock.json", "read_show.js"})
        fs::copy_file(kScriptsDir / "podcast_node" / file, node.path() / file);
    const auto install = run_program(
        {"/usr/bin/env", "npm", "ci", "--no-audit", "--no-fund", "--prefix", node.path().string()});
    ASSERT_EQ(install.exit_code, 0) << "npm ci failed:\n" << install.out << install.err;
    const auto doc = run_json({"/usr/bin/env", "node", (node.path() / "read_show.js").string(),
                               (show().out() / "feed.xml").string()});
    ASSERT_TRUE(doc.is_object());
    // The spec's UUIDv5 of "show.example.org/feed.xml" (Python: uuid.uuid5(namespace, name)).
    EXPECT_EQ(doc["guid"], "ee8652b0-fb36-5d4d-b957-cb3daeec47a6");
    json list = json::array();
    for (const auto& e : doc["episodes"]) {
        json one = e;
        one["transcript"] = e["transcripts"].empty() ? json() : e["transcripts"][0]["url"];
        one["chapters"] = e["chapters"].is_null() ? json() : e["chapters"]["url"];
        list.push_back(one);
    }
    expect_episodes("podcast-partytime", list, true);
}

}  // namespace
}  // namespace feedd::test
