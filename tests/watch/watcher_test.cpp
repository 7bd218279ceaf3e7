#include "watch/watcher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <random>

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
               std::chrono::milliseconds max_delay = 2000ms, bool walk = true) {
        WatchOptions options;
        options.debounce = debounce;
        options.max_delay = max_delay;
        options.walk = walk;
        options.ignore_name = [](std::string_view name) {
            return name.starts_with('.') || name.ends_with('~') || name.ends_with(".tmp");
        };
        watcher_ = std::make_unique<DirectoryWatcher>(io_, content(), options,
                                                      [this](Changes c) { batches_.push_back(std::move(c)); });
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

    fs::path root_;
    boost::asio::io_context io_;
    std::unique_ptr<DirectoryWatcher> watcher_;
    std::vector<Changes> batches_;
};

TEST_F(Watcher, ReportsAWrittenFile) {
    start();
    write(content() / "a.md", "hello");
    run_until(1);
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths, std::vector<std::string>{"a.md"});
    EXPECT_FALSE(batches_[0].rescan);
}

TEST_F(Watcher, ABurstGivesOneBatch) {
    start(150ms);
    for (int i = 0; i < 300; ++i) write(content() / ("f" + std::to_string(i) + ".md"), "x");
    run_until(1);
    run_for(400ms);  // nothing more may arrive
    ASSERT_EQ(batches_.size(), 1u);
    EXPECT_EQ(batches_[0].paths.size(), 300u);
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
