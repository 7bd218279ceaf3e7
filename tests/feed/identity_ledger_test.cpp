// The identity ledger's records and its journal format (feed/identity_ledger.h).
#include "feed/identity_ledger.h"

#include <gtest/gtest.h>

#include "feed_test_support.h"

namespace feedd::test {
namespace {

std::string journal(const std::string& lines) {
    return std::string(kLedgerHeader) + "\n" + lines;
}

TEST(IdentityLedger, AssignsForgetsAndRecordsOnlyRealChanges) {
    IdentityLedger ledger;
    EXPECT_TRUE(ledger.assign("posts/a.md", "tag:example.org,2020:a"));
    EXPECT_FALSE(ledger.assign("posts/a.md", "tag:example.org,2020:a"));  // adopting twice
    EXPECT_TRUE(ledger.assign("posts/b.md", "https://example.org/b/"));
    EXPECT_TRUE(ledger.forget("posts/b.md"));
    EXPECT_FALSE(ledger.forget("posts/b.md"));
    ASSERT_NE(ledger.find("posts/a.md"), nullptr);
    EXPECT_EQ(*ledger.find("posts/a.md"), "tag:example.org,2020:a");
    EXPECT_EQ(ledger.find("posts/b.md"), nullptr);
    const std::vector<LedgerChange> expected{{"posts/a.md", "tag:example.org,2020:a"},
                                             {"posts/b.md", "https://example.org/b/"},
                                             {"posts/b.md", ""}};
    EXPECT_EQ(ledger.changes(), expected);
    ledger.clear_changes();
    EXPECT_TRUE(ledger.changes().empty());
}

TEST(IdentityLedger, TheJournalReadsBackWithLaterLinesWinning) {
    IdentityLedger ledger;
    ledger.assign("a.md", "id-1");
    ledger.assign("odd\tname\nwith\\slash.md", "tag:x,2020:\t\\");
    ledger.assign("a.md", "id-2");
    ledger.assign("gone.md", "id-3");
    ledger.forget("gone.md");
    const auto text = journal(ledger_lines(ledger.changes()));
    const auto parsed = parse_ledger(text, "state/identity-ledger");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->ledger, ledger);
    EXPECT_EQ(parsed->lines, 5u);
    EXPECT_FALSE(parsed->torn_tail);
    EXPECT_TRUE(parsed->ledger.changes().empty());  // what was read is not written again
    ASSERT_NE(parsed->ledger.find("odd\tname\nwith\\slash.md"), nullptr);
    EXPECT_EQ(*parsed->ledger.find("odd\tname\nwith\\slash.md"), "tag:x,2020:\t\\");

    // Compacted: one line per record, the same ledger.
    const auto compact = format_ledger(ledger);
    const auto again = parse_ledger(compact, "f");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->ledger, ledger);
    EXPECT_EQ(again->lines, ledger.size());
}

TEST(IdentityLedger, AnAppendCutShortIsLeftOut) {
    const auto parsed = parse_ledger(journal("a.md\tid-1\nb.md\tid-"), "f");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_TRUE(parsed->torn_tail);
    EXPECT_EQ(parsed->ledger.size(), 1u);
    EXPECT_EQ(parsed->ledger.find("b.md"), nullptr);
    // Even the header may be what was cut short; an empty file is an empty ledger.
    EXPECT_TRUE(parse_ledger(std::string(kLedgerHeader).substr(0, 7), "f"));
    EXPECT_TRUE(parse_ledger("", "f"));
}

TEST(IdentityLedger, ErrorsNameTheFileAndLine) {
    const auto not_ledger = parse_ledger("hello\n", "state/identity-ledger");
    ASSERT_FALSE(not_ledger);
    EXPECT_EQ(not_ledger.error().rfind("state/identity-ledger:1: not a feedd identity ledger", 0),
              0u)
        << not_ledger.error();
    const auto no_tab = parse_ledger(journal("a.md\tid\nb.md id\n"), "L");
    ASSERT_FALSE(no_tab);
    EXPECT_EQ(no_tab.error(), "L:3: expected 'path<TAB>id'");
    const auto bad_escape = parse_ledger(journal("a\\x.md\tid\n"), "L");
    ASSERT_FALSE(bad_escape);
    EXPECT_EQ(bad_escape.error().rfind("L:2: a backslash", 0), 0u) << bad_escape.error();
    EXPECT_FALSE(parse_ledger(journal("\tid\n"), "L"));  // no path
}

TEST(IdentityLedger, TheSameArticleIsTheSameTitleAndDate) {
    auto a = article("posts/a.md", "A title", at(2024, 4, 5, 12));
    auto moved = article("archive/2024/a.md", "A title", at(2024, 4, 5, 12));
    moved.summary = "edited body";
    EXPECT_EQ(identity_fingerprint(a), identity_fingerprint(moved));
    auto retitled = moved;
    retitled.title = "Another title";
    EXPECT_NE(identity_fingerprint(a), identity_fingerprint(retitled));
    auto redated = moved;
    redated.date = at(2024, 4, 6, 12);
    EXPECT_NE(identity_fingerprint(a), identity_fingerprint(redated));
}

}  // namespace
}  // namespace feedd::test
