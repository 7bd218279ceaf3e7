#include "daemon/reader_stats.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "support/process.h"

namespace feedd::test {
namespace {

namespace fs = std::filesystem;

TEST(ReaderStatsFiles, MissingFilesAreNothingKeptYet) {
    TempDir dir;
    const auto totals = load_reader_totals(dir.path() / "readers.json");
    ASSERT_TRUE(totals) << totals.error();
    EXPECT_TRUE(totals->empty());
    const auto downloads = load_downloads(dir.path() / "downloads.json");
    ASSERT_TRUE(downloads) << downloads.error();
    EXPECT_TRUE(downloads->empty());
}

TEST(ReaderStatsFiles, SavedFilesReadBackAndAreReadableByAll) {
    TempDir dir;
    const auto readers = dir.path() / "state" / "readers.json";
    const auto downloads = dir.path() / "state" / "downloads.json";
    const readers::DailyTotals totals{{"2026-12-05", {{"/feed.xml", {{"feedly", 42}}}}}};
    const readers::DailyDownloads episodes{{"2026-12-05", {{"/media/one.mp3", 7}}}};
    const auto old_mask = ::umask(022);
    ASSERT_TRUE(save_reader_totals(readers, readers::to_json(totals)));
    ASSERT_TRUE(save_reader_totals(downloads, readers::downloads_to_json(episodes)));
    ::umask(old_mask);
    const auto all_read = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                          fs::perms::others_read;
    EXPECT_EQ(fs::status(readers).permissions(), all_read);
    EXPECT_EQ(fs::status(downloads).permissions(), all_read);
    const auto totals_back = load_reader_totals(readers);
    ASSERT_TRUE(totals_back) << totals_back.error();
    EXPECT_EQ(*totals_back, totals);
    const auto episodes_back = load_downloads(downloads);
    ASSERT_TRUE(episodes_back) << episodes_back.error();
    EXPECT_EQ(*episodes_back, episodes);
}

TEST(ReaderStatsFiles, ACorruptFileIsAnErrorNamingIt) {
    TempDir dir;
    const auto readers = dir.path() / "readers.json";
    const auto downloads = dir.path() / "downloads.json";
    write_file(readers, "{\"version\": 1, \"days\": ");
    write_file(downloads, "[]");
    const auto totals = load_reader_totals(readers);
    ASSERT_FALSE(totals);
    EXPECT_TRUE(totals.error().starts_with(readers.string() + ": ")) << totals.error();
    const auto episodes = load_downloads(downloads);
    ASSERT_FALSE(episodes);
    EXPECT_TRUE(episodes.error().starts_with(downloads.string() + ": ")) << episodes.error();
}

}  // namespace
}  // namespace feedd::test
