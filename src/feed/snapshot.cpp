#include "feed/snapshot.h"


#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "feed/browser_view.h"
#include "feed/compress.h"
#include "feed/writers.h"

namespace feedd {
namespace {

Resource make_resource(std::string content_type, std::string body, Seconds last_modified) {
    Resource r;
    r.content_type = std::move(content_type);
    const std::string hash = content_hash(body);
    r.etag = "\"" + hash + "\"";
    r.gzip_etag = "\"" + hash + "-gz\"";
    r.gzip_body = gzip(body);
    r.br_etag = "\"" + hash + "-br\"";
    r.br_body = brotli(body);
    r.body = std::move(body);
    r.last_modified = last_modified;
    return r;
}

}  // namespace

const Resource* Snapshot::find(std::string_view path) const {
    const auto it = resources.find(path);
    return it == resources.end() ? nullptr : &it->second;
}

namespace {

// A feed document knows its own public URL and advertises its hubs (WebSub §4).
Resource feed_resource(const char* type, std::string body, const Feed& feed, const std::string& self_url) {
    Resource r = make_resource(type, std::move(body), feed.updated);
    r.self_url = self_url;
    for (const auto& hub : feed.hubs) r.link_header += "<" + hub + ">; rel=\"hub\", ";
    r.link_header += "<" + self_url + ">; rel=\"self\"";
    return r;
}

}  // namespace

void add_feed_resources(Snapshot& s, std::string_view folder, const Feed& feed) {
    const std::string base(folder);
    s.resources.insert_or_assign(base + "feed.xml",
                                 feed_resource("application/rss+xml; charset=utf-8",
                                               render_rss(feed), feed, feed.urls.rss));
    s.resources.insert_or_assign(base + "atom.xml",
                                 feed_resource("application/atom+xml; charset=utf-8",
                                               render_atom(feed), feed, feed.urls.atom));
    s.resources.insert_or_assign(base + "feed.json",
                                 feed_resource("application/feed+json; charset=utf-8",
                                               render_json(feed), feed, feed.urls.json));
}

Resource make_page_resource(std::string content_type, std::string body, Seconds last_modified) {
    return make_resource(std::move(content_type), std::move(body), last_modified);
}

Snapshot make_snapshot(const Feed& feed) {
    Snapshot s;
    add_feed_resources(s, "/", feed);
    s.resources.emplace(
        "/", make_resource("text/html; charset=utf-8", render_index_html(feed), feed.updated));
    s.info.articles = feed.entries.size();
    add_browser_views(s);  // last: it reads every feed document added above
    return s;
}

}  // namespace feedd
