#include "feed/snapshot.h"

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "feed/browser_view.h"
#include "feed/compress.h"
#include "feed/writers.h"

namespace feedd {
namespace {

// gzip (RFC 1952) at level 9: done once per build, served many times. The header zlib writes has
// no name and mtime 0, so the same body always gives the same bytes.
std::string gzip(const std::string& body) {
    z_stream zs{};
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("zlib: deflateInit2 failed");
    }
    std::string out(deflateBound(&zs, static_cast<uLong>(body.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    zs.avail_in = static_cast<uInt>(body.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
    return out;
}

// FNV-1a, 64 bits. An ETag only has to change when the bytes change; it is not a security
// boundary, so a fast, tiny, well-known non-cryptographic hash fits (no hashing library is in the
// stack, and std::hash is not stable across builds). 64 bits make an accidental collision between
// two versions of one document negligible.
std::uint64_t fnv1a64(const std::string& bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string hex16(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

Resource make_resource(std::string content_type, std::string body, Seconds last_modified) {
    Resource r;
    r.content_type = std::move(content_type);
    const std::string hash = hex16(fnv1a64(body));
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
