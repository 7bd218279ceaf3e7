#include "http/metrics.h"

#include <date/date.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace feedd::http {

namespace {

// Fixed label sets keep the request counters in arrays of atomics: no lookup structure to lock.
constexpr std::array<std::string_view, 10> kPathLabels{
    "/",        "/feed.xml", "/atom.xml",  "/feed.json", "/healthz",
    "/metrics", "/tags/*",   "/authors/*", "/archive/*", "other"};
// 206, 412, 416: podcast media (byte ranges and their preconditions).
constexpr std::array<unsigned, 14> kStatusCodes{200, 206, 304, 400, 404, 405, 408,
                                                412, 413, 414, 416, 431, 500, 503};
// Builds take milliseconds for small sites and seconds for 100k articles.
constexpr std::array<double, 13> kBuildBounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                              1,     2.5,  5,     10,   30,  60};

std::size_t path_slot(std::string_view target) noexcept {
    const std::string_view path = target.substr(0, target.find('?'));
    for (std::size_t i = 0; i < 6; ++i) {
        if (path == kPathLabels[i]) return i;
    }
    if (path == "/index.html") return 0;
    if (path.starts_with("/tags/")) return 6;
    if (path.starts_with("/authors/")) return 7;
    if (path.starts_with("/archive/")) return 8;
    return 9;
}

std::size_t status_slot(unsigned status) noexcept {
    const auto found = std::find(kStatusCodes.begin(), kStatusCodes.end(), status);
    return static_cast<std::size_t>(found - kStatusCodes.begin());  // kStatusCodes.size(): other
}

bool valid_name(std::string_view name, bool allow_colon) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        const bool digit = c >= '0' && c <= '9';
        if (!(alpha || (allow_colon && c == ':') || (i > 0 && digit))) return false;
    }
    return !name.starts_with("__");  // reserved for Prometheus itself
}

void append_number(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        char buffer[32];
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
        out.append(buffer, ec == std::errc{} ? end : buffer);
    }
}

void append_number(std::string& out, std::uint64_t value) {
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, ec == std::errc{} ? end : buffer);
}

// HELP text escapes backslash and newline; label values also escape the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (quote && c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_escaped(out, help, false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

template <typename Number>
void append_sample(std::string& out, std::string_view name, std::string_view labels, Number value) {
    out += name;
    out += labels;
    out += ' ';
    append_number(out, value);
    out += '\n';
}

std::string render_labels(const Metrics::Labels& labels) {
    if (labels.empty()) return {};
    std::string out = "{";
    for (const auto& [name, value] : labels) {
        if (!valid_name(name, false)) {
            throw std::invalid_argument("invalid Prometheus label name '" + name + "'");
        }
        if (out.size() > 1) out += ',';
        out += name;
        out += "=\"";
        append_escaped(out, value, true);
        out += '"';
    }
    out += '}';
    return out;
}

double in_seconds(std::chrono::microseconds duration) {
    return std::chrono::duration<double>(duration).count();
}

}  // namespace

std::string_view Metrics::path_label(std::string_view target) noexcept {
    return kPathLabels[path_slot(target)];
}

void Metrics::record_response(std::string_view target, unsigned status,
                              std::uint64_t bytes) noexcept {
    static_assert(kPathLabels.size() == kPaths && kStatusCodes.size() + 1 == kStatuses);
    requests_[path_slot(target) * kStatuses + status_slot(status)].fetch_add(
        1, std::memory_order_relaxed);
    bytes_sent_.fetch_add(bytes, std::memory_order_relaxed);
    if (status == 304) not_modified_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::record_media(std::uint64_t file_bytes) noexcept {
    media_bytes_.fetch_add(file_bytes, std::memory_order_relaxed);
}

void Metrics::connection_opened() noexcept {
    open_connections_.fetch_add(1, std::memory_order_relaxed);
    connections_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::connection_closed() noexcept {
    open_connections_.fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::record_timeout() noexcept {
    timeouts_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::record_build(std::chrono::microseconds duration, std::size_t articles,
                           std::size_t problems, bool succeeded,
                           std::chrono::system_clock::time_point at) {
    static_assert(kBuildBounds.size() == kBuckets);
    const double took = in_seconds(duration);
    const std::lock_guard lock(mutex_);
    ++(succeeded ? builds_ok_ : builds_failed_);
    const auto bucket = std::lower_bound(kBuildBounds.begin(), kBuildBounds.end(), took);
    if (bucket != kBuildBounds.end()) ++build_buckets_[bucket - kBuildBounds.begin()];
    build_seconds_sum_ += took;
    built_ = true;
    last_build_ok_ = succeeded;
    last_build_seconds_ = took;
    last_build_at_ = at;
    if (succeeded) articles_ = articles;
    problems_ = problems;
}

Metrics::Family& Metrics::family(std::string_view name, std::string_view help, bool counter) {
    if (!valid_name(name, true)) {
        throw std::invalid_argument("invalid Prometheus metric name '" + std::string(name) + "'");
    }
    if (counter != name.ends_with("_total")) {
        throw std::invalid_argument("metric '" + std::string(name) +
                                    (counter ? "' is a counter and must end in _total"
                                             : "' is a gauge and must not end in _total"));
    }
    auto found = families_.find(name);
    if (found == families_.end()) {
        found = families_.emplace(std::string(name), Family{std::string(help), counter, {}}).first;
    }
    return found->second;
}

void Metrics::set_gauge(std::string_view name, std::string_view help, double value) {
    set_gauge(name, help, {}, value);
}

void Metrics::set_gauge(std::string_view name, std::string_view help, const Labels& labels,
                        double value) {
    std::string key = render_labels(labels);
    const std::lock_guard lock(mutex_);
    family(name, help, false).series[std::move(key)] = value;
}

void Metrics::add_counter(std::string_view name, std::string_view help, const Labels& labels,
                          double delta) {
    if (!(delta >= 0)) throw std::invalid_argument("a counter only goes up");
    std::string key = render_labels(labels);
    const std::lock_guard lock(mutex_);
    family(name, help, true).series[std::move(key)] += delta;
}

void Metrics::remove(std::string_view name) {
    const std::lock_guard lock(mutex_);
    if (const auto found = families_.find(name); found != families_.end()) families_.erase(found);
}

void Metrics::set_health(std::string_view key, double value) {
    const std::lock_guard lock(mutex_);
    health_[std::string(key)] = HealthValue{false, value, {}};
}

void Metrics::set_health(std::string_view key, std::string_view text) {
    const std::lock_guard lock(mutex_);
    health_[std::string(key)] = HealthValue{true, 0, std::string(text)};
}

void Metrics::remove_health(std::string_view key) {
    const std::lock_guard lock(mutex_);
    if (const auto found = health_.find(key); found != health_.end()) health_.erase(found);
}

std::string Metrics::render() const {
    const auto load = [](const auto& atomic) { return atomic.load(std::memory_order_relaxed); };
    std::string out;
    out.reserve(4096);

    append_header(out, "feedd_http_requests_total",
                  "HTTP responses sent, by path (unknown paths are \"other\") and status code.",
                  "counter");
    for (std::size_t p = 0; p < kPaths; ++p) {
        for (std::size_t s = 0; s < kStatuses; ++s) {
            const std::uint64_t count = load(requests_[p * kStatuses + s]);
            if (count == 0) continue;
            std::string labels = "{path=\"";
            append_escaped(labels, kPathLabels[p], true);
            labels += "\",code=\"";
            labels += s < kStatusCodes.size() ? std::to_string(kStatusCodes[s]) : "other";
            labels += "\"}";
            append_sample(out, "feedd_http_requests_total", labels, count);
        }
    }
    append_header(out, "feedd_http_response_bytes_total",
                  "Bytes of HTTP responses sent, headers included.", "counter");
    append_sample(out, "feedd_http_response_bytes_total", "", load(bytes_sent_));
    append_header(out, "feedd_media_bytes_sent_total",
                  "Bytes of podcast media files sent (in full and range responses).", "counter");
    append_sample(out, "feedd_media_bytes_sent_total", "", load(media_bytes_));
    append_header(out, "feedd_http_not_modified_total",
                  "Conditional requests answered with 304 Not Modified.", "counter");
    append_sample(out, "feedd_http_not_modified_total", "", load(not_modified_));
    append_header(out, "feedd_http_connections_total", "TCP connections accepted.", "counter");
    append_sample(out, "feedd_http_connections_total", "", load(connections_));
    append_header(out, "feedd_http_connections_open", "TCP connections open now.", "gauge");
    append_sample(out, "feedd_http_connections_open", "",
                  static_cast<double>(std::max<std::int64_t>(0, load(open_connections_))));
    append_header(out, "feedd_http_timeouts_total",
                  "Connections closed for sending a request too slowly or idling too long.",
                  "counter");
    append_sample(out, "feedd_http_timeouts_total", "", load(timeouts_));

    const std::lock_guard lock(mutex_);
    append_header(out, "feedd_builds_total", "Builds of the feeds, by result.", "counter");
    append_sample(out, "feedd_builds_total", "{result=\"success\"}", builds_ok_);
    append_sample(out, "feedd_builds_total", "{result=\"failure\"}", builds_failed_);

    append_header(out, "feedd_build_duration_seconds", "Time to build the feeds.", "histogram");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        cumulative += build_buckets_[i];
        std::string labels = "{le=\"";
        append_number(labels, kBuildBounds[i]);
        labels += "\"}";
        append_sample(out, "feedd_build_duration_seconds_bucket", labels, cumulative);
    }
    const std::uint64_t builds = builds_ok_ + builds_failed_;
    append_sample(out, "feedd_build_duration_seconds_bucket", "{le=\"+Inf\"}", builds);
    append_sample(out, "feedd_build_duration_seconds_sum", "", build_seconds_sum_);
    append_sample(out, "feedd_build_duration_seconds_count", "", builds);

    append_header(out, "feedd_articles", "Articles in the feeds being served.", "gauge");
    append_sample(out, "feedd_articles", "", static_cast<std::uint64_t>(articles_));
    append_header(out, "feedd_problems", "Problems reported by the last build.", "gauge");
    append_sample(out, "feedd_problems", "", static_cast<std::uint64_t>(problems_));
    if (built_) {
        append_header(out, "feedd_last_build_timestamp_seconds",
                      "When the last build finished, in Unix time.", "gauge");
        append_sample(out, "feedd_last_build_timestamp_seconds", "",
                      std::chrono::duration<double>(last_build_at_.time_since_epoch()).count());
        append_header(out, "feedd_last_build_success",
                      "1 if the last build was swapped in, 0 if it was rejected.", "gauge");
        append_sample(out, "feedd_last_build_success", "",
                      static_cast<std::uint64_t>(last_build_ok_ ? 1 : 0));
    }

    for (const auto& [name, family] : families_) {
        append_header(out, name, family.help, family.counter ? "counter" : "gauge");
        for (const auto& [labels, value] : family.series) append_sample(out, name, labels, value);
    }
    return out;
}

std::string render_health(const Snapshot& snapshot, std::chrono::system_clock::time_point now,
                          const Metrics* metrics) {
    using namespace std::chrono;
    const BuildInfo& info = snapshot.info;
    nlohmann::ordered_json doc;
    doc["status"] = "ok";
    doc["articles"] = info.articles;
    doc["problems"] = info.problems;
    doc["last_build"] = date::format("%FT%TZ", floor<seconds>(info.built_at));
    doc["last_build_duration_ms"] = duration<double, std::milli>(info.duration).count();
    doc["snapshot_age_seconds"] =
        std::max<long long>(0, duration_cast<seconds>(now - info.built_at).count());
    if (metrics != nullptr) {
        const std::lock_guard lock(metrics->mutex_);
        // A rejected build leaves the old snapshot served; say so without failing the check.
        if (metrics->built_) doc["last_build_succeeded"] = metrics->last_build_ok_;
        for (const auto& [key, value] : metrics->health_) {
            if (doc.contains(key)) continue;
            if (value.is_text) {
                doc[key] = value.text;
            } else {
                doc[key] = value.number;
            }
        }
    }
    // Replace, not throw: health must answer even if a daemon-set string is not UTF-8.
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace feedd::http
