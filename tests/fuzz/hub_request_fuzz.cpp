// The hub's subscription requests: a form body as a stranger would POST it to hub.path. Byte 0
// picks the Content-Type and whether private callbacks are allowed; the rest is the body.
// Invariants: a parsed request has an http(s) callback and a topic within the URL limit, a secret
// under 200 bytes, and encoding its fields again parses back to the same request; the state
// machine takes it through verification (echoed or not) without breaking its counts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "hub/state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace feedd::hub;
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    Limits limits;
    limits.allow_private_callbacks = (flags & 1) != 0;
    const std::string_view type =
        (flags & 2) ? "application/x-www-form-urlencoded; charset=utf-8" : "";
    const auto request = parse_subscription_request(type, body, limits);
    if (!request) {
        FEEDD_FUZZ_CHECK(!request.error().empty() &&
                         request.error().find('\n') == std::string::npos);
        return 0;
    }
    FEEDD_FUZZ_CHECK(request->callback.starts_with("http://") ||
                     request->callback.starts_with("https://"));
    FEEDD_FUZZ_CHECK(request->callback.size() <= limits.max_url_bytes);
    FEEDD_FUZZ_CHECK(request->topic.size() <= limits.max_url_bytes && !request->topic.empty());
    FEEDD_FUZZ_CHECK(request->secret.size() < limits.max_secret_bytes);
    FEEDD_FUZZ_CHECK(!url_host(request->callback).empty());

    std::vector<std::pair<std::string, std::string>> fields = {
        {"hub.mode", request->mode == Mode::subscribe ? "subscribe" : "unsubscribe"},
        {"hub.callback", request->callback},
        {"hub.topic", request->topic}};
    if (!request->secret.empty()) fields.emplace_back("hub.secret", request->secret);
    if (request->lease_seconds)
        fields.emplace_back("hub.lease_seconds", std::to_string(*request->lease_seconds));
    const auto again = parse_subscription_request("", form_encode(fields), limits);
    FEEDD_FUZZ_CHECK(again.has_value(), "%s", again ? "" : again.error().c_str());
    FEEDD_FUZZ_CHECK(again->callback == request->callback && again->topic == request->topic &&
                     again->secret == request->secret &&
                     again->lease_seconds == request->lease_seconds);

    const TimePoint now{std::chrono::seconds(1'700'000'000)};
    HubState state(limits, [] { return std::string("challenge"); });
    state.set_topics({{request->topic, "v1"}}, now);
    FEEDD_FUZZ_CHECK(state.admit(*request, now).status == 202);
    const auto actions = state.take_due(now);
    FEEDD_FUZZ_CHECK(actions.size() == 1);
    const std::string url = actions[0].url();
    FEEDD_FUZZ_CHECK(
        url.starts_with(request->callback.substr(0, request->callback.find_first_of("?#"))));
    state.complete(actions[0], {200, (flags & 4) ? "wrong" : actions[0].challenge, ""}, now);
    FEEDD_FUZZ_CHECK(state.in_flight() == 0 && state.pending_requests() == 0);
    const bool subscribed = request->mode == Mode::subscribe && !(flags & 4);
    FEEDD_FUZZ_CHECK(state.size() == (subscribed ? 1u : 0u));
    if (subscribed) {
        HubState restored(limits, [] { return std::string("x"); });
        FEEDD_FUZZ_CHECK(restored.restore(state.serialize()).has_value());
        FEEDD_FUZZ_CHECK(restored.size() == 1);
    }
    return 0;
}
