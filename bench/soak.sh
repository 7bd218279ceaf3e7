#!/usr/bin/env bash
# Soak test: wrk keeps CONNECTIONS connections busy on /feed.xml for DURATION seconds while a writer
# changes RATE articles a second in the content directory. Prints errors, latency, and feedd's
# resident memory and open file descriptors over time.
#
#   bench/soak.sh [--duration SECONDS] [--connections N] [--rate PER_SECOND] [--feedd PATH] [--assert]
#
# Defaults: 600 s, 256 connections, 10 changes/s, build/feedd. With --assert (the short CI run,
# tests/soak) it exits 1 when any request failed, or when file descriptors grew, or when memory
# at the end is more than 1.5× what it was after the first 20 % of the run.
# Traffic goes to 127.0.0.1 only; the script ends only the processes it started.
set -euo pipefail

duration=600
connections=256
rate=10
assert=0
here="$(cd "$(dirname "$0")/.." && pwd)"
feedd="$here/build/feedd"
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --rate) rate="$2"; shift 2 ;;
        --feedd) feedd="$2"; shift 2 ;;
        --assert) assert=1; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "soak: unknown argument $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "soak: wrk is missing (Debian package wrk; make test installs it)" >&2; exit 1; }
[ -x "$feedd" ] || { echo "soak: no feedd binary at $feedd" >&2; exit 1; }

work="$(mktemp -d /tmp/feedd-soak.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A site of 60 articles: the 10 first are the ones the writer keeps changing.
mkdir -p "$work/content/news"
article() {  # article N REVISION → a Markdown article with a ~4 KB body
    local body="" i
    for i in $(seq 1 40); do body+="Paragraph $i of revision $2 of a soak article, long enough to be realistic. "; done
    printf -- '---\ntitle: Soak article %s (revision %s)\ndate: 2026-01-%02dT%02d:00:00Z\ntags: [soak, t%s]\n---\n%s\n' \
        "$1" "$2" "$(( ($1 % 28) + 1 ))" "$(( $1 % 24 ))" "$(( $1 % 7 ))" "$body"
}
for n in $(seq 1 60); do article "$n" 0 > "$work/content/news/a$n.md"; done
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$work/feedd.yaml" <<EOF
site: {title: Soak, url: "http://127.0.0.1:$port/"}
content: {dir: ./content, debounce_ms: 50}
feeds: {limit: 50, full_content: true}
server: {listen: "127.0.0.1:$port"}
ping: {enabled: false}
state_dir: ./state
EOF

"$feedd" serve -c "$work/feedd.yaml" --log-level warning 2>"$work/feedd.log" &
feedd_pid=$!
pids+=("$feedd_pid")
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/feed.xml" 2>/dev/null && break
    sleep 0.1
done

sample() {  # seconds-since-start rss-kib fds
    local rss fds
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$feedd_pid/status")"
    fds="$(ls "/proc/$feedd_pid/fd" | wc -l)"
    echo "$1 $rss $fds"
}
fds_before="$(ls "/proc/$feedd_pid/fd" | wc -l)"

# The writer: RATE atomic saves a second, cycling over the first 10 articles.
(
    revision=1
    end=$((SECONDS + duration))
    while [ "$SECONDS" -lt "$end" ]; do
        for n in $(seq 1 10); do
            article "$n" "$revision" > "$work/content/news/.a$n.md.tmp"
            mv "$work/content/news/.a$n.md.tmp" "$work/content/news/a$n.md"
            sleep "$(awk -v r="$rate" 'BEGIN {printf "%.3f", 1 / r}')"
        done
        revision=$((revision + 1))
    done
) &
pids+=("$!")

# The sampler: every 5 s (every second for short runs).
interval=5
[ "$duration" -le 60 ] && interval=1
(
    start=$SECONDS
    while kill -0 "$feedd_pid" 2>/dev/null; do
        sample $((SECONDS - start)) >> "$work/samples"
        sleep "$interval"
    done
) &
pids+=("$!")

threads=2
wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s --latency \
    "http://127.0.0.1:$port/feed.xml" > "$work/wrk.out" 2>&1 || true
sleep 1  # let the connections close
fds_after="$(ls "/proc/$feedd_pid/fd" | wc -l)"

requests="$(awk '/requests in/ {print $1}' "$work/wrk.out")"
non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$work/wrk.out")"
socket_errors="$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$work/wrk.out")"
p50="$(awk '$1 == "50%" {print $2}' "$work/wrk.out")"
p99="$(awk '$1 == "99%" {print $2}' "$work/wrk.out")"
rps="$(awk '/Requests\/sec:/ {print $2}' "$work/wrk.out")"
rebuilds="$(grep -c '' "$work/feedd.log" || true)"
non2xx="${non2xx:-0}"
socket_errors="${socket_errors:-0}"

echo "feedd soak: ${duration} s, ${connections} connections, ${rate} article changes/s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "requests: ${requests:-0} (${rps:-0}/s), errors: non-2xx/3xx ${non2xx}, socket ${socket_errors}; latency p50 ${p50:-?}, p99 ${p99:-?}"
echo "file descriptors: ${fds_before} before, ${fds_after} after"
echo "seconds  rss_kib  fds"
awk '{printf "%7s  %7s  %4s\n", $1, $2, $3}' "$work/samples" | awk -v n="$(wc -l < "$work/samples")" \
    'NR == 1 || NR == n || NR % int(n / 10 + 1) == 0'
if [ -s "$work/feedd.log" ]; then
    echo "feedd warnings/errors (${rebuilds} lines):"
    head -5 "$work/feedd.log"
fi

if [ "$assert" = 1 ]; then
    count="$(wc -l < "$work/samples")"
    warm="$(awk -v skip="$((count / 5))" 'NR > skip {print $2; exit}' "$work/samples")"
    last="$(tail -1 "$work/samples" | awk '{print $2}')"
    failed=0
    [ "${requests:-0}" -gt 0 ] || { echo "FAIL: wrk sent no requests"; failed=1; }
    [ "$non2xx" -eq 0 ] || { echo "FAIL: $non2xx responses were not 2xx/3xx"; failed=1; }
    [ "$socket_errors" -eq 0 ] || { echo "FAIL: $socket_errors socket errors"; failed=1; }
    [ "$fds_after" -le $((fds_before + 2)) ] || { echo "FAIL: file descriptors grew from $fds_before to $fds_after"; failed=1; }
    awk -v w="$warm" -v l="$last" 'BEGIN {exit !(l <= w * 1.5)}' ||
        { echo "FAIL: memory grew from ${warm} KiB to ${last} KiB"; failed=1; }
    exit "$failed"
fi
