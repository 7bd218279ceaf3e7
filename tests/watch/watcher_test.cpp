#include "watch/watcher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

namespace feedd::watch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class Watcher : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device random;
        root_ = fs::temp_directory_path() / ("feedd-watch-" + std::to_string(random()));
        fs::create_directories(root_ / "content");
    }
    void TearDown() override { fs::remove_all(root_); }

    fs::path content() const { return root_ / "content"; }

    void start(std::chrono::milliseconds debounce = 100ms,
               std::chrono::milliseconds max_delay = 2000ms, bool walk = true,
               bool leading_edge = true) {
        WatchOptions options;
        options.debounce = debounce;
        options.max_delay = max_delay;
        options.walk = walk;
        options.leading_edge = leading_edge;
        options.ignore_name = [](std::string_view name) {
            return name.starts_with('.') || name.ends_with('~') || name.ends_with(".tmp");
        };
        watcher_ = std::make_unique<DirectoryWatcher>(io_, content(), options, [this](Changes c) {
            batches_.push_back(std::move(c));
            times_.push_back(Clock::now());
        });
    }

    // Runs the io_context until `count` batches arrived or `limit` passed.
    void run_until(std::size_t count, std::chrono::milliseconds limit = 3000ms) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (batches_.size() < count && std::chrono::steady_clock::now() < deadline) {
            io_.run_for(10ms);
            io_.restart();
        }
    }

    void run_for(std::chrono::milliseconds time) {
        io_.run_for(time);
        io_.restart();
    }

    static void write(const fs::path& path, const std::string& text) {
        std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    }

    // Writes a hidden temporary file and renames it over `path`, as editors and rsync do.
    static void save_atomically(const fs::path& path, const std::string& text) {
        const auto temporary = path.parent_path() / ("." + path.filename().string() + ".tmp");
        write(temporary, text);
        fs::rename(temporary, path);
    }

    // Every path reported, in any batch.
    std::set<std::string> all_paths() const {
        std::set<std::string> paths;
        for (const auto& batch : batches_) paths.insert(batch.paths.begin(), batch.paths.end());
        return paths;
    }

    using Clock = std::chrono::steady_clock;

    fs::path root_;
    boost::asio::io_context io_;
    std::unique_ptr<DirectoryWatcher> watcher_;
    std::vector<Changes> batches_;
    std::vector<Clock::time_point> times_;  // when each batch arrived
};

TEST_F(Watcher, ReportsAWrittenFile) {
    start();
    write(content() / "a.md", "hello");
    run_until(1);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"a.md"});
    EXPECT_FALSE(batches_[0].rescan);
}

// Written before the watcher reads anything: all of it is in one read, so in one batch.
TEST_F(Watcher, EventsReadTogetherGoInOneBatch) {
    start(150ms);
    for (int i = 0; i < 300; ++i) write(content() / ("f" + std::to_string(i) + ".md"), "x");
    run_until(1);
    run_for(400ms);  // nothing more may arrive
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths.size(), 300u);
}

// The leading edge: after quiet, a complete file is reported at once, not after the debounce (2 s
// here, so that the bound below leaves room for a slow machine).
TEST_F(Watcher, AnAtomicallyRenamedFileIsReportedWellBeforeTheDebounce) {
    start(2000ms, 5000ms);
    run_for(50ms);
    const auto renamed = Clock::now();
    save_atomically(content() / "post.md", "new text");
    run_until(1, 1500ms);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"post.md"});
    EXPECT_LT(times_[0] - renamed, 500ms);
}

TEST_F(Watcher, AFileClosedAfterWritingIsReportedAtOnce) {
    start(2000ms, 5000ms);
    run_for(50ms);
    const auto written = Clock::now();
    write(content() / "a.md", "hello");
    run_until(1, 1500ms);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"a.md"});
    EXPECT_LT(times_[0] - written, 500ms);
}

// After a leading-edge report, changes within the debounce wait for quiet (the trailing edge).
TEST_F(Watcher, ChangesSoonAfterAReportWaitForTheDebounce) {
    start(400ms, 5000ms);
    write(content() / "first.md", "x");
    run_until(1, 1500ms);
    ASSERT_EQ(batches_.size(), 1u);
    const auto second = Clock::now();
    write(content() / "second.md", "x");
    run_until(2, 3000ms);
    ASSERT_EQ(batches_.size(), 2u);
    EXPECT_EQ(batches_[1].paths, std::vector<std::string>{"second.md"});
    EXPECT_GE(times_[1] - second, 350ms);
}

TEST_F(Watcher, WithoutTheLeadingEdgeEveryBatchWaitsForTheDebounce) {
    start(400ms, 5000ms, /*walk=*/true, /*leading_edge=*/false);
    run_for(50ms);
    const auto written = Clock::now();
    write(content() / "a.md", "x");
    run_until(1, 3000ms);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_GE(times_[0] - written, 350ms);
}

// Files written as fast as possible while the watcher runs: one report at once, the rest when the
// burst settles. With the daemon's coalescing that is at most three rebuilds for the burst.
TEST_F(Watcher, ABurstOfThreeHundredFilesGivesAtMostThreeReports) {
    start(300ms, 2000ms);
    run_for(50ms);
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 300; ++i)
            save_atomically(content() / ("f" + std::to_string(i) + ".md"), "x");
        done = true;
    });
    while (!done) run_for(5ms);
    writer.join();
    run_until(1);
    run_for(800ms);  // past the trailing edge: nothing more may arrive
    EXPECT_GE(batches_.size(), 1u);
    EXPECT_LE(batches_.size(), 3u);
    EXPECT_EQ(all_paths().size(), 300u);
    for (const auto& batch : batches_) EXPECT_FALSE(batch.rescan);
}

TEST_F(Watcher, ASteadyStreamStillReportsWithinTheMaximumDelay) {
    start(200ms, 600ms);
    const auto began = std::chrono::steady_clock::now();
    // A write every 50 ms never leaves 200 ms of quiet, yet batches must come at least every 600 ms.
    while (std::chrono::steady_clock::now() - began < 1500ms) {
        write(content() / "busy.md", "x");
        run_for(50ms);
    }
    EXPECT_GE(batches_.size(), 2u);
}

TEST_F(Watcher, AFileBeingWrittenIsReportedOnlyWhenClosed) {
    start(100ms);
    const int fd = ::open((content() / "slow.md").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "half", 4), 4);
    run_for(400ms);
    EXPECT_TRUE(batches_.empty()) << "reported a file that is still open for writing";
    ASSERT_EQ(::write(fd, " and the rest", 13), 13);
    ::close(fd);
    run_until(1);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"slow.md"});
}

// A file being written holds back the batch (no leading edge), and is itself reported once closed,
// together with what came meanwhile.
TEST_F(Watcher, AFileStillOpenForWritingHoldsBackItsBatchUntilClosed) {
    start(1000ms, 5000ms);
    run_for(50ms);
    const int fd = ::open((content() / "slow.md").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "half", 4), 4);
    save_atomically(content() / "done.md", "complete");
    run_for(400ms);
    EXPECT_TRUE(batches_.empty()) << "reported while a file was still being written";
    ASSERT_EQ(::write(fd, " and the rest", 13), 13);
    ::close(fd);
    run_until(1, 3000ms);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, (std::vector<std::string>{"done.md", "slow.md"}));
}

// Closed long after its last write, a file is reported at once: it is complete.
TEST_F(Watcher, AFileClosedAfterAPauseIsReportedAtOnce) {
    start(300ms, 5000ms);
    const int fd = ::open((content() / "slow.md").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "half", 4), 4);
    run_for(500ms);
    EXPECT_TRUE(batches_.empty());
    const auto closed = Clock::now();
    ::close(fd);
    run_until(1, 2000ms);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"slow.md"});
    EXPECT_LT(times_[0] - closed, 250ms);
}

// mkdir then files (cp -r, git checkout): the new folder settles and comes as one batch, after the
// last file, not as a report of the empty folder followed by its files.
TEST_F(Watcher, ANewFolderFilledWithFilesIsReportedOnceSettled) {
    start(300ms, 5000ms);
    run_for(50ms);
    std::atomic<bool> done{false};
    Clock::time_point last_file;
    std::thread writer([&] {
        fs::create_directories(content() / "new");
        for (int i = 0; i < 50; ++i) {
            write(content() / "new" / ("f" + std::to_string(i) + ".md"), "x");
            std::this_thread::sleep_for(2ms);
        }
        last_file = Clock::now();
        done = true;
    });
    while (!done) run_for(5ms);
    writer.join();
    run_until(1, 3000ms);
    run_for(500ms);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_TRUE(all_paths().contains("new"));
    EXPECT_GE(times_[0], last_file);
}

// git checkout deletes a file and creates it again: a report between the two would drop the
// article from the feed for a debounce, so a deletion settles.
TEST_F(Watcher, ADeletedAndRecreatedFileIsOneBatch) {
    write(content() / "a.md", "old");
    start(300ms, 5000ms);
    run_for(50ms);
    fs::remove(content() / "a.md");
    run_for(20ms);  // the deletion is read on its own
    EXPECT_TRUE(batches_.empty());
    write(content() / "a.md", "new");
    run_until(1, 2000ms);
    run_for(400ms);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"a.md"});
}

TEST_F(Watcher, AnAtomicSaveReportsOnlyTheArticle) {
    start();
    write(content() / "post.md.tmp", "new text");
    fs::rename(content() / "post.md.tmp", content() / "post.md");
    run_until(1);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"post.md"});
}

TEST_F(Watcher, NewSubfoldersAreWatched) {
    start(80ms);
    fs::create_directories(content() / "world" / "europe");
    run_until(1);
    write(content() / "world" / "europe" / "a.md", "x");
    run_until(2);
    ASSERT_EQ(batches_.size(), 2u);
    EXPECT_EQ(batches_[1].paths, std::vector<std::string>{"world/europe/a.md"});
}

// The daemon's first scan adds the folders as it lists them (WatchOptions::walk = false).
TEST_F(Watcher, WithoutAWalkOnlyTheRootAndTheFoldersAddedAreWatched) {
    fs::create_directories(content() / "news" / "2026");
    fs::create_directories(content() / "blog");
    start(100ms, 2000ms, /*walk=*/false);
    EXPECT_EQ(watcher_->watch_count(), 1u);
    watcher_->watch_folder("news");
    watcher_->watch_folder("news/2026");
    EXPECT_EQ(watcher_->watch_count(), 3u);
    write(content() / "blog" / "unwatched.md", "x");
    write(content() / "news" / "2026" / "a.md", "x");
    write(content() / "top.md", "x");
    run_until(1);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, (std::vector<std::string>{"news/2026/a.md", "top.md"}));
    EXPECT_FALSE(batches_[0].rescan);
    // Folders made later are walked as usual.
    fs::create_directories(content() / "new" / "deep");
    run_until(2);
    write(content() / "new" / "deep" / "b.md", "x");
    run_until(3);
    ASSERT_EQ(batches_.size(), 3u);
    EXPECT_EQ(batches_[2].paths, std::vector<std::string>{"new/deep/b.md"});
}

TEST_F(Watcher, AFolderThatCannotBeWatchedAsksForARescan) {
    start(100ms, 2000ms, /*walk=*/false);
    watcher_->watch_folder("gone");
    run_until(1);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_TRUE(batches_[0].rescan);
    ASSERT_EQ(batches_[0].warnings.size(), 1u);
    EXPECT_NE(batches_[0].warnings[0].find("gone: cannot watch"), std::string::npos)
        << batches_[0].warnings[0];
}

TEST_F(Watcher, DeletionsAndRenamesAreReported) {
    fs::create_directories(content() / "old");
    write(content() / "old" / "a.md", "x");
    write(content() / "b.md", "x");
    start();
    fs::remove(content() / "b.md");
    fs::rename(content() / "old", content() / "new");
    run_until(1);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, (std::vector<std::string>{"b.md", "new", "old"}));
    write(content() / "new" / "c.md", "x");  // the moved folder is still watched under its new name
    run_until(2);
    ASSERT_EQ(batches_.size(), 2u);
    EXPECT_EQ(batches_[1].paths, std::vector<std::string>{"new/c.md"});
}

TEST_F(Watcher, IgnoredNamesAreNotReported) {
    start();
    write(content() / ".hidden.md", "x");
    write(content() / "notes.md~", "x");
    run_for(400ms);
    EXPECT_TRUE(batches_.empty());
}

// An ignored file being written (an editor's swap file) is not work in progress of the content.
TEST_F(Watcher, AnIgnoredFileBeingWrittenDoesNotHoldBackTheLeadingEdge) {
    start(2000ms, 5000ms);
    run_for(50ms);
    const int fd = ::open((content() / ".post.md.swp").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "swap", 4), 4);
    const auto saved = Clock::now();
    save_atomically(content() / "post.md", "x");
    run_until(1, 1500ms);
    ::close(fd);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"post.md"});
    EXPECT_LT(times_[0] - saved, 500ms);
    run_for(300ms);
    EXPECT_EQ(batches_.size(), 1u);
}

TEST_F(Watcher, ARemovedAndRecreatedRootAsksForARescan) {
    start(80ms);
    fs::remove_all(content());
    run_until(1);
    ASSERT_GE(batches_.size(), 1u);
    EXPECT_TRUE(batches_.back().rescan);
    const auto before = batches_.size();
    fs::create_directories(content());
    run_until(before + 1);
    ASSERT_EQ(batches_.size(), before + 1);
    EXPECT_TRUE(batches_.back().rescan);
    write(content() / "again.md", "x");  // and the new root is watched
    run_until(before + 2);
    ASSERT_EQ(batches_.size(), before + 2);
    EXPECT_EQ(batches_.back().paths, std::vector<std::string>{"again.md"});
}

TEST_F(Watcher, ANewSymlinkIsReported) {
    start();
    fs::create_symlink("/etc/hostname", content() / "link.md");
    run_until(1);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"link.md"});
}

}  // namespace
}  // namespace feedd::watch
