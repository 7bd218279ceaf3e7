#include "ping/queue.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/process.h"

namespace feedd::ping {
namespace {

using namespace std::chrono_literals;

const Endpoint kHub{EndpointKind::websub, "http://hub.example/", false};
const Endpoint kRpc{EndpointKind::xmlrpc, "http://rpc.example/RPC2", false};
const TimePoint kT0 = Clock::from_time_t(1'700'000'000);

RetryPolicy test_policy() {
    RetryPolicy p;
    p.first_delay = 30s;
    p.max_delay = 1h;
    p.give_up_after = 24h;
    p.settle = 1s;
    p.jitter = 0.0;  // exact schedules
    return p;
}

Outcome failed(OutcomeKind kind = OutcomeKind::retry) {
    return Outcome{kind, "HTTP 503", 503, {}};
}
Outcome delivered() {
    return Outcome{OutcomeKind::success, "HTTP 202", 202, {}};
}

TEST(BackoffDelay, DoublesFromFirstDelayAndStopsAtTheCap) {
    const auto p = test_policy();
    EXPECT_EQ(backoff_delay(p, 1, 0.5), 30s);
    EXPECT_EQ(backoff_delay(p, 2, 0.5), 60s);
    EXPECT_EQ(backoff_delay(p, 5, 0.5), 480s);
    EXPECT_EQ(backoff_delay(p, 8, 0.5), 3600s);  // 30 × 128 = 3840 s, capped
    EXPECT_EQ(backoff_delay(p, 1000, 0.5), 3600s);
}

TEST(BackoffDelay, JitterStaysWithinTwentyPercentAndUnderTheCap) {
    auto p = test_policy();
    p.jitter = 0.2;
    EXPECT_EQ(backoff_delay(p, 1, 0.0), 24s);
    EXPECT_EQ(backoff_delay(p, 1, 0.999999), std::chrono::milliseconds(35999));
    EXPECT_LE(backoff_delay(p, 8, 0.999999), 1h);
}

TEST(PingQueue, NewJobWaitsTheSettleTimeThenIsDue) {
    PingQueue q(test_policy());
    EXPECT_TRUE(q.announce(kHub, "http://s/feed.xml", "\"e1\"", kT0));
    EXPECT_TRUE(q.take_due(kT0).empty());
    const auto due = q.take_due(kT0 + 1s);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].topic, "http://s/feed.xml");
    EXPECT_EQ(due[0].etag, "\"e1\"");
    EXPECT_TRUE(q.take_due(kT0 + 2s).empty()) << "in flight jobs are not handed out twice";
}

TEST(PingQueue, TwoHundredAnnouncementsOfOneTopicCoalesceIntoOneJobPerEndpoint) {
    PingQueue q(test_policy());
    for (int i = 0; i < 200; ++i) {
        const auto now = kT0 + std::chrono::milliseconds(i);
        q.announce(kHub, "http://s/feed.xml", "\"e" + std::to_string(i) + "\"", now);
        q.announce(kRpc, "http://s/feed.xml", "\"e" + std::to_string(i) + "\"", now);
    }
    EXPECT_EQ(q.size(), 2u);
    const auto due = q.take_due(kT0 + 10s);
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].etag, "\"e199\"") << "the latest state is announced";
    EXPECT_EQ(due[1].etag, "\"e199\"");
}

TEST(PingQueue, AtMostFourPingsAreInFlightToOneEndpoint) {
    PingQueue q(test_policy());
    for (int i = 0; i < 10; ++i) {
        q.announce(kHub, "http://s/t" + std::to_string(i) + "/feed.xml", "\"e\"", kT0);
    }
    q.announce(kRpc, "http://s/feed.xml", "\"e\"", kT0);
    auto due = q.take_due(kT0 + 1s);
    ASSERT_EQ(due.size(), 5u) << "four to the hub, and the other endpoint is not held up";
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(due[i].topic, "http://s/t" + std::to_string(i) + "/feed.xml");
    EXPECT_EQ(due[4].endpoint, kRpc);
    EXPECT_FALSE(q.next_due().has_value()) << "nothing can go before a transfer ends";
    EXPECT_TRUE(q.take_due(kT0 + 2s).empty());

    q.complete(due[0], delivered(), kT0 + 2s);
    EXPECT_EQ(q.next_due(), kT0 + 1s);
    const auto next = q.take_due(kT0 + 2s);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].topic, "http://s/t4/feed.xml") << "in the order announced";
}

TEST(PingQueue, SameEtagAgainIsNotAnnouncedAgainEvenAfterDelivery) {
    PingQueue q(test_policy());
    ASSERT_TRUE(q.announce(kHub, "t", "e1", kT0));
    auto due = q.take_due(kT0 + 1s);
    ASSERT_EQ(q.complete(due.at(0), delivered(), kT0 + 2s), PingQueue::Result::delivered);
    EXPECT_EQ(q.size(), 0u);
    EXPECT_FALSE(q.announce(kHub, "t", "e1", kT0 + 3s));
    EXPECT_FALSE(q.changed(kHub, "t", "e1"));
    EXPECT_TRUE(q.changed(kRpc, "t", "e1")) << "each endpoint has its own record";
    EXPECT_TRUE(q.announce(kHub, "t", "e2", kT0 + 4s));
}

TEST(PingQueue, FailuresBackOffExponentially) {
    PingQueue q(test_policy());
    q.announce(kHub, "t", "e1", kT0);
    auto now = kT0 + 1s;
    const std::chrono::seconds expected[] = {30s, 60s, 120s, 240s};
    for (const auto delay : expected) {
        auto due = q.take_due(now);
        ASSERT_EQ(due.size(), 1u);
        ASSERT_EQ(q.complete(due[0], failed(), now), PingQueue::Result::rescheduled);
        EXPECT_TRUE(q.take_due(now + delay - 1ms).empty());
        now += delay;
    }
    EXPECT_EQ(q.jobs().at(0).failures, 4);
    EXPECT_EQ(q.jobs().at(0).last_error, "HTTP 503");
}

TEST(PingQueue, RetryAfterLongerThanTheBackoffIsHonoured) {
    PingQueue q(test_policy());
    q.announce(kHub, "t", "e1", kT0);
    auto due = q.take_due(kT0 + 1s);
    auto outcome = failed();
    outcome.retry_after = 300s;
    q.complete(due.at(0), outcome, kT0 + 1s);
    EXPECT_EQ(q.jobs().at(0).next_attempt, kT0 + 301s);
}

TEST(PingQueue, RetryAfterShorterThanTheBackoffIsTakenAtItsWordButNotBelowASecond) {
    PingQueue q(test_policy());
    q.announce(kHub, "t", "e1", kT0);
    auto outcome = failed();
    outcome.retry_after = 2s;
    q.complete(q.take_due(kT0 + 1s).at(0), outcome, kT0 + 1s);
    EXPECT_EQ(q.jobs().at(0).next_attempt, kT0 + 3s);
    outcome.retry_after = 0s;
    q.complete(q.take_due(kT0 + 3s).at(0), outcome, kT0 + 3s);
    EXPECT_EQ(q.jobs().at(0).next_attempt, kT0 + 4s);
    outcome.retry_after = 10h;  // capped at an hour
    q.complete(q.take_due(kT0 + 4s).at(0), outcome, kT0 + 4s);
    EXPECT_EQ(q.jobs().at(0).next_attempt, kT0 + 4s + 1h);
}

TEST(PingQueue, PermanentFailureIsNotRetried) {
    PingQueue q(test_policy());
    q.announce(kHub, "t", "e1", kT0);
    auto due = q.take_due(kT0 + 1s);
    EXPECT_EQ(q.complete(due.at(0), failed(OutcomeKind::permanent), kT0 + 1s),
              PingQueue::Result::given_up);
    EXPECT_EQ(q.size(), 0u);
}

TEST(PingQueue, GivesUpTwentyFourHoursAfterTheFirstTry) {
    PingQueue q(test_policy());
    q.announce(kHub, "t", "e1", kT0);
    auto now = kT0 + 1s;
    int tries = 0;
    for (;;) {
        auto due = q.take_due(now);
        ASSERT_EQ(due.size(), 1u);
        ++tries;
        const auto result = q.complete(due[0], failed(), now);
        if (result == PingQueue::Result::given_up) break;
        ASSERT_EQ(result, PingQueue::Result::rescheduled);
        EXPECT_LE(q.jobs().at(0).next_attempt - now, 1h) << "never more than an hour between tries";
        now = q.jobs().at(0).next_attempt;
        ASSERT_LT(tries, 100);
    }
    EXPECT_GE(now - (kT0 + 1s), 24h);
    EXPECT_LT(now - (kT0 + 1s), 25h);
    EXPECT_EQ(q.size(), 0u);
}

TEST(PingQueue, ReplacedWhileInFlightKeepsTheNewStateQueued) {
    PingQueue q(test_policy());
    q.announce(kHub, "t", "e1", kT0);
    auto due = q.take_due(kT0 + 1s);
    q.announce(kHub, "t", "e2", kT0 + 1500ms);
    EXPECT_EQ(q.complete(due.at(0), delivered(), kT0 + 2s), PingQueue::Result::superseded);
    ASSERT_EQ(q.size(), 1u);
    due = q.take_due(kT0 + 3s);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].etag, "e2");
}

TEST(PingQueue, ReplacingAFailingJobKeepsItsBackoff) {
    PingQueue q(test_policy());
    q.announce(kHub, "t", "e1", kT0);
    auto due = q.take_due(kT0 + 1s);
    q.complete(due.at(0), failed(), kT0 + 1s);  // next try at +31 s
    q.announce(kHub, "t", "e2", kT0 + 5s);
    EXPECT_TRUE(q.take_due(kT0 + 10s).empty());
    EXPECT_EQ(q.take_due(kT0 + 31s).size(), 1u);
}

TEST(PingQueue, StateSurvivesSaveAndLoad) {
    test::TempDir dir;
    const auto file = dir.path() / "ping-state.json";
    {
        PingQueue q(test_policy());
        q.announce(kHub, "http://s/a.xml", "ea", kT0);
        q.announce(kRpc, "http://s/a.xml", "ea", kT0);
        auto due = q.take_due(kT0 + 1s);
        q.complete(due.at(0), failed(), kT0 + 1s);
        q.complete(due.at(1), delivered(), kT0 + 1s);
        ASSERT_TRUE(q.save(file).has_value());
    }
    PingQueue loaded(test_policy());
    EXPECT_TRUE(loaded.load(file).empty());
    ASSERT_EQ(loaded.size(), 1u);
    const auto& job = loaded.jobs()[0];
    EXPECT_EQ(job.endpoint, kHub);
    EXPECT_EQ(job.etag, "ea");
    EXPECT_EQ(job.failures, 1);
    EXPECT_EQ(job.first_attempt, kT0 + 1s);
    EXPECT_EQ(job.next_attempt, kT0 + 31s);
    EXPECT_FALSE(loaded.changed(kRpc, "http://s/a.xml", "ea")) << "announced record is kept";
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
}

TEST(PingQueue, CorruptFileIsMovedAsideAndTheQueueStartsEmpty) {
    test::TempDir dir;
    const auto file = dir.path() / "ping-state.json";
    test::write_file(file, "{\"version\": 1, \"pending\": [ {\"topic\": ");
    PingQueue q(test_policy());
    const auto warnings = q.load(file);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("ping-state.json"), std::string::npos) << warnings[0];
    EXPECT_EQ(q.size(), 0u);
    EXPECT_FALSE(std::filesystem::exists(file));
    int aside = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        if (entry.path().filename().string().starts_with("ping-state.json.corrupt-")) {
            ++aside;
            EXPECT_EQ(test::read_file(entry.path()),
                      "{\"version\": 1, \"pending\": [ {\"topic\": ");
        }
    }
    EXPECT_EQ(aside, 1);
}

TEST(PingQueue, MissingFileIsAnEmptyStateWithoutWarnings) {
    test::TempDir dir;
    PingQueue q(test_policy());
    EXPECT_TRUE(q.load(dir.path() / "nothing.json").empty());
    EXPECT_EQ(q.size(), 0u);
}

TEST(WriteFileAtomically, ReplacesTheFileWithTheModeAsked) {
    test::TempDir dir;
    const auto file = dir.path() / "state" / "readers.json";  // the folder is made
    const auto old_mask = ::umask(022);
    ASSERT_TRUE(write_file_atomically(file, "first", kReadableByAll).has_value());
    ASSERT_TRUE(write_file_atomically(file, "second", kReadableByAll).has_value());
    ::umask(old_mask);
    EXPECT_EQ(test::read_file(file), "second");
    EXPECT_EQ(std::filesystem::status(file).permissions(), kReadableByAll);
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
    const auto secret = dir.path() / "ping-state.json";
    ASSERT_TRUE(write_file_atomically(secret, "{}").has_value());
    EXPECT_EQ(std::filesystem::status(secret).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(WriteFileAtomically, AFailureNamesTheFileAndLeavesNoTemporaryFile) {
    test::TempDir dir;
    // A folder in the file's place: the rename fails after the temporary file was written.
    const auto file = dir.path() / "readers.json";
    std::filesystem::create_directories(file / "inside");
    const auto written = write_file_atomically(file, "bytes");
    ASSERT_FALSE(written.has_value());
    EXPECT_NE(written.error().find(file.string()), std::string::npos) << written.error();
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
    // A file in the folder's place: the folder cannot be made.
    test::write_file(dir.path() / "state", "not a folder");
    const auto no_folder = write_file_atomically(dir.path() / "state" / "readers.json", "bytes");
    ASSERT_FALSE(no_folder.has_value());
    EXPECT_TRUE(
        no_folder.error().starts_with("cannot create " + (dir.path() / "state").string() + ": "))
        << no_folder.error();
}

TEST(ReplaceFile, ReplacesTheFileAsAnyProgramsOutput) {
    test::TempDir dir;
    const auto file = dir.path() / "site" / "tags" / "feed.xml";
    const auto old_mask = ::umask(027);
    ASSERT_TRUE(replace_file(file, "<rss/>").has_value());
    ASSERT_TRUE(replace_file(file, "<rss>new</rss>").has_value());
    ::umask(old_mask);
    EXPECT_EQ(test::read_file(file), "<rss>new</rss>");
    namespace fs = std::filesystem;
    EXPECT_EQ(fs::status(file).permissions(),
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
    fs::create_directories(dir.path() / "index.html" / "inside");
    const auto written = replace_file(dir.path() / "index.html", "x");
    ASSERT_FALSE(written.has_value());
    EXPECT_NE(written.error().find((dir.path() / "index.html").string()), std::string::npos);
    EXPECT_FALSE(fs::exists(dir.path() / "index.html.tmp"));
}

TEST(PingQueue, JobsForEndpointsNoLongerConfiguredAreDropped) {
    PingQueue q(test_policy());
    q.announce(kHub, "t", "e1", kT0);
    q.announce(kRpc, "t", "e1", kT0);
    const auto dropped = q.retain_endpoints({kRpc});
    ASSERT_EQ(dropped.size(), 1u);
    EXPECT_EQ(dropped[0].endpoint, kHub);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q.jobs()[0].endpoint, kRpc);
}

}  // namespace
}  // namespace feedd::ping
