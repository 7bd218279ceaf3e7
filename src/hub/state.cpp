#include "hub/state.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "ping/address.h"

namespace feedd::hub {
namespace {

using json = nlohmann::json;

std::int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint from_ms(std::int64_t ms) {
    return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(ms)));
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> form_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

bool has_control_or_space(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

// A URL is ASCII (RFC 3986: anything else is %-encoded); bytes over 0x7F would also be invalid
// UTF-8 in the state file's JSON.
bool is_http_url(std::string_view url) {
    const bool scheme = url.starts_with("http://") || url.starts_with("https://");
    const bool ascii =
        std::all_of(url.begin(), url.end(), [](unsigned char c) { return c < 0x80; });
    return scheme && ascii && !url_host(url).empty() && !has_control_or_space(url);
}

bool is_utf8(std::string_view text) {
    try {
        (void)json(std::string(text)).dump();  // nlohmann checks UTF-8 when it serializes
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

Seconds clamp_lease(const Limits& limits, const std::optional<long long>& asked) {
    if (!asked) return limits.lease_default;
    return std::clamp(Seconds(*asked), limits.lease_min, limits.lease_max);
}

}  // namespace

std::expected<SubscriptionRequest, std::string> parse_subscription_request(
    std::string_view content_type, std::string_view body, const Limits& limits) {
    if (!content_type.empty()) {
        std::string type(content_type.substr(0, content_type.find(';')));
        for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        while (!type.empty() && type.back() == ' ') type.pop_back();
        if (type != "application/x-www-form-urlencoded") {
            return std::unexpected("the body must be application/x-www-form-urlencoded");
        }
    }
    std::map<std::string, std::string, std::less<>> fields;
    std::size_t start = 0;
    while (start <= body.size()) {
        const auto end = std::min(body.find('&', start), body.size());
        const auto pair = body.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = form_decode(pair.substr(0, eq));
        auto value =
            form_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!name || !value) return std::unexpected("malformed form encoding (a bad %-escape)");
        if (name->starts_with("hub.")) fields[*name] = std::move(*value);
    }
    SubscriptionRequest request;
    const auto mode = fields.find("hub.mode");
    if (mode == fields.end()) return std::unexpected("hub.mode is missing");
    if (mode->second == "subscribe") {
        request.mode = Mode::subscribe;
    } else if (mode->second == "unsubscribe") {
        request.mode = Mode::unsubscribe;
    } else {
        return std::unexpected("hub.mode must be subscribe or unsubscribe");
    }
    const auto callback = fields.find("hub.callback");
    if (callback == fields.end() || callback->second.empty())
        return std::unexpected("hub.callback is missing");
    request.callback = callback->second;
    if (request.callback.size() > limits.max_url_bytes)
        return std::unexpected("hub.callback is too long");
    if (!is_http_url(request.callback))
        return std::unexpected("hub.callback must be an http(s) URL");
    const auto topic = fields.find("hub.topic");
    if (topic == fields.end() || topic->second.empty())
        return std::unexpected("hub.topic is missing");
    request.topic = topic->second;
    if (request.topic.size() > limits.max_url_bytes)
        return std::unexpected("hub.topic is too long");
    // Any topic gets an answer (a denial for those not served), but it must be a URL to be named.
    if (!is_http_url(request.topic)) return std::unexpected("hub.topic must be an http(s) URL");
    if (const auto lease = fields.find("hub.lease_seconds");
        lease != fields.end() && !lease->second.empty()) {
        const auto& text = lease->second;
        if (text.size() > 12 || !std::all_of(text.begin(), text.end(),
                                             [](unsigned char c) { return std::isdigit(c); })) {
            return std::unexpected("hub.lease_seconds must be a whole number of seconds");
        }
        request.lease_seconds = std::stoll(text);
    }
    if (const auto secret = fields.find("hub.secret"); secret != fields.end()) {
        if (secret->second.size() >= limits.max_secret_bytes) {
            return std::unexpected("hub.secret must be shorter than " +
                                   std::to_string(limits.max_secret_bytes) + " bytes");
        }
        if (!is_utf8(secret->second)) return std::unexpected("hub.secret must be UTF-8 text");
        request.secret = secret->second;
    }
    if (!limits.allow_private_callbacks) {
        // Names are checked when connecting (ping/http_client.h); an address in the URL now.
        if (const auto address = ping::literal_host(request.callback);
            address && !ping::is_public_address(*address)) {
            return std::unexpected("hub.callback is not a public address (" + address->to_string() +
                                   ")");
        }
    }
    return request;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        for (const std::string* part : {&name, &value}) {
            for (const unsigned char c : *part) {
                if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
                    out += static_cast<char>(c);
                } else {
                    out += '%';
                    out += kHex[c >> 4];
                    out += kHex[c & 15];
                }
            }
            if (part == &name) out += '=';
        }
    }
    return out;
}

std::string with_query(std::string_view url,
                       const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out(url.substr(0, url.find('#')));
    if (out.find('?') == std::string::npos) {
        out += '?';
    } else if (out.back() != '?' && out.back() != '&') {
        out += '&';  // the callback's own query is kept (WebSub §5.3)
    }
    out += form_encode(fields);
    return out;
}

std::string url_host(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    std::string_view host;
    if (rest.starts_with('[')) {
        host = rest.substr(
            0, rest.find(']') == std::string_view::npos ? rest.size() : rest.find(']') + 1);
    } else {
        host = rest.substr(0, rest.find(':'));
    }
    std::string out(host);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string Action::url() const {
    if (kind == Kind::deny) {
        return with_query(callback,
                          {{"hub.mode", "denied"}, {"hub.topic", topic}, {"hub.reason", reason}});
    }
    std::vector<std::pair<std::string, std::string>> fields = {
        {"hub.mode", mode == Mode::subscribe ? "subscribe" : "unsubscribe"},
        {"hub.topic", topic},
        {"hub.challenge", challenge}};
    if (mode == Mode::subscribe)
        fields.emplace_back("hub.lease_seconds", std::to_string(lease.count()));
    return with_query(callback, fields);
}

HubState::HubState(Limits limits, std::function<std::string()> challenge)
    : limits_(limits), challenge_(std::move(challenge)) {}

void HubState::count_host(const std::string& callback, int delta) {
    const auto host = url_host(callback);
    auto& n = per_host_[host];
    n = delta > 0 ? n + 1 : (n > 0 ? n - 1 : 0);
    if (n == 0) per_host_.erase(host);
}

void HubState::index(Subscriptions::iterator it) {
    Subscription& sub = it->second;
    if (sub.indexed) return;
    sub.indexed = true;
    expiries_.emplace(sub.expires, it);
    if (sub.pending) {
        ++pending_;
        if (!sub.in_flight) due_.emplace(sub.next_attempt, it);
    }
}

void HubState::unindex(Subscriptions::iterator it) {
    Subscription& sub = it->second;
    if (!sub.indexed) return;
    sub.indexed = false;
    expiries_.erase({sub.expires, it});
    if (sub.pending) {
        --pending_;
        if (!sub.in_flight) due_.erase({sub.next_attempt, it});
    }
}

void HubState::reindex_all() {
    due_.clear();
    expiries_.clear();
    pending_ = 0;
    for (auto it = subscriptions_.begin(); it != subscriptions_.end(); ++it) {
        it->second.indexed = false;
        index(it);
    }
}

void HubState::erase(Subscriptions::iterator it) {
    unindex(it);
    count_host(it->second.callback, -1);
    if (auto t = per_topic_.find(it->second.topic); t != per_topic_.end() && --t->second == 0) {
        per_topic_.erase(t);
    }
    if (it->second.in_flight && in_flight_ > 0) --in_flight_;
    subscriptions_.erase(it);
}

Admission HubState::admit(SubscriptionRequest request, TimePoint) {
    const Key key{request.callback, request.topic};
    // A newer request for the same pair replaces one still waiting (not one being verified).
    if (const auto waiting = waiting_.find(key); waiting != waiting_.end()) {
        intents_.at(waiting->second).request = std::move(request);
        return {202, "Accepted: the request replaces one waiting for verification."};
    }
    // A renewal or an unsubscription adds nothing; a new pair counts against the limits, and so
    // does each request waiting for verification (so requests cannot pile up either).
    const bool known = subscriptions_.contains(key);
    if (!known) {
        if (subscriptions_.size() + intents_.size() >= limits_.max_subscriptions) {
            return {429, "Too many subscriptions on this hub."};
        }
        const auto host = per_host_.find(url_host(request.callback));
        if (host != per_host_.end() && host->second >= limits_.max_per_host) {
            return {429, "Too many subscriptions for callbacks on this host."};
        }
    } else if (intents_.size() >= limits_.max_subscriptions) {
        return {429, "Too many requests waiting for verification."};
    }
    if (!known) count_host(request.callback, +1);
    const auto id = next_id_++;
    intents_.emplace(id, Intent{id, std::move(request), false});
    waiting_[key] = id;
    return {202, "Accepted: the callback will be asked to verify the request."};
}

std::vector<std::string> HubState::set_topics(const std::map<std::string, std::string>& versions,
                                              TimePoint now) {
    std::set<std::string> changed;
    for (const auto& [url, version] : versions) {
        const auto old = topics_.find(url);
        if (old != topics_.end() && old->second == version) continue;
        if (per_topic_.contains(url)) changed.insert(url);
    }
    topics_ = versions;
    if (changed.empty()) return {};
    for (auto it = subscriptions_.begin(); it != subscriptions_.end(); ++it) {
        Subscription& sub = it->second;
        if (!changed.contains(sub.topic)) continue;
        sub.pending_seq = next_seq_++;
        if (!sub.pending) {
            unindex(it);
            sub.pending = true;
            // A failing callback keeps its schedule: a change does not make it tried faster.
            if (!sub.failing_since) sub.next_attempt = now;
            index(it);
        }
    }
    return {changed.begin(), changed.end()};
}

std::vector<Subscription> HubState::expire(TimePoint now) {
    std::vector<Subscription> out;
    for (auto e = expiries_.begin(); e != expiries_.end() && e->first <= now;) {
        const auto it = e->second;
        ++e;  // erase() takes `it`'s entry out of expiries_
        if (it->second.in_flight) continue;
        out.push_back(it->second);
        erase(it);
    }
    return out;
}

std::vector<Action> HubState::take_due(TimePoint now) {
    std::vector<Action> out;
    // Requests in flight are skipped here; there are at most max_in_flight of them.
    for (auto& [id, intent] : intents_) {
        if (in_flight_ >= limits_.max_in_flight) return out;
        if (intent.in_flight) continue;
        const auto& r = intent.request;
        if (const auto w = waiting_.find({r.callback, r.topic});
            w != waiting_.end() && w->second == id) {
            waiting_.erase(w);
        }
        Action a;
        a.id = intent.id;
        a.callback = r.callback;
        a.topic = r.topic;
        a.mode = r.mode;
        a.subscribers = subscribers(r.topic);
        if (r.mode == Mode::subscribe && !serves(r.topic)) {
            a.kind = Action::Kind::deny;
            a.reason = "not a feed served by this hub";
        } else {
            a.kind = Action::Kind::verify;
            a.challenge = challenge_();
            a.lease = clamp_lease(limits_, r.lease_seconds);
            a.secret = r.secret;
        }
        intent.in_flight = true;
        ++in_flight_;
        out.push_back(std::move(a));
    }
    for (auto d = due_.begin(); d != due_.end() && d->first <= now;) {
        if (in_flight_ >= limits_.max_in_flight) break;
        const auto it = d->second;
        ++d;  // unindex() takes `it`'s entry out of due_
        Subscription* sub = &it->second;
        if (sub->expires <= now) continue;  // expire() ends it
        unindex(it);
        sub->in_flight = true;
        index(it);
        Action a;
        a.kind = Action::Kind::deliver;
        a.id = next_id_++;
        a.callback = sub->callback;
        a.topic = sub->topic;
        a.secret = sub->secret;
        a.seq = sub->pending_seq;
        a.subscribers = subscribers(sub->topic);
        ++in_flight_;
        out.push_back(std::move(a));
    }
    return out;
}

Event HubState::complete(const Action& action, const Response& response, TimePoint now) {
    const std::string who = action.callback + " (" + action.topic + ")";
    const bool ok = response.status >= 200 && response.status <= 299;
    const std::string answer =
        response.status == 0 ? response.error : "HTTP " + std::to_string(response.status);
    if (action.kind != Action::Kind::deliver) {
        const auto intent = intents_.find(action.id);
        if (intent == intents_.end()) return {Event::Kind::ignored, who, {}};
        if (const auto w = waiting_.find({action.callback, action.topic});
            w != waiting_.end() && w->second == action.id) {
            waiting_.erase(w);
        }
        const Key key{action.callback, action.topic};
        auto existing = subscriptions_.find(key);
        intents_.erase(intent);
        if (in_flight_ > 0) --in_flight_;
        // The request counted against its host until now; a subscription that exists counts itself.
        const auto release_request = [&] {
            if (existing == subscriptions_.end()) count_host(action.callback, -1);
        };
        if (action.kind == Action::Kind::deny) {
            release_request();
            return {Event::Kind::denied, "denied " + who + ": " + action.reason, {}};
        }
        if (!ok || response.body != action.challenge) {
            release_request();
            const std::string why = !ok ? answer : "the challenge was not echoed";
            return {
                Event::Kind::not_verified,
                std::string(action.mode == Mode::subscribe ? "subscription" : "unsubscription") +
                    " of " + who + " not verified: " + why,
                {}};
        }
        if (action.mode == Mode::unsubscribe) {
            release_request();
            if (existing != subscriptions_.end()) erase(existing);
            return {Event::Kind::unsubscribed, "unsubscribed " + who, {}};
        }
        if (existing != subscriptions_.end()) {
            unindex(existing);
            existing->second.expires = now + action.lease;
            existing->second.secret = action.secret;
            index(existing);
            return {Event::Kind::renewed,
                    "renewed " + who + " for " + std::to_string(action.lease.count()) + " s",
                    {}};
        }
        Subscription sub;
        sub.callback = action.callback;
        sub.topic = action.topic;
        sub.secret = action.secret;
        sub.expires = now + action.lease;
        const auto added =
            subscriptions_.emplace(key, std::move(sub)).first;  // the host count carries over
        index(added);
        ++per_topic_[action.topic];
        return {Event::Kind::subscribed,
                "subscribed " + who + " for " + std::to_string(action.lease.count()) + " s",
                {}};
    }

    auto it = subscriptions_.find({action.callback, action.topic});
    if (it == subscriptions_.end() || !it->second.in_flight) return {Event::Kind::ignored, who, {}};
    Subscription& sub = it->second;
    unindex(it);  // index()ed again below unless it ends
    sub.in_flight = false;
    if (in_flight_ > 0) --in_flight_;
    if (ok) {
        if (sub.pending_seq == action.seq) sub.pending = false;
        sub.failures = 0;
        sub.failing_since.reset();
        sub.next_attempt = now;  // a newer document pending meanwhile goes out at once
        index(it);
        return {Event::Kind::delivered, "delivered " + who + ": " + answer, {}};
    }
    if (response.status == 410) {
        erase(it);
        return {
            Event::Kind::gone, "subscription of " + who + " ended by the callback (410 Gone)", {}};
    }
    ++sub.failures;
    if (!sub.failing_since) sub.failing_since = now;
    if (now - *sub.failing_since >= limits_.give_up_after) {
        const std::string callback = action.callback;
        std::size_t dropped = 0;
        for (auto i = subscriptions_.begin(); i != subscriptions_.end();) {
            if (i->second.callback == callback && !(i->second.in_flight && i != it)) {
                erase(i++);
                ++dropped;
            } else {
                ++i;
            }
        }
        return {
            Event::Kind::dropped,
            "callback " + callback + " failing since " +
                std::to_string(std::chrono::duration_cast<Seconds>(limits_.give_up_after).count()) +
                " s, its " + std::to_string(dropped) + " subscription(s) dropped; last: " + answer,
            {}};
    }
    // retry_min × 2^(failures-1), capped: the exponent stops growing long before it overflows.
    const int exponent = std::min(sub.failures - 1, 30);
    auto delay = limits_.retry_min * (std::int64_t{1} << exponent);
    delay = std::min<Seconds>(delay, limits_.retry_max);
    sub.next_attempt = now + delay;
    index(it);
    return {Event::Kind::retry,
            "delivery to " + who + " failed (" + answer + "); try " +
                std::to_string(sub.failures + 1) + " in " + std::to_string(delay.count()) + " s",
            sub.next_attempt};
}

void HubState::cancel_delivery(const Action& action) {
    auto it = subscriptions_.find({action.callback, action.topic});
    if (it == subscriptions_.end() || !it->second.in_flight) return;
    unindex(it);
    it->second.in_flight = false;
    if (in_flight_ > 0) --in_flight_;
    if (it->second.pending_seq == action.seq) it->second.pending = false;
    index(it);
}

void HubState::abandon_in_flight() {
    for (auto& [id, intent] : intents_) {
        intent.in_flight = false;
        // The newest request for a pair is the one that waits (as admit() keeps it).
        waiting_[{intent.request.callback, intent.request.topic}] = id;
    }
    for (auto& [key, sub] : subscriptions_) sub.in_flight = false;
    in_flight_ = 0;
    reindex_all();
}

std::optional<TimePoint> HubState::next_due() const {
    std::optional<TimePoint> next;
    const auto consider = [&](TimePoint t) {
        if (!next || t < *next) next = t;
    };
    if (!expiries_.empty()) consider(expiries_.begin()->first);
    // At the bound nothing more can be taken before a request ends (which wakes the worker):
    // answering "now" would make it spin through a whole fan-out.
    if (in_flight_ >= limits_.max_in_flight) return next;
    if (!waiting_.empty()) consider(TimePoint::min());
    if (!due_.empty()) consider(due_.begin()->first);
    return next;
}

std::size_t HubState::subscribers(const std::string& topic) const {
    const auto it = per_topic_.find(topic);
    return it == per_topic_.end() ? 0 : it->second;
}

const Subscription* HubState::find(const std::string& callback, const std::string& topic) const {
    const auto it = subscriptions_.find({callback, topic});
    return it == subscriptions_.end() ? nullptr : &it->second;
}

std::vector<Subscription> HubState::subscriptions() const {
    std::vector<Subscription> out;
    out.reserve(subscriptions_.size());
    for (const auto& [key, sub] : subscriptions_) out.push_back(sub);
    return out;
}

std::map<std::string, std::size_t> HubState::subscribers_per_topic() const {
    return per_topic_;
}

SavedState HubState::saved() const {
    return {topics_, subscriptions()};
}

std::string serialize(const SavedState& saved) {
    json subs = json::array();
    for (const auto& s : saved.subscriptions) {
        json j = {{"callback", s.callback},
                  {"topic", s.topic},
                  {"secret", s.secret},
                  {"expires_ms", to_ms(s.expires)},
                  {"pending", s.pending},
                  {"failures", s.failures},
                  {"next_attempt_ms", to_ms(s.next_attempt)}};
        if (s.failing_since) j["failing_since_ms"] = to_ms(*s.failing_since);
        subs.push_back(std::move(j));
    }
    return json{{"version", 1}, {"topics", saved.topics}, {"subscriptions", std::move(subs)}}.dump(
               1, ' ', false, json::error_handler_t::replace) +
           "\n";
}

std::expected<void, std::string> HubState::restore(std::string_view text) {
    try {
        const auto j = json::parse(text);
        if (j.at("version").get<int>() != 1) return std::unexpected("unknown format version");
        HubState next(limits_, challenge_);
        next.topics_ = j.at("topics").get<std::map<std::string, std::string>>();
        for (const auto& s : j.at("subscriptions")) {
            Subscription sub;
            sub.callback = s.at("callback").get<std::string>();
            sub.topic = s.at("topic").get<std::string>();
            sub.secret = s.at("secret").get<std::string>();
            sub.expires = from_ms(s.at("expires_ms").get<std::int64_t>());
            sub.pending = s.at("pending").get<bool>();
            sub.failures = s.at("failures").get<int>();
            sub.next_attempt = from_ms(s.at("next_attempt_ms").get<std::int64_t>());
            if (s.contains("failing_since_ms"))
                sub.failing_since = from_ms(s["failing_since_ms"].get<std::int64_t>());
            sub.pending_seq = next.next_seq_++;
            Key key{sub.callback, sub.topic};
            if (next.subscriptions_.contains(key)) continue;
            next.count_host(sub.callback, +1);
            ++next.per_topic_[sub.topic];
            next.subscriptions_.emplace(std::move(key), std::move(sub));
        }
        *this = std::move(next);
        reindex_all();
        return {};
    } catch (const std::exception& error) {
        return std::unexpected(std::string(error.what()));
    }
}

}  // namespace feedd::hub
