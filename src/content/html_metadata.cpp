#include "content/html_metadata.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>

#include "content/date_fields.h"
#include "content/dates.h"
#include "content/text_clean.h"

namespace feedd::html {
namespace {

using nlohmann::json;

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// One value a source gives for a field, with the source's name for messages.
struct Candidate {
    std::string value;
    std::string from;
};

// Values found for each field, in the order of trust of their sources (see the header).
struct Found {
    std::vector<Candidate> title, date, updated, author, tags, summary, image, lang, canonical,
        site_name;
};

void add(std::vector<Candidate>& to, std::string_view value, std::string from) {
    auto v = collapse_spaces(value);
    if (!v.empty()) to.push_back({std::move(v), std::move(from)});
}

// --- JSON-LD ---------------------------------------------------------------------------------

bool is_article_type(const json& object) {
    static constexpr std::array<std::string_view, 12> kTypes = {"article",
                                                                "newsarticle",
                                                                "blogposting",
                                                                "reportagenewsarticle",
                                                                "analysisnewsarticle",
                                                                "opinionnewsarticle",
                                                                "reviewnewsarticle",
                                                                "backgroundnewsarticle",
                                                                "techarticle",
                                                                "scholarlyarticle",
                                                                "liveblogposting",
                                                                "report"};
    const auto type = object.find("@type");
    if (type == object.end()) return false;
    const auto matches = [](const json& t) {
        if (!t.is_string()) return false;
        std::string name = lowered(t.get_ref<const std::string&>());
        if (const auto colon = name.rfind('/'); colon != std::string::npos)
            name.erase(0, colon + 1);
        if (const auto colon = name.rfind(':'); colon != std::string::npos)
            name.erase(0, colon + 1);
        return std::find(kTypes.begin(), kTypes.end(), name) != kTypes.end();
    };
    if (type->is_array()) return std::any_of(type->begin(), type->end(), matches);
    return matches(*type);
}

bool has_type(const json& object, std::string_view wanted) {
    const auto type = object.find("@type");
    if (type == object.end()) return false;
    const auto matches = [&](const json& t) {
        return t.is_string() && lowered(t.get_ref<const std::string&>()) == wanted;
    };
    if (type->is_array()) return std::any_of(type->begin(), type->end(), matches);
    return matches(*type);
}

// A text, a {name}/{url}/{@value} object, or the first of a list of them.
std::string json_text(const json& v, const char* object_key = "name") {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    if (v.is_array()) {
        for (const auto& item : v) {
            auto t = json_text(item, object_key);
            if (!t.empty()) return t;
        }
        return {};
    }
    if (v.is_object()) {
        for (const char* key : {object_key, "@value"}) {
            const auto it = v.find(key);
            if (it != v.end() && it->is_string()) return it->get<std::string>();
        }
    }
    return {};
}

// The objects of a JSON-LD block: the top one, the items of a top-level array, those of @graph.
void each_object(const json& doc, const auto& f) {
    std::vector<const json*> todo{&doc};
    for (std::size_t i = 0; i < todo.size() && i < 1000; ++i) {
        const json& v = *todo[i];
        if (v.is_array()) {
            for (const auto& item : v) todo.push_back(&item);
        } else if (v.is_object()) {
            f(v);
            if (const auto graph = v.find("@graph"); graph != v.end()) todo.push_back(&*graph);
        }
    }
}

void read_json_ld(std::string_view text, Found& found, std::string& site_from_ld) {
    // Some pages wrap it for XHTML parsers: "<![CDATA[ {...} ]]>" (also behind "//").
    text = trim(text);
    for (std::string_view open : {"//<![CDATA[", "<![CDATA["}) {
        if (text.starts_with(open)) text.remove_prefix(open.size());
    }
    text = trim(text);
    for (std::string_view close : {"//]]>", "]]>"}) {
        if (text.ends_with(close)) text.remove_suffix(close.size());
    }
    json doc;
    try {
        doc = json::parse(text, nullptr, false);  // broken JSON-LD is ignored, as browsers do
    } catch (const json::exception&) {
        return;  // and so is JSON that nlohmann-json cannot hold (a number beyond a double)
    }
    if (doc.is_discarded()) return;
    const json* article = nullptr;
    each_object(doc, [&](const json& o) {
        if (!article && is_article_type(o)) article = &o;
        // find(), not operator[]: on a const object a missing key is undefined behaviour (the
        // html fuzz target found it: a WebSite without a name).
        if (const auto name = o.find("name");
            site_from_ld.empty() && has_type(o, "website") && name != o.end())
            site_from_ld = json_text(*name);
    });
    if (!article) return;
    const json& a = *article;
    const auto get = [&](const char* key) -> const json* {
        const auto it = a.find(key);
        return it == a.end() ? nullptr : &*it;
    };
    if (const json* v = get("headline"))
        add(found.title, json_text(*v), "JSON-LD headline");
    else if (const json* n = get("name"))
        add(found.title, json_text(*n), "JSON-LD name");
    if (const json* v = get("datePublished"))
        add(found.date, json_text(*v), "JSON-LD datePublished");
    if (const json* v = get("dateCreated")) add(found.date, json_text(*v), "JSON-LD dateCreated");
    if (const json* v = get("dateModified"))
        add(found.updated, json_text(*v), "JSON-LD dateModified");
    if (const json* v = get("author")) add(found.author, json_text(*v), "JSON-LD author");
    if (const json* v = get("creator")) add(found.author, json_text(*v), "JSON-LD creator");
    if (const json* v = get("keywords")) {
        if (v->is_array()) {
            std::string joined;
            for (const auto& k : *v) {
                const auto t = json_text(k);
                if (t.empty()) continue;
                if (!joined.empty()) joined += ", ";
                joined += t;
            }
            add(found.tags, joined, "JSON-LD keywords");
        } else {
            add(found.tags, json_text(*v), "JSON-LD keywords");
        }
    }
    if (const json* v = get("description"))
        add(found.summary, json_text(*v), "JSON-LD description");
    if (const json* v = get("image")) add(found.image, json_text(*v, "url"), "JSON-LD image");
    if (const json* v = get("inLanguage")) add(found.lang, json_text(*v), "JSON-LD inLanguage");
    if (const json* v = get("publisher")) add(found.site_name, json_text(*v), "JSON-LD publisher");
}

// --- <meta> ------------------------------------------------------------------------------------

// Names (lower case) of <meta name|property|itemprop> tags, per field, in order of trust:
// OpenGraph and article:*, then the other common ones.
struct MetaName {
    std::string_view name;
    std::vector<Candidate> Found::*field;
};
const std::array<MetaName, 47> kMetaNames = {{
    {"og:title", &Found::title},
    {"article:published_time", &Found::date},
    {"og:article:published_time", &Found::date},
    {"article:modified_time", &Found::updated},
    {"og:updated_time", &Found::updated},
    {"article:author", &Found::author},
    {"article:tag", &Found::tags},
    {"og:description", &Found::summary},
    {"og:image", &Found::image},
    {"og:image:url", &Found::image},
    {"og:image:secure_url", &Found::image},
    {"og:locale", &Found::lang},
    {"og:url", &Found::canonical},
    {"og:site_name", &Found::site_name},
    // The common ones.
    {"dc.title", &Found::title},
    {"dcterms.title", &Found::title},
    {"parsely-title", &Found::title},
    {"sailthru.title", &Found::title},
    {"twitter:title", &Found::title},
    {"headline", &Found::title},
    {"date", &Found::date},
    {"pubdate", &Found::date},
    {"publishdate", &Found::date},
    {"publish-date", &Found::date},
    {"article.published", &Found::date},
    {"datepublished", &Found::date},
    {"dc.date", &Found::date},
    {"dc.date.issued", &Found::date},
    {"dcterms.date", &Found::date},
    {"dcterms.issued", &Found::date},
    {"dcterms.created", &Found::date},
    {"parsely-pub-date", &Found::date},
    {"sailthru.date", &Found::date},
    {"datemodified", &Found::updated},
    {"dcterms.modified", &Found::updated},
    {"last-modified", &Found::updated},
    {"author", &Found::author},
    {"dc.creator", &Found::author},
    {"dcterms.creator", &Found::author},
    {"parsely-author", &Found::author},
    {"sailthru.author", &Found::author},
    {"keywords", &Found::tags},
    {"news_keywords", &Found::tags},
    {"parsely-tags", &Found::tags},
    {"sailthru.tags", &Found::tags},
    {"description", &Found::summary},
    {"application-name", &Found::site_name},
}};
// Read after the table's fields of the same kind (less trusted).
const std::array<MetaName, 7> kLaterMetaNames = {{
    {"dc.description", &Found::summary},
    {"twitter:description", &Found::summary},
    {"twitter:image", &Found::image},
    {"parsely-image-url", &Found::image},
    {"sailthru.image.full", &Found::image},
    {"dc.language", &Found::lang},
    {"content-language", &Found::lang},
}};

// --- microformats h-entry -----------------------------------------------------------------------

// The first element below `root` (itself included) with class `token`, not inside a nested h-*
// object other than `root` (a p-author h-card's p-name is not the entry's p-name).
const GumboNode* find_class(const GumboNode* root, std::string_view token) {
    const GumboNode* found = nullptr;
    walk(root, [&](const GumboNode* n) {
        if (found || !is_element(n)) return false;
        if (has_class(n, token)) {
            found = n;
            return false;
        }
        if (n != root && (has_class(n, "h-card") || has_class(n, "h-cite"))) return false;
        return true;
    });
    return found;
}

// A date as a page shows it to its readers ("Published 5 April 2021", "5 апреля 2021, 14:05"):
// the date in the element's text, else the text (whose warning then says what it was).
std::string visible_date(const GumboNode* n) {
    std::string text = text_of(n, 300, 100);
    if (const auto found = find_date(text)) return std::string(*found);
    return text;
}

// A dt-* property's value: its datetime, or value/title attribute, or the date in its text.
std::string dt_value(const GumboNode* n) {
    for (const char* a : {"datetime", "value", "title", "content"}) {
        if (const auto v = attr(n, a); !v.empty()) return std::string(v);
    }
    return visible_date(n);
}

// Whether `token` holds `word` (lower case), in any case.
bool contains_word(std::string_view token, std::string_view word) {
    for (std::size_t i = 0; i + word.size() <= token.size(); ++i) {
        std::size_t k = 0;
        while (k < word.size() && (token[i + k] | 0x20) == word[k]) ++k;
        if (k == word.size()) return true;
    }
    return false;
}

// Whether the element's class or id says it holds the page's date or byline ("date",
// "post-date", "published", "byline", "posted-on", "timestamp"), not its last update. Looked at
// for every element, so without copying the attribute.
bool is_dateline(const GumboNode* n) {
    for (const char* name : {"class", "id"}) {
        const std::string_view value = attr(n, name);
        std::size_t i = 0;
        while (i < value.size()) {
            const auto end = std::min(value.find_first_of(" \t\n\r\f", i), value.size());
            const std::string_view token = value.substr(i, end - i);
            i = end + 1;
            if (contains_word(token, "update") || contains_word(token, "modif")) continue;
            for (std::string_view word : {"date", "byline", "publish", "posted", "timestamp"}) {
                if (contains_word(token, word)) return true;
            }
        }
    }
    return false;
}

void read_hentry(const GumboNode* entry, Found& found, PageMetadata& out) {
    if (const GumboNode* n = find_class(entry, "p-name"))
        add(found.title, text_of(n, 500, 500), "h-entry p-name");
    if (const GumboNode* n = find_class(entry, "dt-published"))
        add(found.date, dt_value(n), "h-entry dt-published");
    if (const GumboNode* n = find_class(entry, "dt-updated"))
        add(found.updated, dt_value(n), "h-entry dt-updated");
    if (const GumboNode* n = find_class(entry, "p-author")) {
        // An h-card's name, else the element's text.
        const GumboNode* name = has_class(n, "h-card") ? find_class(n, "p-name") : nullptr;
        add(found.author, text_of(name ? name : n, 200, 200), "h-entry p-author");
    }
    if (const GumboNode* n = find_class(entry, "p-summary"))
        add(found.summary, text_of(n, 2000, 2000), "h-entry p-summary");
    out.hentry_content = find_class(entry, "e-content");
}

// A <script>'s text as written (text_of leaves scripts out).
std::string raw_text(const GumboNode* n) {
    std::string out;
    if (const GumboVector* kids = children(n)) {
        for (unsigned i = 0; i < kids->length; ++i) {
            const auto* child = static_cast<const GumboNode*>(kids->data[i]);
            if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
                child->type == GUMBO_NODE_CDATA)
                out += child->v.text.text;
        }
    }
    return out;
}

// "By Jane Doe" → "Jane Doe"; profile URLs are no names (article:author often is one).
std::string author_name(std::string_view value) {
    std::string_view v = trim(value);
    if (v.starts_with("http://") || v.starts_with("https://") || v.starts_with("//")) return {};
    for (std::string_view by : {"By ", "by ", "BY "}) {
        if (v.starts_with(by)) v.remove_prefix(by.size());
    }
    return std::string(trim(v));
}

std::vector<std::string> split_tags(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i <= text.size()) {
        auto end = text.find_first_of(",;", i);
        if (end == std::string_view::npos) end = text.size();
        std::string t(trim(text.substr(i, end - i)));
        if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end())
            out.push_back(std::move(t));
        i = end + 1;
    }
    return out;
}

// "en_US" (og:locale) → "en-US".
std::string language_tag(std::string_view v) {
    std::string out(trim(v));
    std::replace(out.begin(), out.end(), '_', '-');
    return out;
}

}  // namespace

std::string title_without_site(std::string_view title, std::string_view site_name,
                               std::string_view h1) {
    static constexpr std::array<std::string_view, 6> kSeparators = {
        " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " \xC2\xB7 ", " :: "};
    const std::string site = lowered(collapse_spaces(site_name));
    const std::string heading = lowered(collapse_spaces(h1));
    for (const auto sep : kSeparators) {
        const auto last = title.rfind(sep);
        if (last != std::string_view::npos) {
            const auto head = trim(title.substr(0, last));
            const auto tail = trim(title.substr(last + sep.size()));
            if (!head.empty() && ((!site.empty() && lowered(tail) == site) ||
                                  (!heading.empty() && lowered(head) == heading)))
                return std::string(head);
        }
        const auto first = title.find(sep);
        if (first != std::string_view::npos) {
            const auto head = trim(title.substr(0, first));
            const auto tail = trim(title.substr(first + sep.size()));
            if (!tail.empty() && ((!site.empty() && lowered(head) == site) ||
                                  (!heading.empty() && lowered(tail) == heading)))
                return std::string(tail);
        }
    }
    return std::string(title);
}

std::string site_suffix_candidate(std::string_view title) {
    static constexpr std::array<std::string_view, 6> kSeparators = {
        " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " \xC2\xB7 ", " :: "};
    std::size_t at = std::string_view::npos;
    for (const auto sep : kSeparators) {
        const auto found = title.rfind(sep);
        if (found != std::string_view::npos && (at == std::string_view::npos || found > at))
            at = found;
    }
    if (at == std::string_view::npos || trim(title.substr(0, at)).empty()) return {};
    const std::string_view suffix = title.substr(at);
    std::size_t sep_end = 1;  // past the separator: its first space, then to the next space
    while (sep_end < suffix.size() && suffix[sep_end] != ' ') ++sep_end;
    const std::string_view name = trim(suffix.substr(sep_end));
    if (name.empty() || name.size() > 60) return {};
    const auto words = 1 + std::count(name.begin(), name.end(), ' ');
    if (words > 6) return {};
    return std::string(suffix);
}

PageMetadata read_page_metadata(const GumboNode* root, const MetadataSource& source,
                                std::vector<Problem>& problems) {
    PageMetadata out;
    Found found;
    std::map<std::string, std::vector<std::string>, std::less<>> metas;  // name → contents
    std::vector<std::string> json_ld;
    std::string title_text, html_lang, canonical, ld_site, byline;
    const GumboNode* hentry = nullptr;
    std::string first_time;  // the first <time datetime> inside an <article>, h-entry or <main>
    std::string time_text;   // the date in the first such <time> without datetime
    // The date in the text of the first dateline (is_dateline) that has one: inside an
    // <article>, h-entry or <main>, and anywhere.
    std::string marked_dateline, any_dateline;
    std::vector<const GumboNode*> marked;  // open <article>/<main>/h-entry ancestors, by depth
    walk(
        root,
        [&](const GumboNode* n) {
            if (!is_element(n)) return false;
            switch (tag(n)) {
                case GUMBO_TAG_HTML:
                    html_lang = attr(n, "lang");
                    if (html_lang.empty()) html_lang = attr(n, "xml:lang");
                    break;
                case GUMBO_TAG_TITLE:
                    if (title_text.empty()) title_text = text_of(n, 1000);
                    return false;
                case GUMBO_TAG_META: {
                    std::string_view key = attr(n, "property");
                    if (key.empty()) key = attr(n, "name");
                    if (key.empty()) key = attr(n, "itemprop");
                    if (key.empty()) key = attr(n, "http-equiv");
                    std::string_view content = attr(n, "content");
                    if (content.empty()) content = attr(n, "value");
                    if (!key.empty() && !content.empty())
                        metas[lowered(trim(key))].emplace_back(content);
                    return false;
                }
                case GUMBO_TAG_LINK:
                    if (canonical.empty() && lowered(attr(n, "rel")) == "canonical")
                        canonical = trim(attr(n, "href"));
                    return false;
                case GUMBO_TAG_SCRIPT:
                    if (lowered(trim(attr(n, "type"))) == "application/ld+json")
                        json_ld.push_back(raw_text(n));
                    return false;
                case GUMBO_TAG_H1:
                    if (out.h1.empty()) out.h1 = text_of(n, 1000, 1000);
                    break;
                case GUMBO_TAG_TIME:
                    if (!marked.empty()) {
                        if (auto v = attr(n, "datetime"); !v.empty()) {
                            if (first_time.empty()) first_time = v;
                        } else if (time_text.empty()) {
                            // "3 hours ago" is no date, and not worth a warning.
                            const std::string text = text_of(n, 300, 100);
                            if (const auto found = find_date(text)) time_text = *found;
                        }
                    }
                    break;
                case GUMBO_TAG_ARTICLE:
                case GUMBO_TAG_MAIN:
                    marked.push_back(n);
                    break;
                default:
                    break;
            }
            if (!hentry && has_class(n, "h-entry")) {
                hentry = n;
                marked.push_back(n);
            }
            const auto itemprop = attr(n, "itemprop");
            if (!itemprop.empty()) {
                if (!out.article_body && itemprop == "articleBody") out.article_body = n;
                if (byline.empty() && itemprop == "author") byline = text_of(n, 200, 200);
                if ((itemprop == "datePublished" || itemprop == "dateModified") &&
                    tag(n) != GUMBO_TAG_META) {
                    std::string v = dt_value(n);
                    if (!v.empty()) metas[lowered(itemprop)].push_back(std::move(v));
                }
            }
            if (byline.empty() && lowered(attr(n, "rel")) == "author")
                byline = text_of(n, 200, 200);
            if (marked_dateline.empty() && (!marked.empty() || any_dateline.empty()) &&
                is_dateline(n)) {
                const std::string text = text_of(n, 300, 100);
                if (const auto found = find_date(text)) {
                    if (!marked.empty()) marked_dateline = *found;
                    if (any_dateline.empty()) any_dateline = *found;
                }
            }
            return true;
        },
        [&](const GumboNode* n) {
            if (!marked.empty() && marked.back() == n) marked.pop_back();
        });

    for (const auto& text : json_ld) read_json_ld(text, found, ld_site);
    const auto read_metas = [&](const auto& names) {
        for (const auto& [name, field] : names) {
            const auto it = metas.find(name);
            if (it == metas.end()) continue;
            // Several article:tag or og:image tags: tags are all kept, the first of the rest.
            if (field == &Found::tags && it->second.size() > 1) {
                std::string joined;
                for (const auto& v : it->second) joined += (joined.empty() ? "" : ", ") + v;
                add(found.*field, joined, "<meta " + std::string(name) + ">");
            } else {
                add(found.*field, it->second.front(), "<meta " + std::string(name) + ">");
            }
        }
    };
    read_metas(kMetaNames);
    if (hentry) read_hentry(hentry, found, out);
    read_metas(kLaterMetaNames);
    add(found.date, first_time, "<time datetime>");
    add(found.date, time_text, "<time>");
    add(found.date, marked_dateline, "dateline");
    if (any_dateline != marked_dateline) add(found.date, any_dateline, "dateline");
    add(found.author, byline, "rel=author");
    add(found.lang, html_lang, "<html lang>");
    add(found.site_name, ld_site, "JSON-LD WebSite");
    if (!canonical.empty())
        found.canonical.insert(found.canonical.begin(), {canonical, "rel=canonical"});

    if (!found.site_name.empty()) out.site_name = found.site_name.front().value;
    if (!found.canonical.empty()) out.canonical = found.canonical.front().value;
    if (!found.title.empty()) {
        out.meta.title = title_without_site(found.title.front().value, out.site_name, out.h1);
    } else if (!title_text.empty()) {
        const std::string whole = collapse_spaces(title_text);
        out.meta.title = title_without_site(whole, out.site_name, out.h1);
        if (*out.meta.title == whole) out.title_site_suffix = site_suffix_candidate(whole);
    } else if (!out.h1.empty()) {
        out.meta.title = out.h1;
    }
    const auto date = [&](const std::vector<Candidate>& list) -> std::optional<Seconds> {
        for (const auto& c : list) {
            const auto when = parse_date(c.value, source.timezone, source.reference);
            if (when) return *when;
            // A value with words around its date ("Published: 5 April 2021").
            if (const auto inner = find_date(c.value); inner && inner->size() < c.value.size()) {
                const auto again = parse_date(*inner, source.timezone, source.reference);
                if (again) return *again;
            }
            problems.push_back({std::string(source.path), 0,
                                "date '" + c.value + "' of " + c.from + " not understood (" +
                                    when.error() + "); ignored",
                                Severity::warning});
        }
        return std::nullopt;
    };
    out.meta.date = date(found.date);
    out.meta.updated = date(found.updated);
    for (const auto& c : found.author) {
        auto name = author_name(c.value);
        if (name.empty()) continue;
        // The most trusted source's author (feedd keeps co-authors from front matter's `authors`).
        out.meta.authors = std::vector<Person>{Person{std::move(name), {}}};
        break;
    }
    if (!found.tags.empty()) out.meta.tags = split_tags(found.tags.front().value);
    if (!found.summary.empty())
        out.meta.summary = summarize(found.summary.front().value, kSummaryChars);
    if (!found.image.empty()) out.meta.image = found.image.front().value;
    if (!found.lang.empty()) out.meta.lang = language_tag(found.lang.front().value);
    return out;
}

}  // namespace feedd::html
