// A show served live (docs/podcasts.md): a media file beside an article that is replaced, added or
// removed updates the episode at the next rebuild, with the same URL and guid; `feedd build`
// records the episodes' guids and `feedd check` says when one changed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>

#include "daemon/running_feedd.h"
#include "support/process.h"

namespace feedd::test {
namespace {

namespace fs = std::filesystem;

// Two short MP3s (3 s and 5 s), made once per test binary with sox and lame.
class Mp3s {
  public:
    Mp3s() {
        const std::string d = dir_.path().string();
        const std::string script =
            "set -e; cd " + d +
            "; sox -n -r 22050 -c 1 a.wav synth 3 sine 440; sox -n -r 22050 "
            "-c 1 b.wav synth 5 sine 330; lame --quiet -b 32 a.wav short.mp3; "
            "lame --quiet -b 32 b.wav long.mp3; rm a.wav b.wav";
        ok_ = std::system(script.c_str()) == 0;
    }
    fs::path operator[](const std::string& name) const { return dir_.path() / name; }
    bool ok() const { return ok_; }

  private:
    TempDir dir_;
    bool ok_ = false;
};

const Mp3s& mp3s() {
    static const Mp3s instance;
    return instance;
}

class PodcastLive : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(mp3s().ok()) << "sox or lame failed";
        fs::create_directories(content() / "ep");
        write_file(config(),
                   "site: {title: Show, url: \"https://show.example.org/\"}\n"
                   "content: {dir: ./content, debounce_ms: 50}\nserver: {listen: \"127.0.0.1:0\"}\n"
                   "ping: {enabled: false}\nstate_dir: ./state\n"
                   "podcast:\n  owner: {name: Ada, email: ada@example.org}\n"
                   "  image: https://show.example.org/art.png\n  categories: [Technology]\n"
                   "  explicit: false\n");
        write_file(content() / "ep" / "001.md", "---\ntitle: One\ndate: 2026-01-01\n---\nOne.\n");
        fs::copy_file(mp3s()["short.mp3"], content() / "ep" / "001.mp3");
    }
    fs::path content() const { return dir_.path() / "content"; }
    fs::path config() const { return dir_.path() / "feedd.yaml"; }
    // Replaced as editors and rsync do: a new file renamed over the old one.
    void put_mp3(const std::string& which, const std::string& rel) const {
        fs::copy_file(mp3s()[which], content() / ".incoming.mp3",
                      fs::copy_options::overwrite_existing);
        fs::rename(content() / ".incoming.mp3", content() / rel);
    }
    static auto contains(std::string text) {
        return [text](const std::string& body) { return body.find(text) != std::string::npos; };
    }
    static auto lacks(std::string text) {
        return [text](const std::string& body) { return body.find(text) == std::string::npos; };
    }
    static std::string enclosure(const std::string& file, const std::string& which) {
        return "<enclosure url=\"https://show.example.org/media/ep/" + file + "\" length=\"" +
               std::to_string(fs::file_size(mp3s()[which])) + "\" type=\"audio/mpeg\" />";
    }

    TempDir dir_;
};

TEST_F(PodcastLive, AReplacedAddedOrRemovedMediaFileUpdatesItsEpisode) {
    RunningFeedd feedd(config());
    auto body = feedd.get("/feed.xml").body;
    ASSERT_NE(body.find(enclosure("001.mp3", "short.mp3")), std::string::npos) << body;
    EXPECT_NE(body.find("<itunes:duration>00:00:03</itunes:duration>"), std::string::npos);
    const std::string guid = "<guid isPermaLink=\"true\">https://show.example.org/ep/001/</guid>";
    EXPECT_NE(body.find(guid), std::string::npos);

    put_mp3("long.mp3", "ep/001.mp3");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains(enclosure("001.mp3", "long.mp3"))));
    body = feedd.get("/feed.xml").body;
    EXPECT_NE(body.find("<itunes:duration>00:00:05</itunes:duration>"), std::string::npos) << body;
    EXPECT_NE(body.find(guid), std::string::npos);

    // An episode whose file comes after its article.
    write_file(content() / "ep" / "002.md", "---\ntitle: Two\ndate: 2026-01-02\n---\nTwo.\n");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains("<title>Two</title>")));
    EXPECT_EQ(feedd.get("/feed.xml").body.find("ep/002.mp3"), std::string::npos);
    put_mp3("short.mp3", "ep/002.mp3");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", contains(enclosure("002.mp3", "short.mp3"))));

    fs::remove(content() / "ep" / "001.mp3");
    EXPECT_TRUE(feedd.wait_for("/feed.xml", lacks("ep/001.mp3")));
}

TEST_F(PodcastLive, CheckSaysWhenAnEpisodeGuidChangedSinceTheLastBuild) {
    const auto built = run_program(
        {FEEDD_BINARY, "build", "-c", config().string(), "-o", (dir_.path() / "out").string()});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    auto check = run_program({FEEDD_BINARY, "check", "-c", config().string()});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_EQ(check.out, "");
    // A new id: apps would list the episode again.
    write_file(content() / "ep" / "001.md",
               "---\ntitle: One\ndate: 2026-01-01\nid: tag:show.example.org,2026:one\n---\nOne.\n");
    check = run_program({FEEDD_BINARY, "check", "-c", config().string()});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;  // a warning
    EXPECT_EQ(check.out, (content() / "ep" / "001.md").string() +
                             ": podcast: the guid of 'ep/001.mp3' changed from "
                             "https://show.example.org/ep/001/ to tag:show.example.org,2026:one "
                             "since the last build; apps will show the episode again as new\n");
    // A show without artwork or category fails the check.
    write_file(config(),
               "site: {title: Show, url: \"https://show.example.org/\"}\n"
               "content: {dir: ./content}\nstate_dir: ./state\npodcast:\n  explicit: true\n");
    check = run_program({FEEDD_BINARY, "check", "-c", config().string()});
    EXPECT_EQ(check.exit_code, 1) << check.out;
    EXPECT_NE(check.out.find("podcast: no 'podcast.image'"), std::string::npos) << check.out;
    EXPECT_NE(check.out.find("podcast: no 'podcast.categories'"), std::string::npos);
}

}  // namespace
}  // namespace feedd::test
