// Atom 1.0, RFC 4287; checked against its RELAX NG schema in the tests.
#include <feedd/version.h>

#include <algorithm>

#include "feed/format.h"
#include "feed/writers.h"
#include "feed/xml_out.h"

namespace feedd {
namespace {

// atom:author needs a name; an author known only by email is named by it.
void add_person(pugi::xml_node parent, const char* element, const Person& person) {
    pugi::xml_node node = parent.append_child(element);
    detail::add_text(node, "name", person.name.empty() ? person.email : person.name);
    detail::add_text(node, "email", person.email);
}

void add_link(pugi::xml_node parent, const char* rel, const char* type, const std::string& href) {
    pugi::xml_node link = parent.append_child("link");
    link.append_attribute("rel") = rel;
    if (type) link.append_attribute("type") = type;
    link.append_attribute("href") = href.c_str();
}

void add_entry(pugi::xml_node root, const Entry& e, const std::string& feed_lang) {
    using detail::add_text;
    pugi::xml_node entry = root.append_child("entry");
    const std::string lang = detail::language_tag(e.lang);
    if (!lang.empty() && lang != feed_lang) entry.append_attribute("xml:lang") = lang.c_str();
    add_text(entry, "id", e.id);
    // atom:title is required even when empty; type="text" says it is not markup.
    pugi::xml_node title = entry.append_child("title");
    title.append_attribute("type") = "text";
    if (!e.title.empty()) title.append_child(pugi::node_pcdata).set_value(e.title.c_str());
    add_link(entry, "alternate", "text/html", e.link);
    if (!e.related.empty()) add_link(entry, "related", "text/html", e.related);
    add_text(entry, "published", detail::rfc3339(e.published));
    add_text(entry, "updated", detail::rfc3339(e.updated));
    if (!e.author.empty()) add_person(entry, "author", e.author);
    for (const Person& co_author : e.co_authors) add_person(entry, "author", co_author);
    for (const std::string& category : e.categories) {
        entry.append_child("category").append_attribute("term") = category.c_str();
    }
    if (pugi::xml_node summary = add_text(entry, "summary", e.summary)) {
        summary.prepend_attribute("type") = "text";
    }
    if (pugi::xml_node content = add_text(entry, "content", e.content_html)) {
        content.prepend_attribute("type") = "html";
    }
    if (e.enclosure && !e.enclosure->url.empty()) {
        pugi::xml_node link = entry.append_child("link");
        link.append_attribute("rel") = "enclosure";
        if (!e.enclosure->type.empty()) link.append_attribute("type") = e.enclosure->type.c_str();
        if (e.enclosure->length > 0) {
            link.append_attribute("length") = std::to_string(e.enclosure->length).c_str();
        }
        link.append_attribute("href") = e.enclosure->url.c_str();
    }
}

}  // namespace

std::string render_atom(const Feed& feed) {
    using detail::add_text;
    pugi::xml_document doc;
    detail::add_declaration(doc);
    detail::add_stylesheet(doc, feed.stylesheet);
    pugi::xml_node root = doc.append_child("feed");
    root.append_attribute("xmlns") = "http://www.w3.org/2005/Atom";
    const std::string lang = detail::language_tag(feed.language);
    if (!lang.empty()) root.append_attribute("xml:lang") = lang.c_str();

    if (feed.archive) root.append_attribute("xmlns:fh") = "http://purl.org/syndication/history/1.0";
    add_text(root, "id", feed.urls.id.empty() ? feed.urls.home : feed.urls.id);
    pugi::xml_node title = root.append_child("title");
    title.append_attribute("type") = "text";
    if (!feed.title.empty()) title.append_child(pugi::node_pcdata).set_value(feed.title.c_str());
    if (pugi::xml_node subtitle = add_text(root, "subtitle", feed.description)) {
        subtitle.append_attribute("type") = "text";
    }
    add_text(root, "updated", detail::rfc3339(feed.updated));
    // RFC 4287 4.1.1: a feed needs an author unless every entry has one. With no author known at
    // all, the site itself is the author (its title as the name), so the feed still validates.
    const bool entry_without_author = std::any_of(feed.entries.begin(), feed.entries.end(),
                                                  [](const Entry& e) { return e.author.empty(); });
    if (!feed.author.empty()) {
        add_person(root, "author", feed.author);
    } else if (entry_without_author) {
        Person site;
        site.name = feed.title.empty() ? feed.urls.home : feed.title;
        add_person(root, "author", site);
    }
    add_link(root, "self", "application/atom+xml", feed.urls.atom);
    add_link(root, "alternate", "text/html", feed.urls.home);
    for (const auto& hub : feed.hubs) add_link(root, "hub", nullptr, hub);
    // RFC 5005 section 4 (archived feeds).
    const char* type = "application/atom+xml";
    if (!feed.current.atom.empty()) add_link(root, "current", type, feed.current.atom);
    if (!feed.prev_archive.atom.empty())
        add_link(root, "prev-archive", type, feed.prev_archive.atom);
    if (!feed.next_archive.atom.empty())
        add_link(root, "next-archive", type, feed.next_archive.atom);
    if (feed.archive) root.append_child("fh:archive");
    pugi::xml_node generator = add_text(root, "generator", "feedd");
    generator.append_attribute("version") = kVersion;
    // A show's artwork is what Atom can say of it (its episodes are link rel=enclosure).
    if (feed.show) add_text(root, "logo", feed.show->image);

    for (const Entry& e : feed.entries) add_entry(root, e, lang);
    return detail::to_string(doc);
}

}  // namespace feedd
