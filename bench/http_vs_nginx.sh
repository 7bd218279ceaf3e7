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
#     (keep-alive, 64 connections) for each case, feedd then nginx, and prints requests/s, p50 and
#     p99 for both, the ratio feedd/nginx and the targets: req/s ≥ 1.0× nginx, p99 ≤ 2× nginx.
# Servers are pinned to CPU 0 and wrk (one thread) to CPU 1 with taskset, so client and server do
# not take turns on the same core (--no-pin leaves scheduling to the kernel). `uptime` is printed
# before and after: other work on the machine skews every figure, so compare ratios within a run.
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
nginx_url="http://127.0.0.1:$nginx_port/feed.xml"
for _ in $(seq 200); do curl -sf -o /dev/null "$nginx_url" && break; sleep 0.05; done
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
run_wrk() {  # case server url header...
    local case=$1 server=$2 url=$3; shift 3
    local args=() out rps p50 p99 errors
    for h in "$@"; do args+=(-H "$h"); done
    out=$("${pin_client[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency "${args[@]}" "$url")
    printf '%s\n' "$out" >"$work/wrk-$case-$server.txt"
    rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')
    p50=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "50%" { print $2 }')")
    p99=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "99%" { print $2 }')")
    errors=$(printf '%s\n' "$out" | awk '/Socket errors|Non-2xx/ { print }' | tr '\n' ' ')
    echo "$case $server $rps $p50 $p99" >>"$results"
    printf '  %-6s %-5s %10s req/s  p50 %8s ms  p99 %8s ms %s\n' "$case" "$server" "$rps" "$p50" "$p99" "$errors" >&2
}

echo "## HTTP serving: feedd against nginx, /feed.xml of 50 full-content entries"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "- feedd: $feedd_desc"
echo "- nginx: $(/usr/sbin/nginx -v 2>&1 | sed 's/^nginx version: //'), 1 worker; wrk: $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
echo "- sizes: feed.xml $(stat -c %s "$work/www/feed.xml") B, gzip $(stat -c %s "$work/www/feed.xml.gz") B"
echo "- wrk -t1 -c$connections -d${duration}s --latency, keep-alive; $([ ${#pin_client[@]} -gt 0 ] && echo 'servers on CPU 0, wrk on CPU 1 (taskset)' || echo 'not pinned'); $rounds round(s), feedd and nginx alternating"
echo "- uptime before: $(uptime | sed 's/^ *//')"
for round in $(seq "$rounds"); do
    echo "round $round/$rounds" >&2
    run_wrk plain feedd "$feedd_url"
    run_wrk plain nginx "$nginx_url"
    run_wrk gzip feedd "$feedd_url" 'Accept-Encoding: gzip'
    run_wrk gzip nginx "$nginx_url" 'Accept-Encoding: gzip'
    run_wrk 304 feedd "$feedd_url" "If-None-Match: $feedd_etag"
    run_wrk 304 nginx "$nginx_url" "If-None-Match: $nginx_etag"
done
echo "- uptime after: $(uptime | sed 's/^ *//')"
echo
echo "| case | feedd req/s | nginx req/s | ratio (≥ 1.0) | feedd p50 | nginx p50 | feedd p99 | nginx p99 | p99 ratio (≤ 2.0) |"
echo "|---|---:|---:|:--:|---:|---:|---:|---:|:--:|"
# With several rounds: the median of the rounds for each figure.
for case in plain gzip 304; do
    awk -v c="$case" '
        function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                                               if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                           return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        $1 == c && $2 == "feedd" { fr[++nf] = $3; f50[nf] = $4; f99[nf] = $5 }
        $1 == c && $2 == "nginx" { nr[++nn] = $3; n50[nn] = $4; n99[nn] = $5 }
        END {
            frps = median(fr, nf); nrps = median(nr, nn); fp50 = median(f50, nf); np50 = median(n50, nn)
            fp99 = median(f99, nf); np99 = median(n99, nn)
            r = frps / nrps; l = fp99 / np99
            printf "| %s | %.0f | %.0f | %.2f %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f %s |\n",
                   c, frps, nrps, r, (r >= 1.0 ? "PASS" : "MISS"), fp50, np50, fp99, np99, l,
                   (l <= 2.0 ? "PASS" : "MISS")
        }' "$results"
done
echo
echo "Raw wrk output: $work/wrk-<case>-<server>.txt"
