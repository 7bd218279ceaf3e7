#include "feed/adoption.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <unordered_set>

#include "content/dates.h"
#include "feed/feed.h"
#include "feed/slug.h"

namespace feedd {
namespace {

std::string_view local_name(const pugi::xml_node& node) {
    const std::string_view name = node.name();
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
    for (const auto& node : parent.children()) {
        if (node.type() == pugi::node_element && local_name(node) == name) return node;
    }
    return {};
}

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

// All the text below `node` (an Atom xhtml title's div, a CDATA section, plain text).
std::string text_of(const pugi::xml_node& node) {
    std::string out;
    for (const auto& piece : node.select_nodes(".//text()")) out += piece.node().value();
    return trimmed(out);
}

// An Atom title of type="html", or an RSS title with markup: only its text counts for matching.
std::string without_tags(std::string_view html) {
    std::string out;
    bool in_tag = false;
    for (const char c : html) {
        if (c == '<') {
            in_tag = true;
        } else if (c == '>' && in_tag) {
            in_tag = false;
        } else if (!in_tag) {
            out += c;
        }
    }
    return out;
}

std::optional<Seconds> date_of(const pugi::xml_node& node, std::string_view timezone) {
    if (!node) return std::nullopt;
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto parsed = parse_date(text_of(node), timezone, now);
    if (!parsed) return std::nullopt;
    return *parsed;
}

PublishedEntry atom_entry(const pugi::xml_node& entry, std::string_view timezone) {
    PublishedEntry out;
    out.id = text_of(child(entry, "id"));
    for (const auto& node : entry.children()) {
        if (node.type() != pugi::node_element || local_name(node) != "link") continue;
        const std::string_view rel = node.attribute("rel").as_string("alternate");
        if (rel == "alternate") {
            out.link = trimmed(node.attribute("href").as_string());
            break;
        }
    }
    const auto title = child(entry, "title");
    out.title = text_of(title);
    if (std::string_view(title.attribute("type").as_string()) == "html")
        out.title = without_tags(out.title);
    out.date = date_of(child(entry, "published"), timezone);
    if (!out.date) out.date = date_of(child(entry, "updated"), timezone);
    if (out.id.empty()) out.id = out.link;
    return out;
}

PublishedEntry rss_item(const pugi::xml_node& item, std::string_view timezone) {
    PublishedEntry out;
    const auto guid = child(item, "guid");
    out.id = text_of(guid);
    out.link = text_of(child(item, "link"));
    if (out.link.empty() && !out.id.empty() &&
        std::string_view(guid.attribute("isPermaLink").as_string("true")) == "true")
        out.link = out.id;
    out.title = without_tags(text_of(child(item, "title")));
    out.date = date_of(child(item, "pubDate"), timezone);
    if (!out.date) out.date = date_of(child(item, "date"), timezone);  // dc:date (RSS 1.0)
    if (out.id.empty()) out.id = out.link;
    return out;
}

// The part of a link that names the page: host (lowercased) and path, without the scheme, a
// default page name or the difference between "/post" and "/post/".
std::string link_key(std::string_view link) {
    auto rest = link;
    if (const auto scheme = rest.find("://"); scheme != std::string_view::npos)
        rest.remove_prefix(scheme + 3);
    const auto slash = rest.find('/');
    std::string key = lower_case(rest.substr(0, slash));
    if (key.ends_with(":80") || key.ends_with(":443")) key.resize(key.rfind(':'));
    std::string path(slash == std::string_view::npos ? "/" : rest.substr(slash));
    if (const auto fragment = path.find('#'); fragment != std::string::npos) path.resize(fragment);
    for (const std::string_view page : {"index.html", "index.htm"}) {
        if (path.ends_with(page) && path[path.size() - page.size() - 1] == '/')
            path.resize(path.size() - page.size());
    }
    if (!path.ends_with('/')) path += '/';
    return key + path;
}

}  // namespace

std::expected<std::vector<PublishedEntry>, std::string> read_published_feed(
    std::string_view xml, std::string_view source, std::string_view timezone) {
    pugi::xml_document document;
    const auto parsed = document.load_buffer(xml.data(), xml.size(), pugi::parse_default);
    if (!parsed) {
        // pugixml reports a byte offset; the operator looks for a line and a column.
        const auto before = xml.substr(0, std::min<std::size_t>(parsed.offset, xml.size()));
        const auto line = std::count(before.begin(), before.end(), '\n') + 1;
        const auto column =
            before.size() -
            (before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1) + 1;
        return std::unexpected(std::string(source) + ":" + std::to_string(line) + ":" +
                               std::to_string(column) +
                               ": not a feed (not well-formed XML: " + parsed.description() + ")");
    }
    const auto root = document.document_element();
    std::vector<PublishedEntry> entries;
    if (local_name(root) == "feed") {
        for (const auto& node : root.children()) {
            if (node.type() == pugi::node_element && local_name(node) == "entry")
                entries.push_back(atom_entry(node, timezone));
        }
    } else if (local_name(root) == "rss" || local_name(root) == "RDF") {
        const auto channel = child(root, "channel");
        // RSS 2.0 holds its items in <channel>; RSS 1.0 (RDF) beside it.
        for (const auto& parent : {channel, root}) {
            for (const auto& node : parent.children()) {
                if (node.type() == pugi::node_element && local_name(node) == "item")
                    entries.push_back(rss_item(node, timezone));
            }
        }
    } else {
        return std::unexpected(std::string(source) +
                               ": not an RSS or Atom feed (its root element is <" + root.name() +
                               ">)");
    }
    return entries;
}

Adoption match_published(const std::vector<PublishedEntry>& entries,
                         const std::vector<const Article*>& articles, const Config& config) {
    std::map<std::string, const Article*> by_link;
    std::multimap<std::string, const Article*> by_title;
    for (const Article* article : articles) {
        if (article->draft) continue;
        by_link.emplace(link_key(make_entry(*article, config).link), article);
        by_title.emplace(slug_of(article->title), article);
    }
    std::unordered_set<const Article*> taken;
    const auto is_taken = [&](const Article* a) { return taken.contains(a); };

    Adoption adoption;
    for (const auto& entry : entries) {
        const Article* match = nullptr;
        bool linked = false;
        if (!entry.link.empty()) {
            if (const auto found = by_link.find(link_key(entry.link));
                found != by_link.end() && !is_taken(found->second)) {
                match = found->second;
                linked = true;
            }
        }
        if (!match && entry.date && !entry.title.empty()) {
            // The nearest date within a day: the old feed may have written the time in another
            // zone, or only the day.
            std::chrono::seconds best{std::chrono::hours(24) + std::chrono::seconds(1)};
            const auto [first, last] = by_title.equal_range(slug_of(entry.title));
            for (auto it = first; it != last; ++it) {
                const auto distance = std::chrono::abs(it->second->date - *entry.date);
                if (distance < best && !is_taken(it->second)) {
                    best = distance;
                    match = it->second;
                }
            }
        }
        if (match) {
            taken.insert(match);
            adoption.matched.push_back({&entry, match, linked});
        } else {
            adoption.unmatched.push_back(&entry);
        }
    }
    return adoption;
}

}  // namespace feedd
