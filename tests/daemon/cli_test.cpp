// The command line, as an operator uses it: feedd check / build / --help / --version.
#include <gtest/gtest.h>

#include <feedd/version.h>

#include "daemon/site_fixture.h"
#include "support/process.h"

namespace feedd::test {
namespace {

namespace fs = std::filesystem;

RunResult feedd(std::vector<std::string> args) {
    args.insert(args.begin(), FEEDD_BINARY);
    return run_program(args);
}

TEST(Cli, VersionAndHelp) {
    const auto version = feedd({"--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_EQ(version.out, std::string("feedd ") + kVersion + "\n");
    const auto help = feedd({"--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("Usage: feedd"), std::string::npos);
}

TEST(Cli, BadArgumentsExitWithTwo) {
    EXPECT_EQ(feedd({"--frobnicate"}).exit_code, 2);
    EXPECT_EQ(feedd({"check"}).exit_code, 2);  // no -c
    const SiteFixture site;
    EXPECT_EQ(feedd({"build", "-c", site.config().string()}).exit_code, 2);  // no -o
}

TEST(Cli, CheckOnCleanContentExitsZero) {
    const SiteFixture site;
    const auto result = feedd({"check", "-c", site.config().string()});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.out, "");
}

TEST(Cli, CheckNamesEachBrokenFileWithLineAndReason) {
    const SiteFixture site;
    write_file(site.content() / "news" / "broken.md", "---\ntitle: Fine\ndate: [unclosed\n---\nBody\n");
    write_file(site.content() / "empty.txt", "");
    write_file(site.content() / "binary.md", std::string("---\ntitle: x\n---\n\0\0", 20));
    const auto result = feedd({"check", "-c", site.config().string()});
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    const auto content = site.content().string();
    EXPECT_NE(result.out.find(content + "/news/broken.md:3: "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find(content + "/empty.txt: "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find(content + "/binary.md:4: contains NUL bytes"), std::string::npos) << result.out;
    // Exactly one line per problem.
    EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 3) << result.out;
}

// A Hugo or Jekyll site has keys feedd ignores (weight, layout, version) in every file: check
// names each once, with how many files have it, and passes (warnings: articles published anyway).
TEST(Cli, CheckShowsAnUnknownKeyOnceAndPassesOnWarnings) {
    const SiteFixture site;
    for (int i = 1; i <= 30; ++i) {
        write_file(site.content() / "posts" / ("p" + std::to_string(100 + i) + ".md"),
                   "---\ntitle: Post " + std::to_string(i) +
                       "\ndate: 2021-01-01\nweight: " + std::to_string(i) + "\n---\nBody\n");
    }
    auto result = feedd({"check", "-c", site.config().string()});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    const auto content = site.content().string();
    EXPECT_EQ(result.out,
              content + "/posts/p101.md:4: unknown key 'weight' (ignored); 30 files have it\n");
    EXPECT_NE(result.err.find("1 problems (0 errors, 1 warnings)"), std::string::npos)
        << result.err;

    // An error still fails the check, whatever the warnings.
    write_file(site.content() / "posts" / "broken.md", "---\ntitle: x\ndate: someday\n---\nx\n");
    result = feedd({"check", "-c", site.config().string()});
    EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
    EXPECT_NE(result.out.find(content + "/posts/broken.md:3: 'date': "), std::string::npos)
        << result.out;
}

TEST(Cli, InvalidConfigExitsTwoNamingFileLineAndColumn) {
    const SiteFixture site;
    write_file(site.config(), "site:\n  title: T\n  url: https://a.example/\n  colour: blue\ncontent: {dir: c}\n");
    for (const char* command : {"check", "serve"}) {
        const auto result = feedd({command, "-c", site.config().string()});
        EXPECT_EQ(result.exit_code, 2) << command;
        EXPECT_NE(result.err.find(site.config().string() + ":4:3: unknown key 'site.colour'"),
                  std::string::npos)
            << result.err;
    }
}

TEST(Cli, BuildWritesEveryDocumentAndIsDeterministic) {
    const SiteFixture site;
    const auto first = site.root() / "out1";
    const auto second = site.root() / "out2";
    ASSERT_EQ(feedd({"build", "-c", site.config().string(), "-o", first.string()}).exit_code, 0);
    ASSERT_EQ(feedd({"build", "-c", site.config().string(), "-o", second.string()}).exit_code, 0);
    for (const char* name : {"feed.xml", "atom.xml", "feed.json", "index.html"}) {
        const auto bytes = read_file(first / name);
        EXPECT_GT(bytes.size(), 200u) << name;
        EXPECT_EQ(bytes, read_file(second / name)) << name << " differs between two builds";
    }
    // Every file of the first build is in the second, byte for byte, and no temporary file is left.
    std::size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(first)) {
        if (!entry.is_regular_file()) continue;
        ++files;
        EXPECT_FALSE(entry.path().string().ends_with(".tmp")) << entry.path();
        EXPECT_EQ(read_file(entry.path()), read_file(second / fs::relative(entry.path(), first))) << entry.path();
    }
    EXPECT_GE(files, 4u);
}

TEST(Cli, BuildReportsAnUnwritableOutputDirectory) {
    const SiteFixture site;
    write_file(site.root() / "a-file", "x");
    const auto result = feedd({"build", "-c", site.config().string(), "-o", (site.root() / "a-file").string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find((site.root() / "a-file").string()), std::string::npos) << result.err;
}

TEST(Cli, BuildNamesFilesAsAStaticServerLooksThemUp) {
    const SiteFixture site;
    write_file(site.content() / "news" / "turkish.md",
               "---\ntitle: T\ndate: 2026-01-01\ntags: [T\u00fcrkiye]\n---\nx\n");
    const auto out = site.root() / "out";
    ASSERT_EQ(feedd({"build", "-c", site.config().string(), "-o", out.string()}).exit_code, 0);
    // The feed links to /tags/t%C3%BCrkiye/feed.xml; a static server decodes that to the UTF-8 name.
    EXPECT_TRUE(fs::exists(out / "tags" / "t\u00fcrkiye" / "feed.xml"));
    EXPECT_FALSE(fs::exists(out / "tags" / "t%C3%BCrkiye"));
}

}  // namespace
}  // namespace feedd::test
