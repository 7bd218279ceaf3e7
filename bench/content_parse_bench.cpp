// Micro benchmark of the content stage: reading and parsing every article of a content directory,
// per file and in total, and the memory the parsed articles keep. Prints its figures; not a test.
//
//   content_parse_bench DIR [--detail full|metadata] [--threads N] [--repeat N]
//   content_parse_bench --front-matter [--repeat N]   (parse_metadata alone, per front matter)
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "content/metadata.h"
#include "content/scan.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

long rss_kib() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// User + system CPU time of the whole process (all threads), in ms: on a busy machine this is
// steadier than the wall clock.
double cpu_ms() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// A front matter as the generated corpus (and a typical blog) writes it.
constexpr std::string_view kFrontMatter =
    "title: \"Harbour ferries switch to electric engines\"\n"
    "date: 2021-04-05T12:20:00+01:00\n"
    "tags: [tag01, tag17, tag33]\n"
    "categories:\n"
    "  - city\n"
    "author: Jane Doe <jane@example.org>\n";

int front_matter_bench(int repeat) {
    const int n = repeat * 10000;
    std::vector<feedd::Problem> problems;
    const feedd::MetadataSource source{"bench.md", 2, "UTC", {}};
    std::size_t tags = 0;
    const auto start = Clock::now();
    const double cpu_start = cpu_ms();
    for (int i = 0; i < n; ++i) {
        const auto meta = feedd::parse_metadata(kFrontMatter, source, problems);
        if (meta && meta->tags) tags += meta->tags->size();
    }
    const double ms = ms_since(start);
    const double cpu = cpu_ms() - cpu_start;
    std::printf("front matter: %d parses, %.2f us each (CPU %.2f us; %zu tags, %zu problems)\n", n,
                ms * 1000 / n, cpu * 1000 / n, tags, problems.size());
    return problems.empty() && tags == static_cast<std::size_t>(3 * n) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir;
    std::string detail_name = "full";
    unsigned threads = 0;
    int repeat = 1;
    bool front_matter = false;
    bool scan = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--detail")
            detail_name = value();
        else if (arg == "--threads")
            threads = static_cast<unsigned>(std::stoul(value()));
        else if (arg == "--repeat")
            repeat = std::max(1, std::stoi(value()));
        else if (arg == "--front-matter")
            front_matter = true;
        else if (arg == "--scan")
            scan = true;
        else
            dir = arg;
    }
    if (front_matter) return front_matter_bench(repeat);
    if (dir.empty()) {
        std::fprintf(stderr,
                     "usage: content_parse_bench DIR [--detail full|metadata] [--threads N] "
                     "[--repeat N] [--scan] | --front-matter [--repeat N]\n");
        return 2;
    }
    if (detail_name != "full" && detail_name != "metadata") {
        std::fprintf(stderr, "--detail is full or metadata\n");
        return 2;
    }
    const auto detail = detail_name == "full" ? feedd::Detail::full : feedd::Detail::metadata;

    feedd::ContentConfig content;
    content.dir = dir;
    const long rss_before = rss_kib();
    std::vector<feedd::Article> kept;  // the last repetition's articles, for the RSS figure
    for (int r = 0; r < repeat; ++r) {
        kept.clear();
        kept.shrink_to_fit();
        std::vector<feedd::Problem> problems;
        auto start = Clock::now();
        double cpu_start = cpu_ms();
        if (scan) {  // the daemon's first scan: listing overlapped with reading
            auto scanned = feedd::scan_sources(content, problems, detail, threads);
            std::printf("%s, %zu files: scan %.1f ms wall, %.1f ms CPU\n", detail_name.c_str(),
                        scanned.size(), ms_since(start), cpu_ms() - cpu_start);
            continue;
        }
        const auto stamps = feedd::list_sources(content, problems);
        const double list_ms = ms_since(start);
        const double list_cpu = cpu_ms() - cpu_start;
        start = Clock::now();
        cpu_start = cpu_ms();
        auto outcomes = feedd::read_articles(content, stamps, detail, threads);
        const double read_ms = ms_since(start);
        const double read_cpu = cpu_ms() - cpu_start;
        std::size_t html = 0, summary = 0, problem_count = 0;
        kept.reserve(outcomes.size());
        for (auto& o : outcomes) {
            problem_count += o.problems.size();
            if (!o.article) continue;
            html += o.article->content_html.size();
            summary += o.article->summary.size();
            kept.push_back(std::move(*o.article));
        }
        outcomes.clear();
        outcomes.shrink_to_fit();
        malloc_trim(0);
        const long rss_after = rss_kib();
        const double files = static_cast<double>(std::max<std::size_t>(1, stamps.size()));
        std::printf(
            "%s, %zu files: list %.1f ms (CPU %.1f); read+parse %.1f ms wall, %.1f ms CPU "
            "(%.2f us CPU/file); %zu articles, %zu problems; html %zu KiB, summaries %zu KiB; "
            "RSS %ld KiB (+%ld KiB, %ld B/article), peak %ld KiB\n",
            detail_name.c_str(), stamps.size(), list_ms, list_cpu, read_ms, read_cpu,
            read_cpu * 1000 / files, kept.size(), problem_count, html / 1024, summary / 1024,
            rss_after, rss_after - rss_before,
            (rss_after - rss_before) * 1024 / std::max<long>(1, static_cast<long>(kept.size())),
            peak_rss_kib());
    }
    return 0;
}
