#include "feed/snapshot.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "feed/browser_view.h"
#include "feed/writers.h"
#include "feed/writers_test_support.h"

#include "feed/feed_test_support.h"
#include "support/gzip.h"

namespace feedd {
namespace {

using test::gunzip;

TEST(Snapshot, HasEveryDocumentWithItsType) {
    const Feed feed = test::sample_feed();
    const Snapshot s = make_snapshot(feed);
    ASSERT_NE(s.find("/feed.xml"), nullptr);
    ASSERT_NE(s.find("/atom.xml"), nullptr);
    ASSERT_NE(s.find("/feed.json"), nullptr);
    ASSERT_NE(s.find("/"), nullptr);
    EXPECT_EQ(s.find("/nope"), nullptr);
    EXPECT_EQ(s.find("/feed.xml")->content_type, "application/rss+xml; charset=utf-8");
    EXPECT_EQ(s.find("/atom.xml")->content_type, "application/atom+xml; charset=utf-8");
    EXPECT_EQ(s.find("/feed.json")->content_type, "application/feed+json; charset=utf-8");
    EXPECT_EQ(s.find("/")->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(s.find("/feed.xml")->body, render_rss(feed));
    EXPECT_EQ(s.find("/atom.xml")->body, render_atom(feed));
    EXPECT_EQ(s.find("/feed.json")->body, render_json(feed));
    EXPECT_EQ(s.find("/")->body, render_index_html(feed));
    EXPECT_EQ(s.find("/feed.xml")->last_modified, feed.updated);
    EXPECT_EQ(s.info.articles, 2u);
}

TEST(Snapshot, GzipBodyInflatesToTheBody) {
    const Snapshot s = make_snapshot(test::sample_feed());
    for (const auto& [path, document] : s.resources) {
        const Resource& resource = s.at(path);
        ASSERT_GE(resource.gzip_body().size(), 2u) << path;
        EXPECT_EQ(static_cast<unsigned char>(resource.gzip_body()[0]), 0x1f) << path;
        EXPECT_EQ(static_cast<unsigned char>(resource.gzip_body()[1]), 0x8b) << path;
        EXPECT_EQ(gunzip(resource.gzip_body()), resource.body) << path;
    }
}

TEST(Snapshot, EtagsAreStrongQuotedAndDistinctPerEncoding) {
    const Snapshot s = make_snapshot(test::sample_feed());
    for (const auto& [path, document] : s.resources) {
        const Resource& resource = s.at(path);
        EXPECT_EQ(resource.etag.front(), '"') << path;
        EXPECT_EQ(resource.etag.back(), '"') << path;
        EXPECT_NE(resource.etag.substr(0, 2), "W/") << path;
        EXPECT_NE(resource.etag, resource.gzip_etag) << path;
    }
    EXPECT_NE(s.find("/feed.xml")->etag, s.find("/atom.xml")->etag);
}

TEST(Snapshot, SameFeedSameBytesAndEtags) {
    const Snapshot a = make_snapshot(test::sample_feed());
    const Snapshot b = make_snapshot(test::sample_feed());
    for (const auto& [path, document] : a.resources) {
        const Resource& resource = a.at(path);
        const Resource* other = b.find(path);
        ASSERT_NE(other, nullptr);
        EXPECT_EQ(resource.body, other->body) << path;
        EXPECT_EQ(resource.gzip_body(), other->gzip_body()) << path;
        EXPECT_EQ(resource.etag, other->etag) << path;
        EXPECT_EQ(resource.gzip_etag, other->gzip_etag) << path;
    }
}

TEST(Snapshot, EtagChangesWhenContentChanges) {
    Feed changed = test::sample_feed();
    changed.entries[1].title = "Plain, corrected";
    const Snapshot a = make_snapshot(test::sample_feed());
    const Snapshot b = make_snapshot(changed);
    for (const auto& [path, document] : a.resources) {
        const Resource& resource = a.at(path);
        if (path == kStylesheetPath) continue;  // the same for every feed
        EXPECT_NE(resource.etag, b.find(path)->etag) << path;
        EXPECT_NE(resource.gzip_etag, b.find(path)->gzip_etag) << path;
    }
}

}  // namespace
}  // namespace feedd
