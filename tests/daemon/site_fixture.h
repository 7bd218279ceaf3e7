// A site in a temporary directory: the bundled example content, the shared seed article and a
// config written for the test, so tests never touch the checkout.
#pragma once

#include <filesystem>
#include <string>

#include "support/process.h"

namespace feedd::test {

class SiteFixture {
public:
    explicit SiteFixture(const std::string& listen = "127.0.0.1:0") {
        namespace fs = std::filesystem;
        fs::copy(FEEDD_SOURCE_DIR "/examples/site/content", content(), fs::copy_options::recursive);
        fs::create_directories(content() / "world");
        fs::copy_file(FEEDD_SHARED_DIR "/samples/seed-article.txt", content() / "world" / "seed-article.txt",
                      fs::copy_options::none);
        write_config(listen);
    }

    std::filesystem::path content() const { return dir_.path() / "content"; }
    std::filesystem::path config() const { return dir_.path() / "feedd.yaml"; }
    std::filesystem::path root() const { return dir_.path(); }

    // `content_extra` goes inside `content:` (indented lines), `extra` at the top level.
    void write_config(const std::string& listen, const std::string& content_extra = "",
                      const std::string& extra = "") const {
        write_file(config(), "site:\n"
                             "  title: Test Site\n"
                             "  url: https://news.example.org/\n"
                             "  description: A site made by a test\n"
                             "content:\n"
                             "  dir: ./content\n"
                             "  timezone: UTC\n"
                             "  cut_markers: [\"Latest news\", \"Read also\"]\n" +
                                 content_extra +
                             "server:\n"
                             "  listen: \"" + listen + "\"\n" + extra);
    }

private:
    TempDir dir_;
};

}  // namespace feedd::test
