// Shared by the feed tests: a site config, article values, and running the external checkers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "config/config.h"
#include "content/article.h"
#include "feed/feed.h"

namespace feedd::test {

using namespace std::chrono_literals;

// 2024-04-05T12:20:00Z
inline Seconds at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

inline Config site_config() {
    Config c;
    c.site.title = "Example News";
    c.site.url = "https://news.example.org/";
    c.site.description = "All the news";
    c.site.language = "en";
    c.site.permalink = "/{path}/";
    c.feeds.limit = 50;
    c.feeds.full_content = true;
    return c;
}

inline Article article(std::string path, std::string title, Seconds date) {
    Article a;
    a.path = std::move(path);
    a.title = std::move(title);
    a.date = date;
    a.summary = "Summary of " + a.title;
    a.content_html = "<p>Body of " + a.title + "</p>\n";
    return a;
}

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

// Runs a shell command; the arguments are single-quoted by the caller via quote().
CommandResult run_command(const std::string& command);
std::string quote(const std::string& arg);

// Writes bytes to a new file under the test temp dir and returns its path.
std::filesystem::path write_temp(const std::string& name, const std::string& bytes);

// FAILs with the Debian package to install when `program` is not executable.
::testing::AssertionResult have_program(const std::string& program, const std::string& package);

}  // namespace feedd::test
