// Ids that outlive paths (docs/identity.md): `feedd adopt` of a site's published feed, and the
// identity ledger that keeps a renamed article's id, with the real feedd over real HTTP.
#include <gtest/gtest.h>

#include <regex>

#include "daemon/running_feedd.h"
#include "daemon/site_fixture.h"
#include "support/process.h"

namespace feedd::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

RunResult feedd(std::vector<std::string> args) {
    args.insert(args.begin(), FEEDD_BINARY);
    return run_program(args);
}

std::string markdown(const std::string& title, const std::string& date) {
    return "---\ntitle: " + title + "\ndate: " + date + "\n---\nBody of " + title + ".\n";
}

// The Atom <id> of the entry whose <link> is `link`, or "".
std::string atom_id_of(const std::string& atom, const std::string& link) {
    const auto at = atom.find("<link rel=\"alternate\" type=\"text/html\" href=\"" + link + "\"");
    if (at == std::string::npos) return {};
    const auto entry = atom.rfind("<entry>", at);
    const auto open = atom.find("<id>", entry);
    return atom.substr(open + 4, atom.find("</id>", open) - open - 4);
}

std::vector<std::string> all_of(const std::string& text, const std::string& pattern) {
    std::vector<std::string> out;
    const std::regex re(pattern);
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
        out.push_back((*it)[1]);
    return out;
}

// The feed a site published before feedd: the example site's own Atom feed, each id rewritten as
// the old generator wrote it (a tag: URI), plus one entry for a page feedd does not have.
std::string old_feed(const SiteFixture& site) {
    const auto out = site.root() / "old-build";
    const auto built = feedd({"build", "-c", site.config().string(), "-o", out.string()});
    EXPECT_EQ(built.exit_code, 0) << built.err;
    auto atom = read_file(out / "atom.xml");
    atom = std::regex_replace(atom, std::regex("<id>https://news\\.example\\.org/([^<]+)</id>"),
                              "<id>tag:news.example.org,2019:$1</id>");
    const auto end = atom.rfind("</feed>");
    atom.insert(end,
                "<entry><id>tag:news.example.org,2019:gone</id><title>A page long gone</title>"
                "<link "
                "href=\"https://news.example.org/gone/\"/><updated>2019-01-01T00:00:00Z</updated></"
                "entry>\n");
    return atom;
}

TEST(Identity, AdoptKeepsThePublishedIdsInEveryFormat) {
    const SiteFixture site;
    const auto old = site.root() / "old.atom";
    write_file(old, old_feed(site));
    const auto old_ids = all_of(read_file(old), "<id>(tag:[^<]+)</id>");
    ASSERT_GE(old_ids.size(), 10u);

    const auto adopted = feedd({"adopt", "-c", site.config().string(), old.string()});
    EXPECT_EQ(adopted.exit_code, 0) << adopted.out << adopted.err;
    const auto matched = std::to_string(old_ids.size() - 1);
    EXPECT_NE(adopted.out.find(
                  std::to_string(old_ids.size()) + " entries, " + matched + " matched (" + matched +
                  " by link, 0 by title and date), 1 unmatched; " + matched + " ids recorded"),
              std::string::npos)
        << adopted.out;
    EXPECT_NE(adopted.out.find("unmatched: \"A page long gone\" https://news.example.org/gone/"),
              std::string::npos)
        << adopted.out;

    // Twice changes nothing, not even the file.
    const auto ledger = site.root() / "state" / "identity-ledger";
    const auto before = read_file(ledger);
    const auto again = feedd({"adopt", "-c", site.config().string(), old.string()});
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_NE(again.out.find("; 0 ids recorded"), std::string::npos) << again.out;
    EXPECT_EQ(read_file(ledger), before);

    RunningFeedd served(site.config());
    const auto atom = served.get("/atom.xml").body;
    const auto rss = served.get("/feed.xml").body;
    const auto json = served.get("/feed.json").body;
    for (const auto& id : old_ids) {
        if (id.ends_with(":gone")) continue;
        EXPECT_NE(atom.find("<id>" + id + "</id>"), std::string::npos) << id;
        EXPECT_NE(rss.find("<guid isPermaLink=\"false\">" + id + "</guid>"), std::string::npos)
            << id;
        EXPECT_NE(json.find("\"id\": \"" + id + "\""), std::string::npos) << id;
    }
}

// The old site had other links (another scheme of URLs): entries match by title and date, and the
// feed is read over HTTP from a server on loopback (a second feedd, serving the old site).
TEST(Identity, AdoptReadsTheFeedOverHttpAndMatchesByTitleAndDate) {
    const SiteFixture old_site;
    write_file(old_site.config(), std::regex_replace(read_file(old_site.config()),
                                                     std::regex("https://news\\.example\\.org/"),
                                                     "https://old.example.net/blog/"));
    RunningFeedd old_server(old_site.config());
    const auto old_atom = old_server.get("/atom.xml").body;
    const auto old_ids = all_of(old_atom, "<id>(https://old\\.example\\.net/blog/[^<]+)</id>");
    ASSERT_GE(old_ids.size(), 10u);

    const SiteFixture site;
    const auto url = "http://127.0.0.1:" + std::to_string(old_server.port()) + "/atom.xml";
    const auto adopted = feedd({"adopt", "-c", site.config().string(), url});
    EXPECT_EQ(adopted.exit_code, 0) << adopted.out << adopted.err;
    const auto n = std::to_string(old_ids.size());
    EXPECT_NE(
        adopted.out.find(n + " matched (0 by link, " + n + " by title and date), 0 unmatched"),
        std::string::npos)
        << adopted.out;
    const auto built =
        feedd({"build", "-c", site.config().string(), "-o", (site.root() / "out").string()});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    const auto atom = read_file(site.root() / "out" / "atom.xml");
    for (const auto& id : old_ids)
        EXPECT_NE(atom.find("<id>" + id + "</id>"), std::string::npos) << id;
    // The links are the new site's.
    EXPECT_EQ(atom.find("href=\"https://old.example.net"), std::string::npos);

    const auto unreachable =
        feedd({"adopt", "-c", site.config().string(), "http://127.0.0.1:9/atom.xml"});
    EXPECT_EQ(unreachable.exit_code, 1);
    EXPECT_NE(unreachable.err.find("http://127.0.0.1:9/atom.xml: "), std::string::npos)
        << unreachable.err;
}

TEST(Identity, ARunningFeeddTakesAnAdoptionAtSighup) {
    const SiteFixture site;
    const auto old = site.root() / "old.atom";
    write_file(old, old_feed(site));
    RunningFeedd served(site.config());
    ASSERT_EQ(served.get("/atom.xml").body.find("tag:news.example.org,2019:"), std::string::npos);
    const auto adopted = feedd({"adopt", "-c", site.config().string(), old.string()});
    ASSERT_EQ(adopted.exit_code, 0) << adopted.out << adopted.err;
    served.process().signal(SIGHUP);
    EXPECT_TRUE(served.wait_for("/atom.xml", contains("<id>tag:news.example.org,2019:")));
}

TEST(Identity, ARenamedArticleKeepsItsIdWhileServedAndAfterARestart) {
    SiteFixture site;
    site.write_config("127.0.0.1:0", "  debounce_ms: 50\n");
    const auto content = site.content();
    write_file(content / "news" / "draft-name.md", markdown("Moving day", "2026-01-02T10:00:00Z"));
    std::string id;
    {
        RunningFeedd served(site.config());
        const auto first = served.get("/atom.xml").body;
        id = atom_id_of(first, "https://news.example.org/news/draft-name/");
        ASSERT_EQ(id, "https://news.example.org/news/draft-name/");

        fs::create_directories(content / "archive" / "2026");
        fs::rename(content / "news" / "draft-name.md",
                   content / "archive" / "2026" / "moving-day.md");
        ASSERT_TRUE(served.wait_for("/atom.xml", contains("/archive/2026/moving-day/")));
        const auto moved = served.get("/atom.xml").body;
        EXPECT_EQ(atom_id_of(moved, "https://news.example.org/archive/2026/moving-day/"), id);
        EXPECT_NE(
            served.get("/feed.xml").body.find("<guid isPermaLink=\"false\">" + id + "</guid>"),
            std::string::npos);
        EXPECT_NE(served.process()
                      .wait_for_line("moved or renamed", 2s)
                      .find("archive/2026/moving-day.md: moved or renamed; keeps its id " + id),
                  std::string::npos);
        EXPECT_EQ(served.stop(), 0);
    }
    const auto ledger = read_file(site.root() / "state" / "identity-ledger");
    EXPECT_NE(ledger.find("archive/2026/moving-day.md\t" + id + "\n"), std::string::npos) << ledger;

    // A restart reads the ledger: the id stays, and `feedd build` gives the same.
    RunningFeedd again(site.config());
    EXPECT_EQ(atom_id_of(again.get("/atom.xml").body,
                         "https://news.example.org/archive/2026/moving-day/"),
              id);
    ASSERT_EQ(feedd({"build", "-c", site.config().string(), "-o", (site.root() / "out").string()})
                  .exit_code,
              0);
    EXPECT_EQ(atom_id_of(read_file(site.root() / "out" / "atom.xml"),
                         "https://news.example.org/archive/2026/moving-day/"),
              id);

    // Moved with another title (written anew, the old file deleted): a new article for readers, as
    // the docs say. (A rename, then an edit seen in a later rebuild, keeps the id.)
    write_file(content / "archive" / "2026" / "other.md",
               markdown("Another day", "2026-01-02T10:00:00Z"));
    fs::remove(content / "archive" / "2026" / "moving-day.md");
    ASSERT_TRUE(again.wait_for("/atom.xml", contains("/archive/2026/other/")));
    EXPECT_EQ(
        atom_id_of(again.get("/atom.xml").body, "https://news.example.org/archive/2026/other/"),
        "https://news.example.org/archive/2026/other/");
}

TEST(Identity, ABrokenLedgerStopsFeeddBeforeItGivesOtherIds) {
    const SiteFixture site;
    fs::create_directories(site.root() / "state");
    const auto ledger = site.root() / "state" / "identity-ledger";
    write_file(ledger, "# feedd identity ledger 1\nnews/a.md\tid\nnews/b.md without a tab\n");
    const auto check = feedd({"check", "-c", site.config().string()});
    EXPECT_EQ(check.exit_code, 1);
    EXPECT_NE(check.out.find(ledger.string() + ":3: expected 'path<TAB>id'"), std::string::npos)
        << check.out;
    const auto build =
        feedd({"build", "-c", site.config().string(), "-o", (site.root() / "out").string()});
    EXPECT_EQ(build.exit_code, 1);
    EXPECT_FALSE(fs::exists(site.root() / "out" / "atom.xml"));
    const auto serve = run_program({FEEDD_BINARY, "serve", "-c", site.config().string()});
    EXPECT_EQ(serve.exit_code, 1);
    EXPECT_NE(serve.err.find(ledger.string() + ":3: expected 'path<TAB>id'; not starting"),
              std::string::npos)
        << serve.err;
}

}  // namespace
}  // namespace feedd::test
