#include "config/config.h"
#include "config/podcast_categories.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace feedd {
namespace {

const std::filesystem::path kFile = "/etc/feedd/feedd.yaml";

constexpr const char* kMinimal = R"(site:
  title: Example News
  url: https://news.example.org
content:
  dir: ./content
)";

Config parse_ok(const std::string& yaml) {
    auto config = parse_config(yaml, kFile);
    EXPECT_TRUE(config.has_value()) << (config ? "" : config.error().message);
    return config.value_or(Config{});
}

std::string parse_error(const std::string& yaml) {
    auto config = parse_config(yaml, kFile);
    EXPECT_FALSE(config.has_value());
    return config ? std::string{} : config.error().message;
}

// Found by tests/fuzz/config_fuzz: a control character in a string went into the feeds.
TEST(Config, ControlCharactersInStringsAreRejected) {
    EXPECT_EQ(parse_error("site: {title: T, url: \"https://ex\x01ample.org\"}\ncontent: {dir: c}\n"),
              "/etc/feedd/feedd.yaml:1:23: 'site.url' must not contain control characters");
    EXPECT_NE(parse_error("site: {title: \"a\\x1bb\", url: \"https://e.org\"}\ncontent: {dir: c}\n"), "");
    EXPECT_NE(parse_error(std::string(kMinimal) + "site2: 1\n").find("unknown key"), std::string::npos);
    EXPECT_EQ(parse_ok("site: {title: \"tab\\there\", url: \"https://e.org\"}\ncontent: {dir: c}\n")
                  .site.title,
              "tab\there");
}

// Found by tests/fuzz/config_fuzz: such bytes went into the feeds, which must be UTF-8.
TEST(Config, InvalidUtf8IsRejectedWithItsPosition) {
    EXPECT_EQ(parse_error(std::string(kMinimal) + "state_dir: \"s\xedt\"\n"),
              "/etc/feedd/feedd.yaml:6:14: the config file is not valid UTF-8");
    EXPECT_EQ(parse_error(std::string("\xff\xfes\0i\0", 6)),
              "/etc/feedd/feedd.yaml:1:1: the config file is not valid UTF-8");
    // Overlong and surrogate encodings are not UTF-8 either; real multi-byte text is.
    EXPECT_NE(parse_error(std::string(kMinimal) + "state_dir: \"\xc0\xaf\"\n"), "");
    EXPECT_NE(parse_error(std::string(kMinimal) + "state_dir: \"\xed\xa0\x80\"\n"), "");
    EXPECT_EQ(parse_ok(std::string(kMinimal) + "state_dir: \"Zürich 東京 😀\"\n").state_dir,
              "/etc/feedd/Zürich 東京 😀");
}

TEST(Config, MinimalFileGetsDocumentedDefaults) {
    const auto config = parse_ok(kMinimal);
    EXPECT_EQ(config.site.title, "Example News");
    EXPECT_EQ(config.site.url, "https://news.example.org/");  // a trailing slash is added
    EXPECT_EQ(config.site.permalink, "/{path}/");
    EXPECT_EQ(config.site.language, "en");
    EXPECT_EQ(config.content.timezone, "UTC");
    EXPECT_EQ(config.content.cut_markers, std::vector<std::string>{"Latest news"});
    EXPECT_EQ(config.content.debounce_ms, 200);
    EXPECT_EQ(config.feeds.limit, 50);
    EXPECT_TRUE(config.feeds.full_content);
    EXPECT_EQ(config.feeds.stylesheet, "");  // off
    EXPECT_FALSE(config.feeds.smart_titles);  // titles as written
    EXPECT_EQ(config.server.host, "127.0.0.1");
    EXPECT_EQ(config.server.port, 8080);
}

TEST(Config, RelativePathsAreRelativeToTheConfigFile) {
    const auto config = parse_ok(std::string(kMinimal) + "state_dir: ../var/feedd\n");
    EXPECT_EQ(config.content.dir, "/etc/feedd/content");
    EXPECT_EQ(config.state_dir, "/etc/var/feedd");
    EXPECT_EQ(config.file, kFile);
}

TEST(Config, DefaultStateDirIsBesideTheConfigFile) {
    EXPECT_EQ(parse_ok(kMinimal).state_dir, "/etc/feedd/state");
}

TEST(Config, ReadsEveryDocumentedKey) {
    const auto config = parse_ok(R"(site:
  title: T
  url: http://localhost:8080/blog/
  description: D
  language: de
  author: { name: Ada, email: ada@example.org }
  permalink: "/posts/{path}.html"
content:
  dir: /srv/content
  timezone: Europe/Berlin
  cut_markers: ["Latest news", "Read more"]
  debounce_ms: 50
  max_file_bytes: 1000
feeds:
  limit: 10
  full_content: false
  smart_titles: true
  stylesheet: /feed.xsl
server:
  listen: "[::1]:0"
  max_age: 60
ping:
  websub: [https://hub.example/, {url: "https://topic-hub.example/", param: hub.topic}]
  xmlrpc: [http://rpc.example/RPC2]
  enabled: false
state_dir: /var/lib/feedd
)");
    EXPECT_EQ(config.site.url, "http://localhost:8080/blog/");
    EXPECT_EQ(config.site.description, "D");
    EXPECT_EQ(config.site.language, "de");
    EXPECT_EQ(config.site.author, (Person{"Ada", "ada@example.org"}));
    EXPECT_EQ(config.site.permalink, "/posts/{path}.html");
    EXPECT_EQ(config.content.dir, "/srv/content");
    EXPECT_EQ(config.content.timezone, "Europe/Berlin");
    EXPECT_EQ(config.content.cut_markers, (std::vector<std::string>{"Latest news", "Read more"}));
    EXPECT_EQ(config.content.debounce_ms, 50);
    EXPECT_EQ(config.content.max_file_bytes, 1000u);
    EXPECT_EQ(config.feeds.limit, 10);
    EXPECT_FALSE(config.feeds.full_content);
    EXPECT_TRUE(config.feeds.smart_titles);
    EXPECT_EQ(config.feeds.stylesheet, "/feed.xsl");
    EXPECT_EQ(config.server.host, "::1");
    EXPECT_EQ(config.server.port, 0);
    EXPECT_EQ(config.server.max_age, 60);
    EXPECT_EQ(config.ping.websub, (std::vector<HubConfig>{{"https://hub.example/", false},
                                                          {"https://topic-hub.example/", true}}));
    EXPECT_EQ(config.ping.xmlrpc, std::vector<std::string>{"http://rpc.example/RPC2"});
    EXPECT_FALSE(config.ping.enabled);
    EXPECT_EQ(config.state_dir, "/var/lib/feedd");
}

TEST(Config, ContentKeysMapFeeddKeysToTheSitesNames) {
    const auto config =
        parse_ok(std::string(kMinimal) + "  keys:\n    author: [by, Written_By]\n    url: path\n");
    EXPECT_EQ(config.content.keys,
              (MetadataKeyNames{{"author", {"by", "Written_By"}}, {"url", {"path"}}}));
    EXPECT_TRUE(parse_ok(kMinimal).content.keys.empty());
}

TEST(Config, ContentKeysErrorsCarryLineAndColumn) {
    EXPECT_EQ(parse_error(std::string(kMinimal) + "  keys:\n    writer: [by]\n"),
              "/etc/feedd/feedd.yaml:7:5: unknown metadata key 'content.keys.writer' (expected "
              "one of: title, date, updated, expires, author, tags, categories, summary, draft, "
              "id, url, image, lang, slug, enclosure, episode, season, episode_type, explicit, "
              "transcript, chapters, persons, soundbites)");
    EXPECT_EQ(parse_error(std::string(kMinimal) + "  keys:\n    author: [by]\n    url: [By]\n"),
              "/etc/feedd/feedd.yaml:8:11: 'content.keys.url': 'By' already names 'author'");
    EXPECT_EQ(parse_error(std::string(kMinimal) + "  keys:\n    author: [\"\"]\n"),
              "/etc/feedd/feedd.yaml:7:14: 'content.keys.author' must not be empty");
    EXPECT_EQ(parse_error(std::string(kMinimal) + "  keys: [by]\n"),
              "/etc/feedd/feedd.yaml:6:9: 'content.keys' must be a mapping of feedd keys to the "
              "site's names for them, e.g. {author: [by]}");
    EXPECT_EQ(
        parse_error(std::string(kMinimal) + "  keys:\n    author: {a: b}\n"),
        "/etc/feedd/feedd.yaml:7:13: 'content.keys.author' must be a name or a list of names");
}

TEST(Config, ContentIncludeAndExcludeAreGlobLists) {
    const auto config = parse_ok(std::string(kMinimal) +
                                 "  include: [\"posts/**\", \"*.md\"]\n  exclude: drafts/*.md\n");
    EXPECT_EQ(config.content.include, (std::vector<std::string>{"posts/**", "*.md"}));
    EXPECT_EQ(config.content.exclude, (std::vector<std::string>{"drafts/*.md"}));
    EXPECT_TRUE(parse_ok(kMinimal).content.include.empty());
    EXPECT_TRUE(parse_ok(kMinimal).content.exclude.empty());
}

TEST(Config, BadGlobsCarryLineAndColumn) {
    EXPECT_EQ(
        parse_error(std::string(kMinimal) + "  include:\n    - posts/*.md\n    - posts/[ab.md\n"),
        "/etc/feedd/feedd.yaml:8:7: 'content.include': 'posts/[ab.md': '[' without a closing "
        "']' in one folder name");
    EXPECT_EQ(parse_error(std::string(kMinimal) + "  exclude: /abs/*.md\n"),
              "/etc/feedd/feedd.yaml:6:12: 'content.exclude': '/abs/*.md': a glob is relative to "
              "content.dir and "
              "must not start with '/'");
    EXPECT_EQ(parse_error(std::string(kMinimal) + "  exclude: {a: b}\n"),
              "/etc/feedd/feedd.yaml:6:12: 'content.exclude' must be a glob or a list of globs");
    EXPECT_NE(parse_error(std::string(kMinimal) + "  include: [\"a/**.md\"]\n").find(":6:13: "),
              std::string::npos);
}

TEST(Config, PingEndpointsMustBeHttpUrls) {
    EXPECT_NE(parse_error(std::string(kMinimal) + "ping:\n  websub: [ftp://hub.example/]\n")
                  .find(":7:12: 'ping.websub' must be an absolute http(s) URL"),
              std::string::npos);
    EXPECT_NE(parse_error(std::string(kMinimal) + "ping:\n  websub: [{url: 'https://h.example/', param: x}]\n")
                  .find("must be hub.url or hub.topic"),
              std::string::npos);
    EXPECT_NE(parse_error(std::string(kMinimal) + "ping:\n  xmlrpc: http://rpc.example/\n").find("must be a list"),
              std::string::npos);
}

TEST(Config, AuthorMayBeAPlainName) {
    const auto config = parse_ok(std::string(kMinimal) + "");
    EXPECT_TRUE(config.site.author.empty());
    const auto named = parse_ok(R"(site: {title: T, url: "https://a.example/", author: Grace}
content: {dir: c}
)");
    EXPECT_EQ(named.site.author.name, "Grace");
}

TEST(Config, UnknownKeyNamesFileLineColumnAndKey) {
    const auto error = parse_error(std::string(kMinimal) + "feeds:\n  limitt: 5\n");
    EXPECT_EQ(error.rfind("/etc/feedd/feedd.yaml:7:3: unknown key 'feeds.limitt'", 0), 0u) << error;
}

TEST(Config, WrongTypeNamesTheKeyAndItsPosition) {
    const auto error = parse_error(std::string(kMinimal) + "feeds:\n  limit: lots\n");
    EXPECT_EQ(error, "/etc/feedd/feedd.yaml:7:10: 'feeds.limit' must be a whole number");
    const auto boolean = parse_error(std::string(kMinimal) + "feeds:\n  full_content: maybe\n");
    EXPECT_EQ(boolean, "/etc/feedd/feedd.yaml:7:17: 'feeds.full_content' must be true or false");
    EXPECT_EQ(parse_error(std::string(kMinimal) + "feeds:\n  smart_titles: curly\n"),
              "/etc/feedd/feedd.yaml:7:17: 'feeds.smart_titles' must be true or false");
    const auto mapping = parse_error("site: [a, b]\ncontent: {dir: c}\n");
    EXPECT_EQ(mapping, "/etc/feedd/feedd.yaml:1:7: 'site' must be a mapping");
}

TEST(Config, MissingRequiredKeysAreNamed) {
    EXPECT_NE(parse_error("content: {dir: c}\n").find("missing required key 'site'"), std::string::npos);
    EXPECT_NE(parse_error("site: {title: T}\ncontent: {dir: c}\n").find("missing required key 'site.url'"),
              std::string::npos);
    EXPECT_NE(parse_error("site: {title: T, url: 'https://a.example/'}\ncontent: {timezone: UTC}\n")
                  .find("missing required key 'content.dir'"),
              std::string::npos);
}

TEST(Config, RejectsValuesThatCannotWork) {
    EXPECT_NE(parse_error("site: {title: T, url: news.example.org}\ncontent: {dir: c}\n")
                  .find("must be an absolute http(s) URL"),
              std::string::npos);
    EXPECT_NE(parse_error(std::string(kMinimal) + "  timezone: Mars/Olympus\n").find("unknown time zone"),
              std::string::npos);
    EXPECT_NE(parse_error(std::string(kMinimal) + "feeds: {limit: 0}\n").find("between 1 and"),
              std::string::npos);
    EXPECT_NE(parse_error(std::string(kMinimal) + "server: {listen: 'localhost'}\n").find("HOST:PORT"),
              std::string::npos);
    EXPECT_NE(parse_error(std::string(kMinimal) + "server: {listen: '127.0.0.1:99999'}\n")
                  .find("invalid port"),
              std::string::npos);
}

std::string with_permalink(const std::string& value) {
    return "site:\n  title: T\n  url: https://a.example/\n  permalink: " + value +
           "\ncontent: {dir: c}\n";
}

TEST(ConfigPermalink, AcceptsEveryPlaceholder) {
    for (const std::string_view name : kPermalinkPlaceholders) {
        const std::string pattern = "/x/{" + std::string(name) + "}/{slug}/";
        EXPECT_EQ(parse_ok(with_permalink(pattern)).site.permalink, pattern);
    }
    EXPECT_EQ(parse_ok(with_permalink("\"/{section}/{year}/{month}/{day}/{slug}-{title}.html\""))
                  .site.permalink,
              "/{section}/{year}/{month}/{day}/{slug}-{title}.html");
}

TEST(ConfigPermalink, PathIsNoLongerRequired) {
    // A Jekyll-like template has no {path}; {slug} or {title} tell the articles apart as well.
    EXPECT_EQ(parse_ok(with_permalink("/{year}/{month}/{day}/{slug}.html")).site.permalink,
              "/{year}/{month}/{day}/{slug}.html");
    // Quoted: a plain YAML value starting with '{' is a mapping.
    EXPECT_EQ(parse_ok(with_permalink("'{title}.html'")).site.permalink, "{title}.html");
    EXPECT_EQ(parse_ok(with_permalink("/{title:hugo}.html")).site.permalink, "/{title:hugo}.html");
    EXPECT_EQ(parse_ok(with_permalink("/a}b/{slug}/")).site.permalink,
              "/a}b/{slug}/");  // a lone '}' is text
}

TEST(ConfigPermalink, NeedsAPlaceholderThatTellsArticlesApart) {
    // It is also the id: "/{year}/{month}/{day}/" would give every article of a day the same one.
    for (const char* pattern : {"/posts/", "/{year}/{month}/{day}/", "/{section}/{categories}/"}) {
        EXPECT_EQ(parse_error(with_permalink(pattern)),
                  "/etc/feedd/feedd.yaml:4:14: 'site.permalink' must contain {path}, {slug} or "
                  "{title} (links and ids would be shared by several articles), got '" +
                      std::string(pattern) + "'");
    }
}

TEST(ConfigPermalink, UnknownPlaceholderIsAnErrorAtItsColumn) {
    // "  permalink: " is 13 characters: the plain scalar starts at column 14, its '{' at 18.
    EXPECT_EQ(
        parse_error(with_permalink("/in/{date}/{slug}/")),
        "/etc/feedd/feedd.yaml:4:18: 'site.permalink': unknown placeholder '{date}' (expected "
        "one of: {path}, {section}, {slug}, {title}, {title:hugo}, {year}, {month}, {day}, "
        "{categories})");
    // Quoted: the mark is the quote, one column before the text.
    EXPECT_TRUE(
        parse_error(with_permalink("\"/{path}/{Slug}/\""))
            .starts_with(
                "/etc/feedd/feedd.yaml:4:23: 'site.permalink': unknown placeholder '{Slug}'"));
    EXPECT_NE(parse_error(with_permalink("'/{}/'"))
                  .find(":4:16: 'site.permalink': unknown placeholder '{}'"),
              std::string::npos);
}

TEST(ConfigPermalink, UnclosedBraceIsAnErrorAtItsColumn) {
    EXPECT_EQ(parse_error(with_permalink("/{year}/{slug")),
              "/etc/feedd/feedd.yaml:4:22: 'site.permalink': '{' without a closing '}' in "
              "'/{year}/{slug'");
    EXPECT_EQ(parse_error(with_permalink("\"/{year/{slug}/\"")),
              "/etc/feedd/feedd.yaml:4:16: 'site.permalink': '{' without a closing '}' in "
              "'/{year/{slug}/'");
}

TEST(Config, UrlsWithSpacesOrControlCharactersAreRejected) {
    EXPECT_NE(parse_error("site: {title: T, url: \"https://a.example/x\\x01y\"}\ncontent: {dir: c}\n")
                  .find("control characters"),
              std::string::npos);
    EXPECT_NE(parse_error("site: {title: T, url: 'https://a.example/a b'}\ncontent: {dir: c}\n")
                  .find("must not contain spaces or control characters"),
              std::string::npos);
}

TEST(Config, StylesheetIsAnHttpUrlOrAPath) {
    const auto stylesheet = [](const std::string& value) {
        return std::string(kMinimal) + "feeds:\n  stylesheet: " + value + "\n";
    };
    EXPECT_EQ(parse_ok(stylesheet("https://cdn.example/feed.xsl?v=1&x=\"y\"")).feeds.stylesheet,
              "https://cdn.example/feed.xsl?v=1&x=\"y\"");
    EXPECT_EQ(parse_ok(stylesheet("feed.xsl")).feeds.stylesheet, "feed.xsl");
    EXPECT_EQ(parse_ok(stylesheet("/style/a:b.xsl")).feeds.stylesheet, "/style/a:b.xsl");
    EXPECT_EQ(parse_ok(stylesheet("''")).feeds.stylesheet, "");
    EXPECT_EQ(parse_error(stylesheet("'/a b.xsl'")),
              "/etc/feedd/feedd.yaml:7:15: 'feeds.stylesheet' must not contain spaces or control "
              "characters");
    EXPECT_EQ(parse_error(stylesheet("\"/a\\tb.xsl\"")),
              "/etc/feedd/feedd.yaml:7:15: 'feeds.stylesheet' must not contain spaces or control "
              "characters");
    EXPECT_EQ(parse_error(stylesheet("\"/a\\x01b.xsl\"")),
              "/etc/feedd/feedd.yaml:7:15: 'feeds.stylesheet' must not contain control characters");
    EXPECT_EQ(
        parse_error(stylesheet("javascript:alert(1)")),
        "/etc/feedd/feedd.yaml:7:15: 'feeds.stylesheet' must be an http(s) URL or a path, got "
        "'javascript:alert(1)'");
    EXPECT_NE(parse_error(stylesheet("'https://'")).find(":7:15: 'feeds.stylesheet' must be"),
              std::string::npos);
    EXPECT_EQ(parse_error(stylesheet("[a, b]")),
              "/etc/feedd/feedd.yaml:7:15: 'feeds.stylesheet' must be a string");
}

TEST(Config, SyntaxErrorsCarryLineAndColumn) {
    const auto error = parse_error("site:\n  title: [unclosed\ncontent: {dir: c}\n");
    EXPECT_EQ(error.rfind("/etc/feedd/feedd.yaml:", 0), 0u);
    EXPECT_NE(error.find(":3:"), std::string::npos) << error;
}

TEST(Config, HubIsOffByDefaultWithTheDocumentedLimits) {
    const auto hub = parse_ok(kMinimal).hub;
    EXPECT_FALSE(hub.enabled);
    EXPECT_EQ(hub.path, "/websub");
    EXPECT_EQ(hub.lease_min_s, 3600);
    EXPECT_EQ(hub.lease_max_s, 30 * 86400);
    EXPECT_EQ(hub.lease_default_s, 10 * 86400);
    EXPECT_EQ(hub.retry_min_s, 60);
    EXPECT_EQ(hub.max_subscriptions, 100000);
    EXPECT_FALSE(hub.allow_private_callbacks);
}

TEST(Config, HubKeysAreRead) {
    const auto hub = parse_ok(std::string(kMinimal) +
                              "hub:\n  enabled: true\n  path: /hub/websub\n  lease_min_s: 60\n"
                              "  lease_max_s: 600\n  retry_min_s: 1\n  max_subscriptions: 5\n"
                              "  allow_private_callbacks: true\n")
                         .hub;
    EXPECT_TRUE(hub.enabled);
    EXPECT_EQ(hub.path, "/hub/websub");
    EXPECT_EQ(hub.lease_min_s, 60);
    EXPECT_EQ(hub.lease_max_s, 600);
    EXPECT_EQ(hub.lease_default_s, 600);  // 10 days, clamped into the bounds
    EXPECT_EQ(hub.retry_min_s, 1);
    EXPECT_EQ(hub.max_subscriptions, 5);
    EXPECT_TRUE(hub.allow_private_callbacks);
}

TEST(Config, HubErrorsNameTheirPlace) {
    const std::string base = std::string(kMinimal) + "hub:\n";
    EXPECT_EQ(parse_error(base + "  path: websub\n"),
              "/etc/feedd/feedd.yaml:7:9: 'hub.path' must be a path such as /websub (letters, "
              "digits, '/', '-', '_', '.', '~'), got 'websub'");
    EXPECT_EQ(parse_error(base + "  path: \"/a b\"\n").substr(0, 26), "/etc/feedd/feedd.yaml:7:9:");
    EXPECT_EQ(parse_error(base + "  lease_min_s: 7200\n  lease_max_s: 3600\n"),
              "/etc/feedd/feedd.yaml:7:16: 'hub.lease_min_s' (7200) must not be greater than "
              "'hub.lease_max_s' (3600)");
    EXPECT_EQ(parse_error(base + "  lease_default_s: 10\n"),
              "/etc/feedd/feedd.yaml:7:20: 'hub.lease_default_s' must be between 60 and 31536000");
    EXPECT_EQ(parse_error(base + "  lease_max_s: 7200\n  lease_default_s: 9000\n"),
              "/etc/feedd/feedd.yaml:8:20: 'hub.lease_default_s' must be between "
              "'hub.lease_min_s' and 'hub.lease_max_s'");
    EXPECT_EQ(parse_error(base + "  retry_min_s: 0\n"),
              "/etc/feedd/feedd.yaml:7:16: 'hub.retry_min_s' must be between 1 and 86400");
    EXPECT_EQ(parse_error(base + "  enabled: maybe\n"),
              "/etc/feedd/feedd.yaml:7:12: 'hub.enabled' must be true or false");
    EXPECT_NE(parse_error(base + "  secret: x\n").find("unknown key 'hub.secret'"),
              std::string::npos);
}

TEST(Config, NoPodcastBlockIsNoShow) {
    const auto podcast = parse_ok(kMinimal).podcast;
    EXPECT_FALSE(podcast.enabled);
    EXPECT_EQ(podcast.media_path, "/media/");
    EXPECT_EQ(podcast.media_url, "");
    EXPECT_FALSE(podcast.explicit_content.has_value());
    EXPECT_TRUE(parse_ok(std::string(kMinimal) + "podcast:\n").podcast.enabled);
}

TEST(Config, PodcastKeysAreRead) {
    const auto podcast =
        parse_ok(std::string(kMinimal) +
                 "podcast:\n  author: Ada\n  owner: {name: Ada L, email: ada@example.org}\n"
                 "  image: art/show.png\n  categories: [News/Tech News, Comedy]\n"
                 "  explicit: false\n  type: serial\n  complete: true\n  block: true\n"
                 "  locked: true\n  funding:\n    - {url: https://pay.example.org/x, text: Support}\n"
                 "  new_feed_url: https://new.example.org/feed.xml\n  medium: music\n"
                 "  media_path: /audio\n  media_url: https://cdn.example.org/show\n")
            .podcast;
    EXPECT_TRUE(podcast.enabled);
    EXPECT_EQ(podcast.author, "Ada");
    EXPECT_EQ(podcast.owner, (Person{"Ada L", "ada@example.org"}));
    EXPECT_EQ(podcast.image, "art/show.png");
    EXPECT_EQ(podcast.categories, (std::vector<std::string>{"News/Tech News", "Comedy"}));
    EXPECT_EQ(podcast.explicit_content, std::optional<bool>(false));
    EXPECT_EQ(podcast.type, "serial");
    EXPECT_TRUE(podcast.complete && podcast.block && podcast.locked);
    ASSERT_EQ(podcast.funding.size(), 1u);
    EXPECT_EQ(podcast.funding[0], (FundingLink{"https://pay.example.org/x", "Support"}));
    EXPECT_EQ(podcast.new_feed_url, "https://new.example.org/feed.xml");
    EXPECT_EQ(podcast.medium, "music");
    EXPECT_EQ(podcast.media_path, "/audio/");
    EXPECT_EQ(podcast.media_url, "https://cdn.example.org/show/");
}

TEST(Config, PodcastErrorsNameTheirPlace) {
    const std::string base = std::string(kMinimal) + "podcast:\n";
    EXPECT_EQ(parse_error(base + "  type: weekly\n"),
              "/etc/feedd/feedd.yaml:7:9: 'podcast.type' must be one of episodic, serial, got 'weekly'");
    EXPECT_EQ(parse_error(base + "  media_path: media\n").substr(0, 64),
              "/etc/feedd/feedd.yaml:7:15: 'podcast.media_path' must be a path ");
    EXPECT_NE(parse_error(base + "  media_path: /a/../b/\n"), "");
    EXPECT_NE(parse_error(base + "  media_path: /\n"), "");
    EXPECT_EQ(parse_error(base + "  owner: {email: not-an-address}\n"),
              "/etc/feedd/feedd.yaml:7:18: 'podcast.owner.email' must be an email address, got "
              "'not-an-address'");
    EXPECT_EQ(parse_error(base + "  locked: true\n"),
              "/etc/feedd/feedd.yaml:7:3: 'podcast.locked' needs 'podcast.owner.email' (the "
              "address that may move the show)");
    EXPECT_NE(parse_error(base + "  media_url: ftp://cdn.example.org/\n").find("'podcast.media_url'"),
              std::string::npos);
    EXPECT_NE(parse_error(base + "  funding: [{text: no url}]\n").find("podcast.funding"),
              std::string::npos);
    EXPECT_NE(parse_error(base + "  explicit: yes please\n").find("true or false"),
              std::string::npos);
}

TEST(Config, PodcastCategoriesAreApplesAndKeepApplesSpelling) {
    const auto podcast =
        parse_ok(
            std::string(kMinimal) +
            "podcast:\n  categories: [technology, ' news / tech news ', Health & Fitness/Mental "
            "Health]\n")
            .podcast;
    EXPECT_EQ(podcast.categories, (std::vector<std::string>{"Technology", "News/Tech News",
                                                            "Health & Fitness/Mental Health"}));
    EXPECT_TRUE(parse_ok(std::string(kMinimal) + "podcast:\n").content.episode_media);
    EXPECT_FALSE(parse_ok(kMinimal).content.episode_media);
}

TEST(Config, AnUnknownPodcastCategoryNamesTheNearest) {
    const std::string base = std::string(kMinimal) + "podcast:\n  categories: [Comedy, ";
    EXPECT_EQ(parse_error(base + "Technolgy]\n"),
              "/etc/feedd/feedd.yaml:7:24: 'podcast.categories': unknown Apple Podcasts category "
              "'Technolgy' (did you mean 'Technology'?)");
    EXPECT_NE(parse_error(base + "News/Tech Newz]\n").find("(did you mean 'News/Tech News'?)"),
              std::string::npos);
    // A subcategory alone, or under the wrong category.
    EXPECT_NE(parse_error(base + "Tech News]\n").find("(did you mean 'News/Tech News'?)"),
              std::string::npos);
    EXPECT_NE(parse_error(base + "Arts/Tech News]\n").find("unknown Apple Podcasts category"),
              std::string::npos);
}

TEST(PodcastCategories, EveryCategoryAndSubcategoryIsFound) {
    std::size_t count = 0;
    for (const auto& category : apple_podcast_categories()) {
        EXPECT_EQ(find_podcast_category(category.name),
                  (CategoryPath{std::string(category.name), ""}));
        for (const auto sub : category.subcategories) {
            ++count;
            EXPECT_EQ(find_podcast_category(std::string(category.name) + "/" + std::string(sub)),
                      (CategoryPath{std::string(category.name), std::string(sub)}));
        }
    }
    EXPECT_EQ(apple_podcast_categories().size(), 19u);  // Apple's list since 2019
    EXPECT_EQ(count, 91u);
}

TEST(Config, TheDocumentedPodcastBlockLoads) {
    // config/feedd.yaml carries the podcast: block commented out; uncommented, it must load.
    std::ifstream in(FEEDD_SOURCE_DIR "/config/feedd.yaml");
    std::string line, block;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.starts_with("# podcast:")) inside = true;
        if (inside && !line.starts_with("#")) break;
        if (inside) block += line.substr(std::min<std::size_t>(2, line.size())) + "\n";
    }
    ASSERT_FALSE(block.empty());
    const auto podcast = parse_ok(std::string(kMinimal) + block).podcast;
    EXPECT_TRUE(podcast.enabled);
    EXPECT_EQ(podcast.owner.email, "ada@example.org");
    EXPECT_EQ(podcast.categories, (std::vector<std::string>{"Technology", "News/Tech News"}));
    EXPECT_EQ(podcast.media_path, "/media/");
}

TEST(Config, EmptyFileIsAnError) {
    EXPECT_EQ(parse_error(""), "/etc/feedd/feedd.yaml: the file is empty");
}

TEST(Config, LoadsTheDocumentedExampleConfig) {
    const auto config = load_config(FEEDD_SOURCE_DIR "/config/feedd.yaml");
    ASSERT_TRUE(config.has_value()) << config.error().message;
    EXPECT_FALSE(config->site.title.empty());
}

TEST(Config, LoadsTheBundledExamplePodcast) {
    const auto config = load_config(FEEDD_SOURCE_DIR "/examples/podcast/feedd.yaml");
    ASSERT_TRUE(config.has_value()) << config.error().message;
    EXPECT_TRUE(config->podcast.enabled);
    EXPECT_TRUE(std::filesystem::is_directory(config->content.dir)) << config->content.dir;
}

TEST(Config, LoadsTheBundledExampleSite) {
    const auto config = load_config(FEEDD_SOURCE_DIR "/examples/site/feedd.yaml");
    ASSERT_TRUE(config.has_value()) << config.error().message;
    EXPECT_TRUE(std::filesystem::is_directory(config->content.dir)) << config->content.dir;
}

TEST(Config, MissingFileIsNamed) {
    const auto config = load_config("/nonexistent/feedd.yaml");
    ASSERT_FALSE(config.has_value());
    EXPECT_EQ(config.error().message, "/nonexistent/feedd.yaml: cannot read the config file");
}

}  // namespace
}  // namespace feedd
