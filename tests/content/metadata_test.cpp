// Flat front matter is read without libyaml (content/metadata.cpp): both readings must agree,
// problems and their lines included, and everything that is not flat must go to libyaml.
#include "content/metadata.h"

#include <gtest/gtest.h>

#include <random>

#include "content/test_util.h"
#include "support/metadata_text.h"

namespace feedd {
namespace {

const MetadataSource kSource{"news/a.md", 2, "UTC", testing::utc(2026, 1, 14)};

std::string read_fast(std::string_view yaml) {
    std::vector<Problem> problems;
    const auto m = parse_metadata(yaml, kSource, problems);
    return metadata_text(m, problems);
}

std::string read_libyaml(std::string_view yaml) {
    std::vector<Problem> problems;
    const auto m = detail::parse_metadata_with_libyaml(yaml, kSource, problems);
    return metadata_text(m, problems);
}

TEST(FlatFrontMatter, TypicalFrontMatterIsReadWithoutLibyamlAndAlike) {
    const std::string flat[] = {
        "title: \"Support Summer Note page\"\ndate: 2019-02-11T15:09:06Z\n"
        "tags: [\"about\", \"focus\", \"d\xC3\xA9"
        "cor\", already picture]\n",
        "title: Harbour ferries, at last\ndate: 2021-04-05T12:20:00+01:00\n"
        "tags: [tag01, tag17, tag33]\ncategories:\n  - city\n  - 'port'\n"
        "author: Jane Doe <jane@example.org>\n",
        "title: 'It is \"quoted\"'\ndraft: yes\nsummary: ~\nlang: en\n",
        "# a comment\ntitle: C# and F#\n\ntags:\n- a\n- b, c\n\n- ~\nid: urn:x:1\n",
        "title: x\ntitle: y\nunknown: 1\ndraft: maybe\n",
        "title: [a, b]\ndate: not a date\n",
        "tags: []\ncategories: [ ]\nsummary:\nimage: /img/a.png   \n",
        "date: 5 Apr in 12:20\nurl: https://example.org/a?b=c#d\n",
        "tags: a, b,, c\ntitle: \"\"\ndraft: \"true\"\n",
        "title: null\nsummary: 'null'\nauthor: ~\n",
        "2021: year key\nkey.with-dots_and_1: v\n",
        "categories:\n  -   null\n  -  'port'  \ntags:\n-    a  \n",  // spaces after "- " (fuzzing)
    };
    for (const auto& yaml : flat) {
        EXPECT_TRUE(detail::is_flat_yaml(yaml)) << yaml;
        EXPECT_EQ(read_fast(yaml), read_libyaml(yaml)) << yaml;
    }
}

TEST(FlatFrontMatter, AnythingElseGoesToLibyaml) {
    const std::string not_flat[] = {
        "title: \"with \\\" escape\"\n",  // escapes
        "title: 'it''s'\n",
        "title: a\n  continued\n",                          // a multi-line scalar
        "author:\n  name: Jane\n  email: j@example.org\n",  // nesting
        "enclosure: {url: a.mp3, length: 1, type: audio/mpeg}\n",
        "title: &a x\nsummary: *a\n",  // anchors and aliases
        "title: !!str 5\n",
        "title: x # a comment after a value\n",
        "tags: [a, [b]]\n",
        "tags: [a, b,]\n",
        "tags: [a,\n  b]\n",
        "title: a: b\n",
        "title: ends with:\n",
        "summary: |\n  block\n",
        "title:\tx\n",
        "title: x\r\n",
        "title: \xC2\x85x\n",  // NEL, a line break to YAML 1.1
        "title: a\xE2\x80\xA8"
        "b\n",
        "- a\n- b\n",
        "---\ntitle: x\n",
        "title: x\n...\n",
        "key:value\n",
        "my key: x\n",
        "tags:\n  - a\n - b\n",
        "title: -5\n",
        "",
        "# only a comment\n",
        "title: \"unclosed\n",
    };
    for (const auto& yaml : not_flat) {
        EXPECT_FALSE(detail::is_flat_yaml(yaml)) << yaml;
        EXPECT_EQ(read_fast(yaml), read_libyaml(yaml)) << yaml;
    }
}

// Front matter put together from pieces, many of them on the edge of what is flat: wherever the
// flat reader takes the text, it must read what libyaml reads.
TEST(FlatFrontMatter, RandomFrontMatterReadsAlikeBothWays) {
    const std::string keys[] = {"title", "date",    "tags", "categories", "author",
                                "draft", "summary", "id",   "unknown",    "lang"};
    const std::string values[] = {"plain words",
                                  "\"double\"",
                                  "'single'",
                                  "[a, \"b c\", 'd']",
                                  "[]",
                                  "~",
                                  "",
                                  "yes",
                                  "2021-04-05",
                                  "5 Apr 2021 12:20",
                                  "Jane <j@x.org>",
                                  "a, b",
                                  "a: b",
                                  "x #y",
                                  "x#y",
                                  "[a b, c]",
                                  "\"\"",
                                  "''",
                                  "'a''b'",
                                  "\"a\\tb\"",
                                  "-",
                                  "- a",
                                  "?x",
                                  "a?",
                                  "[a, ]",
                                  "caf\xC3\xA9",
                                  "\xE2\x98\xBA",
                                  "null",
                                  "NULL",
                                  "on",
                                  "http://x/y",
                                  "a ",
                                  "[ a , b ]",
                                  "[a]x",
                                  "'a' b",
                                  "\"a\" ",
                                  "%x",
                                  "@x",
                                  "`x`",
                                  "a\tb",
                                  "{a: 1}",
                                  "[[a]]",
                                  ":x",
                                  "x:"};
    const std::string items[] = {"- a",    "- \"b\"", "  - c", "- ~", "-",
                                 "- x: y", "  - d e", "- [a]", "# c", ""};
    std::mt19937 random(4287);
    int flat = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string yaml;
        const int lines = 1 + static_cast<int>(random() % 6);
        for (int i = 0; i < lines; ++i) {
            const auto& key = keys[random() % std::size(keys)];
            if (random() % 4 == 0) {
                yaml += key + ":\n";
                for (int k = static_cast<int>(random() % 4); k > 0; --k)
                    yaml += items[random() % std::size(items)] + "\n";
            } else {
                yaml += key + ": " + values[random() % std::size(values)] + "\n";
            }
        }
        if (detail::is_flat_yaml(yaml)) ++flat;
        ASSERT_EQ(read_fast(yaml), read_libyaml(yaml)) << yaml;
    }
    EXPECT_GT(flat, 300);  // the flat reader did its share of the work
}

}  // namespace
}  // namespace feedd
