// Media under podcast.media_path: Range parsing, the path a URL names, the secure open, and the
// response laid out for each combination of Range, If-Range and the conditionals (RFC 9110).
#include "http/media.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "http/http_date.h"
#include "support/process.h"

namespace feedd::http {
namespace {

using Kind = RangeSet::Kind;

RangeSet ranges(std::vector<ByteRange> list) {
    return {Kind::satisfiable, std::move(list)};
}

TEST(ParseRange, SingleRangesOfEachForm) {
    EXPECT_EQ(parse_range("bytes=0-99", 1000), ranges({{0, 99}}));
    EXPECT_EQ(parse_range("bytes=500-", 1000), ranges({{500, 999}}));
    EXPECT_EQ(parse_range("bytes=-100", 1000), ranges({{900, 999}}));
    EXPECT_EQ(parse_range("bytes=0-0", 1000), ranges({{0, 0}}));
    // A last position past the end is cut to the end; a suffix longer than the file is all of it.
    EXPECT_EQ(parse_range("bytes=900-5000", 1000), ranges({{900, 999}}));
    EXPECT_EQ(parse_range("bytes=-5000", 1000), ranges({{0, 999}}));
    // The unit is case-insensitive; whitespace around list members is allowed.
    EXPECT_EQ(parse_range("Bytes= 1-2 , ", 1000), ranges({{1, 2}}));
}

TEST(ParseRange, SeveralRangesAreSortedAndOverlapsMerged) {
    EXPECT_EQ(parse_range("bytes=0-9,20-29", 100), ranges({{0, 9}, {20, 29}}));
    EXPECT_EQ(parse_range("bytes=20-29,0-9", 100), ranges({{0, 9}, {20, 29}}));
    EXPECT_EQ(parse_range("bytes=0-9,5-14,15-19", 100), ranges({{0, 19}}));
    EXPECT_EQ(parse_range("bytes=0-9,-10", 100), ranges({{0, 9}, {90, 99}}));
    // An unsatisfiable member among satisfiable ones is dropped.
    EXPECT_EQ(parse_range("bytes=0-9,500-600", 100), ranges({{0, 9}}));
}

TEST(ParseRange, UnsatisfiableWhenNoRangeOverlapsTheFile) {
    EXPECT_EQ(parse_range("bytes=1000-", 1000).kind, Kind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=1000-2000,5000-", 1000).kind, Kind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=-0", 1000).kind, Kind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=0-", 0).kind, Kind::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=-5", 0).kind, Kind::unsatisfiable);
    // Positions beyond 64 bits saturate: still a position past the end, not a syntax error.
    EXPECT_EQ(parse_range("bytes=99999999999999999999999-", 1000).kind, Kind::unsatisfiable);
}

TEST(ParseRange, InvalidSyntaxIsIgnored) {
    for (const char* header : {"", "bytes", "bytes=", "bytes=,", "bytes=abc", "bytes=5",
                               "bytes=9-3", "bytes=--5", "bytes=1-2-3", "bytes=-", "items=0-9",
                               "bytes 0-9", "bytes=0x10-20", "bytes=+1-2", "bytes=1- 2"}) {
        EXPECT_EQ(parse_range(header, 1000).kind, Kind::none) << header;
    }
}

TEST(ParseRange, TooManyRangesAreIgnored) {
    std::string header = "bytes=";
    for (std::size_t i = 0; i <= kMaxRanges; ++i)
        header += std::to_string(i * 10) + "-" + std::to_string(i * 10 + 1) + ",";
    EXPECT_EQ(parse_range(header, 100000).kind, Kind::none);
    header = "bytes=";
    for (std::size_t i = 0; i < kMaxRanges; ++i)
        header += std::to_string(i * 10) + "-" + std::to_string(i * 10 + 1) + ",";
    EXPECT_EQ(parse_range(header, 100000).ranges.size(), kMaxRanges);
}

TEST(MediaRelativePath, MapsUnderThePrefixAndDecodes) {
    EXPECT_EQ(media_relative_path("/media/episodes/042.mp3", "/media/"), "episodes/042.mp3");
    EXPECT_EQ(media_relative_path("/media/042%20guest.mp3?x=1", "/media/"), "042 guest.mp3");
    EXPECT_EQ(media_relative_path("/pod/a.M4A", "/pod/"), "a.M4A");
}

TEST(MediaRelativePath, RefusesTraversalEncodedSeparatorsAndNul) {
    for (const char* target :
         {"/media/../secret.mp3", "/media/a/../../b.mp3", "/media/%2e%2e/b.mp3",
          "/media/%2E%2e/b.mp3", "/media/a%2fb.mp3", "/media/a%2Fb.mp3", "/media/a%5cb.mp3",
          "/media/a%00.mp3", "/media/./a.mp3", "/media/a%zz.mp3", "/media/a%2"}) {
        EXPECT_EQ(media_relative_path(target, "/media/"), std::unexpected(400u)) << target;
    }
}

TEST(MediaRelativePath, RefusesWhatIsNoMediaFile) {
    for (const char* target : {"/media/", "/media/index.md", "/media/feedd.yaml",
                               "/media/.hidden.mp3", "/media/.git/x.mp3", "/media/a//b.mp3",
                               "/media/episodes/", "/other/a.mp3", "/media/episodes"}) {
        EXPECT_EQ(media_relative_path(target, "/media/"), std::unexpected(404u)) << target;
    }
}

class OpenMedia : public ::testing::Test {
  protected:
    void SetUp() override {
        std::filesystem::create_directories(content() / "episodes");
        test::write_file(content() / "episodes" / "a.mp3",
                         std::string("ID3\x04\0\0\0\0\0\0audio", 16));
        test::write_file(content() / "named.mp3", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR....");
        test::write_file(dir_.path() / "outside.mp3", "ID3 secret");
    }
    std::filesystem::path content() const { return dir_.path() / "content"; }
    test::TempDir dir_;
};

TEST_F(OpenMedia, OpensAFileWithItsSizeAndSniffedType) {
    const auto opened = open_media(content(), "episodes/a.mp3");
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->file.size, 16u);
    EXPECT_EQ(opened->file.content_type, "audio/mpeg");
    ::close(opened->fd);
    // The content decides over the name.
    const auto png = open_media(content(), "named.mp3");
    ASSERT_TRUE(png);
    EXPECT_EQ(png->file.content_type, "image/png");
    ::close(png->fd);
}

TEST_F(OpenMedia, RefusesSymlinksOutOfTheDirectoryAndWhatIsNoRegularFile) {
    std::filesystem::create_symlink(dir_.path() / "outside.mp3", content() / "absolute.mp3");
    std::filesystem::create_symlink("../outside.mp3", content() / "relative.mp3");
    std::filesystem::create_symlink(dir_.path(), content() / "up");
    std::filesystem::create_directories(content() / "folder.mp3");
    EXPECT_EQ(open_media(content(), "absolute.mp3"), std::unexpected(404u));
    EXPECT_EQ(open_media(content(), "relative.mp3"), std::unexpected(404u));
    EXPECT_EQ(open_media(content(), "up/outside.mp3"), std::unexpected(404u));
    EXPECT_EQ(open_media(content(), "folder.mp3"), std::unexpected(404u));
    EXPECT_EQ(open_media(content(), "missing.mp3"), std::unexpected(404u));
    // A symlink that stays inside is followed.
    std::filesystem::create_symlink("episodes/a.mp3", content() / "inside.mp3");
    const auto inside = open_media(content(), "inside.mp3");
    ASSERT_TRUE(inside);
    EXPECT_EQ(inside->file.size, 16u);
    ::close(inside->fd);
}

class PlanMedia : public ::testing::Test {
  protected:
    PlanMedia() {
        file_.size = 1000;
        file_.inode = 0x42;
        file_.mtime_ns = std::int64_t{784111777} * 1'000'000'000 + 5;  // Sun, 06 Nov 1994 08:49:37
        file_.content_type = "audio/mpeg";
    }
    static std::string field(const MediaPlan& plan, std::string_view name) {
        const std::string key = "\r\n" + std::string(name) + ": ";
        const std::string fields = "\r\n" + plan.fields;
        const auto at = fields.find(key);
        if (at == std::string::npos) return "<none>";
        const auto start = at + key.size();
        return fields.substr(start, fields.find("\r\n", start) - start);
    }
    MediaFile file_;
    static constexpr const char* kDate = "Sun, 06 Nov 1994 08:49:37 GMT";
};

TEST_F(PlanMedia, WholeFileWithValidators) {
    const auto plan = plan_media_response({}, file_, std::chrono::seconds(60));
    EXPECT_EQ(plan.status, 200u);
    EXPECT_EQ(field(plan, "Content-Type"), "audio/mpeg");
    EXPECT_EQ(field(plan, "Content-Length"), "1000");
    EXPECT_EQ(field(plan, "Accept-Ranges"), "bytes");
    EXPECT_EQ(field(plan, "ETag"), media_etag(file_));
    EXPECT_EQ(field(plan, "Last-Modified"), kDate);
    EXPECT_EQ(field(plan, "Cache-Control"), "public, max-age=60");
    ASSERT_EQ(plan.body.size(), 1u);
    EXPECT_EQ(plan.body[0].file, (ByteRange{0, 999}));
    // HEAD: the same fields, no body.
    const auto head = plan_media_response({.head = true}, file_, std::chrono::seconds(60));
    EXPECT_EQ(head.fields, plan.fields);
    EXPECT_TRUE(head.body.empty());
}

TEST_F(PlanMedia, EtagIsStrongAndChangesWithTheFile) {
    const auto etag = media_etag(file_);
    EXPECT_EQ(etag.front(), '"');
    auto changed = file_;
    changed.mtime_ns += 1;
    EXPECT_NE(media_etag(changed), etag);
    changed = file_;
    changed.size += 1;
    EXPECT_NE(media_etag(changed), etag);
    changed = file_;
    changed.inode += 1;
    EXPECT_NE(media_etag(changed), etag);
}

TEST_F(PlanMedia, SingleAndMultipleRanges) {
    auto plan = plan_media_response({.range = "bytes=-24"}, file_, {});
    EXPECT_EQ(plan.status, 206u);
    EXPECT_EQ(field(plan, "Content-Range"), "bytes 976-999/1000");
    EXPECT_EQ(field(plan, "Content-Length"), "24");
    ASSERT_EQ(plan.body.size(), 1u);
    EXPECT_EQ(plan.body[0].file, (ByteRange{976, 999}));

    plan = plan_media_response({.range = "bytes=0-1,10-19"}, file_, {});
    EXPECT_EQ(plan.status, 206u);
    const auto type = field(plan, "Content-Type");
    ASSERT_TRUE(type.starts_with("multipart/byteranges; boundary=")) << type;
    const auto boundary = type.substr(type.find('=') + 1);
    ASSERT_EQ(plan.body.size(), 5u);
    EXPECT_EQ(plan.body[0].text,
              "\r\n--" + boundary +
                  "\r\nContent-Type: audio/mpeg\r\nContent-Range: bytes 0-1/1000\r\n\r\n");
    EXPECT_EQ(plan.body[1].file, (ByteRange{0, 1}));
    EXPECT_EQ(plan.body[3].file, (ByteRange{10, 19}));
    EXPECT_EQ(plan.body[4].text, "\r\n--" + boundary + "--\r\n");
    std::uint64_t length = 0;
    for (const auto& part : plan.body)
        length += part.is_text() ? part.text.size() : part.file.size();
    EXPECT_EQ(field(plan, "Content-Length"), std::to_string(length));
}

TEST_F(PlanMedia, UnsatisfiableIs416WithTheSize) {
    const auto plan = plan_media_response({.range = "bytes=1000-"}, file_, {});
    EXPECT_EQ(plan.status, 416u);
    EXPECT_EQ(field(plan, "Content-Range"), "bytes */1000");
    // Invalid syntax is ignored: the whole file.
    EXPECT_EQ(plan_media_response({.range = "bytes=9-3"}, file_, {}).status, 200u);
}

TEST_F(PlanMedia, IfRangeHonoursTheRangeOnlyWhenTheValidatorMatches) {
    const auto etag = media_etag(file_);
    EXPECT_EQ(plan_media_response({.range = "bytes=0-9", .if_range = etag}, file_, {}).status,
              206u);
    EXPECT_EQ(
        plan_media_response({.range = "bytes=0-9", .if_range = "\"other\""}, file_, {}).status,
        200u);
    EXPECT_EQ(
        plan_media_response({.range = "bytes=0-9", .if_range = "W/" + etag}, file_, {}).status,
        200u);
    EXPECT_EQ(plan_media_response({.range = "bytes=0-9", .if_range = kDate}, file_, {}).status,
              206u);
    EXPECT_EQ(plan_media_response(
                  {.range = "bytes=0-9", .if_range = "Sun, 06 Nov 1994 08:49:38 GMT"}, file_, {})
                  .status,
              200u);
    EXPECT_EQ(plan_media_response({.range = "bytes=0-9", .if_range = "garbage"}, file_, {}).status,
              200u);
}

TEST_F(PlanMedia, ConditionalRequests) {
    const auto etag = media_etag(file_);
    auto plan = plan_media_response({.if_none_match = etag}, file_, {});
    EXPECT_EQ(plan.status, 304u);
    EXPECT_EQ(field(plan, "ETag"), etag);
    EXPECT_TRUE(plan.body.empty());
    EXPECT_EQ(plan_media_response({.if_none_match = "\"a\", W/" + etag}, file_, {}).status, 304u);
    EXPECT_EQ(plan_media_response({.if_none_match = "*"}, file_, {}).status, 304u);
    EXPECT_EQ(plan_media_response({.if_none_match = "\"other\""}, file_, {}).status, 200u);
    EXPECT_EQ(plan_media_response({.if_modified_since = kDate}, file_, {}).status, 304u);
    EXPECT_EQ(plan_media_response({.if_modified_since = "Sun, 06 Nov 1994 08:49:36 GMT"}, file_, {})
                  .status,
              200u);
    // If-None-Match decides alone when both are sent.
    EXPECT_EQ(
        plan_media_response({.if_none_match = "\"other\"", .if_modified_since = kDate}, file_, {})
            .status,
        200u);
    // A 304 wins over a Range.
    EXPECT_EQ(plan_media_response({.range = "bytes=0-1", .if_none_match = etag}, file_, {}).status,
              304u);
    EXPECT_EQ(plan_media_response({.if_match = "\"other\""}, file_, {}).status, 412u);
    EXPECT_EQ(plan_media_response({.if_match = "W/" + etag}, file_, {}).status, 412u);
    EXPECT_EQ(plan_media_response({.if_match = etag}, file_, {}).status, 200u);
    EXPECT_EQ(
        plan_media_response({.if_unmodified_since = "Sun, 06 Nov 1994 08:49:36 GMT"}, file_, {})
            .status,
        412u);
}

}  // namespace
}  // namespace feedd::http
