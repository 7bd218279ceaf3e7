#!/usr/bin/python3
"""feedd's WebSub hub fanning one change out to many verified loopback subscriptions (issue 16 §5).

Run through bench/hub_fanout.sh, which builds feedd and the peer (bench/hub_fanout_peer.cpp). Steps:
  1. starts the peer on 127.0.0.2 … 127.0.0.(1+H) (H = subscribers / 1000, rounded up: the hub takes
     at most 1000 subscriptions per callback host) and `feedd serve` on 127.0.0.1 with
     hub.enabled, hub.allow_private_callbacks, a 20-article content dir and a fresh state_dir;
  2. subscribes http://127.0.0.K:PORT/cb/N to /feed.xml for N = 1 … subscribers and waits until the
     hub's /metrics report them all verified (feedd_hub_subscriptions);
  3. wrk on /feed.xml alone for --baseline seconds (p50/p99 without fan-out);
  4. wrk on /feed.xml for --window seconds; one second in, one article is changed (written beside the
     content dir, renamed into place); the peer timestamps every POST it receives;
  5. prints the time from the change to the first and the last delivery, deliveries received /
     expected (distinct callbacks, duplicates), the /feed.xml latencies, and PASS/FAIL against the bar:
     all subscribers reached in under 10 s, /feed.xml p99 under 50 ms meanwhile;
  6. measures the peer's own capacity (wrk POSTing a body of the feed's size) to show it is not the
     bottleneck.

By default the peer closes the connection after each answer, so every delivery opens a TCP connection
as it would to 10 000 distinct hosts (--keep-alive lets the hub reuse connections to the 10 loopback
hosts instead). Only loopback addresses are used; every process started is killed by PID on exit.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

BAR_SECONDS = 10.0
BAR_P99_MS = 50.0

procs = []


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def article(i, revision=0):
    day = 1 + i % 28
    text = (f"---\ntitle: Fan-out note {i}\ndate: 2026-03-{day:02d}T{8 + i % 10:02d}:00:00Z\n"
            f"tags: [bench, note{i % 4}]\n---\n\n"
            f"Note {i}, revision {revision}: a paragraph written for the hub benchmark. "
            + "It says little, at some length, so the feed has a realistic size. " * 12 + "\n\n"
            + "A second paragraph, with *emphasis* and a [link](https://example.org/). " * 6 + "\n")
    return text


def metric(metrics_text, name):
    m = re.search(r"^" + re.escape(name) + r"(?:\{[^}]*\})? ([0-9.e+]+)$", metrics_text, re.M)
    return float(m.group(1)) if m else 0.0


def cpu_seconds(pid):
    """utime + stime of each thread of `pid`: {tid: seconds}."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[tid] = (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return out


def parse_ms(text):
    m = re.match(r"([0-9.]+)(us|ms|s)$", text)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(url, seconds, connections, pace_lua=None):
    """Starts wrk; returns the process (read its output with wrk_result)."""
    script = ["-s", pace_lua] if pace_lua else []
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
        + script + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_result(proc):
    out, _ = proc.communicate()
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", out, re.M))
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", out, re.M)
    total = re.search(r"^\s+(\d+) requests in", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)$", out, re.M)
    return {
        "p50_ms": parse_ms(pct.get("50", "")),
        "p99_ms": parse_ms(pct.get("99", "")),
        "rps": float(rps.group(1)) if rps else float("nan"),
        "requests": int(total.group(1)) if total else 0,
        "errors": errors.group(0) if errors else "",
        "raw": out,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feedd", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--subscribers", type=int, default=10000)
    ap.add_argument("--connections", type=int, default=8, help="wrk connections on /feed.xml")
    ap.add_argument("--rate", type=int, default=1000,
                    help="/feed.xml requests per second in all (each connection waits between its "
                         "requests); 0: as fast as wrk can (saturates feedd's I/O thread)")
    ap.add_argument("--baseline", type=int, default=5, help="seconds of wrk before the change")
    ap.add_argument("--window", type=int, default=12, help="seconds of wrk around the change")
    ap.add_argument("--keep-alive", action="store_true", help="the peer keeps connections open")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="feedd-hub-fanout-")
    ok = False
    try:
        ok = bench(args, work)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if args.keep:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


def bench(args, work):
    n = args.subscribers
    hosts = [f"127.0.0.{2 + h}" for h in range((n + 999) // 1000)]
    content = os.path.join(work, "content")
    os.makedirs(content)
    for i in range(20):
        with open(os.path.join(content, f"note-{i:02d}.md"), "w") as f:
            f.write(article(i))

    # --- the peer ------------------------------------------------------------------------------
    peer_cmd = [args.peer] + (["--keep-alive"] if args.keep_alive else []) + hosts
    peer = subprocess.Popen(peer_cmd, stdout=subprocess.PIPE, text=True)
    procs.append(peer)
    peer_port = int(peer.stdout.readline())
    peer_stats = f"http://{hosts[0]}:{peer_port}/stats"

    # --- feedd ---------------------------------------------------------------------------------
    port = free_port()
    site = f"http://127.0.0.1:{port}/"
    config = os.path.join(work, "feedd.yaml")
    with open(config, "w") as f:
        f.write(f"site:\n  title: Fan-out Bench\n  url: {site}\n"
                f"content:\n  dir: ./content\n"
                f"server:\n  listen: \"127.0.0.1:{port}\"\n"
                f"ping:\n  enabled: false\n"
                f"hub:\n  enabled: true\n  allow_private_callbacks: true\n"
                f"state_dir: ./state\n")
    feedd_log = open(os.path.join(work, "feedd.log"), "w")
    feedd = subprocess.Popen([args.feedd, "serve", "-c", config, "--log-level", "info"],
                             stderr=feedd_log, stdout=feedd_log)
    procs.append(feedd)
    feed_url = site + "feed.xml"
    for _ in range(200):
        try:
            body = get(feed_url)
            break
        except OSError:
            time.sleep(0.05)
    else:
        raise SystemExit("feedd did not start; log: " + os.path.join(work, "feedd.log"))
    log(f"feedd on {site} (pid {feedd.pid}), peer on {hosts[0]}…{hosts[-1]}:{peer_port} "
        f"(pid {peer.pid}), /feed.xml {len(body)} bytes")

    # --- subscriptions -------------------------------------------------------------------------
    t0 = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    refused = 0
    for i in range(n):
        callback = f"http://{hosts[i // 1000]}:{peer_port}/cb/{i}"
        form = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.topic": feed_url,
                                       "hub.callback": callback})
        conn.request("POST", "/websub", form, {"Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        r.read()
        if r.status != 202:
            refused += 1
            if refused <= 3:
                log(f"subscription {i} answered {r.status}")
    conn.close()
    t_submitted = time.monotonic() - t0
    verified = 0
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        verified = metric(get(site + "metrics"), "feedd_hub_subscriptions")
        if verified >= n - refused:
            break
        time.sleep(0.5)
    t_verified = time.monotonic() - t0
    log(f"{n - refused} subscriptions accepted in {t_submitted:.1f} s, {int(verified)} verified "
        f"after {t_verified:.1f} s")
    if verified < n:
        print(f"FAIL: only {int(verified)} of {n} subscriptions verified")
        return False

    # --- baseline ------------------------------------------------------------------------------
    pace = None
    if args.rate > 0:
        pace = os.path.join(work, "pace.lua")
        with open(pace, "w") as f:  # wrk's delay(): ms a connection waits before its next request
            f.write(f"function delay() return {args.connections * 1000 / args.rate:.3f} end\n")
    baseline = wrk_result(run_wrk(feed_url, args.baseline, args.connections, pace))

    # --- the change ----------------------------------------------------------------------------
    get(peer_stats)  # the peer answers
    wrk = run_wrk(feed_url, args.window, args.connections, pace)
    time.sleep(1)
    staged = os.path.join(work, "note-07.md.new")
    with open(staged, "w") as f:
        f.write(article(7, revision=1))
    cpu_before = cpu_seconds(feedd.pid)
    peer_before = sum(cpu_seconds(peer.pid).values())
    t_change_ns = time.time_ns()
    os.rename(staged, os.path.join(content, "note-07.md"))
    stats = {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stats = json.loads(get(peer_stats))
        if stats["distinct"] >= n:
            break
        time.sleep(0.05)
    cpu_after = cpu_seconds(feedd.pid)
    peer_cpu = sum(cpu_seconds(peer.pid).values()) - peer_before
    load_during = os.getloadavg()[0]
    # The hub's worker is the thread that used the most CPU apart from the I/O thread (the
    # process's first thread, busy with wrk's requests).
    per_thread = {tid: cpu_after[tid] - cpu_before.get(tid, 0) for tid in cpu_after}
    io_cpu = per_thread.pop(str(feedd.pid), 0)
    worker_cpu = max(per_thread.values(), default=0)
    during = wrk_result(wrk)
    # Deliveries still arriving after the window (duplicates would show here).
    time.sleep(1)
    stats = json.loads(get(peer_stats))
    metrics = get(site + "metrics")

    # --- the peer's own capacity ---------------------------------------------------------------
    lua = os.path.join(work, "post.lua")
    with open(lua, "w") as f:
        f.write("wrk.method = \"POST\"\n"
                f"wrk.body = string.rep(\"x\", {len(body)})\n"
                "wrk.headers[\"Content-Type\"] = \"application/rss+xml\"\n"
                + ("" if args.keep_alive else "wrk.headers[\"Connection\"] = \"close\"\n"))
    cap = subprocess.run(["wrk", "-t2", "-c64", "-d3s", "-s", lua,
                          f"http://{hosts[0]}:{peer_port}/cb/capacity"],
                         capture_output=True, text=True).stdout
    cap_rps = re.search(r"^Requests/sec:\s+([0-9.]+)", cap, re.M)
    cap_rps = float(cap_rps.group(1)) if cap_rps else float("nan")

    first_s = (stats["first_ns"] - t_change_ns) / 1e9 if stats["first_ns"] else float("nan")
    last_s = (stats["last_ns"] - t_change_ns) / 1e9 if stats["last_ns"] else float("nan")
    reached = stats["distinct"]
    passed_time = reached >= n and last_s < BAR_SECONDS
    passed_p99 = during["p99_ms"] < BAR_P99_MS
    mode = "keep-alive" if args.keep_alive else "a new connection per delivery"
    load = (f"wrk -c{args.connections}, paced at {args.rate} req/s" if args.rate > 0
            else f"wrk -c{args.connections}, unpaced")
    print(f"## hub fan-out: {n} subscribers of /feed.xml ({len(body)} bytes), {mode}")
    print(f"feedd {args.feedd}; {os.cpu_count()} CPUs; load before: {os.getloadavg()[0]:.2f}")
    print(f"subscriptions: {n - refused} accepted in {t_submitted:.1f} s, all verified after "
          f"{t_verified:.1f} s")
    print(f"change → first delivery: {first_s:.3f} s (debounce + rebuild + hand-over)")
    print(f"change → last delivery:  {last_s:.3f} s (bar: < {BAR_SECONDS:.0f} s)")
    print(f"first → last delivery:   {last_s - first_s:.3f} s "
          f"({reached / max(last_s - first_s, 1e-9):.0f} deliveries/s)")
    print(f"deliveries: {stats['deliveries']} received, {reached}/{n} callbacks reached, "
          f"{stats['duplicates']} duplicates; hub failures: "
          f"{int(metric(metrics, 'feedd_hub_delivery_failures_total'))}")
    print(f"/feed.xml alone ({args.baseline} s, {load}): "
          f"p50 {baseline['p50_ms']:.2f} ms, p99 {baseline['p99_ms']:.2f} ms, {baseline['rps']:.0f} req/s "
          f"{baseline['errors']}")
    print(f"/feed.xml during ({args.window} s window, change at 1 s, {load}): p50 {during['p50_ms']:.2f} ms, "
          f"p99 {during['p99_ms']:.2f} ms (bar: < {BAR_P99_MS:.0f} ms), {during['rps']:.0f} req/s "
          f"{during['errors']}")
    print(f"CPU during the fan-out: hub worker {worker_cpu:.2f} s "
          f"({worker_cpu / max(reached, 1) * 1e6:.0f} µs per delivery), feedd's I/O thread "
          f"{io_cpu:.2f} s, peer {peer_cpu:.2f} s; load average {load_during:.1f} "
          f"on {os.cpu_count()} CPUs")
    print(f"peer capacity (wrk -t2 -c64 POST {len(body)} bytes, {mode}): {cap_rps:.0f} req/s")
    verdict = "PASS" if passed_time and passed_p99 else "FAIL"
    print(f"{verdict}: {reached}/{n} reached in {last_s:.2f} s (< {BAR_SECONDS:.0f} s: "
          f"{'yes' if passed_time else 'no'}), /feed.xml p99 {during['p99_ms']:.2f} ms "
          f"(< {BAR_P99_MS:.0f} ms: {'yes' if passed_p99 else 'no'})")
    return verdict == "PASS"


if __name__ == "__main__":
    sys.exit(main())
