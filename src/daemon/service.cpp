#include "daemon/service.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>
#include <stop_token>
#include <thread>

#include "daemon/article_store.h"
#include "daemon/build.h"
#include "daemon/hub_wiring.h"
#include "daemon/ledger_file.h"
#include "daemon/log.h"
#include "daemon/pings.h"
#include "daemon/podcast_guids.h"
#include "daemon/reader_stats.h"
#include "daemon/systemd.h"
#include "feed/feed.h"
#include "feed/url.h"
#include "http/metrics.h"
#include "http/server.h"
#include "hub/hub.h"
#include "ping/pinger.h"
#include "watch/watcher.h"

namespace feedd {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// How long a stop may take before the remaining connections are cut (systemd's default
// TimeoutStopSec is 90 s; the issue asks for an exit within 5 s).
constexpr auto kStopDeadline = std::chrono::milliseconds(4500);

bool same_content_settings(const ContentConfig& a, const ContentConfig& b) {
    return a.dir == b.dir && a.timezone == b.timezone && a.cut_markers == b.cut_markers &&
           a.max_file_bytes == b.max_file_bytes && a.debounce_ms == b.debounce_ms &&
           a.include == b.include && a.exclude == b.exclude && a.keys == b.keys &&
           a.episode_media == b.episode_media;
}

std::string milliseconds(std::chrono::microseconds duration) {
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << static_cast<double>(duration.count()) / 1000.0 << " ms";
    return out.str();
}

// The documents whose bytes differ between two snapshots (all of them when there was none).
std::vector<std::string> changed_documents(const Snapshot* before, const Snapshot& after) {
    std::vector<std::string> changed;
    for (const auto& [path, document] : after.resources) {
        const Document* old = before ? before->document(path) : nullptr;
        if (!old || old->version() != document->version()) changed.push_back(path);
    }
    return changed;
}

}  // namespace

struct Service::Impl {
    explicit Impl(Config initial) : config(std::move(initial)) {}

    Config config;
    asio::io_context io{1};
    SnapshotSlot snapshots;
    http::Metrics metrics;
    // feedd's own WebSub hub (hub.enabled); outlives the server, whose I/O thread submits to it.
    std::unique_ptr<hub::Hub> hub;
    hub::HubStats hub_reported;
    asio::steady_timer hub_stats_timer{io};
    std::uint64_t hub_reports = 0;
    std::unique_ptr<http::Server> server;
    std::unique_ptr<ping::Pinger> pinger;
    asio::steady_timer ping_stats_timer{io};
    asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
    asio::system_timer publication_timer{io};
    asio::steady_timer watchdog_timer{io};
    // Reader counts (docs/readers.md): the HTTP server reports to it; its daily totals are saved
    // on the build thread every kReadersSaveInterval and at a stop.
    std::unique_ptr<ReaderStats> reader_stats;
    std::filesystem::path readers_path;
    std::filesystem::path downloads_path;  // with a podcast
    asio::steady_timer readers_timer{io};
    std::jthread stop_guard;

    // The build thread runs what may wait on the disk, one job at a time: rebuilds (it alone
    // touches the store), the watcher (reading inotify, and listing a new folder to watch it),
    // reading the config at SIGHUP, starting and stopping pingers (their state file). The I/O
    // thread, which serves HTTP, only posts to it (docs/architecture.md: threads).
    asio::io_context build_io{1};
    asio::executor_work_guard<asio::io_context::executor_type> build_work{build_io.get_executor()};
    std::thread build_thread;
    std::unique_ptr<ArticleStore> store;
    // The ids articles keep (feed/identity_ledger.h), and where it is kept: build thread only.
    IdentityLedger ledger;
    std::filesystem::path ledger_path;
    // The episode guids state_dir/podcast-guids.tsv holds (daemon/podcast_guids.h); build thread.
    std::optional<EpisodeGuids> podcast_guids;
    std::filesystem::path podcast_guids_path;  // whose contents podcast_guids holds
    std::unique_ptr<watch::DirectoryWatcher>
        watcher;  // on build_io: touched by the build thread only

    // What the next rebuild must look at, collected on the I/O thread while one runs.
    std::set<std::string> pending_paths;
    bool pending_rescan = false;
    bool pending_render = false;  // nothing changed on disk, but time did (a scheduled article)
    bool building = false;
    bool reloading = false;
    bool pending_ledger_reload = false;  // SIGHUP: `feedd adopt` may have written to it
    bool stopping = false;

    int run() {
        // From here on no log line can stall a thread, whatever happens to stderr.
        log::start_background_writer();
        const auto started = Clock::now();
        // Bound before the first build, and accepting after it: a client that connects meanwhile
        // waits in the listen queue for the first feeds rather than being refused (as with socket
        // activation), and a port in use is reported at once rather than after a build.
        open_reader_stats();
        if (!open_server()) return 1;
        // Each folder is watched just before the first scan lists it, so that nothing changed
        // during the scan is missed, and the tree is walked once rather than by the watcher and the
        // scan.
        ledger_path = ledger_file(config);
        auto loaded = load_ledger(ledger_path);
        if (!loaded) {
            // Without it the articles it names would get other ids: readers would see them again.
            log::error(loaded.error() +
                       "; not starting without the identity ledger (docs/identity.md)");
            return 1;
        }
        ledger = std::move(*loaded);
        if (config.hub.enabled && !start_hub()) return 1;
        start_watcher(config.content, /*walk=*/false);
        store = std::make_unique<ArticleStore>(config.content);
        store->use_ledger(&ledger);
        store->keep_bodies_while_reading(bodies_kept_while_reading(config));
        const auto update = store->rescan([this](const std::string& folder) {
            if (watcher) watcher->watch_folder(folder);  // io is not running yet (watch_folder)
        });
        log_problems(config.content, update.new_problems);
        const auto build = render_site(*store, config, now_seconds(), started);
        record_guids(config);
        give_episode_durations(config);
        publish(build, update, content_missing(config.content));

        start_server();
        install_pinger(make_pinger(config));
        wait_for_signals();
        start_watchdog();
        schedule_reader_save();
        build_thread = std::thread([this] { build_io.run(); });
        systemd::notify_ready(status());

        io.run();

        if (pinger) pinger->stop();  // persists what is still pending
        if (hub) hub->stop();        // the same for subscriptions and pending deliveries
        if (stop_guard.joinable()) {
            stop_guard.request_stop();
            stop_guard.join();
        }
        build_work.reset();
        build_io.stop();
        if (build_thread.joinable()) build_thread.join();
        watcher.reset();  // before build_io, whose timer and descriptor it holds, goes away
        save_reader_totals_now();
        log::info("stopped");  // main() gives the queued lines and STOPPING=1 a moment to get out
        return 0;
    }

    bool open_server() {
        http::ServerOptions options;
        options.max_age = std::chrono::seconds(config.server.max_age);
        options.metrics = &metrics;
        options.feed_limit = static_cast<std::size_t>(config.feeds.limit);
        options.readers = reader_stats.get();
        options.trusted_proxies = config.server.trusted_proxies;
        options.metrics_allow = config.server.metrics_allow;
        // Podcast media, unless a CDN holds them (podcast.media_url): docs/podcasts.md.
        if (config.podcast.enabled && config.podcast.media_url.empty()) {
            options.media =
                http::ServerOptions::MediaRoot{config.podcast.media_path, config.content.dir};
        }
        if (config.hub.enabled) {
            auto endpoint = std::make_shared<http::HubEndpoint>();
            endpoint->path = config.hub.path;
            // On the I/O thread: the hub parses and queues in memory (hub/hub.h).
            endpoint->submit = [this](std::string_view content_type, std::string_view body) {
                if (!hub) return http::HubAnswer{503, "The hub is not running."};
                const auto answer = hub->submit(content_type, body);
                return http::HubAnswer{static_cast<unsigned>(answer.status), answer.message};
            };
            options.hub = std::move(endpoint);
        }
        // Socket activation: systemd has bound the socket (feedd.socket); server.listen is not
        // used.
        if (const auto fds = systemd::listen_fds(); !fds.empty()) {
            try {
                server = std::make_unique<http::Server>(io, fds.front(), snapshots, options);
            } catch (const boost::system::system_error& error) {
                log::error("cannot use the socket passed by systemd (fd " +
                           std::to_string(fds.front()) + "): " + error.code().message());
                return false;
            }
        } else {
            boost::system::error_code ec;
            const auto address = asio::ip::make_address(config.server.host, ec);
            if (ec) {
                log::error(config.file.string() + ": server.listen: '" + config.server.host +
                           "' is not an IP address");
                return false;
            }
            try {
                server = std::make_unique<http::Server>(
                    io, asio::ip::tcp::endpoint(address, config.server.port), snapshots, options);
            } catch (const boost::system::system_error& error) {
                log::error("cannot listen on " + config.server.listen + ": " +
                           error.code().message());
                return false;
            }
        }
        return true;
    }

    // Before serving: the totals saved by the last run. An unreadable file is moved aside (and
    // said), not overwritten, so that no history is lost to a fault of feedd's own.
    void open_reader_stats() {
        readers_path = readers_file(config);
        auto totals = load_reader_totals(readers_path);
        if (!totals) {
            const auto aside = std::filesystem::path(readers_path).concat(".unreadable");
            std::error_code ec;
            std::filesystem::rename(readers_path, aside, ec);
            log::error(totals.error() + "; moved to " + aside.string() + ", counting starts again");
            totals = readers::DailyTotals{};
        }
        // Podcast downloads (docs/podcasts.md), kept apart in downloads.json; counted also when a
        // CDN serves the media (then only what feedd itself serves, i.e. nothing).
        std::optional<readers::DailyDownloads> downloads;
        if (config.podcast.enabled) {
            downloads_path = downloads_file(config);
            auto kept = load_downloads(downloads_path);
            if (!kept) {
                const auto aside = std::filesystem::path(downloads_path).concat(".unreadable");
                std::error_code ec;
                std::filesystem::rename(downloads_path, aside, ec);
                log::error(kept.error() + "; moved to " + aside.string() +
                           ", counting starts again");
                kept = readers::DailyDownloads{};
            }
            downloads = std::move(*kept);
        }
        reader_stats = std::make_unique<ReaderStats>(config.site.title, std::move(*totals),
                                                     std::move(downloads));
    }

    static constexpr auto kReadersSaveInterval = std::chrono::minutes(5);

    void schedule_reader_save() {
        readers_timer.expires_after(kReadersSaveInterval);
        readers_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec || stopping) return;
            asio::post(build_io, [this] { save_reader_totals_now(); });
            schedule_reader_save();
        });
    }

    // On the build thread (or after it has stopped).
    void save_reader_totals_now() {
        if (!reader_stats) return;
        if (auto saved = save_reader_totals(readers_path, reader_stats->fold_for_saving()); !saved)
            log::error(saved.error() + "; reader totals are kept in memory and saved again later");
        if (auto bytes = reader_stats->downloads_for_saving(); !bytes.empty()) {
            if (auto saved = save_reader_totals(downloads_path, bytes); !saved)
                log::error(saved.error() + "; downloads are kept in memory and saved again later");
        }
    }

    void start_server() {
        server->start();
        const auto endpoint = server->local_endpoint();
        const auto host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                     : endpoint.address().to_string();
        log::info("serving http://" + host + ":" + std::to_string(endpoint.port()) + "/feed.xml");
    }

    // `walk`: false when the caller's next scan adds the folders (WatchOptions::walk). On the
    // build thread, or before it runs: the watcher lives on build_io, and walking the tree reads
    // the disk. Its batches are handed to the I/O thread.
    void start_watcher(const ContentConfig& content, bool walk = true) {
        watcher.reset();
        watch::WatchOptions options;
        options.walk = walk;
        options.debounce = std::chrono::milliseconds(content.debounce_ms);
        options.ignore_name = [](std::string_view name) { return is_ignored_name(name); };
        try {
            watcher = std::make_unique<watch::DirectoryWatcher>(
                build_io, content.dir, options, [this](watch::Changes changes) {
                    asio::post(io, [this, changes = std::move(changes)]() mutable {
                        on_changes(std::move(changes));
                    });
                });
        } catch (const std::system_error& error) {
            log::error(
                std::string(
                    "cannot watch the content directory, changes will not be seen until SIGHUP: ") +
                error.what());
        }
    }

    void on_changes(watch::Changes changes) {
        if (stopping) return;
        for (const auto& warning : changes.warnings) log::warning(warning);
        pending_paths.insert(changes.paths.begin(), changes.paths.end());
        pending_rescan = pending_rescan || changes.rescan;
        start_rebuild();
    }

    void start_rebuild() {
        if (building || stopping) return;
        if (pending_paths.empty() && !pending_rescan && !pending_render) return;
        building = true;
        std::vector<std::string> paths(pending_paths.begin(), pending_paths.end());
        const bool rescan = pending_rescan;
        const bool reload_ledger = pending_ledger_reload;
        pending_paths.clear();
        pending_rescan = pending_render = pending_ledger_reload = false;
        asio::post(build_io, [this, paths = std::move(paths), rescan, reload_ledger,
                              job_config = config] {
            const auto started = Clock::now();
            bool new_store = store->content().dir != job_config.content.dir ||
                             !same_content_settings(store->content(), job_config.content);
            if (reload_ledger) new_store = reread_ledger(job_config) || new_store;
            if (new_store) {
                store = std::make_unique<ArticleStore>(job_config.content);
                store->use_ledger(&ledger);
            }
            store->keep_bodies_while_reading(bodies_kept_while_reading(job_config));
            const bool everything = rescan || store->size() == 0;
            auto update = everything ? store->rescan() : store->update(paths);
            log_problems(job_config.content, update.new_problems);
            keep_identities(job_config);
            auto build = render_site(*store, job_config, now_seconds(), started);
            record_guids(job_config);
            give_episode_durations(job_config);
            const bool missing = content_missing(job_config.content);
            asio::post(io, [this, build = std::move(build), update = std::move(update), missing] {
                building = false;
                if (stopping) return;
                publish(build, update, missing);
                start_rebuild();
            });
        });
    }

    // A renamed or moved article keeps its id (docs/identity.md): recorded before the build that
    // publishes it under its new path is served, so that a crash cannot give it a new one. On the
    // build thread.
    void keep_identities(const Config& with) {
        const auto kept = store->keep_identities(
            ledger, [&](const Article& old) { return make_entry(old, with).id; });
        for (const auto& path : kept)
            log::info((with.content.dir / path).string() + ": moved or renamed; keeps its id " +
                      *ledger.find(path));
        save_ledger();
    }

    // Records the episode guids this build publishes, for `feedd check` (only when they
    // changed: the file is read once, then kept here). On the build thread; a failure is a
    // warning and is tried again at the next build.
    void record_guids(const Config& with) {
        if (!with.podcast.enabled) return;
        // Read once, and again when a reload names another state_dir.
        if (!podcast_guids || podcast_guids_path != podcast_guids_file(with)) {
            podcast_guids_path = podcast_guids_file(with);
            auto loaded = load_podcast_guids(podcast_guids_path);
            if (!loaded) {
                log::warning(loaded.error() + "; episode guids not recorded");
                return;
            }
            podcast_guids = std::move(*loaded);
        }
        if (auto saved = record_podcast_guids(with, store->articles(), *podcast_guids); !saved)
            log::warning(saved.error() + "; episode guids not recorded");
    }

    // The download counter's "minute of audio" (IAB) is the episode's bytes per second × 60: the
    // durations TagLib read, by the URL path the feeds publish for each file. On the build thread.
    void give_episode_durations(const Config& with) {
        auto* downloads = reader_stats ? reader_stats->downloads() : nullptr;
        if (!downloads || !with.podcast.enabled || !with.podcast.media_url.empty()) return;
        std::map<std::string, double, std::less<>> durations;
        for (const Article* article : store->articles()) {
            const auto& enclosure = article->enclosure;
            if (enclosure && !enclosure->file.empty() && enclosure->duration_s &&
                *enclosure->duration_s > 0) {
                durations[with.podcast.media_path + detail::encode_path(enclosure->file)] =
                    static_cast<double>(*enclosure->duration_s);
            }
        }
        downloads->set_durations(std::move(durations));
    }

    void save_ledger() {
        if (ledger.changes().empty()) return;
        if (auto saved = save_ledger_changes(ledger_path, ledger); !saved)
            log::error(
                saved.error() +
                "; the identity ledger's changes are kept in memory and written at the next build");
    }

    // At SIGHUP (on the build thread): the ledger as `feedd adopt` may have left it, from the
    // state_dir the config now names. True when its records changed, so every article is read
    // again with its id.
    bool reread_ledger(const Config& with) {
        save_ledger();
        ledger_path = ledger_file(with);
        auto loaded = load_ledger(ledger_path);
        if (!loaded) {
            log::error(loaded.error() + "; keeping the identity ledger read before");
            return false;
        }
        if (*loaded == ledger) return false;
        log::info(ledger_path.string() +
                  ": the identity ledger changed; reading every article again");
        const auto unsaved = ledger.changes();
        ledger = std::move(*loaded);
        for (const auto& change : unsaved) {
            if (change.id.empty()) {
                ledger.forget(change.path);
            } else {
                ledger.assign(change.path, change.id);
            }
        }
        return true;
    }

    // Asked where the disk may be waited on (the build thread, or before serving starts).
    static bool content_missing(const ContentConfig& content) {
        std::error_code ec;
        return !std::filesystem::is_directory(content.dir, ec);
    }

    // Swaps in a new snapshot when feedd's own checks pass; otherwise the last good one stays.
    // `update`'s problems were logged where it was made.
    void publish(const Build& build, const StoreUpdate& update, bool content_missing) {
        const auto& info = build.snapshot->info;
        bool swapped = false;
        if (content_missing && snapshots.load()) {
            // A deleted (or unmounted) content directory is an accident far more often than a wish
            // to unpublish everything: keep serving, and say so, until it is back.
            const auto message = "content directory " + config.content.dir.string() +
                                 " is missing; keeping the last good feeds";
            log::error(message);
            metrics.set_health("error", message);
        } else if (!build.invalid.empty()) {
            for (const auto& message : build.invalid)
                log::error("built feed is invalid: " + message);
            log::error(snapshots.load() ? "keeping the last good feeds"
                                        : "no valid feeds to serve yet");
            metrics.set_health("error", "built feed is invalid: " + build.invalid.front());
        } else {
            if (content_missing) {
                metrics.set_health(
                    "error", "content directory " + config.content.dir.string() + " is missing");
            } else {
                metrics.remove_health("error");
            }
            const auto before = snapshots.load();
            const auto changed = changed_documents(before.get(), *build.snapshot);
            snapshots.store(build.snapshot);
            swapped = true;
            prepare_variants(before, build.snapshot);
            announce();
            if (hub) hub->update_topics(hub_topics_of(build.snapshot));
            // A site with tag and archive feeds has thousands of documents: name a few, count the
            // rest.
            std::string changed_list;
            for (std::size_t i = 0; i < changed.size() && i < 5; ++i)
                changed_list += " " + changed[i];
            if (changed.size() > 5)
                changed_list += " and " + std::to_string(changed.size() - 5) + " more";
            log::info("build: " + std::to_string(info.articles) + " articles, " +
                      std::to_string(info.problems) + " problems, " + std::to_string(update.read) +
                      " files read, " + std::to_string(update.removed) +
                      " removed, changed:" + (changed_list.empty() ? " none" : changed_list) +
                      ", " + milliseconds(info.duration));
        }
        metrics.record_build(info.duration, info.articles, info.problems, swapped);
        schedule_publication(build.next_publication);
        if (reloading) {
            reloading = false;
            systemd::notify_ready(status());
        } else {
            systemd::notify_status(status());
        }
    }

    // The new documents' gzip variants (Resource::prepare), made just after the swap rather than
    // before it: a change reaches readers one compression sooner, and a client asking for a
    // variant meanwhile waits for that one only (Resource computes each once). On the HTTP
    // server's workers, not the build thread, where they delayed the next rebuild (and, at start,
    // reading the first changes).
    void prepare_variants(const std::shared_ptr<const Snapshot>& before,
                          std::shared_ptr<const Snapshot> after) {
        server->run_on_workers([before, after = std::move(after)] {
            for (const auto& [path, document] : after->resources) {
                if (!document->rendered()) continue;
                if (before) {
                    const auto old = before->resources.find(path);
                    if (old != before->resources.end() && old->second == document) continue;
                }
                if (const Resource* resource = document->get()) resource->prepare();
            }
        });
    }

    // Pings go out only with `ping.enabled`; a Pinger with no endpoints would drop pending jobs,
    // so without endpoints there is none and the state file stays as it is. Reads the state file:
    // not on the I/O thread once it serves.
    std::unique_ptr<ping::Pinger> make_pinger(const Config& with) {
        auto options = pinger_options(with);
        if (!with.ping.enabled || options.endpoints.empty()) return nullptr;
        try {
            return std::make_unique<ping::Pinger>(
                io, std::move(options),
                [](ping::LogLevel level, const std::string& line) { log_ping(level, line); });
        } catch (const std::exception& error) {
            log::error(std::string("pings are off: ") + error.what());
            return nullptr;
        }
    }

    void install_pinger(std::unique_ptr<ping::Pinger> made) {
        pinger = std::move(made);
        if (!pinger) return;
        report_ping_stats();
        announce();
    }

    // Before the first build is published (the state file is read here, before serving starts).
    bool start_hub() {
        try {
            hub = std::make_unique<hub::Hub>(
                io, hub_options(config),
                [](hub::LogLevel level, const std::string& line) { log_hub(level, line); });
        } catch (const std::exception& error) {
            log::error(std::string("cannot start the WebSub hub: ") + error.what());
            return false;
        }
        log::info("WebSub hub at " + config.site.url + config.hub.path.substr(1));
        report_hub_stats();
        return true;
    }

    void report_hub_stats() {
        if (!hub || stopping) return;
        publish_hub_stats(hub->stats(), hub_reported, metrics);
        // The hub's verified callbacks are readers too (docs/readers.md), by feed path; every
        // 10 s, as the walk is over every subscription.
        if (reader_stats && hub_reports++ % 10 == 0) {
            std::map<std::string, std::uint64_t> per_feed;
            for (const auto& [topic, n] : hub->subscribers_per_topic()) {
                if (topic.starts_with(config.site.url))
                    per_feed["/" + topic.substr(config.site.url.size())] += n;
            }
            reader_stats->counter().set_hub_subscribers(std::move(per_feed));
        }
        hub_stats_timer.expires_after(std::chrono::seconds(1));
        hub_stats_timer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) report_hub_stats();
        });
    }

    // Called once the new snapshot is being served: hubs fetch what they are told about.
    void announce() {
        if (!pinger) return;
        if (const auto snapshot = snapshots.load()) pinger->announce(topics_of(*snapshot));
    }

    void report_ping_stats() {
        if (!pinger || stopping) return;
        publish_ping_stats(pinger->stats(), metrics);
        ping_stats_timer.expires_after(std::chrono::seconds(1));
        ping_stats_timer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) report_ping_stats();
        });
    }

    // An article dated in the future appears at its date, with no file event: a timer rebuilds
    // then.
    void schedule_publication(std::optional<Seconds> when) {
        publication_timer.cancel();
        if (!when || stopping) return;
        publication_timer.expires_at(std::chrono::system_clock::time_point(*when));
        publication_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec) return;
            pending_render = true;
            start_rebuild();
        });
    }

    std::string status() const {
        const auto snapshot = snapshots.load();
        if (!snapshot) return "no valid feeds yet";
        return std::to_string(snapshot->info.articles) + " articles published, " +
               std::to_string(snapshot->info.problems) + " problems";
    }

    void wait_for_signals() {
        signals.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                reload();
                wait_for_signals();
            } else {
                stop(signal == SIGINT ? "SIGINT" : "SIGTERM");
            }
        });
    }

    void reload() {
        systemd::notify_reloading();
        log::info("received SIGHUP, reloading " + config.file.string());
        // Read on the build thread: a config file on a slow disk must not stall serving. A reload
        // also saves the reader totals (as the timer does every few minutes).
        asio::post(build_io, [this, file = config.file] {
            save_reader_totals_now();
            auto loaded = load_config(file);
            asio::post(io,
                       [this, loaded = std::move(loaded)]() mutable { apply(std::move(loaded)); });
        });
    }

    void apply(std::expected<Config, ConfigError> loaded) {
        if (stopping) return;
        if (!loaded) {
            log::error(loaded.error().message + "; keeping the running configuration");
            metrics.set_health("config_error", loaded.error().message);
            systemd::notify_ready(status());
            return;
        }
        metrics.remove_health("config_error");
        Config next = std::move(*loaded);
        if (next.server.listen != config.server.listen) {
            log::warning("server.listen changed to " + next.server.listen +
                         "; the listening address changes only on restart");
            next.server = config.server;
        }
        if (next.server.trusted_proxies != config.server.trusted_proxies ||
            next.server.metrics_allow != config.server.metrics_allow) {
            log::warning("server.trusted_proxies and server.metrics_allow change only on restart");
            next.server.trusted_proxies = config.server.trusted_proxies;
            next.server.metrics_allow = config.server.metrics_allow;
        }
        if (next.hub != config.hub) {
            // The endpoint is the server's, made at start; feeds keep advertising what is served.
            log::warning("hub settings changed; they take effect on restart");
            next.hub = config.hub;
        }
        const bool content_changed = !same_content_settings(next.content, config.content);
        const bool pings_changed =
            pinger_options(next).endpoints != pinger_options(config).endpoints ||
            next.ping.enabled != config.ping.enabled;
        config = std::move(next);
        if (content_changed) {
            asio::post(build_io, [this, content = config.content] { start_watcher(content); });
        }
        if (pings_changed) {
            // The old pinger saves its queue before the new one reads it, both on the build thread
            // (the state file may be on a slow disk); meanwhile announcements wait for the new one.
            asio::post(build_io, [this, old = std::move(pinger), with = config]() mutable {
                if (old) old->stop();
                old.reset();
                asio::post(io, [this, made = make_pinger(with)]() mutable {
                    // Stopping: dropped here, which stops it (its queue is saved).
                    if (!stopping) install_pinger(std::move(made));
                });
            });
        }
        reloading = true;
        pending_rescan = true;
        pending_ledger_reload = true;
        start_rebuild();
    }

    void start_watchdog() {
        const auto interval = systemd::watchdog_interval();
        if (!interval) return;
        watchdog_timer.expires_after(*interval);
        watchdog_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec || stopping) return;
            systemd::notify_watchdog();
            start_watchdog();
        });
    }

    void stop(const std::string& why) {
        if (stopping) return;
        stopping = true;
        systemd::notify_stopping();
        log::info("received " + why + ", stopping");
        if (server) server->stop();
        asio::post(build_io, [this] { watcher.reset(); });
        publication_timer.cancel();
        watchdog_timer.cancel();
        readers_timer.cancel();
        ping_stats_timer.cancel();
        hub_stats_timer.cancel();
        signals.cancel();
        // In-flight responses finish; whatever is still open at the deadline is cut.
        stop_guard = std::jthread([this](std::stop_token token) {
            std::mutex mutex;
            std::condition_variable_any wake;
            std::unique_lock lock(mutex);
            wake.wait_for(lock, token, kStopDeadline, [] { return false; });
            if (token.stop_requested()) return;
            log::warning("connections still open at the stop deadline; closing them");
            io.stop();
        });
    }
};

Service::Service(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Service::~Service() = default;
int Service::run() {
    return impl_->run();
}

}  // namespace feedd
