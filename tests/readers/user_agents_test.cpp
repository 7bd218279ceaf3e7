// Each aggregator of readers/user_agents.cpp's table with a User-Agent it sends, and the bots and
// readers that are not aggregators.
#include "readers/user_agents.h"

#include <gtest/gtest.h>

namespace feedd::readers {
namespace {

ClientClass aggregator(std::string source, std::uint64_t n, std::string id = "") {
    return {ClientKind::aggregator, std::move(source), n, std::move(id)};
}

TEST(UserAgents, Feedly) {
    EXPECT_EQ(
        classify_user_agent("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; )"),
        aggregator("feedly", 42));
    EXPECT_EQ(classify_user_agent("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 7 subscribers; "
                                  "like FeedFetcher-Google)"),
              aggregator("feedly", 7));
}

TEST(UserAgents, Inoreader) {
    EXPECT_EQ(classify_user_agent("Mozilla/5.0 (compatible; inoreader.com; 23 subscribers)"),
              aggregator("inoreader", 23));
}

TEST(UserAgents, NewsBlurWithItsSiteIdAsFeedId) {
    EXPECT_EQ(
        classify_user_agent(
            "NewsBlur Feed Fetcher - 13 subscribers - http://www.newsblur.com/site/1/example "
            "(Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_3) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/64.0.3282.186 Safari/537.36)"),
        aggregator("newsblur", 13, "1"));
}

TEST(UserAgents, Feedbin) {
    EXPECT_EQ(classify_user_agent("Feedbin feed-id:1373711 - 142 subscribers"),
              aggregator("feedbin", 142, "1373711"));
}

TEST(UserAgents, TheOldReader) {
    EXPECT_EQ(
        classify_user_agent(
            "Mozilla/5.0 (compatible; theoldreader.com; 5 subscribers; feed-id=ad8d52ab9e2f5a3e)"),
        aggregator("theoldreader", 5, "ad8d52ab9e2f5a3e"));
}

TEST(UserAgents, BazQux) {
    EXPECT_EQ(
        classify_user_agent(
            "Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 3 subscribers)"),
        aggregator("bazqux", 3));
}

TEST(UserAgents, Feedspot) {
    EXPECT_EQ(
        classify_user_agent(
            "Mozilla/5.0 (compatible; Feedspot/1.0 (+https://www.feedspot.com/fs/fetcher; like "
            "FeedFetcher-Google); 8 subscribers)"),
        aggregator("feedspot", 8));
}

TEST(UserAgents, BloglovinInTotal) {
    EXPECT_EQ(
        classify_user_agent(
            "Bloglovin/1.0 (rss fetcher; +http://www.bloglovin.com/; 1 in total subscribers)"),
        aggregator("bloglovin", 1));
}

TEST(UserAgents, NetvibesIsAnAggregatorThoughItSaysBot) {
    EXPECT_EQ(
        classify_user_agent(
            "Netvibes (crawler/bot; http://www.netvibes.com; 17 subscribers; feedID: 2431342)"),
        aggregator("netvibes", 17, "2431342"));
}

TEST(UserAgents, GoogleFeedfetcherAndOvercast) {
    EXPECT_EQ(classify_user_agent(
                  "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 4 subscribers; "
                  "feed-id=9048986372668769311)"),
              aggregator("feedfetcher-google", 4, "9048986372668769311"));
    EXPECT_EQ(
        classify_user_agent(
            "Overcast/1.0 Podcast Sync (1190 subscribers; feed-id=554901; +http://overcast.fm/)"),
        aggregator("overcast", 1190, "554901"));
}

TEST(UserAgents, OneSubscriberAndReaders) {
    EXPECT_EQ(
        classify_user_agent("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 1 subscriber; )"),
        aggregator("feedly", 1));
    EXPECT_EQ(classify_user_agent("NewsGatorOnline/2.0 (http://www.newsgator.com; 31 readers)"),
              aggregator("newsgator", 31));
}

TEST(UserAgents, AnUnlistedAggregatorIsNamedByItsProduct) {
    EXPECT_EQ(classify_user_agent("FeedHQ/1.0 (+https://feedhq.org/; 2 subscribers)"),
              aggregator("feedhq", 2));
    EXPECT_EQ(
        classify_user_agent(
            "Mozilla/5.0 (compatible; Readerly/3.1; +https://readerly.example; 9 subscribers)"),
        aggregator("readerly", 9));
}

TEST(UserAgents, ReadersWithoutACountAreClients) {
    for (const char* ua :
         {"Mozilla/5.0 (compatible; Miniflux/2.0.51; +https://miniflux.app)",
          "Tiny Tiny RSS/23.04 (https://tt-rss.org/)", "newsboat/2.30.1 (Linux x86_64)",
          "NetNewsWire (RSS Reader; https://netnewswire.com/)",
          "FreshRSS/1.21.0 (Linux; https://freshrss.org)", "Feedly/1.0", "FeedReader 3.14"}) {
        EXPECT_EQ(classify_user_agent(ua).kind, ClientKind::other) << ua;
        EXPECT_EQ(classify_user_agent(ua).source, "clients") << ua;
    }
}

TEST(UserAgents, BotsAreNotReaders) {
    for (const char* ua :
         {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
          "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
          "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
          "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
          "W3C_Validator/1.3 http://validator.w3.org/services", "FeedValidator/1.3", ""}) {
        EXPECT_EQ(classify_user_agent(ua).kind, ClientKind::bot) << ua;
        EXPECT_EQ(classify_user_agent(ua).source, "bots") << ua;
    }
}

}  // namespace
}  // namespace feedd::readers
