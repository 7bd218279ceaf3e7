#include "content/text_clean.h"

#include <gtest/gtest.h>

#include <random>

namespace feedd {
namespace {

TEST(CleanText, StripsBomAndNormalisesLineEnds) {
    const auto c = clean_text("\xEF\xBB\xBFone\r\ntwo\rthree\n");
    EXPECT_EQ(c.text, "one\ntwo\nthree\n");
    EXPECT_EQ(c.invalid_utf8_count, 0);
    EXPECT_EQ(c.removed_count, 0);
}

TEST(CleanText, ReplacesInvalidUtf8AndRemembersTheLine) {
    // Line 3: a stray continuation byte; line 4: a truncated 3-byte sequence (one U+FFFD for
    // the maximal subpart) followed by ASCII; an overlong "/" (C0 AF) gives two.
    const auto c = clean_text("ok\r\nok\n\x80x\n\xE2\x82y\n\xC0\xAF\n");
    EXPECT_EQ(c.text, "ok\nok\n\xEF\xBF\xBDx\n\xEF\xBF\xBDy\n\xEF\xBF\xBD\xEF\xBF\xBD\n");
    EXPECT_EQ(c.invalid_utf8_count, 4);
    EXPECT_EQ(c.invalid_utf8_line, 3);
}

TEST(CleanText, KeepsValidMultibyteText) {
    const std::string s =
        "Gr\xC3\xBC\xC3\x9F"
        "e \xE2\x80\x94 \xF0\x9F\x9A\x80 \xE4\xB8\xAD";
    EXPECT_EQ(clean_text(s).text, s);
}

TEST(CleanText, RemovesCharactersXmlForbids) {
    // C0 controls except TAB/LF/CR, U+FFFE, U+FFFF and an encoded lone surrogate (U+D800).
    const auto c = clean_text(
        "a\tb\n\x01"
        "c\x0B\x1F"
        "d\xEF\xBF\xBE"
        "e\xEF\xBF\xBF"
        "f\xED\xA0\x80g");
    EXPECT_EQ(c.text, "a\tb\ncdefg");
    EXPECT_EQ(c.removed_count, 6);
    EXPECT_EQ(c.removed_line, 2);
    EXPECT_EQ(c.invalid_utf8_count, 0);
}

TEST(FirstNulLine, CountsAllLineEndStyles) {
    EXPECT_EQ(first_nul_line("no nul"), 0);
    EXPECT_EQ(first_nul_line(std::string_view("a\r\nb\rc\n\0", 9)), 4);
}

TEST(TruncateWords, LeavesShortTextAlone) {
    EXPECT_EQ(truncate_words("short text", 300), "short text");
}

TEST(TruncateWords, CutsAtWordBoundaryCountingCodePoints) {
    EXPECT_EQ(truncate_words("alpha beta gamma delta", 12), "alpha beta\xE2\x80\xA6");
    // Multibyte characters count once each: 11 code points fit, the cut is after "b\xC3\xA9ta".
    EXPECT_EQ(truncate_words("\xC3\xA1lpha b\xC3\xA9ta gamma", 11),
              "\xC3\xA1lpha b\xC3\xA9ta\xE2\x80\xA6");
    // A single long word is cut mid-word at a code point boundary.
    EXPECT_EQ(truncate_words("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3),
              "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
}

TEST(EscapeHtml, EscapesMarkupCharacters) {
    EXPECT_EQ(escape_html("<a href=\"x\">&</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
}

TEST(EscapeHtml, ApostrophesOnlyWhenAsked) {
    EXPECT_EQ(escape_html("Bob's <b>"), "Bob's &lt;b&gt;");
    EXPECT_EQ(escape_html("Bob's <b> & \"it\"", true), "Bob&#39;s &lt;b&gt; &amp; &quot;it&quot;");
}

}  // namespace
}  // namespace feedd

namespace feedd {
namespace {

// is_clean_text is the shortcut past clean_text: it must say "clean" exactly when clean_text
// would change nothing. Each case is tried at every offset within a 32-byte block and after
// one or two of them (the fast loops skip 32, 16 and 8 bytes at a time).
TEST(IsCleanText, AgreesWithCleanText) {
    const std::vector<std::string> cases = {
        "",
        "plain ascii text, long enough to span words\n",
        "tab\tand\nnewline",
        "caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80",  // 2-, 3- and 4-byte sequences
        "del \x7F is allowed by XML",
        "\xEF\xBB\xBF"
        "bom",
        "cr\r\nlf",
        "bell\x07",
        std::string("nul\0byte", 8),
        "bad \xFF byte",
        "cut \xE2\x80",
        "overlong \xC0\xAF",
        "surrogate \xED\xA0\x80",
        "nonchar \xEF\xBF\xBE",
        "nonchar \xEF\xBF\xBF",
        "private \xEE\x80\x80 ok",
        "c1 control \xC2\x85 ok",
    };
    for (const auto& c : cases) {
        for (std::size_t pad = 0; pad < 80; ++pad) {
            const std::string s = std::string(pad, 'x') + c + std::string(80 - pad, 'y');
            const auto cleaned = clean_text(s);
            const bool unchanged =
                cleaned.text == s && cleaned.invalid_utf8_count == 0 && cleaned.removed_count == 0;
            EXPECT_EQ(is_clean_text(s), unchanged) << "case '" << c << "' pad " << pad;
        }
    }
}

TEST(CollapseSpaces, JoinsWordsWithOneSpace) {
    EXPECT_EQ(collapse_spaces("  a \t b\n\nc  "), "a b c");
    EXPECT_EQ(collapse_spaces(" \n\t "), "");
    EXPECT_EQ(collapse_spaces("one"), "one");
}

// The words of `text` joined by one ' ': what collapse_spaces must give, written the plain way.
std::string words_joined(std::string_view text) {
    std::string out, word;
    for (const char c : std::string(text) + " ") {
        if (std::string_view(" \t\n\r\f\v").find(c) == std::string_view::npos) {
            word += c;
        } else if (!word.empty()) {
            out += (out.empty() ? "" : " ") + word;
            word.clear();
        }
    }
    return out;
}

TEST(CollapseSpaces, MatchesJoiningTheWordsForRandomText) {
    // Single spaces between words (copied as runs), other spaces, multi-byte characters, and
    // cuts that fall inside and at the end of runs.
    const std::string pieces[] = {
        "a",     "word", "\xC3\xA9t\xC3\xA9", "\xE2\x98\xBA", " ", " ", " ", "  ", "\t", "\n",
        " \r\n", "x"};
    std::mt19937 random(20261127);
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        const int length = static_cast<int>(random() % 80);
        for (int i = 0; i < length; ++i) text += pieces[random() % std::size(pieces)];
        const std::string joined = words_joined(text);
        ASSERT_EQ(collapse_spaces(text), joined) << "'" << text << "'";
        for (const std::size_t max : {0u, 1u, 2u, 5u, 13u, 40u, 300u}) {
            ASSERT_EQ(summarize(text, max), truncate_words(joined, max))
                << "'" << text << "' at " << max;
        }
    }
}

TEST(TextClean, SummarizeIsTruncateOfCollapseForAnyLength) {
    // Paragraphs around the 300-character cut and far beyond it, with runs of spaces and
    // multi-byte characters (summarize collapses only the head it needs).
    const std::string words[] = {"a", "word", "\xC3\xA9t\xC3\xA9", "\xE2\x98\xBA\xE2\x98\xBA",
                                 "longerword"};
    for (int n = 0; n < 600; n += 7) {
        std::string text = "  ";
        for (int i = 0; i < n; ++i)
            text += words[i % 5] + std::string(i % 3 + 1, i % 2 ? ' ' : '\t');
        EXPECT_EQ(summarize(text, 300), truncate_words(collapse_spaces(text), 300))
            << n << " words";
        EXPECT_EQ(summarize(text, 5), truncate_words(collapse_spaces(text), 5)) << n << " words";
    }
    EXPECT_EQ(summarize(" \n ", 300), "");
}

}  // namespace
}  // namespace feedd
