#include "config/podcast_categories.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace feedd {
namespace {

// A table of feedd's own: Apple publishes the list only as a web page, and no Debian package
// carries it. Keep it in Apple's spelling ("How To", "Non-Profit", "TV & Film").
constexpr std::string_view kArts[] = {"Books", "Design",          "Fashion & Beauty",
                                      "Food",  "Performing Arts", "Visual Arts"};
constexpr std::string_view kBusiness[] = {"Careers",    "Entrepreneurship", "Investing",
                                          "Management", "Marketing",        "Non-Profit"};
constexpr std::string_view kComedy[] = {"Comedy Interviews", "Improv", "Stand-Up"};
constexpr std::string_view kEducation[] = {"Courses", "How To", "Language Learning",
                                           "Self-Improvement"};
constexpr std::string_view kFiction[] = {"Comedy Fiction", "Drama", "Science Fiction"};
constexpr std::string_view kHealth[] = {"Alternative Health", "Fitness",   "Medicine",
                                        "Mental Health",      "Nutrition", "Sexuality"};
constexpr std::string_view kKids[] = {"Education for Kids", "Parenting", "Pets & Animals",
                                      "Stories for Kids"};
constexpr std::string_view kLeisure[] = {
    "Animation & Manga", "Automotive",    "Aviation",   "Crafts", "Games",
    "Hobbies",           "Home & Garden", "Video Games"};
constexpr std::string_view kMusic[] = {"Music Commentary", "Music History", "Music Interviews"};
constexpr std::string_view kNews[] = {"Business News",   "Daily News", "Entertainment News",
                                      "News Commentary", "Politics",   "Sports News",
                                      "Tech News"};
constexpr std::string_view kReligion[] = {"Buddhism", "Christianity", "Hinduism",    "Islam",
                                          "Judaism",  "Religion",     "Spirituality"};
constexpr std::string_view kScience[] = {"Astronomy",     "Chemistry",   "Earth Sciences",
                                         "Life Sciences", "Mathematics", "Natural Sciences",
                                         "Nature",        "Physics",     "Social Sciences"};
constexpr std::string_view kSociety[] = {"Documentary", "Personal Journals", "Philosophy",
                                         "Places & Travel", "Relationships"};
constexpr std::string_view kSports[] = {"Baseball",   "Basketball", "Cricket",  "Fantasy Sports",
                                        "Football",   "Golf",       "Hockey",   "Rugby",
                                        "Running",    "Soccer",     "Swimming", "Tennis",
                                        "Volleyball", "Wilderness", "Wrestling"};
constexpr std::string_view kTv[] = {"After Shows", "Film History", "Film Interviews",
                                    "Film Reviews", "TV Reviews"};

const PodcastCategory kCategories[] = {
    {"Arts", kArts},
    {"Business", kBusiness},
    {"Comedy", kComedy},
    {"Education", kEducation},
    {"Fiction", kFiction},
    {"Government", {}},
    {"History", {}},
    {"Health & Fitness", kHealth},
    {"Kids & Family", kKids},
    {"Leisure", kLeisure},
    {"Music", kMusic},
    {"News", kNews},
    {"Religion & Spirituality", kReligion},
    {"Science", kScience},
    {"Society & Culture", kSociety},
    {"Sports", kSports},
    {"Technology", {}},
    {"True Crime", {}},
    {"TV & Film", kTv},
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

// Levenshtein distance, case-insensitive; the inputs are config values, bounded in length, so
// the quadratic table stays small (longer text is cut to keep it so).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    a = a.substr(0, 100);
    b = b.substr(0, 100);
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                               diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::span<const PodcastCategory> apple_podcast_categories() {
    return kCategories;
}

std::expected<CategoryPath, std::string> find_podcast_category(std::string_view written) {
    const auto slash = written.find('/');
    const std::string_view top = trim(written.substr(0, slash));
    const std::string_view sub =
        slash == std::string_view::npos ? std::string_view{} : trim(written.substr(slash + 1));
    for (const auto& category : kCategories) {
        if (!same_name(category.name, top)) continue;
        if (slash == std::string_view::npos) return CategoryPath{std::string(category.name), {}};
        for (const auto name : category.subcategories) {
            if (same_name(name, sub)) {
                return CategoryPath{std::string(category.name), std::string(name)};
            }
        }
        break;
    }
    // The nearest of every "Category" and "Category/Subcategory" as one would write it.
    std::string nearest;
    std::size_t best = static_cast<std::size_t>(-1);
    const auto consider = [&](std::string candidate) {
        const std::size_t d = edit_distance(written, candidate);
        if (d < best) {
            best = d;
            nearest = std::move(candidate);
        }
    };
    for (const auto& category : kCategories) {
        consider(std::string(category.name));
        for (const auto name : category.subcategories) {
            consider(std::string(category.name) + "/" + std::string(name));
            // "Tech News" alone is a common slip: it names the subcategory without its category.
            if (slash == std::string_view::npos && edit_distance(written, name) < best) {
                best = edit_distance(written, name);
                nearest = std::string(category.name) + "/" + std::string(name);
            }
        }
    }
    return std::unexpected("unknown Apple Podcasts category '" + std::string(written) +
                           "' (did you mean '" + nearest + "'?)");
}

}  // namespace feedd
