#!/usr/bin/python3
"""feedd against Hugo on generated corpora: cold start, peak memory, change-to-served latency.

Run it through bench/run.sh, which installs Hugo if missing and builds feedd. Standard library only.

Per size, in one run:
  * feedd cold start: `feedd serve` on 127.0.0.1, wall time from exec to the first 200 of
    /feed.xml, and peak RSS (VmHWM) right after it; median of --repeats runs, each with an empty
    state_dir (no parse cache).
  * feedd change-to-served: with a freshly started feedd, --samples times: write a new article
    atomically (hidden temp file in the same folder, then rename), poll /feed.xml every ~1 ms until
    it carries the new title; median and p95. The first sample follows the first 200 at once, the
    others are debounce + 100 ms apart, so each one finds the watcher quiet (its leading edge, #15).
  * feedd burst: in that same feedd, 300 articles saved atomically as fast as possible into the
    same folder, then /feed.xml polled until it shows the last of them; the rebuilds feedd logs for
    the burst are counted (target: at most 3).
  * Hugo cold build: `hugo --quiet` into an empty folder, wall time and peak RSS from
    /usr/bin/time -v; median of --repeats, the runs alternating with feedd's.
  * Hugo edit-to-served: `hugo server --disableFastRender` (0.111 serves from memory by default;
    live reload left on, its default, it only touches HTML pages; fast render off because with it
    a new article never reached /index.xml), the same procedure on /index.xml.
The page cache is warm for both tools: the corpus is read once before the first measurement.
Every process this script starts is in its own process group and is killed by that id on exit.
"""

import argparse
import datetime as dt
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_corpus  # noqa: E402

CACHE = "/tmp/feedd-bench"
DEBOUNCE_MS = 200
BURST = 300  # articles in the burst measurement

started = {}  # pid -> what, every process group this script started and has not reaped


def start(argv, what, **kw):
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    started[p.pid] = what
    return p


def stop(p, grace=5.0):
    """SIGTERM to the process group we created, SIGKILL after `grace` seconds."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        except ProcessLookupError:
            pass
    started.pop(p.pid, None)


def kill_started(*_):
    for pid in list(started):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    started.clear()


def on_signal(signum, _frame):
    kill_started()
    sys.exit(128 + signum)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Poller:
    """A keep-alive HTTP client that polls one URL; conditional when the server gives ETags."""

    def __init__(self, port, path):
        self.port, self.path = port, path
        self.conn = None
        self.etag = None
        self.body = b""

    def get(self):
        """Returns the status, or None when the server does not answer (yet)."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            headers = {"If-None-Match": self.etag} if self.etag else {}
            self.conn.request("GET", self.path, headers=headers)
            r = self.conn.getresponse()
            data = r.read()
            if r.status == 200:
                self.body = data
                self.etag = r.getheader("ETag")
            return r.status
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return None

    def close(self):
        if self.conn is not None:
            self.conn.close()


def wait_for_feed(proc, port, path, timeout):
    """Polls until the first 200; returns (perf_counter() at that moment, the body)."""
    poller = Poller(port, path)
    deadline = time.perf_counter() + timeout
    try:
        while time.perf_counter() < deadline:
            if poller.get() == 200:
                return time.perf_counter(), poller.body
            if proc.poll() is not None:
                raise RuntimeError(f"{path} server exited with status {proc.returncode}")
            time.sleep(0.001)
        raise RuntimeError(f"no 200 from {path} within {timeout} s")
    finally:
        poller.close()


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def median(xs):
    return statistics.median(xs) if xs else None


def p95(xs):
    """Nearest-rank 95th percentile (of 20 samples: the 19th smallest)."""
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)] if s else None


def item_titles(xml):
    return re.findall(r"<item>\s*<title>(.*?)</title>", xml.decode("utf-8", "replace"), re.S)


# ---------------------------------------------------------------------------------------------
# corpus


def corpus_dir(size, seed):
    return os.path.join(CACHE, f"corpus-v{gen_corpus.GENERATOR_VERSION}-n{size}-seed{seed}")


def ensure_corpus(size, seed):
    out = corpus_dir(size, seed)
    if not os.path.exists(os.path.join(out, ".complete")):
        log(f"generating {size} articles into {out} ...")
        t = time.perf_counter()
        gen_corpus.generate(out, size, seed, 0.5, DEBOUNCE_MS)
        log(f"  generated in {time.perf_counter() - t:.1f} s")
    return out


def warm_page_cache(root):
    n = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(dirpath, name), "rb") as f:
                n += len(f.read())
    return n


def live_folder(corpus):
    """An existing folder of the Markdown content, so the watcher needs no new watch."""
    content = os.path.join(corpus, "content")
    section = sorted(os.listdir(content))[0]
    year = sorted(os.listdir(os.path.join(content, section)))[-1]
    return os.path.join(content, section, year)


def remove_live_articles(corpus):
    folder = live_folder(corpus)
    for name in os.listdir(folder):
        if name.startswith("zz-live-") or name.startswith(".zz-live-"):
            os.unlink(os.path.join(folder, name))


# ---------------------------------------------------------------------------------------------
# measurements


def change_latency(corpus, port, path, tool, samples, timeout, settle):
    """Seconds from rename() to the first response that carries the new title, per sample.

    Returns (latencies, None), or (latencies so far, reason) when an article never shows up.
    """
    folder = live_folder(corpus)
    run_id = f"{int(time.time())}"
    latencies = []
    poller = Poller(port, path)
    try:
        poller.get()
        for i in range(samples):
            title = f"Bench live {tool} {run_id} number {i}"
            # Dated a minute ago: the newest article, but never "scheduled" for a tool's clock.
            date = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            name = f"zz-live-{tool}-{run_id}-{i}.md"
            tmp = os.path.join(folder, "." + name + ".tmp")
            with open(tmp, "w") as f:
                f.write(f'---\ntitle: "{title}"\ndate: {date}\ntags: ["bench"]\n---\n\n'
                        f"A new article written by the benchmark, number {i}.\n")
            needle = title.encode()
            t0 = time.perf_counter()
            os.rename(tmp, os.path.join(folder, name))
            deadline = t0 + timeout
            seen = None
            while time.perf_counter() < deadline:
                status = poller.get()
                if status == 200 and needle in poller.body:
                    seen = time.perf_counter()
                    break
                time.sleep(0.001)
            if seen is None:
                return latencies, f"the new article did not appear within {timeout:g} s"
            latencies.append(seen - t0)
            time.sleep(settle)  # let the tool go idle so samples do not overlap
        return latencies, None
    finally:
        poller.close()


def burst(corpus, port, path, count, timeout):
    """Saves `count` articles atomically as fast as possible, then polls `path` until it shows the
    last one. Returns (seconds to write them, seconds from the first rename to the response showing
    the last, the number of the newest 50 missing from that response), or raises at the timeout."""
    folder = live_folder(corpus)
    run_id = f"{int(time.time())}"
    # A second apart, the last one a second ago: newer than the change samples (a minute ago), and
    # the last one written is the newest entry.
    base = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=count)
    titles, texts = [], []
    for i in range(count):
        title = f"Bench burst {run_id} number {i}"
        date = (base + dt.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        titles.append(title)
        texts.append(f'---\ntitle: "{title}"\ndate: {date}\ntags: ["bench"]\n---\n\n'
                     f"One of a burst of articles written by the benchmark, number {i}.\n")
    poller = Poller(port, path)
    try:
        poller.get()
        t0 = time.perf_counter()
        for i, text in enumerate(texts):
            name = f"zz-live-burst-{run_id}-{i}.md"
            tmp = os.path.join(folder, "." + name + ".tmp")
            with open(tmp, "w") as f:
                f.write(text)
            os.rename(tmp, os.path.join(folder, name))
        written = time.perf_counter() - t0
        needle = titles[-1].encode()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if poller.get() == 200 and needle in poller.body:
                seen = time.perf_counter() - t0
                missing = sum(1 for t in titles[-50:] if t.encode() not in poller.body)
                return written, seen, missing
            time.sleep(0.001)
        raise RuntimeError(f"the burst's last article did not appear within {timeout:g} s")
    finally:
        poller.close()


def feedd_cold(feedd, corpus, repeats, timeout, keep_last):
    """Returns (walls, hwms_kb, build times from feedd's log, body of the last run, running
    process or None, port)."""
    with open(os.path.join(corpus, "feedd.yaml")) as f:
        config = f.read()
    walls, hwms, builds, body, proc, port = [], [], [], b"", None, None
    for r in range(repeats):
        port = free_port()
        state = tempfile.mkdtemp(prefix="state-", dir=CACHE)
        cfg = os.path.join(CACHE, f"feedd-{port}.yaml")
        with open(cfg, "w") as f:
            f.write(config.replace("listen: 127.0.0.1:0", f"listen: 127.0.0.1:{port}")
                    .replace(f"state_dir: {os.path.join(corpus, 'state')}", f"state_dir: {state}"))
        logf = open(FEEDD_LOG, "ab")
        t0 = time.perf_counter()
        log_start = logf.tell()
        proc = start([feedd, "serve", "-c", cfg], "feedd", stdout=logf, stderr=logf)
        try:
            t1, body = wait_for_feed(proc, port, "/feed.xml", timeout)
            walls.append(t1 - t0)
            hwms.append(vm_hwm_kb(proc.pid))
            logf.flush()
            # feedd's log lines are written by a thread of their own (issue #15): the build line
            # may come a moment after the first 200.
            logged, waited = build_times(log_start), 0
            while not logged and waited < 100:
                time.sleep(0.01)
                logged, waited = build_times(log_start), waited + 1
            builds.append(logged[0] if logged else None)
        finally:
            logf.close()
            if not (keep_last and r == repeats - 1):
                stop(proc)
                proc = None
            os.unlink(cfg)
            shutil.rmtree(state, ignore_errors=True)
    return walls, hwms, builds, body, proc, port


# feedd's log line for a build: "build: 50 articles, 0 problems, ..., 87.5 ms" (older builds:
# "built 50 articles, 0 problems in 809.786 ms").
BUILD_LINE = re.compile(rb"^feedd: (?:built .*? in|build: .*,) ([0-9.]+) ms\s*$", re.M)
FEEDD_LOG = os.path.join(CACHE, "feedd.log")


def build_times(offset):
    """Build durations (s) feedd logged after `offset` in its log."""
    with open(FEEDD_LOG, "rb") as f:
        f.seek(offset)
        return [float(m.group(1)) / 1000 for m in BUILD_LINE.finditer(f.read())]

TIME_RSS = re.compile(rb"Maximum resident set size \(kbytes\): (\d+)")


def hugo_cold(corpus, repeats):
    walls, rss = [], []
    for _ in range(repeats):
        dest = tempfile.mkdtemp(prefix="hugo-public-", dir=CACHE)
        t0 = time.perf_counter()
        p = start(["/usr/bin/time", "-v", "hugo", "--quiet", "-s", os.path.join(corpus, "hugo"),
                   "-d", dest], "hugo", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, err = p.communicate()
        walls.append(time.perf_counter() - t0)
        started.pop(p.pid, None)
        if p.returncode != 0:
            raise RuntimeError("hugo failed:\n" + err.decode(errors="replace")[-2000:])
        rss.append(int(TIME_RSS.search(err).group(1)))
        with open(os.path.join(dest, "index.xml"), "rb") as f:
            body = f.read()
        shutil.rmtree(dest)
    return walls, rss, body


def hugo_server(corpus, timeout):
    port = free_port()
    logf = open(os.path.join(CACHE, "hugo-server.log"), "ab")
    t0 = time.perf_counter()
    proc = start(["hugo", "server", "-s", os.path.join(corpus, "hugo"), "--bind", "127.0.0.1",
                  "--port", str(port), "--baseURL", f"http://127.0.0.1:{port}/", "--appendPort=false",
                  # In fast render mode (the default) Hugo 0.111 re-renders only pages a browser has
                  # visited, and a new article never reached /index.xml in our runs.
                  "--disableFastRender"],
                 "hugo server", stdout=logf, stderr=logf)
    logf.close()
    t1, _ = wait_for_feed(proc, port, "/index.xml", timeout)
    return proc, port, t1 - t0


# ---------------------------------------------------------------------------------------------
# report


def loadavg():
    """The 1-minute load average: other work on the machine skews every figure, so it is printed."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def ms(x):
    return "—" if x is None else f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def mb(kb):
    return "—" if kb is None else f"{kb / 1024:.0f} MB"


def verdict(ok):
    return "PASS" if ok else "MISS"


def machine_info(feedd):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    build_type = "?"
    source = REPO
    cache = os.path.join(os.path.dirname(os.path.abspath(feedd)), "CMakeCache.txt")
    if os.path.exists(cache):
        with open(cache) as f:
            text = f.read()
        m = re.search(r"^CMAKE_BUILD_TYPE:STRING=(.*)$", text, re.M)
        build_type = m.group(1) if m else "?"
        m = re.search(r"^CMAKE_HOME_DIRECTORY:INTERNAL=(.*)$", text, re.M)
        source = m.group(1) if m else REPO
    exported = os.path.join(source, ".bench-revision")
    if os.path.exists(exported):  # run.sh built an export of a commit
        with open(exported) as f:
            rev, dirty = f.read().strip()[:12], ""
    else:  # a binary built from the working tree
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", "src", "CMakeLists.txt"],
                               capture_output=True, text=True).stdout.strip()
    built = dt.datetime.fromtimestamp(os.path.getmtime(feedd)).strftime("%Y-%m-%d %H:%M")
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "feedd": f"commit {rev}{' + uncommitted changes in src/' if dirty else ''}; binary {feedd} "
                 f"({build_type}, built {built})",
        "hugo": hugo,
    }


def targets_for(size):
    """(cold ratio target, change-to-served p95 target in s) for a size, None where the issues set
    none (cold: issue 3 §5; change: issue #15)."""
    if size >= 100000:
        return 0.1, 0.060
    if size >= 10000:
        return 0.1, 0.030
    return None, None


CHANGE_RATIO = 0.2  # issue #15: feedd's change-to-served median ≤ 1/5 of `hugo server`'s
BURST_REBUILDS = 3  # issue #15: a burst of 300 articles gives at most 3 rebuilds


def print_report(info, rows, out):
    w = out.write
    w("## Machine\n\n")
    for k in ("date", "nproc", "cpu", "memory", "kernel", "feedd", "hugo"):
        w(f"- {k}: {info[k]}\n")
    w("- load average (1 min) before each size: "
      + ", ".join(f"{r['size']}: {r['load_before']:.2f}" for r in rows) + f"; after: {loadavg():.2f}\n")
    w("\nPage cache warm for both tools (the corpus is read once before measuring). "
      f"Cold figures: median of {rows[0]['repeats'] if rows else '?'} runs.\n\n")
    w("## Cold start (feedd: exec to first 200 of /feed.xml; Hugo: `hugo --quiet` build)\n\n")
    w("| articles | feedd time | (its build) | Hugo time | feedd/Hugo | target ≤ 0.1 | feedd peak RSS "
      "| Hugo peak RSS | feedd/Hugo | target ≤ 0.1 | same 50 items |\n")
    w("|---:|---:|---:|---:|---:|:--:|---:|---:|---:|:--:|:--:|\n")
    for r in rows:
        tr, _ = targets_for(r["size"])
        t_ratio = r["feedd_cold_s"] / r["hugo_cold_s"] if r.get("feedd_cold_s") and r.get("hugo_cold_s") else None
        m_ratio = r["feedd_rss_kb"] / r["hugo_rss_kb"] if r.get("feedd_rss_kb") and r.get("hugo_rss_kb") else None
        r["time_ratio"], r["rss_ratio"] = t_ratio, m_ratio
        fmt = lambda x: "—" if x is None else f"{x:.2f}"  # noqa: E731
        tv = "—" if tr is None or t_ratio is None else verdict(t_ratio <= tr)
        mv = "—" if tr is None or m_ratio is None else verdict(m_ratio <= tr)
        w(f"| {r['size']} | {ms(r.get('feedd_cold_s'))} | {ms(r.get('feedd_build_s'))} | {ms(r.get('hugo_cold_s'))} | {fmt(t_ratio)} | {tv} "
          f"| {mb(r.get('feedd_rss_kb'))} | {mb(r.get('hugo_rss_kb'))} | {fmt(m_ratio)} | {mv} "
          f"| {r.get('same_items', '—')} |\n")
    w("\n## Change to served (write one article atomically, poll every ~1 ms until the feed shows it)\n\n")
    w("| articles | debounce_ms | feedd median | feedd p95 | feedd max | (its rebuild) | target p95 ≤ "
      f"| verdict | Hugo server median | Hugo p95 | feedd/Hugo median | target ≤ {CHANGE_RATIO:g} | verdict "
      "| Hugo server start |\n")
    w("|---:|---:|---:|---:|---:|---:|---:|:--:|---:|---:|---:|---:|:--:|---:|\n")
    for r in rows:
        _, target_s = targets_for(r["size"])
        f_lat, h_lat = r.get("feedd_change_s") or [], r.get("hugo_change_s") or []
        if r.get("feedd_change_note"):
            fm, fp, fx = f"n/a ({r['feedd_change_note']})", "—", "—"
            v = "—" if target_s is None else "MISS"
        else:
            fm, fp, fx = ms(median(f_lat)), ms(p95(f_lat)), ms(max(f_lat) if f_lat else None)
            v = "—" if target_s is None or not f_lat else verdict(p95(f_lat) <= target_s)
        target = "—" if target_s is None else ms(target_s)
        hm = f"n/a ({r['hugo_change_note']})" if r.get("hugo_change_note") else ms(median(h_lat))
        ratio = None
        if f_lat and h_lat and not r.get("feedd_change_note") and not r.get("hugo_change_note"):
            ratio = median(f_lat) / median(h_lat)
        r["change_ratio"] = ratio
        rv = "—" if ratio is None else verdict(ratio <= CHANGE_RATIO)
        w(f"| {r['size']} | {DEBOUNCE_MS} | {fm} | {fp} | {fx} | {ms(r.get('feedd_rebuild_s'))} | {target} | {v} | {hm} | {ms(p95(h_lat))} "
          f"| {'—' if ratio is None else f'{ratio:.3f}'} | {CHANGE_RATIO:g} | {rv} | {ms(r.get('hugo_server_start_s'))} |\n")
    w(f"\n## Burst (feedd: {BURST} articles saved atomically as fast as possible into one existing folder)\n\n")
    w("| articles | written in | last one served after | newest 50 all served | rebuilds | target ≤ "
      f"| verdict | their durations |\n")
    w("|---:|---:|---:|:--:|---:|---:|:--:|---|\n")
    for r in rows:
        if "burst_rebuilds_s" not in r:
            w(f"| {r['size']} | n/a ({r.get('burst_note', 'not measured')}) | — | — | — | {BURST_REBUILDS} | — | — |\n")
            continue
        n = len(r["burst_rebuilds_s"])
        w(f"| {r['size']} | {ms(r['burst_written_s'])} | {ms(r['burst_seen_s'])} "
          f"| {'yes' if r['burst_missing'] == 0 else 'no (' + str(r['burst_missing']) + ' missing)'} | {n} "
          f"| {BURST_REBUILDS} | {verdict(n <= BURST_REBUILDS)} "
          f"| {', '.join(ms(x) for x in r['burst_rebuilds_s'])} |\n")
    for r in rows:
        if r.get("error"):
            w(f"\n**{r['size']} articles: the run stopped early: {r['error']}** (see {CACHE}/*.log)\n")
    w("\nTargets: cold start ≤ 1/10 of Hugo's time and memory at 10k and 100k (issue 3 §5); "
      "change-to-served p95 ≤ 30 ms at 10k and ≤ 60 ms at 100k, median ≤ 1/5 of `hugo server`'s, "
      f"a burst of {BURST} articles in at most {BURST_REBUILDS} rebuilds (issue #15). "
      "'—': no target at that size.\n")


def measure(args, size, row):
    """Fills `row` with the figures for one corpus size."""
    corpus = ensure_corpus(size, args.seed)
    remove_live_articles(corpus)  # left over from an interrupted run
    mbytes = warm_page_cache(os.path.join(corpus, "content")) / 1e6
    warm_page_cache(os.path.join(corpus, "hugo"))
    log(f"[{size}] corpus {corpus} ({mbytes:.0f} MB), page cache warmed")
    start_timeout = max(60.0, size / 100)

    # Cold runs alternate between the tools, so load from elsewhere on the machine hits
    # both alike; each feedd run gets an empty state_dir.
    walls, hwms, builds, h_walls, h_rss = [], [], [], [], []
    for _ in range(args.repeats):
        w, h, b, _body, _proc, _port = feedd_cold(args.feedd, corpus, 1, start_timeout, keep_last=False)
        walls += w
        hwms += h
        builds += b
        if not args.no_hugo:
            w, r, hugo_body = hugo_cold(corpus, 1)
            h_walls += w
            h_rss += r
    row.update(feedd_cold_s=median(walls), feedd_rss_kb=median(hwms), feedd_cold_all_s=walls,
               feedd_build_s=median([b for b in builds if b is not None]))
    log(f"[{size}] feedd cold start {[round(w, 3) for w in walls]} s, VmHWM {hwms} kB, "
        f"its build log {[None if b is None else round(b * 1000) for b in builds]} ms")
    if not args.no_hugo:
        row.update(hugo_cold_s=median(h_walls), hugo_rss_kb=median(h_rss), hugo_cold_all_s=h_walls)
        log(f"[{size}] hugo cold build {[round(w, 3) for w in h_walls]} s, max RSS {h_rss} kB")

    # A fresh feedd (not counted above) for the change figures.
    _w, _h, _b, feedd_body, proc, port = feedd_cold(args.feedd, corpus, 1, start_timeout, keep_last=True)
    log_offset = os.path.getsize(FEEDD_LOG)
    try:
        lat, note = change_latency(corpus, port, "/feed.xml", "feedd", args.samples,
                                   args.change_timeout, settle=DEBOUNCE_MS / 1000 + 0.1)
        if note and not lat:
            note = "daemon does not watch"
        rebuilds = build_times(log_offset)
        row.update(feedd_change_s=lat, feedd_change_note=note, feedd_rebuild_s=median(rebuilds))
        log(f"[{size}] feedd change-to-served {[round(x * 1000) for x in lat]} ms {note or ''}; "
            f"its rebuild log {[round(x * 1000) for x in rebuilds]} ms")
        if note:
            row["burst_note"] = "changes are not served"
        else:
            log_offset = os.path.getsize(FEEDD_LOG)
            written, seen, missing = burst(corpus, port, "/feed.xml", BURST, max(args.change_timeout, 30.0))
            # A rebuild that ends after the response showing the last article is counted too.
            time.sleep(DEBOUNCE_MS / 1000 + 0.5)
            rebuilds = build_times(log_offset)
            row.update(burst_written_s=written, burst_seen_s=seen, burst_missing=missing,
                       burst_rebuilds_s=rebuilds)
            log(f"[{size}] feedd burst of {BURST}: written in {written * 1000:.0f} ms, the last served "
                f"{seen * 1000:.0f} ms after the first rename; {len(rebuilds)} rebuilds "
                f"{[round(x * 1000) for x in rebuilds]} ms")
    finally:
        stop(proc)
        remove_live_articles(corpus)

    if args.no_hugo:
        return
    ft, ht = item_titles(feedd_body), item_titles(hugo_body)
    # Order may differ among articles with equal dates (date-only front matter).
    row["same_items"] = "yes" if set(ft) == set(ht) else f"no ({len(set(ft) & set(ht))}/{len(ht)} shared)"

    proc, port, startup = hugo_server(corpus, start_timeout)
    row["hugo_server_start_s"] = startup
    try:
        lat, note = change_latency(corpus, port, "/index.xml", "hugo", args.samples,
                                   max(args.change_timeout, 30.0), settle=0.3)
        row.update(hugo_change_s=lat, hugo_change_note=note)
        log(f"[{size}] hugo server edit-to-served {[round(x * 1000) for x in lat]} ms {note or ''}")
    finally:
        stop(proc)
        remove_live_articles(corpus)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, help="corpus sizes in articles (default 1000 10000 100000)")
    ap.add_argument("--feedd", required=True, help="the feedd binary")
    ap.add_argument("--quick", action="store_true", help="one 300-article corpus, 1 repeat, 5 samples")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--change-timeout", type=float, default=5.0,
                    help="seconds to wait for a new article before calling the tool non-watching")
    ap.add_argument("--no-hugo", action="store_true", help="measure feedd only")
    ap.add_argument("--json", help="also write the raw figures here")
    args = ap.parse_args()
    if args.quick:
        args.sizes = args.sizes or [300]
        args.repeats, args.samples = 1, 5
    sizes = args.sizes or [1000, 10000, 100000]

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    os.makedirs(CACHE, exist_ok=True)
    info = machine_info(args.feedd)
    rows = []
    try:
        for size in sizes:
            row = {"size": size, "repeats": args.repeats, "load_before": loadavg()}
            rows.append(row)
            try:
                measure(args, size, row)
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                # One tool failing (a crash, a timeout) must not lose the figures already taken.
                row["error"] = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                log(f"[{size}] FAILED: {e}")
    finally:
        kill_started()
    argv, skip = [], False
    for a in sys.argv[1:]:  # the command as typed, without the binary run.sh adds
        if skip or a == "--feedd":
            skip = not skip
        elif not a.startswith("--feedd="):
            argv.append(a)
    print(f"# feedd vs Hugo: `bench/run.sh {' '.join(argv)}`\n")
    print_report(info, rows, sys.stdout)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
