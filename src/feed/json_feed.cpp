// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).
#include <nlohmann/json.hpp>

#include "feed/format.h"
#include "feed/writers.h"

namespace feedd {
namespace {

// Keys keep the order the spec lists them in, so the file reads naturally; order is fixed, so the
// bytes stay deterministic.
using Json = nlohmann::ordered_json;

void set_if(Json& object, const char* key, const std::string& value) {
    if (!value.empty()) object[key] = value;
}

// JSON Feed authors have no email field; a mailto: URL is how feeds commonly carry one.
Json author_object(const Person& person) {
    Json author = Json::object();
    set_if(author, "name", person.name);
    if (!person.email.empty()) author["url"] = "mailto:" + person.email;
    return author;
}

Json authors(const Person& person, const std::vector<Person>& others = {}) {
    Json list = Json::array();
    list.push_back(author_object(person));
    for (const Person& other : others) list.push_back(author_object(other));
    return list;
}

Json item(const Entry& e) {
    Json j = Json::object();
    j["id"] = e.id;
    j["url"] = e.link;
    if (!e.related.empty()) j["external_url"] = e.related;
    set_if(j, "title", e.title);
    // One of content_html/content_text is required: without full content, the summary is the text.
    if (!e.content_html.empty()) {
        j["content_html"] = e.content_html;
    } else {
        j["content_text"] = e.summary;
    }
    set_if(j, "summary", e.summary);
    set_if(j, "image", e.image);
    j["date_published"] = detail::rfc3339(e.published);
    j["date_modified"] = detail::rfc3339(e.updated);
    if (!e.author.empty()) j["authors"] = authors(e.author, e.co_authors);
    if (!e.categories.empty()) j["tags"] = e.categories;
    set_if(j, "language", detail::language_tag(e.lang));
    if (e.enclosure && !e.enclosure->url.empty()) {
        Json attachment = Json::object();
        attachment["url"] = e.enclosure->url;
        attachment["mime_type"] =
            e.enclosure->type.empty() ? "application/octet-stream" : e.enclosure->type;
        if (e.enclosure->length > 0) attachment["size_in_bytes"] = e.enclosure->length;
        if (e.enclosure->duration_s) attachment["duration_in_seconds"] = *e.enclosure->duration_s;
        Json attachments = Json::array({std::move(attachment)});
        // An episode's transcript is another attachment, the one other thing JSON Feed can say.
        if (!e.episode->transcript.url.empty()) {
            Json transcript = Json::object();
            transcript["url"] = e.episode->transcript.url;
            transcript["mime_type"] =
                e.episode->transcript.type.empty() ? "text/plain" : e.episode->transcript.type;
            transcript["title"] = "Transcript";
            attachments.push_back(std::move(transcript));
        }
        j["attachments"] = std::move(attachments);
    }
    return j;
}

}  // namespace

std::string render_json(const Feed& feed) {
    Json j = Json::object();
    j["version"] = "https://jsonfeed.org/version/1.1";
    j["title"] = feed.title;
    j["home_page_url"] = feed.urls.home;
    j["feed_url"] = feed.urls.json;
    set_if(j, "description", feed.description);
    if (feed.show) set_if(j, "icon", feed.show->image);  // a show's artwork
    set_if(j, "language", detail::language_tag(feed.language));
    if (!feed.author.empty()) j["authors"] = authors(feed.author);
    if (!feed.hubs.empty()) {
        Json hubs = Json::array();
        for (const auto& hub : feed.hubs) hubs.push_back(Json{{"type", "WebSub"}, {"url", hub}});
        j["hubs"] = std::move(hubs);
    }
    Json items = Json::array();
    for (const Entry& e : feed.entries) items.push_back(item(e));
    j["items"] = std::move(items);
    // `replace`: a stray invalid UTF-8 byte becomes U+FFFD instead of an exception mid-build.
    std::string out = j.dump(2, ' ', false, Json::error_handler_t::replace);
    out += '\n';
    return out;
}

}  // namespace feedd
