#!/bin/bash
# Podcast media under load (issue 17, "Done when"): many concurrent range downloads of one large
# file from feedd and from nginx serving the same file, with each server's resident memory idle
# and at its peak, and feedd's /feed.xml latency meanwhile. Not part of ctest.
#
#   bench/media_ranges.sh                       # 200 MB file, 100 clients, 16 MB ranges at 4 MB/s
#   bench/media_ranges.sh --size-mb 200 --clients 100 --range-mb 16 --rate 4M --episode
#   FEEDD=/path/to/feedd bench/media_ranges.sh  # default: build/feedd of this checkout
#
# What it does:
#  1. makes /tmp/feedd-bench-media/content: the example site and media/big.mp3 (random bytes,
#     --size-mb MB, made once and kept);
#  2. starts `feedd serve` with a podcast: block (media under /media/) and Debian's nginx (one
#     worker, sendfile) serving the same directory, both on 127.0.0.1;
#  3. checks that both answer a request for the last 1 KB with 206 and exactly those bytes;
#  4. for each server: reads its idle RSS, starts --clients curl processes that each download a
#     --range-mb range at a random offset, throttled to --rate (so that all are in flight at once
#     and the server holds each connection for seconds), samples the server's RSS every 50 ms
#     until they end, and — for feedd — runs wrk on /feed.xml meanwhile for its p99;
#     (and, before the load, the same wrk alone, for what the machine gives /feed.xml anyway);
#     nginx likewise, with wrk on a static copy of /feed.xml (`feedd build`), to tell the server's
#     share of a p99 from the machine's (the clients run on the same cores);
#  5. prints idle and peak RSS of each (nginx: master + worker) and the targets: feedd's peak within
#     30 MB of its idle size, /feed.xml p99 under 50 ms.
# With --episode it also makes a 50 MB MP3 with ffmpeg and checks that ffprobe, over HTTP, reports
# its duration.
# Only 127.0.0.1 is used; the processes this script starts are killed by PID on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

size_mb=200
clients=100
range_mb=16
rate=4M
episode=0
while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) size_mb=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --range-mb) range_mb=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --episode) episode=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "media_ranges.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
FEEDD=${FEEDD:-$repo/build/feedd}
for tool in "$FEEDD" /usr/sbin/nginx curl wrk; do
    command -v "$tool" >/dev/null || { echo "media_ranges.sh: $tool is missing" >&2; exit 1; }
done

work=/tmp/feedd-bench-media
mkdir -p "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- the content ----------------------------------------------------------------------------------
content="$work/content"
if [ ! -d "$content" ]; then
    cp -r "$repo/examples/site/content" "$content"
    mkdir -p "$content/media"
fi
big="$content/media/big.mp3"
size=$((size_mb * 1024 * 1024))
if [ "$(stat -c %s "$big" 2>/dev/null || echo 0)" != "$size" ]; then
    echo "making a $size_mb MB file ..." >&2
    head -c "$size" /dev/urandom >"$big"
fi
if [ "$episode" = 1 ] && [ ! -s "$content/media/episode-50mb.mp3" ]; then
    echo "making a 50 MB MP3 with ffmpeg ..." >&2
    ffmpeg -nostdin -v error -f lavfi -i "anoisesrc=d=3300:c=pink" -ac 1 -b:a 128k \
        "$content/media/episode-50mb.mp3"
fi

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- feedd ----------------------------------------------------------------------------------------
rm -rf "$work/state"
cat >"$work/feedd.yaml" <<EOF
site:
  title: Media bench
  url: https://bench.example.org/
  description: A show made by bench/media_ranges.sh
content:
  dir: $content
  timezone: UTC
server:
  listen: "127.0.0.1:0"
state_dir: $work/state
podcast:
  author: Bench
EOF
"$FEEDD" serve -c "$work/feedd.yaml" --log-level info 2>"$work/feedd.log" &
feedd_pid=$!
pids+=("$feedd_pid")
feedd_port=
for _ in $(seq 200); do
    feedd_port=$(grep -o 'serving http://127\.0\.0\.1:[0-9]*' "$work/feedd.log" | grep -o '[0-9]*$' || true)
    [ -n "$feedd_port" ] && break
    sleep 0.05
done
[ -n "$feedd_port" ] || { cat "$work/feedd.log" >&2; echo "feedd did not start" >&2; exit 1; }
feedd_base="http://127.0.0.1:$feedd_port"
for _ in $(seq 200); do curl -sf -o /dev/null "$feedd_base/feed.xml" && break; sleep 0.05; done

# --- nginx ----------------------------------------------------------------------------------------
# It serves the same file, and feedd build's feed.xml for a /feed.xml to compare latencies with.
rm -rf "$work/nginx" "$work/www" && mkdir -p "$work/nginx" "$work/www"
"$FEEDD" build -c "$work/feedd.yaml" -o "$work/www" 2>>"$work/feedd.log"
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    sendfile on;
    tcp_nopush on;
    types { audio/mpeg mp3; }
    server {
        listen 127.0.0.1:$nginx_port;
        location /media/ { alias $content/; }
        location = /feed.xml { root $work/www; types { application/rss+xml xml; } }
    }
}
EOF
/usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_master=$!
pids+=("$nginx_master")
nginx_base="http://127.0.0.1:$nginx_port"
for _ in $(seq 200); do curl -sf -o /dev/null -r 0-0 "$nginx_base/media/media/big.mp3" && break; sleep 0.05; done
nginx_worker=$(pgrep -P "$nginx_master" | head -1)

# --- the last 1 KB --------------------------------------------------------------------------------
tail -c 1024 "$big" >"$work/last1k"
for url in "$feedd_base/media/media/big.mp3" "$nginx_base/media/media/big.mp3"; do
    status=$(curl -s -o "$work/got1k" -w '%{http_code}' -r -1024 "$url")
    [ "$status" = 206 ] && cmp -s "$work/got1k" "$work/last1k" ||
        { echo "last 1 KB of $url: status $status or other bytes" >&2; exit 1; }
done
echo "last 1 KB: 206 with exactly those bytes from both"
if [ "$episode" = 1 ]; then
    served=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$feedd_base/media/media/episode-50mb.mp3")
    local_duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$content/media/episode-50mb.mp3")
    echo "50 MB episode: ffprobe over HTTP says ${served} s (the file: ${local_duration} s)"
fi

# --- load -----------------------------------------------------------------------------------------
rss_kb() { local total=0; for pid in "$@"; do total=$((total + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"))); done; echo "$total"; }

run_load() {  # base pids...
    local base=$1; shift
    local range=$((range_mb * 1024 * 1024)) span=$((size - range_mb * 1024 * 1024))
    local curls=() i first
    for i in $(seq "$clients"); do
        first=$(( (RANDOM * 32768 + RANDOM) % (span > 0 ? span : 1) ))
        curl -s -o /dev/null --limit-rate "$rate" -r "$first-$((first + range - 1))" \
            "$base/media/media/big.mp3" &
        curls+=($!)
    done
    local peak=0 now running
    while :; do
        now=$(rss_kb "$@")
        [ "$now" -gt "$peak" ] && peak=$now
        running=0
        for i in "${curls[@]}"; do kill -0 "$i" 2>/dev/null && running=1 && break; done
        [ "$running" = 1 ] || break
        sleep 0.05
    done
    wait "${curls[@]}" 2>/dev/null || true
    echo "$peak"
}

seconds=$(awk -v r="$rate" -v m="$range_mb" 'BEGIN { n = r + 0; if (r ~ /[kK]$/) n *= 1024;
    else if (r ~ /[mM]$/) n *= 1048576; printf "%d", m * 1048576 / n }')
echo "load: $clients concurrent downloads of $range_mb MB ranges of a $size_mb MB file at $rate/s each (~${seconds} s)"
uptime

feedd_idle=$(rss_kb "$feedd_pid")
# The same wrk without the downloads first: what the machine gives /feed.xml anyway.
wrk -t1 -c4 -d "$((seconds > 2 ? seconds - 1 : 1))s" --latency "$feedd_base/feed.xml" >"$work/wrk-idle.txt" 2>&1
p99_idle=$(awk '$1 == "99%" { print $2 }' "$work/wrk-idle.txt")
wrk -t1 -c4 -d "$((seconds > 2 ? seconds - 1 : 1))s" --latency "$feedd_base/feed.xml" >"$work/wrk.txt" 2>&1 &
wrk_pid=$!
pids+=("$wrk_pid")
feedd_peak=$(run_load "$feedd_base" "$feedd_pid")
wait "$wrk_pid" || true
p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
feed_requests=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
media_bytes=$(curl -s "$feedd_base/metrics" | awk '/^feedd_media_bytes_sent_total/ { print $2 }')

nginx_idle=$(rss_kb "$nginx_master" "$nginx_worker")
wrk -t1 -c4 -d "$((seconds > 2 ? seconds - 1 : 1))s" --latency "$nginx_base/feed.xml" >"$work/wrk-nginx.txt" 2>&1 &
wrk_pid=$!
pids+=("$wrk_pid")
nginx_peak=$(run_load "$nginx_base" "$nginx_master" "$nginx_worker")
wait "$wrk_pid" || true
nginx_p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk-nginx.txt")
nginx_requests=$(awk '/requests in/ { print $1 }' "$work/wrk-nginx.txt")
uptime

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
growth=$(( (feedd_peak - feedd_idle) ))
printf '\n%-8s %12s %12s %12s\n' server "idle RSS MB" "peak RSS MB" "growth MB"
printf '%-8s %12s %12s %12s\n' feedd "$(mb "$feedd_idle")" "$(mb "$feedd_peak")" "$(mb "$growth")"
printf '%-8s %12s %12s %12s\n' nginx "$(mb "$nginx_idle")" "$(mb "$nginx_peak")" "$(mb $((nginx_peak - nginx_idle)))"
echo "feedd: /feed.xml p99 during the load: $p99 ($feed_requests requests), without it: $p99_idle; media bytes sent: $media_bytes"
echo "nginx: /feed.xml (a static copy) p99 during its load: $nginx_p99 ($nginx_requests requests)"
verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "NOT met"; fi; }
echo "target: feedd's peak within 30 MB of idle — $(verdict "$([ "$growth" -le $((30 * 1024)) ] && echo 1 || echo 0)")"
p99_ms=$(awk -v v="$p99" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
    else if (v ~ /s$/) n *= 1000; printf "%.2f", n }')
echo "target: /feed.xml p99 under 50 ms — $(verdict "$(awk -v p="$p99_ms" 'BEGIN { print (p < 50) ? 1 : 0 }')") (${p99_ms} ms)"
