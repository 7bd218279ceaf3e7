#include "content/plain_text.h"

#include <array>

#include "content/date_fields.h"
#include "content/text_clean.h"

namespace feedd {
namespace {

// A title date is at most this many words ("Mon, 05 Apr 2021 12:20:00 +0000" is six).
constexpr std::size_t kMaxDateWords = 8;

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// What sites put between a title and its date: "Title | 5 Apr 2021", "Title — 5 Apr".
std::string_view trim_separators(std::string_view s) {
    static constexpr std::array<std::string_view, 9> kSeparators = {
        " ", "\t", "-", "|", ",", ":", "\xE2\x80\x93", "\xE2\x80\x94", "\xC2\xB7"};
    bool changed = true;
    while (changed && !s.empty()) {
        changed = false;
        for (auto sep : kSeparators) {
            if (s.ends_with(sep)) {
                s.remove_suffix(sep.size());
                changed = true;
            }
        }
    }
    return s;
}

struct TitleDate {
    std::string_view title;
    std::string_view date_text;
    DateFields fields;
};

// The longest run of trailing words that reads as a date with a year or a time (a bare
// "5 April" could be part of the headline), leaving a non-empty title.
std::optional<TitleDate> split_title_date(std::string_view line) {
    std::vector<std::size_t> word_starts;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (!is_space(line[i]) && (i == 0 || is_space(line[i - 1]))) word_starts.push_back(i);
    }
    if (word_starts.size() < 2) return std::nullopt;
    const std::size_t max_words = std::min(kMaxDateWords, word_starts.size() - 1);
    for (std::size_t k = max_words; k >= 1; --k) {
        const std::size_t start = word_starts[word_starts.size() - k];
        const auto suffix = line.substr(start);
        const auto fields = parse_date_fields(suffix);
        if (!fields || (!fields->year && !fields->has_time)) continue;
        const auto title = trim_separators(line.substr(0, start));
        if (title.empty()) continue;
        return TitleDate{title, suffix, *fields};
    }
    return std::nullopt;
}

bool starts_with_marker(std::string_view line, const std::vector<std::string>& markers) {
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    for (const auto& m : markers) {
        if (!m.empty() && line.starts_with(m)) return true;
    }
    return false;
}

bool is_lone_date(std::string_view line) {
    return parse_date_fields(line).has_value();
}

// The lines of a text (as split_lines gives them), split as far as they are asked for: reading
// an article's metadata needs its first few lines and its last one, and splitting every line of
// every page was a fifth of the time to read scraped pages.
class LineList {
  public:
    explicit LineList(std::string_view text) : text_(text) {}

    // Whether there is a line `i`.
    bool has(std::size_t i) {
        while (lines_.size() <= i && next_ < text_.size()) split_one();
        return i < lines_.size();
    }
    // Line `i`, which has(i) said exists.
    std::string_view operator[](std::size_t i) const { return lines_[i]; }
    std::size_t size() {
        while (next_ < text_.size()) split_one();
        return lines_.size();
    }

  private:
    void split_one() {
        const auto end = text_.find('\n', next_);
        if (end == std::string_view::npos) {
            lines_.push_back(text_.substr(next_));
            next_ = text_.size();
        } else {
            lines_.push_back(text_.substr(next_, end - next_));
            next_ = end + 1;
        }
    }

    std::string_view text_;
    std::vector<std::string_view> lines_;
    std::size_t next_ = 0;  // where the next line starts
};

// The last line of `text` that is not blank; empty when there is none.
std::string_view last_filled_line(std::string_view text) {
    std::size_t end = text.size();
    while (end > 0) {
        const auto newline = text.rfind('\n', end - 1);
        const std::size_t start = newline == std::string_view::npos ? 0 : newline + 1;
        const auto line = text.substr(start, end - start);
        if (!is_blank(line)) return line;
        if (start == 0) break;
        end = start - 1;
    }
    return {};
}

}  // namespace

std::optional<ParsedBody> parse_plain_text(std::string_view text, const MetadataSource& source,
                                           const std::vector<std::string>& cut_markers,
                                           std::vector<Problem>& problems, Detail detail) {
    ParsedBody out;
    LineList lines(text);
    auto next_filled = [&](std::size_t from) {
        while (lines.has(from) && is_blank(lines[from])) ++from;
        return from;
    };
    const std::size_t title_at = next_filled(0);
    if (!lines.has(title_at)) {
        problems.push_back({std::string(source.path), 0, "empty file", Severity::error});
        return std::nullopt;
    }
    auto warn = [&](std::size_t index, std::string message) {
        problems.push_back({std::string(source.path), static_cast<int>(index) + 1,
                            std::move(message), Severity::warning});
    };

    // The page footer's date (the last line, after any boilerplate) is the reference for a title
    // date without a year, so it is read before anything is cut. A date-only footer means "that
    // day", so it covers the whole day: "14 Jan in 12:20" under a "14 Jan 2026" footer is 2026.
    out.reference = source.reference;
    const std::string_view footer_line = last_filled_line(text);
    if (footer_line.data() > lines[title_at].data()) {  // a line after the title
        if (auto footer = parse_date_fields(footer_line)) {
            if (!footer->has_time) {
                footer->has_time = true;
                footer->hour = 23;
                footer->minute = 59;
                footer->second = 59;
            }
            const auto when =
                resolve_date(*footer, trim(footer_line), source.timezone, source.reference);
            if (when) out.reference = *when;
        }
    }

    // Title, and the date at its end or on the next line.
    const auto title_line = trim(lines[title_at]);
    std::size_t body_from = title_at + 1;
    std::optional<DateFields> fields;
    std::string_view date_text;
    std::size_t date_at = title_at;
    if (auto split = split_title_date(title_line)) {
        out.meta.title = collapse_spaces(split->title);
        fields = split->fields;
        date_text = split->date_text;
    } else {
        out.meta.title = collapse_spaces(title_line);
        const std::size_t next = next_filled(title_at + 1);
        if (lines.has(next)) {
            if (auto f = parse_date_fields(lines[next])) {
                fields = f;
                date_text = trim(lines[next]);
                date_at = next;
                body_from = next + 1;
            }
        }
    }
    if (fields) {
        const auto when = resolve_date(*fields, date_text, source.timezone, out.reference);
        if (when)
            out.meta.date = *when;
        else
            warn(date_at, when.error());
    }

    // Body: up to the first boilerplate marker, without a trailing lone date (the footer's).
    if (detail == Detail::metadata) {
        // Only the first paragraph (the summary) is wanted, and only the lines up to the next
        // filled one are split: the first filled line is the first paragraph unless it is a
        // marker, or the lone date that is the last filled line before a marker or the end.
        const std::size_t first = next_filled(body_from);
        bool any_text = false;
        if (lines.has(first) && !starts_with_marker(lines[first], cut_markers)) {
            const std::size_t after = next_filled(first + 1);
            const bool last_filled =
                !lines.has(after) || starts_with_marker(lines[after], cut_markers);
            if (!last_filled || !is_lone_date(lines[first])) {
                any_text = true;
                out.derived_summary = summarize(lines[first], kSummaryChars);
            }
        }
        if (!any_text) warn(title_at, "no text after the title");
        return out;
    }
    std::size_t body_end = body_from;
    while (body_end < lines.size() && !starts_with_marker(lines[body_end], cut_markers)) ++body_end;
    std::size_t filled_end = body_end;
    while (filled_end > body_from && is_blank(lines[filled_end - 1])) --filled_end;
    if (filled_end > body_from && is_lone_date(lines[filled_end - 1])) body_end = filled_end - 1;

    bool any_text = false;
    out.html.reserve(text.size() + text.size() / 16);
    for (std::size_t i = body_from; i < body_end; ++i) {
        if (is_blank(lines[i])) continue;
        any_text = true;
        if (out.derived_summary.empty()) out.derived_summary = summarize(lines[i], kSummaryChars);
        out.html += "<p>";
        out.html += escape_html(collapse_spaces(lines[i]));
        out.html += "</p>\n";
    }
    if (!any_text) warn(title_at, "no text after the title");
    return out;
}

}  // namespace feedd
