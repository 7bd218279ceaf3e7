#include "feed/validate.h"

#include <future>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>

namespace feedd {
namespace {

using Errors = std::vector<std::string>;

bool parse_xml(const std::string& path, const Resource& resource, pugi::xml_document& doc,
               Errors& errors) {
    const auto result = doc.load_buffer(resource.body.data(), resource.body.size(),
                                        pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
        errors.push_back(path + ": not well-formed XML at byte " + std::to_string(result.offset) +
                         ": " + result.description());
        return false;
    }
    return true;
}

bool has_text(const pugi::xml_node& node, const char* child) {
    return !std::string_view(node.child(child).text().get()).empty();
}

void check_unique(const std::string& path, std::set<std::string>& seen, const std::string& id,
                  std::size_t index, Errors& errors) {
    if (id.empty()) {
        errors.push_back(path + ": entry " + std::to_string(index) + " has no id");
    } else if (!seen.insert(id).second) {
        errors.push_back(path + ": entry " + std::to_string(index) + " repeats the id " + id);
    }
}

void check_rss(const std::string& path, const Resource& resource, Errors& errors) {
    pugi::xml_document doc;
    if (!parse_xml(path, resource, doc, errors)) return;
    const auto channel = doc.child("rss").child("channel");
    if (!channel) {
        errors.push_back(path + ": no <rss><channel>");
        return;
    }
    for (const char* required : {"title", "link", "description"}) {
        if (!has_text(channel, required))
            errors.push_back(path + ": <channel> has no <" + required + ">");
    }
    std::set<std::string> ids;
    std::size_t index = 0;
    for (const auto& item : channel.children("item")) {
        ++index;
        if (!has_text(item, "title") && !has_text(item, "description")) {
            errors.push_back(path + ": item " + std::to_string(index) +
                             " has neither title nor description");
        }
        check_unique(path, ids, item.child("guid").text().get(), index, errors);
    }
}

void check_atom(const std::string& path, const Resource& resource, Errors& errors) {
    pugi::xml_document doc;
    if (!parse_xml(path, resource, doc, errors)) return;
    const auto feed = doc.child("feed");
    if (!feed) {
        errors.push_back(path + ": no <feed>");
        return;
    }
    for (const char* required : {"id", "title", "updated"}) {
        if (!has_text(feed, required))
            errors.push_back(path + ": <feed> has no <" + required + ">");
    }
    std::set<std::string> ids;
    std::size_t index = 0;
    for (const auto& entry : feed.children("entry")) {
        ++index;
        for (const char* required : {"title", "updated"}) {
            if (!entry.child(required)) {
                errors.push_back(path + ": entry " + std::to_string(index) + " has no <" +
                                 required + ">");
            }
        }
        check_unique(path, ids, entry.child("id").text().get(), index, errors);
    }
}

// A JSON Feed checked as it is parsed (nlohmann's SAX interface) rather than through a DOM: a
// site of many tags has hundreds of JSON feeds, and building each one's DOM to look at a few keys
// cost more than rendering it. Keeps the top level's required keys and each item's "id".
class JsonFeedCheck final : public nlohmann::json_sax<nlohmann::json> {
  public:
    bool top_is_object = false;
    bool has_version = false, has_title = false, has_items = false;
    std::vector<std::string> item_ids;  // one per item of a top-level "items" array ("" if none)

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool string(string_t& value) override {
        // Depth 3 is an item's own member (deeper values are inside one of them).
        if (depth_ == 3 && in_item_ && key_is_id_) item_ids.back() = value;
        return true;
    }
    bool start_object(std::size_t) override {
        if (depth_ == 0) top_is_object = true;
        if (depth_ == 2 && in_items_) {
            in_item_ = true;
            item_ids.emplace_back();
        }
        ++depth_;
        return true;
    }
    bool end_object() override {
        --depth_;
        if (depth_ == 2) in_item_ = false;
        return true;
    }
    bool start_array(std::size_t) override {
        if (depth_ == 1 && top_key_ == "items") in_items_ = true;
        ++depth_;
        return true;
    }
    bool end_array() override {
        --depth_;
        if (depth_ == 1) in_items_ = false;
        return true;
    }
    bool key(string_t& key) override {
        if (depth_ == 1) {
            top_key_ = key;
            has_version |= key == "version";
            has_title |= key == "title";
            has_items |= key == "items";
        } else if (depth_ == 3) {
            key_is_id_ = key == "id";
        }
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

  private:
    int depth_ = 0;
    std::string top_key_;
    bool in_items_ = false, in_item_ = false, key_is_id_ = false;
};

void check_json(const std::string& path, const Resource& resource, Errors& errors) {
    JsonFeedCheck check;
    if (!nlohmann::json::sax_parse(resource.body, &check) || !check.top_is_object) {
        errors.push_back(path + ": not valid JSON");
        return;
    }
    if (!check.has_version) errors.push_back(path + ": no \"version\"");
    if (!check.has_title) errors.push_back(path + ": no \"title\"");
    if (!check.has_items) errors.push_back(path + ": no \"items\"");
    std::set<std::string> ids;
    std::size_t index = 0;
    for (const auto& id : check.item_ids) check_unique(path, ids, id, ++index, errors);
}

}  // namespace

void validate_document(const std::string& path, const Resource& resource, Errors& errors) {
    const auto& type = resource.content_type;
    if (resource.body.empty()) {
        errors.push_back(path + ": empty document");
    } else if (type.starts_with("application/rss+xml")) {
        check_rss(path, resource, errors);
    } else if (type.starts_with("application/atom+xml")) {
        check_atom(path, resource, errors);
    } else if (type.starts_with("application/feed+json")) {
        check_json(path, resource, errors);
    }
}

std::vector<std::string> validate_snapshot(const Snapshot& snapshot, Deferred deferred,
                                           const Snapshot* checked) {
    // Both maps are sorted by path: one walk finds what is shared with `checked` (a site of 100k
    // articles has thousands of documents, and a rebuild usually shares all but a few).
    struct Check {
        const std::string* path;
        const Document* document;
        Errors errors;
    };
    std::vector<Check> checks;
    auto before = checked ? checked->resources.begin() : snapshot.resources.end();
    const auto before_end = checked ? checked->resources.end() : snapshot.resources.end();
    for (const auto& [path, document] : snapshot.resources) {
        while (before != before_end && before->first < path) ++before;
        if (before != before_end && before->first == path && before->second == document) continue;
        if (deferred == Deferred::skip && !document->rendered()) continue;
        checks.push_back({&path, document.get(), {}});
    }
    const auto run = [&checks](std::size_t begin, std::size_t step) {
        for (std::size_t i = begin; i < checks.size(); i += step) {
            Check& c = checks[i];
            if (const Resource* resource = c.document->get()) {
                validate_document(*c.path, *resource, c.errors);
            } else {
                c.errors.push_back(*c.path + ": " + c.document->error());
            }
        }
    };
    // On two threads when there is more than one document: parsing a feed back is most of a
    // rebuild's check.
    if (checks.size() > 1) {
        auto other = std::async(std::launch::async, run, 1, 2);
        run(0, 2);
        other.get();
    } else {
        run(0, 1);
    }
    Errors errors;
    for (auto& c : checks) errors.insert(errors.end(), c.errors.begin(), c.errors.end());
    return errors;
}

}  // namespace feedd
