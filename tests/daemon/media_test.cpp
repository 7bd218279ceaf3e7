// Podcast media served by the real feedd over real HTTP (docs/podcasts.md, "Serving media and
// downloads"), checked with curl, ffprobe and ffmpeg: whole files, HEAD, byte ranges, If-Range,
// 304s, what is refused, a CDN's media_url, seeking over HTTP, and a stalled reader that holds
// nobody else up.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "daemon/running_feedd.h"
#include "daemon/site_fixture.h"
#include "support/process.h"

namespace feedd::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Five seconds of a tone as MP3, made once per run with Debian's ffmpeg (nothing committed).
const fs::path& episode_source() {
    static TempDir dir;
    static const fs::path file = [] {
        const auto out = dir.path() / "episode.mp3";
        const auto made =
            run_program({"/usr/bin/ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                         "sine=frequency=440:duration=5", "-ac", "1", "-b:a", "64k", out.string()});
        if (made.exit_code != 0) throw std::runtime_error("ffmpeg: " + made.err);
        return out;
    }();
    return file;
}

struct Curl {
    int status = 0;
    std::string headers;  // lower-cased
    std::string body;
    std::string header(const std::string& name) const {
        const std::regex pattern("(^|\n)" + name + ": ([^\r\n]*)");
        std::smatch match;
        return std::regex_search(headers, match, pattern) ? match[2].str() : "<none>";
    }
};

class Media : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(site_.content() / "episodes");
        fs::copy_file(episode_source(), episode());
        audio_ = read_file(episode());
        site_.write_config("127.0.0.1:0", "", "podcast:\n  author: A Tester\n");
    }

    fs::path episode() const { return site_.content() / "episodes" / "042-guest.mp3"; }
    std::string url(const RunningFeedd& feedd, const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(feedd.port()) + path;
    }

    // curl with `args` before the URL; headers and body captured apart.
    Curl curl(const RunningFeedd& feedd, const std::string& path,
              std::vector<std::string> args = {}) const {
        const auto headers = dir_.path() / "headers";
        const auto body = dir_.path() / "body";
        std::vector<std::string> argv{"/usr/bin/curl",  "-s", "--path-as-is", "-D",
                                      headers.string(), "-o", body.string(),  "-w",
                                      "%{http_code}"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back(url(feedd, path));
        const auto run = run_program(argv);
        Curl out;
        out.status = std::atoi(run.out.c_str());
        out.headers = read_file(headers);
        for (auto& c : out.headers)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.body = fs::exists(body) ? read_file(body) : "";
        fs::remove(body);
        return out;
    }

    SiteFixture site_;
    TempDir dir_;
    std::string audio_;
};

TEST_F(Media, WholeFileAndHead) {
    RunningFeedd feedd(site_.config());
    const auto got = curl(feedd, "/media/episodes/042-guest.mp3");
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body, audio_);
    EXPECT_EQ(got.header("content-type"), "audio/mpeg");
    EXPECT_EQ(got.header("content-length"), std::to_string(audio_.size()));
    EXPECT_EQ(got.header("accept-ranges"), "bytes");
    EXPECT_NE(got.header("etag"), "<none>");
    EXPECT_NE(got.header("last-modified"), "<none>");

    const auto head = curl(feedd, "/media/episodes/042-guest.mp3", {"-I"});
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), std::to_string(audio_.size()));
    EXPECT_EQ(head.header("etag"), got.header("etag"));
    // curl -I writes the head to its output too: nothing may follow it.
    std::string lowered = head.body;
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(lowered, head.headers);
    // The feeds are served beside the media as ever.
    EXPECT_EQ(curl(feedd, "/feed.xml").status, 200);
}

TEST_F(Media, ByteRanges) {
    RunningFeedd feedd(site_.config());
    const std::string size = std::to_string(audio_.size());
    auto got = curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "100-199"});
    EXPECT_EQ(got.status, 206);
    EXPECT_EQ(got.body, audio_.substr(100, 100));
    EXPECT_EQ(got.header("content-range"), "bytes 100-199/" + size);

    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "-1024"});
    EXPECT_EQ(got.status, 206);
    EXPECT_EQ(got.body, audio_.substr(audio_.size() - 1024));

    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "1000-"});
    EXPECT_EQ(got.status, 206);
    EXPECT_EQ(got.body, audio_.substr(1000));

    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "0-9,2000-2009"});
    EXPECT_EQ(got.status, 206);
    const auto type = got.header("content-type");
    ASSERT_TRUE(type.starts_with("multipart/byteranges; boundary=")) << type;
    EXPECT_NE(got.body.find("Content-Range: bytes 0-9/" + size + "\r\n\r\n" + audio_.substr(0, 10)),
              std::string::npos);
    EXPECT_NE(got.body.find("Content-Range: bytes 2000-2009/" + size + "\r\n\r\n" +
                            audio_.substr(2000, 10)),
              std::string::npos);
    EXPECT_EQ(got.header("content-length"), std::to_string(got.body.size()));

    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "99999999-"});
    EXPECT_EQ(got.status, 416);
    EXPECT_EQ(got.header("content-range"), "bytes */" + size);

    // Invalid syntax: the Range is ignored.
    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-H", "Range: bytes=50-10"});
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body, audio_);
}

TEST_F(Media, IfRangeAndConditionalRequests) {
    RunningFeedd feedd(site_.config());
    const auto first = curl(feedd, "/media/episodes/042-guest.mp3", {"-I"});
    // Back to the original spelling of the (lower-cased) validators: an ETag is hex digits.
    const auto etag = first.header("etag");  // quotes and hex digits: lower case already
    const std::string raw = read_file(dir_.path() / "headers");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(raw, match, std::regex("Last-Modified: ([^\r\n]*)")));
    const std::string modified = match[1];

    auto got =
        curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "0-9", "-H", "If-Range: " + etag});
    EXPECT_EQ(got.status, 206);
    EXPECT_EQ(got.body, audio_.substr(0, 10));
    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "0-9", "-H", "If-Range: \"stale\""});
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body, audio_);
    got =
        curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "0-9", "-H", "If-Range: " + modified});
    EXPECT_EQ(got.status, 206);
    got = curl(feedd, "/media/episodes/042-guest.mp3",
               {"-r", "0-9", "-H", "If-Range: Thu, 01 Jan 1970 00:00:00 GMT"});
    EXPECT_EQ(got.status, 200);

    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-H", "If-None-Match: " + etag});
    EXPECT_EQ(got.status, 304);
    EXPECT_TRUE(got.body.empty());
    EXPECT_EQ(got.header("etag"), etag);
    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-H", "If-Modified-Since: " + modified});
    EXPECT_EQ(got.status, 304);
    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-H", "If-None-Match: \"other\""});
    EXPECT_EQ(got.status, 200);

    // A replaced file has another validator: the old one gets the whole new file.
    std::this_thread::sleep_for(10ms);
    write_file(episode(), audio_ + "more");
    got = curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "0-9", "-H", "If-Range: " + etag});
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body, audio_ + "more");
}

TEST_F(Media, RefusesTraversalSymlinksOutAndNonMediaFiles) {
    write_file(site_.root() / "secret.mp3", "ID3 not for the web");
    fs::create_symlink(site_.root() / "secret.mp3", site_.content() / "episodes" / "out.mp3");
    fs::create_symlink("../../secret.mp3", site_.content() / "episodes" / "up.mp3");
    fs::create_symlink(site_.root(), site_.content() / "root");
    write_file(site_.content() / "episodes" / "042-guest.md",
               "---\ntitle: Guest\n---\nShow notes.\n");
    write_file(site_.content() / "episodes" / ".hidden.mp3", audio_);
    RunningFeedd feedd(site_.config());
    for (const char* path :
         {"/media/../secret.mp3", "/media/%2e%2e/secret.mp3",
          "/media/episodes/%2E%2E/%2e%2e/secret.mp3", "/media/episodes%2f042-guest.mp3",
          "/media/episodes/042-guest.mp3%00.mp3"}) {
        const auto got = curl(feedd, path);
        EXPECT_EQ(got.status, 400) << path;
        EXPECT_EQ(got.body.find("not for the web"), std::string::npos) << path;
    }
    for (const char* path :
         {"/media/episodes/out.mp3", "/media/episodes/up.mp3", "/media/root/secret.mp3",
          "/media/episodes/042-guest.md", "/media/episodes/.hidden.mp3", "/media/episodes/",
          "/media/episodes", "/media/feedd.yaml", "/media/missing.mp3"}) {
        const auto got = curl(feedd, path);
        EXPECT_EQ(got.status, 404) << path;
        EXPECT_EQ(got.body.find("not for the web"), std::string::npos) << path;
        EXPECT_EQ(got.body.find("Show notes"), std::string::npos) << path;
    }
    EXPECT_EQ(curl(feedd, "/media/episodes/042-guest.mp3", {"-X", "POST"}).status, 405);
}

TEST_F(Media, NothingIsServedWhenACdnHoldsTheMedia) {
    site_.write_config("127.0.0.1:0", "", "podcast:\n  media_url: https://cdn.example.net/show/\n");
    RunningFeedd feedd(site_.config());
    const auto got = curl(feedd, "/media/episodes/042-guest.mp3");
    EXPECT_EQ(got.status, 404);
    EXPECT_NE(got.body, audio_);
}

TEST_F(Media, NothingIsServedWithoutAPodcast) {
    site_.write_config("127.0.0.1:0");
    RunningFeedd feedd(site_.config());
    EXPECT_EQ(curl(feedd, "/media/episodes/042-guest.mp3").status, 404);
}

TEST_F(Media, FfprobeReadsAndFfmpegSeeksOverHttp) {
    RunningFeedd feedd(site_.config());
    const auto episode_url = url(feedd, "/media/episodes/042-guest.mp3");
    const auto probe = run_program({"/usr/bin/ffprobe", "-v", "error", "-show_entries",
                                    "format=duration", "-of", "csv=p=0", episode_url});
    ASSERT_EQ(probe.exit_code, 0) << probe.err;
    EXPECT_NEAR(std::stod(probe.out), 5.0, 0.1);
    const auto before = feedd.get("/metrics").body;
    // Seeking to 2 s over HTTP asks for a range from the middle of the file.
    const auto seek = run_program({"/usr/bin/ffmpeg", "-nostdin", "-v", "error", "-ss", "3", "-i",
                                   episode_url, "-t", "0.5", "-f", "null", "-"});
    EXPECT_EQ(seek.exit_code, 0) << seek.err;
    const auto packets =
        run_program({"/usr/bin/ffprobe", "-v", "error", "-read_intervals", "3%+0.5",
                     "-show_entries", "packet=pts_time", "-of", "csv=p=0", episode_url});
    ASSERT_EQ(packets.exit_code, 0) << packets.err;
    ASSERT_FALSE(packets.out.empty());
    EXPECT_GE(std::stod(packets.out), 2.5);
    const auto after = feedd.get("/metrics").body;
    const std::regex partial(R"(feedd_http_requests_total\{path="other",code="206"\} (\d+))");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(after, match, partial)) << after;
    EXPECT_GE(std::stoi(match[1]), 1);
}

// Downloads counted by the IAB rules for a scripted set of clients (behind a trusted proxy, so
// that each has its own address): what /stats.json, /stats, /metrics and `feedd stats` say, and
// what state_dir keeps after a stop — with no address in it.
TEST_F(Media, DownloadsOfScriptedClients) {
    site_.write_config("127.0.0.1:0", "",
                       "  trusted_proxies: [127.0.0.1]\npodcast:\n  author: A Tester\n");
    const std::string player = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X)";
    const std::string path = "/media/episodes/042-guest.mp3";
    const auto size = audio_.size();  // under a minute at 128 kbit/s: the whole file counts
    const auto state = site_.root() / "state";
    {
        RunningFeedd feedd(site_.config());
        const auto as = [&](const std::string& address, const std::string& agent,
                            std::vector<std::string> args = {}) {
            args.insert(args.end(), {"-H", "X-Forwarded-For: " + address, "-A", agent});
            return curl(feedd, path, args);
        };
        // 1: the whole file, twice (a repeat within 24 h is the same download).
        EXPECT_EQ(as("198.51.100.1", player).status, 200);
        EXPECT_EQ(as("198.51.100.1", player).status, 200);
        // 2: the file in ranges of 10 000 bytes, one overlapping another.
        for (std::size_t first = 0; first < size; first += 10'000)
            EXPECT_EQ(as("198.51.100.2", player,
                         {"-r", std::to_string(first) + "-" + std::to_string(first + 9'999)})
                          .status,
                      206);
        EXPECT_EQ(as("198.51.100.2", player, {"-r", "0-15000"}).status, 206);
        // None: a 2-byte probe, half the file, a bot, a HEAD.
        EXPECT_EQ(as("198.51.100.3", player, {"-r", "0-1"}).status, 206);
        EXPECT_EQ(as("198.51.100.4", player, {"-r", "0-" + std::to_string(size / 2)}).status, 206);
        EXPECT_EQ(as("198.51.100.5",
                     "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
                      .status,
                  200);
        EXPECT_EQ(as("198.51.100.6", player, {"-I"}).status, 200);
        // Same address, another app: another client.
        EXPECT_EQ(as("198.51.100.1", "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)").status,
                  200);

        const auto stats = nlohmann::json::parse(feedd.get("/stats.json").body);
        ASSERT_TRUE(stats.contains("downloads")) << stats.dump(1);
        EXPECT_EQ(stats["downloads"]["show"]["today"], 3);
        ASSERT_EQ(stats["downloads"]["episodes"].size(), 1u);
        EXPECT_EQ(stats["downloads"]["episodes"][0]["media"], path);
        EXPECT_EQ(stats["downloads"]["episodes"][0]["today"], 3);
        EXPECT_NE(feedd.get("/metrics")
                      .body.find("feedd_podcast_downloads_total{media=\"" + path + "\"} 3\n"),
                  std::string::npos);
        EXPECT_NE(feedd.get("/stats").body.find("<tr><td>" + path + "</td><td>3</td>"),
                  std::string::npos);
        EXPECT_EQ(feedd.stop(), 0);  // a stop saves them
    }
    const auto saved = read_file(state / "downloads.json");
    EXPECT_NE(saved.find("\"" + path + "\": 3"), std::string::npos) << saved;
    const auto table = run_program({FEEDD_BINARY, "stats", "-c", site_.config().string()});
    EXPECT_EQ(table.exit_code, 0) << table.err;
    EXPECT_TRUE(std::regex_search(table.out, std::regex(path + " +3 +0 +3 +3 +3\n"))) << table.out;
    // They add up across a restart.
    {
        RunningFeedd feedd(site_.config());
        curl(feedd, path, {"-H", "X-Forwarded-For: 203.0.113.9", "-A", player});
        const auto stats = nlohmann::json::parse(feedd.get("/stats.json").body);
        EXPECT_EQ(stats["downloads"]["show"]["today"], 4);
    }
    for (const auto& entry : fs::recursive_directory_iterator(state)) {
        if (!entry.is_regular_file()) continue;
        const auto bytes = read_file(entry.path());
        for (const char* address : {"198.51.100", "203.0.113", "127.0.0.1"})
            EXPECT_EQ(bytes.find(address), std::string::npos)
                << entry.path() << " holds " << address;
    }
}

// An episode's minute of audio comes from its duration as TagLib read it (90 s at 8 kbit/s: a
// minute is two thirds of the file), not from the 128 kbit/s default that would ask for all of it.
TEST_F(Media, AMinuteOfAnEpisodeIsItsBytesPerSecondTimesSixty) {
    const auto made = run_program({"/usr/bin/ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi",
                                   "-i", "sine=frequency=440:duration=90", "-ac", "1", "-ar",
                                   "8000", "-b:a", "8k", (dir_.path() / "long.mp3").string()});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    fs::copy_file(dir_.path() / "long.mp3", site_.content() / "episodes" / "090-long.mp3");
    write_file(site_.content() / "episodes" / "090-long.md",
               "---\ntitle: A long episode\ndate: 2026-05-01T08:00:00Z\n---\nNinety seconds.\n");
    site_.write_config("127.0.0.1:0", "",
                       "  trusted_proxies: [127.0.0.1]\npodcast:\n  author: A Tester\n");
    const auto size = fs::file_size(site_.content() / "episodes" / "090-long.mp3");
    ASSERT_LT(size, 960'000u);  // so that without the duration only the whole file would count
    RunningFeedd feedd(site_.config());
    ASSERT_NE(feedd.get("/feed.xml").body.find("<itunes:duration>00:01:30</itunes:duration>"),
              std::string::npos);
    const std::string path = "/media/episodes/090-long.mp3";
    const std::string player = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
    const auto fetch = [&](const std::string& address, std::uint64_t last) {
        return curl(feedd, path,
                    {"-H", "X-Forwarded-For: " + address, "-A", player, "-r",
                     "0-" + std::to_string(last)})
            .status;
    };
    EXPECT_EQ(fetch("198.51.100.7", size * 55 / 90), 206);  // 55 s of audio: not yet
    EXPECT_EQ(fetch("198.51.100.8", size * 65 / 90), 206);  // 65 s: a download
    const auto stats = nlohmann::json::parse(feedd.get("/stats.json").body);
    ASSERT_TRUE(stats.contains("downloads")) << stats.dump(1);
    EXPECT_EQ(stats["downloads"]["show"]["today"], 1) << stats.dump(1);
}

// A client that asks for a large file and reads nothing holds its own connection only: the feed
// and other media are answered meanwhile, without waiting.
TEST_F(Media, AStalledReaderDoesNotHoldUpOthers) {
    {
        // 64 MB, mostly a hole: large enough that no socket buffer takes it.
        std::string big = audio_;
        write_file(site_.content() / "big.mp3", big);
        fs::resize_file(site_.content() / "big.mp3", 64u << 20);
    }
    RunningFeedd feedd(site_.config());
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(feedd.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const std::string request = "GET /media/big.mp3 HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    char first[512];
    ASSERT_GT(::read(fd, first, sizeof first), 0);  // the response has begun, and then stalls
    for (int i = 0; i < 5; ++i) {
        const auto start = std::chrono::steady_clock::now();
        EXPECT_EQ(feedd.get("/feed.xml").status, 200);
        const auto got = curl(feedd, "/media/episodes/042-guest.mp3", {"-r", "0-99"});
        EXPECT_EQ(got.status, 206);
        EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    }
    ::close(fd);
}

}  // namespace
}  // namespace feedd::test
