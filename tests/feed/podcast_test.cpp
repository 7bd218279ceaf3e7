// A site's feeds as a podcast show (docs/podcasts.md): the channel and episode tags, media URLs,
// podcast:guid and the podcast lint of `feedd check`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "feed/feed.h"
#include "feed/feed_test_support.h"
#include "feed/podcast.h"
#include "feed/writers.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;
using test::at;

Config show_config() {
    Config c = test::site_config();
    c.file = "/etc/feedd/feedd.yaml";
    c.content.dir = "/srv/content";
    c.site.author = {"Ada", ""};
    c.podcast.enabled = true;
    c.podcast.owner = {"Ada Lovelace", "ada@example.org"};
    c.podcast.image = "art/show 1.png";
    c.podcast.categories = {"Technology", "News/Tech News"};
    c.podcast.explicit_content = false;
    c.podcast.locked = true;
    c.podcast.funding = {{"https://pay.example.org/", "Support us"}};
    c.podcast.new_feed_url = "https://new.example.org/feed.xml";
    return c;
}

Article episode_article() {
    Article a = test::article("episodes/042-guest.md", "Guest", at(2026, 1, 2));
    a.enclosure = Enclosure{"042-guest.mp3", 12225, "audio/mpeg", "episodes/042 guest.mp3", 3725};
    Episode episode;
    episode.episode = 42;
    episode.season = 2;
    episode.episode_type = "full";
    episode.explicit_content = true;
    episode.transcript = {"042-guest.vtt", "episodes/042-guest.vtt", "text/vtt"};
    episode.chapters = {"https://cdn.example.org/c.json", "", "application/json+chapters"};
    episode.persons = {{"Bob", "guest", "", "https://bob.example", ""}};
    episode.soundbites = {{65, 30.5, "Best bit"}};
    a.episode = std::move(episode);
    return a;
}

pugi::xml_document parse(const std::string& xml) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
    return doc;
}

TEST(PodcastGuid, IsTheUuid5OfTheFeedUrlWithoutSchemeAndTrailingSlashes) {
    // The example of https://podcastindex.org/namespace/1.0 (podcast:guid).
    EXPECT_EQ(podcast_guid("https://podnews.net/rss").value_or(""),
              "9b024349-ccf0-5f69-a609-6b82873eab3c");
    EXPECT_EQ(podcast_guid("http://podnews.net/rss//"), podcast_guid("podnews.net/rss"));
    EXPECT_NE(podcast_guid("https://podnews.net/rss2"), podcast_guid("https://podnews.net/rss"));
}

TEST(PodcastUrls, MediaFilesAreUnderMediaPathOrMediaUrlPercentEncoded) {
    Config c = show_config();
    EXPECT_EQ(media_file_url(c, "episodes/042 guest#1.mp3"),
              "https://news.example.org/media/episodes/042%20guest%231.mp3");
    c.site.url = "https://example.org/blog/";
    c.podcast.media_path = "/audio/";
    EXPECT_EQ(media_file_url(c, "a/b.mp3"), "https://example.org/blog/audio/a/b.mp3");
    c.podcast.media_url = "https://cdn.example.net/show/";
    EXPECT_EQ(media_file_url(c, "a/ü.mp3"), "https://cdn.example.net/show/a/%C3%BC.mp3");
    EXPECT_EQ(itunes_duration(3725), "01:02:05");
    EXPECT_EQ(itunes_duration(59), "00:00:59");
}

TEST(PodcastRss, TheChannelCarriesTheShow) {
    const Config c = show_config();
    const auto xml = render_rss(make_feed({episode_article()}, c, at(2026, 2, 1)));
    const auto doc = parse(xml);
    const auto rss = doc.child("rss");
    EXPECT_STREQ(rss.attribute("xmlns:itunes").value(),
                 "http://www.itunes.com/dtds/podcast-1.0.dtd");
    EXPECT_STREQ(rss.attribute("xmlns:podcast").value(), "https://podcastindex.org/namespace/1.0");
    const auto ch = rss.child("channel");
    EXPECT_STREQ(ch.child_value("itunes:author"), "Ada");
    EXPECT_STREQ(ch.child("itunes:owner").child_value("itunes:name"), "Ada Lovelace");
    EXPECT_STREQ(ch.child("itunes:owner").child_value("itunes:email"), "ada@example.org");
    EXPECT_STREQ(ch.child("itunes:image").attribute("href").value(),
                 "https://news.example.org/media/art/show%201.png");
    auto category = ch.child("itunes:category");
    EXPECT_STREQ(category.attribute("text").value(), "Technology");
    EXPECT_FALSE(category.child("itunes:category"));
    category = category.next_sibling("itunes:category");
    EXPECT_STREQ(category.attribute("text").value(), "News");
    EXPECT_STREQ(category.child("itunes:category").attribute("text").value(), "Tech News");
    EXPECT_STREQ(ch.child_value("itunes:explicit"), "false");
    EXPECT_STREQ(ch.child_value("itunes:type"), "episodic");
    EXPECT_FALSE(ch.child("itunes:complete"));
    EXPECT_STREQ(ch.child_value("itunes:new-feed-url"), "https://new.example.org/feed.xml");
    EXPECT_STREQ(ch.child_value("podcast:locked"), "yes");
    EXPECT_STREQ(ch.child("podcast:locked").attribute("owner").value(), "ada@example.org");
    EXPECT_STREQ(ch.child("podcast:funding").attribute("url").value(), "https://pay.example.org/");
    EXPECT_STREQ(ch.child_value("podcast:funding"), "Support us");
    EXPECT_STREQ(ch.child_value("podcast:medium"), "podcast");
    EXPECT_EQ(ch.child_value("podcast:guid"), *podcast_guid("https://news.example.org/feed.xml"));
}

TEST(PodcastRss, AnArchivePageCarriesItsShowsGuid) {
    Feed feed = make_feed({episode_article()}, show_config(), at(2026, 2, 1));
    feed.archive = true;
    feed.urls.rss = "https://news.example.org/archive/1.xml";
    feed.current.rss = "https://news.example.org/feed.xml";
    const auto doc = parse(render_rss(feed));
    EXPECT_EQ(doc.child("rss").child("channel").child_value("podcast:guid"),
              *podcast_guid("https://news.example.org/feed.xml"));
}

TEST(PodcastRss, AnItemCarriesTheEpisode) {
    const Config c = show_config();
    const auto doc = parse(render_rss(make_feed({episode_article()}, c, at(2026, 2, 1))));
    const auto item = doc.child("rss").child("channel").child("item");
    const auto enclosure = item.child("enclosure");
    EXPECT_STREQ(enclosure.attribute("url").value(),
                 "https://news.example.org/media/episodes/042%20guest.mp3");
    EXPECT_STREQ(enclosure.attribute("length").value(), "12225");
    EXPECT_STREQ(enclosure.attribute("type").value(), "audio/mpeg");
    EXPECT_STREQ(item.child_value("itunes:duration"), "01:02:05");
    EXPECT_STREQ(item.child_value("itunes:explicit"), "true");
    EXPECT_STREQ(item.child_value("itunes:episode"), "42");
    EXPECT_STREQ(item.child_value("itunes:season"), "2");
    EXPECT_STREQ(item.child_value("itunes:episodeType"), "full");
    EXPECT_STREQ(item.child("podcast:transcript").attribute("url").value(),
                 "https://news.example.org/media/episodes/042-guest.vtt");
    EXPECT_STREQ(item.child("podcast:transcript").attribute("type").value(), "text/vtt");
    EXPECT_STREQ(item.child("podcast:chapters").attribute("url").value(),
                 "https://cdn.example.org/c.json");
    EXPECT_STREQ(item.child_value("podcast:person"), "Bob");
    EXPECT_STREQ(item.child("podcast:person").attribute("role").value(), "guest");
    EXPECT_STREQ(item.child("podcast:soundbite").attribute("startTime").value(), "65");
    EXPECT_STREQ(item.child("podcast:soundbite").attribute("duration").value(), "30.5");
    // The guid is the article's: replacing the file changes neither it nor the URL.
    Article replaced = episode_article();
    replaced.enclosure->length = 99;
    replaced.enclosure->duration_s = 4;
    const auto again = parse(render_rss(make_feed({replaced}, c, at(2026, 2, 1))));
    const auto item2 = again.child("rss").child("channel").child("item");
    EXPECT_STREQ(item2.child_value("guid"), item.child_value("guid"));
    EXPECT_STREQ(item2.child("enclosure").attribute("url").value(),
                 enclosure.attribute("url").value());
    EXPECT_STREQ(item2.child("enclosure").attribute("length").value(), "99");
    EXPECT_STREQ(item2.child_value("itunes:duration"), "00:00:04");
}

TEST(PodcastRss, WithoutAShowNothingChanges) {
    Config c = test::site_config();
    Article a = episode_article();
    const auto xml = render_rss(make_feed({a}, c, at(2026, 2, 1)));
    EXPECT_EQ(xml.find("itunes"), std::string::npos);
    EXPECT_EQ(xml.find("podcast:"), std::string::npos);
    // A file named as the enclosure is a link relative to the article, as before.
    EXPECT_NE(xml.find("url=\"https://news.example.org/episodes/042-guest/042-guest.mp3\""),
              std::string::npos)
        << xml;
}

TEST(PodcastAtomAndJson, CarryTheEnclosureAndWhatTheyCanSay) {
    const Config c = show_config();
    const Feed feed = make_feed({episode_article()}, c, at(2026, 2, 1));
    const auto atom = parse(render_atom(feed));
    const auto link =
        atom.child("feed").child("entry").find_child_by_attribute("link", "rel", "enclosure");
    EXPECT_STREQ(link.attribute("href").value(),
                 "https://news.example.org/media/episodes/042%20guest.mp3");
    EXPECT_STREQ(link.attribute("length").value(), "12225");
    EXPECT_STREQ(link.attribute("type").value(), "audio/mpeg");
    EXPECT_STREQ(atom.child("feed").child_value("logo"),
                 "https://news.example.org/media/art/show%201.png");
    const auto json = nlohmann::json::parse(render_json(feed));
    EXPECT_EQ(json["icon"], "https://news.example.org/media/art/show%201.png");
    const auto& attachments = json["items"][0]["attachments"];
    ASSERT_EQ(attachments.size(), 2u);
    EXPECT_EQ(attachments[0]["url"], "https://news.example.org/media/episodes/042%20guest.mp3");
    EXPECT_EQ(attachments[0]["size_in_bytes"], 12225);
    EXPECT_EQ(attachments[0]["duration_in_seconds"], 3725);
    EXPECT_EQ(attachments[0]["mime_type"], "audio/mpeg");
    EXPECT_EQ(attachments[1]["mime_type"], "text/vtt");
}

TEST(EpisodeGuids, RoundTripAndSkipBadLines) {
    const EpisodeGuids guids = {{"a/1.mp3", "https://x/1/"}, {"https://cdn/2.mp3", "tag:2"}};
    EXPECT_EQ(parse_episode_guids(format_episode_guids(guids)), guids);
    EXPECT_EQ(parse_episode_guids("no tab\n\ta\nx\ty\tz\nok\tfine"),
              (EpisodeGuids{{"ok", "fine"}}));
}

std::vector<std::string> lint_lines(const Config& c, const std::vector<Article>& articles,
                                    const EpisodeGuids& last = {}) {
    std::vector<std::string> lines;
    for (const auto& p : podcast_lint(c, pointers_to(articles), last, at(2026, 2, 1)))
        lines.push_back(std::string(p.severity == Severity::error ? "E " : "W ") + to_string(p));
    return lines;
}

TEST(PodcastLint, ReportsWhatDirectoriesReject) {
    Config c = show_config();
    c.podcast.owner.email.clear();
    c.podcast.image.clear();
    c.podcast.categories.clear();
    c.podcast.explicit_content.reset();
    Article missing = test::article("b.md", "B", at(2026, 1, 1));
    missing.enclosure = Enclosure{"gone.mp3", 0, "", "", std::nullopt};
    Article unknown = test::article("c.md", "C", at(2026, 1, 1));
    unknown.enclosure = Enclosure{"c.xyz", 10, "", "c.xyz", std::nullopt};
    Article plain = test::article("d.md", "D", at(2026, 1, 1));
    plain.enclosure = Enclosure{"http://cdn.example.org/d.mp3", 10, "audio/mpeg", "", std::nullopt};
    const auto lines = lint_lines(c, {missing, unknown, plain});
    const std::vector<std::string> expected = {
        "W /etc/feedd/feedd.yaml: podcast: no 'podcast.owner.email' (Spotify and Podcast Index use "
        "it to verify the owner)",
        "E /etc/feedd/feedd.yaml: podcast: no 'podcast.image' (Apple Podcasts requires show "
        "artwork)",
        "E /etc/feedd/feedd.yaml: podcast: no 'podcast.categories' (Apple Podcasts requires one of "
        "its categories)",
        "E /etc/feedd/feedd.yaml: podcast: no 'podcast.explicit' (Apple Podcasts requires true or "
        "false)",
        "E b.md: podcast: enclosure file 'gone.mp3' not found",
        "E c.md: podcast: enclosure 'c.xyz' is of an unknown type",
        "W c.md: podcast: enclosure 'c.xyz' has no duration that could be read",
        "W d.md: podcast: enclosure URL http://cdn.example.org/d.mp3 is http://; Apple Podcasts "
        "and "
        "many apps want https://",
    };
    EXPECT_EQ(lines, expected);
    c.podcast.enabled = false;
    EXPECT_TRUE(lint_lines(c, {missing}).empty());
}

TEST(PodcastLint, ChecksTheImageFileAndGuidChanges) {
    const fs::path dir = test::write_temp("art.png", "").parent_path();
    Config c = show_config();
    c.content.dir = dir;
    c.podcast.image = "art.png";
    const auto png = [&](std::uint32_t w, std::uint32_t h) {
        std::string bytes = "\x89PNG\r\n\x1A\n";
        bytes += std::string("\0\0\0\x0DIHDR", 8);
        for (std::uint32_t v : {w, h})
            for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>(v >> shift);
        bytes += std::string("\x08\x02\0\0\0\0\0\0\0", 9);
        std::ofstream(dir / "art.png", std::ios::binary) << bytes;
    };
    png(1400, 1400);
    EXPECT_TRUE(lint_lines(c, {}).empty());
    png(1000, 1000);
    ASSERT_EQ(lint_lines(c, {}).size(), 1u);
    EXPECT_NE(lint_lines(c, {})[0].find("is 1000x1000 px; Apple Podcasts wants a square from "
                                        "1400x1400 to 3000x3000"),
              std::string::npos);
    png(3000, 2000);
    EXPECT_NE(lint_lines(c, {})[0].find("is 3000x2000 px"), std::string::npos);
    std::ofstream(dir / "art.png", std::ios::binary) << "GIF89a";
    EXPECT_NE(lint_lines(c, {})[0].find("is not a JPEG or PNG image"), std::string::npos);
    fs::remove(dir / "art.png");
    EXPECT_NE(lint_lines(c, {})[0].find("cannot open it"), std::string::npos);
    png(1400, 1400);

    Article a = episode_article();
    a.enclosure->duration_s = 3;
    const auto now = episode_guids(pointers_to(std::vector<Article>{a}), c);
    ASSERT_EQ(now.size(), 1u);
    EXPECT_EQ(now.at("episodes/042 guest.mp3"), "https://news.example.org/episodes/042-guest/");
    EXPECT_TRUE(lint_lines(c, {a}, now).empty());
    const auto lines = lint_lines(c, {a}, {{"episodes/042 guest.mp3", "tag:old"}});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0],
              "W episodes/042-guest.md: podcast: the guid of 'episodes/042 guest.mp3' changed from "
              "tag:old to https://news.example.org/episodes/042-guest/ since the last build; apps "
              "will show the episode again as new");
}

}  // namespace
}  // namespace feedd
