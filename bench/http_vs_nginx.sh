#!/bin/bash
# feedd's HTTP serving against nginx serving the same bytes from files (issue 5 §6).
#
#   bench/http_vs_nginx.sh                     # 10 s per case, 64 connections, pinned to cores
#   bench/http_vs_nginx.sh --duration 5 --connections 64 --rounds 2 --no-pin
#   FEEDD=/path/to/feedd bench/http_vs_nginx.sh   # measure that binary (no build)
#
# What it does, in one run:
#  1. builds feedd at the committed HEAD (git archive, so others' edits in progress neither break
#     nor skew it) in Release mode into build-bench-http/, unless FEEDD is set;
#  2. generates a 50-article corpus with bench/gen_corpus.py (full content, feeds.limit 50);
#  3. starts `feedd serve` (one I/O thread, metrics on, as in production) and Debian's nginx
#     (1 worker, sendfile, gzip_static, open_file_cache) on 127.0.0.1, serving the files written
#     by `feedd build` — feed.xml byte-identical to feedd's response, feed.xml.gz being feedd's own
#     gzip body — with the same Content-Type, Cache-Control, Vary and Link headers;
#  4. checks both answer each case as expected (200 with equal bodies, gzip, 304), then runs wrk
#     (keep-alive, 64 connections) for each case against both servers — feedd first in odd rounds,
#     nginx first in even ones — and prints requests/s, p50 and p99 for both, the CPU time each
#     server used per request (utime+stime of feedd's process and of nginx's worker, from /proc),
#     the ratio feedd/nginx and the targets: req/s ≥ 1.0× nginx, p99 ≤ 2× nginx. With several
#     rounds each figure is the median of the rounds, and each ratio the median of the rounds'
#     ratios (each round's pair of runs is seconds apart, so a change in the machine's other load
#     skews both alike).
# Servers are pinned to CPU 0 and wrk (one thread) to CPU 1 with taskset, so client and server do
# not take turns on the same core (--no-pin leaves scheduling to the kernel). `uptime` is printed
# before and after: other work on the machine skews every figure, so compare ratios within a run;
# CPU per request is the figure other load disturbs least.
# Only 127.0.0.1 is used; the processes this script starts are killed by PID on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

duration=10
connections=64
rounds=1
pin=1
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --no-pin) pin=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "http_vs_nginx.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

"$repo/scripts/install-deps.sh" nginx wrk curl
for tool in /usr/sbin/nginx wrk curl taskset; do
    command -v "$tool" >/dev/null || { echo "http_vs_nginx.sh: $tool is missing" >&2; exit 1; }
done

work=/tmp/feedd-bench-http
mkdir -p "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- feedd at HEAD --------------------------------------------------------------------------------
if [ -z "${FEEDD:-}" ]; then
    src="$work/src" stage="$work/stage" build="$repo/build-bench-http"
    rm -rf "$stage" && mkdir -p "$stage" "$src"
    git -C "$repo" archive HEAD | tar -x -C "$stage"
    # Copy only files whose bytes changed, so their mtimes (and the rebuild) stay small.
    (cd "$stage" && find . -type f) | while read -r f; do
        cmp -s "$stage/$f" "$src/$f" || { mkdir -p "$(dirname "$src/$f")"; cp -p "$stage/$f" "$src/$f"; touch "$src/$f"; }
    done
    (cd "$src" && find . -type f) | while read -r f; do [ -e "$stage/$f" ] || rm -f "$src/$f"; done
    revision=$(git -C "$repo" rev-parse --short=12 HEAD)
    if ! grep -qs "^CMAKE_HOME_DIRECTORY:INTERNAL=$src\$" "$build/CMakeCache.txt"; then
        rm -rf "$build"
        # Tests off: only the binary is measured, and a test folder in flux cannot stop the build.
        cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFEEDD_BUILD_TESTS=OFF >&2
    fi
    echo "building feedd at $revision (Release) into $build ..." >&2
    if ! cmake --build "$build" -j2 --target feedd >"$build/bench-build.log" 2>&1; then
        tail -30 "$build/bench-build.log" >&2
        echo "http_vs_nginx.sh: feedd at HEAD does not build (log: $build/bench-build.log)" >&2
        exit 1
    fi
    FEEDD="$build/feedd"
    feedd_desc="commit $revision, Release, $FEEDD"
else
    feedd_desc="$FEEDD (given)"
fi

# --- corpus, feedd, static files --------------------------------------------------------------------
corpus="$work/corpus-50"
if [ ! -e "$corpus/.complete" ]; then
    /usr/bin/python3 "$here/gen_corpus.py" --size 50 --out "$corpus" >&2
fi
rm -rf "$corpus/state" "$work/www" "$work/nginx"
mkdir -p "$work/www" "$work/nginx"

pin_server=() pin_client=()
if [ "$pin" = 1 ] && [ "$(nproc)" -ge 2 ]; then pin_server=(taskset -c 0); pin_client=(taskset -c 1); fi

"${pin_server[@]}" "$FEEDD" serve -c "$corpus/feedd.yaml" --log-level info 2>"$work/feedd.log" &
pids+=($!)
for _ in $(seq 200); do
    feedd_port=$(grep -o 'serving http://127\.0\.0\.1:[0-9]*' "$work/feedd.log" | grep -o '[0-9]*$' || true)
    [ -n "$feedd_port" ] && break
    sleep 0.05
done
[ -n "$feedd_port" ] || { cat "$work/feedd.log" >&2; echo "feedd did not start" >&2; exit 1; }
feedd_url="http://127.0.0.1:$feedd_port/feed.xml"

"$FEEDD" build -c "$corpus/feedd.yaml" -o "$work/www" 2>>"$work/feedd.log"
curl -sf "$feedd_url" -o "$work/served.xml"
cmp -s "$work/served.xml" "$work/www/feed.xml" ||
    { echo "feedd build's feed.xml differs from the served /feed.xml" >&2; exit 1; }
curl -sf -H 'Accept-Encoding: gzip' "$feedd_url" -o "$work/www/feed.xml.gz"
gzip -dc "$work/www/feed.xml.gz" | cmp -s - "$work/www/feed.xml" ||
    { echo "feedd's gzip body does not decode to its feed.xml" >&2; exit 1; }
touch -r "$work/www/feed.xml" "$work/www/feed.xml.gz"
headers=$(curl -sfI "$feedd_url")
header() { printf '%s\n' "$headers" | tr -d '\r' | sed -n "s/^$1: //Ip" | head -1; }
feedd_etag=$(header ETag)
cache_control=$(header Cache-Control)
link=$(header Link)

# --- nginx ----------------------------------------------------------------------------------------
nginx_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/nginx/nginx.conf" <<EOF
# Generated by bench/http_vs_nginx.sh: nginx tuned as for static feeds, one worker.
daemon off;
master_process on;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;                     # feedd keeps no access log either (it counts in /metrics)
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 60s;              # feedd's keep-alive idle time
    keepalive_requests 100000000;       # feedd does not close busy keep-alive connections
    open_file_cache max=64 inactive=60s;
    open_file_cache_valid 60s;
    server_tokens off;
    types { application/rss+xml xml; }
    charset utf-8;
    charset_types application/rss+xml;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/www;
        gzip off;
        gzip_static on;                 # feed.xml.gz: feedd's own gzip bytes
        gzip_vary on;                   # Vary: Accept-Encoding, as feedd sends
        add_header Cache-Control "$cache_control";
        add_header Link '$link';
    }
}
EOF
"${pin_server[@]}" /usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids+=($!)
nginx_master=$!
nginx_url="http://127.0.0.1:$nginx_port/feed.xml"
for _ in $(seq 200); do curl -sf -o /dev/null "$nginx_url" && break; sleep 0.05; done
nginx_worker=$(pgrep -P "$nginx_master" | head -1)
feedd_pid=${pids[0]}
nginx_etag=$(curl -sfI "$nginx_url" | tr -d '\r' | sed -n 's/^ETag: //Ip')

# --- checks: both serve the same bytes for each case ----------------------------------------------
check() {  # name url expected-status expected-bytes-file curl-args...
    local name=$1 url=$2 status=$3 expect=$4; shift 4
    local got
    got=$(curl -s -o "$work/check.body" -w '%{http_code}' "$@" "$url")
    [ "$got" = "$status" ] || { echo "check $name: status $got, expected $status" >&2; exit 1; }
    if [ -n "$expect" ]; then
        cmp -s "$work/check.body" "$expect" || { echo "check $name: body differs" >&2; exit 1; }
    fi
}
check "feedd plain" "$feedd_url" 200 "$work/www/feed.xml"
check "nginx plain" "$nginx_url" 200 "$work/www/feed.xml"
check "feedd gzip" "$feedd_url" 200 "$work/www/feed.xml.gz" -H 'Accept-Encoding: gzip'
check "nginx gzip" "$nginx_url" 200 "$work/www/feed.xml.gz" -H 'Accept-Encoding: gzip'
check "feedd 304" "$feedd_url" 304 "" -H "If-None-Match: $feedd_etag"
check "nginx 304" "$nginx_url" 304 "" -H "If-None-Match: $nginx_etag"

# --- measure --------------------------------------------------------------------------------------
# wrk's latency figures as milliseconds ("412.00us", "1.23ms", "1.01s").
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                                  else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
results="$work/results.txt"
: >"$results"
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime of the process
run_wrk() {  # case server url header...
    local case=$1 server=$2 url=$3; shift 3
    local args=() out rps p50 p99 errors pid before after requests cpu
    for h in "$@"; do args+=(-H "$h"); done
    pid=$([ "$server" = feedd ] && echo "$feedd_pid" || echo "$nginx_worker")
    before=$(cpu_ticks "$pid")
    out=$("${pin_client[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency "${args[@]}" "$url")
    after=$(cpu_ticks "$pid")
    printf '%s\n' "$out" >"$work/wrk-$case-$server-$round.txt"
    rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')
    p50=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "50%" { print $2 }')")
    p99=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "99%" { print $2 }')")
    requests=$(printf '%s\n' "$out" | awk '/ requests in / { print $1 }')
    # Server CPU time per request, in µs (the ticks of the run; wrk's few requests after the
    # counter stops are noise below a tick's resolution over a run).
    cpu=$(awk -v b="$before" -v a="$after" -v t="$ticks" -v n="$requests" \
              'BEGIN { printf "%.2f", (a - b) / t * 1e6 / n }')
    errors=$(printf '%s\n' "$out" | awk '/Socket errors|Non-2xx/ { print }' | tr '\n' ' ')
    echo "$case $server $rps $p50 $p99 $cpu $round" >>"$results"
    printf '  %-6s %-5s %10s req/s  p50 %8s ms  p99 %8s ms  cpu %7s us/req %s\n' \
           "$case" "$server" "$rps" "$p50" "$p99" "$cpu" "$errors" >&2
}

echo "## HTTP serving: feedd against nginx, /feed.xml of 50 full-content entries"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "- feedd: $feedd_desc"
echo "- nginx: $(/usr/sbin/nginx -v 2>&1 | sed 's/^nginx version: //'), 1 worker; wrk: $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
echo "- sizes: feed.xml $(stat -c %s "$work/www/feed.xml") B, gzip $(stat -c %s "$work/www/feed.xml.gz") B"
echo "- wrk -t1 -c$connections -d${duration}s --latency, keep-alive; $([ ${#pin_client[@]} -gt 0 ] && echo 'servers on CPU 0, wrk on CPU 1 (taskset)' || echo 'not pinned'); $rounds round(s), feedd first in odd rounds, nginx first in even ones"
echo "- uptime before: $(uptime | sed 's/^ *//')"
run_case() {  # case server
    case "$1-$2" in
        plain-feedd) run_wrk plain feedd "$feedd_url" ;;
        plain-nginx) run_wrk plain nginx "$nginx_url" ;;
        gzip-feedd) run_wrk gzip feedd "$feedd_url" 'Accept-Encoding: gzip' ;;
        gzip-nginx) run_wrk gzip nginx "$nginx_url" 'Accept-Encoding: gzip' ;;
        304-feedd) run_wrk 304 feedd "$feedd_url" "If-None-Match: $feedd_etag" ;;
        304-nginx) run_wrk 304 nginx "$nginx_url" "If-None-Match: $nginx_etag" ;;
    esac
}
for round in $(seq "$rounds"); do
    echo "round $round/$rounds" >&2
    # Either server going first in every round would give it the same place in any drift of the
    # machine's other load (a build starting, a cache warming).
    if [ $((round % 2)) = 1 ]; then order="feedd nginx"; else order="nginx feedd"; fi
    for case in plain gzip 304; do
        for server in $order; do run_case "$case" "$server"; done
    done
done
echo "- uptime after: $(uptime | sed 's/^ *//')"
echo
echo "| case | feedd req/s | nginx req/s | ratio (≥ 1.0) | feedd p50 | nginx p50 | feedd p99 | nginx p99 | p99 ratio (≤ 2.0) | feedd CPU/req | nginx CPU/req | CPU ratio |"
echo "|---|---:|---:|:--:|---:|---:|---:|---:|:--:|---:|---:|:--:|"
# With several rounds: the median of the rounds for each figure, and for each ratio the median of
# the rounds' ratios (the two runs of a round are compared with each other first).
for case in plain gzip 304; do
    awk -v c="$case" '
        function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                                               if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                           return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        $1 == c && $2 == "feedd" { fr[$7] = $3; f50[$7] = $4; f99[$7] = $5; fc[$7] = $6 }
        $1 == c && $2 == "nginx" { nr[$7] = $3; n50[$7] = $4; n99[$7] = $5; nc[$7] = $6 }
        END {
            for (k in fr) {
                if (!(k in nr)) continue
                ++n; a[n] = fr[k]; b[n] = nr[k]; c50[n] = f50[k]; d50[n] = n50[k]
                c99[n] = f99[k]; d99[n] = n99[k]; cc[n] = fc[k]; dc[n] = nc[k]
                rr[n] = fr[k] / nr[k]; lr[n] = f99[k] / n99[k]; cr[n] = fc[k] / nc[k]
            }
            r = median(rr, n); l = median(lr, n); cpu = median(cr, n)
            printf "| %s | %.0f | %.0f | %.2f %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f %s | %.1f µs | %.1f µs | %.2f |\n",
                   c, median(a, n), median(b, n), r, (r >= 1.0 ? "PASS" : "MISS"), median(c50, n),
                   median(d50, n), median(c99, n), median(d99, n), l, (l <= 2.0 ? "PASS" : "MISS"),
                   median(cc, n), median(dc, n), cpu
        }' "$results"
done
echo
for case in plain gzip 304; do
    printf -- '- %s req/s ratio per round: %s\n' "$case" \
        "$(awk -v c="$case" '$1 == c && $2 == "feedd" { f[$7] = $3 } $1 == c && $2 == "nginx" { n[$7] = $3 }
                 END { for (k = 1; k in f; k++) printf "%s%.2f", (k > 1 ? " " : ""), f[k] / n[k] }' "$results")"
done
echo
echo "Raw wrk output: $work/wrk-<case>-<server>-<round>.txt"
