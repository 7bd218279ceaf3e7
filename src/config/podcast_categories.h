// Apple Podcasts' category list: what `podcast.categories` may name ("News" or "News/Tech News"),
// checked when the config is loaded, and what the RSS writer nests as <itunes:category>.
#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>

namespace feedd {

struct PodcastCategory {
    std::string_view name;                            // "News"
    std::span<const std::string_view> subcategories;  // {"Business News", ...}; empty: none
};

// The current list (Apple Podcasts Connect, "Podcast categories"), in Apple's order.
std::span<const PodcastCategory> apple_podcast_categories();

struct CategoryPath {
    std::string category;
    std::string subcategory;  // empty: the category alone
    bool operator==(const CategoryPath&) const = default;
};

// "News/Tech News" → {News, Tech News}, spelled as Apple spells them (case and spaces around '/'
// are forgiven). An unknown one: "unknown Apple Podcasts category 'Technolgy' (did you mean
// 'Technology'?)", naming the entry nearest by edit distance.
std::expected<CategoryPath, std::string> find_podcast_category(std::string_view written);

}  // namespace feedd
