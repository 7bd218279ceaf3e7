#include "feed/snapshot.h"

#include <stdexcept>

#include "feed/browser_view.h"
#include "feed/compress.h"
#include "feed/writers.h"

namespace feedd {

Resource::Resource(std::string type, std::string bytes, Seconds modified)
    : content_type(std::move(type)), body(std::move(bytes)), last_modified(modified) {
    const std::string hash = content_hash(body);
    etag = "\"" + hash + "\"";
    gzip_etag = "\"" + hash + "-gz\"";
    br_etag = "\"" + hash + "-br\"";
}

const std::string& Resource::gzip_body() const {
    if (gzip_ready()) return gzip_body_;
    std::call_once(gzip_once_, [this] {
        gzip_body_ = gzip(body);
        gzip_ready_.store(true, std::memory_order_release);
    });
    return gzip_body_;
}

const std::string& Resource::br_body() const {
    if (br_ready()) return br_body_;
    std::call_once(br_once_, [this] {
        br_body_ = brotli(body);
        br_ready_.store(true, std::memory_order_release);
    });
    return br_body_;
}

void Resource::make_view() const {
    if (view_ready()) return;
    std::call_once(view_once_, [this] {
        if (!self_url.empty()) {
            // An unreadable feed fails validate_snapshot() anyway; without a view it is served as
            // is.
            if (auto view = view_feed(content_type, body, self_url)) {
                view_ = std::make_unique<const Resource>("text/html; charset=utf-8",
                                                         std::move(view->html), last_modified);
                entry_spans_ = std::move(view->entry_spans);
            }
        }
        view_ready_.store(true, std::memory_order_release);
    });
}

const Resource* Resource::browser_view() const {
    make_view();
    return view_.get();
}

const EntrySpans& Resource::entry_spans() const {
    make_view();
    return entry_spans_;
}

void Resource::prepare() const {
    gzip_body();
}

Document::Document(std::shared_ptr<const Resource> ready)
    : resource_(std::move(ready)),
      rendered_(true),
      self_url_(resource_->self_url),
      version_(resource_->etag) {
    std::call_once(once_, [] {});
}

Document::Document(std::function<Rendered()> render, std::string self_url, std::string version)
    : render_(std::move(render)), self_url_(std::move(self_url)), version_(std::move(version)) {}

const Resource* Document::get() const {
    if (rendered()) return resource_.get();
    std::call_once(once_, [this] {
        auto made = render_();
        if (made) {
            resource_ = std::move(*made);
        } else {
            error_ = std::move(made.error());
        }
        render_ = nullptr;  // what it captured (articles, config) is no longer needed
        rendered_.store(true, std::memory_order_release);
    });
    return resource_.get();
}

const Document* Snapshot::document(std::string_view path) const {
    const auto it = resources.find(path);
    return it == resources.end() ? nullptr : it->second.get();
}

const Resource* Snapshot::find(std::string_view path) const {
    const Document* doc = document(path);
    return doc ? doc->get() : nullptr;
}

const Resource& Snapshot::at(std::string_view path) const {
    const Document* doc = document(path);
    if (!doc) throw std::out_of_range("no document at " + std::string(path));
    const Resource* resource = doc->get();
    if (!resource) throw std::out_of_range(std::string(path) + ": " + doc->error());
    return *resource;
}

void Snapshot::add(std::string path, std::shared_ptr<const Resource> resource) {
    resources.insert_or_assign(std::move(path),
                               std::make_shared<const Document>(std::move(resource)));
}

std::shared_ptr<Resource> make_page_resource(std::string content_type, std::string body,
                                             Seconds last_modified) {
    return std::make_shared<Resource>(std::move(content_type), std::move(body), last_modified);
}

std::shared_ptr<Resource> make_feed_resource(std::string_view name, const Feed& feed) {
    std::shared_ptr<Resource> r;
    if (name == "feed.xml") {
        r = make_page_resource("application/rss+xml; charset=utf-8", render_rss(feed),
                               feed.updated);
        r->self_url = feed.urls.rss;
    } else if (name == "atom.xml") {
        r = make_page_resource("application/atom+xml; charset=utf-8", render_atom(feed),
                               feed.updated);
        r->self_url = feed.urls.atom;
    } else {
        r = make_page_resource("application/feed+json; charset=utf-8", render_json(feed),
                               feed.updated);
        r->self_url = feed.urls.json;
    }
    // A feed document knows its own public URL and advertises its hubs (WebSub §4).
    for (const auto& hub : feed.hubs) r->link_header += "<" + hub + ">; rel=\"hub\", ";
    r->link_header += "<" + r->self_url + ">; rel=\"self\"";
    return r;
}

void add_feed_resources(Snapshot& s, std::string_view folder, const Feed& feed) {
    const std::string base(folder);
    for (const char* name : {"feed.xml", "atom.xml", "feed.json"})
        s.add(base + name, make_feed_resource(name, feed));
}

Snapshot make_snapshot(const Feed& feed) {
    Snapshot s;
    add_feed_resources(s, "/", feed);
    s.add("/",
          make_page_resource("text/html; charset=utf-8", render_index_html(feed), feed.updated));
    s.add(std::string(kStylesheetPath), stylesheet_resource());
    s.info.articles = feed.entries.size();
    return s;
}

}  // namespace feedd
