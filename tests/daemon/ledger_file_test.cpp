#include "daemon/ledger_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "support/process.h"

namespace feedd {
namespace {

namespace fs = std::filesystem;

std::size_t lines_of(const fs::path& file) {
    const auto text = test::read_file(file);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A ledger whose lines are mostly superseded is rewritten whole at the next load: the same
// records in fewer lines, through a temporary file that does not stay, readable by all (0644,
// as the appends make it).
TEST(LedgerFile, AMostlySupersededLedgerIsCompactedAtLoad) {
    test::TempDir dir;
    const auto file = dir.path() / "state" / "identity-ledger";
    IdentityLedger ledger;
    for (int round = 0; round < 40; ++round) {
        for (int i = 0; i < 5; ++i) {
            ledger.assign("posts/" + std::to_string(i) + ".md",
                          "urn:uuid:" + std::to_string(round) + "-" + std::to_string(i));
        }
        ASSERT_TRUE(save_ledger_changes(file, ledger).has_value());
    }
    const auto before = lines_of(file);
    ASSERT_GT(before, 2 * ledger.size() + 64);

    const auto loaded = load_ledger(file);
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    EXPECT_EQ(*loaded, ledger);
    EXPECT_LT(lines_of(file), before);
    EXPECT_LE(lines_of(file), ledger.size() + 2);
    EXPECT_FALSE(fs::exists(fs::path(file).concat(".tmp")));
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);

    const auto again = load_ledger(file);
    ASSERT_TRUE(again.has_value()) << again.error();
    EXPECT_EQ(*again, ledger);
}

// A torn last line (an append cut short) is left out, and the file is rewritten without it, so
// that the next append does not glue onto it.
TEST(LedgerFile, ATornLastLineIsLeftOutAndTheFileRewritten) {
    test::TempDir dir;
    const auto file = dir.path() / "identity-ledger";
    IdentityLedger ledger;
    ledger.assign("a.md", "urn:uuid:a");
    ASSERT_TRUE(save_ledger_changes(file, ledger).has_value());
    test::write_file(file, test::read_file(file) + "b.md\turn:uu");
    const auto loaded = load_ledger(file);
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    EXPECT_EQ(*loaded, ledger);
    EXPECT_EQ(test::read_file(file).back(), '\n');
    EXPECT_EQ(test::read_file(file).find("urn:uu\n"), std::string::npos);
}

}  // namespace
}  // namespace feedd
