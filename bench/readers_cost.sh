#!/bin/sh
# What counting readers costs the request path (issue 16: at most 2 % of the 304 throughput).
# The same one-I/O-thread server over a synthetic snapshot (tests/http/serve_bench.cpp) answers
# conditional GETs of /feed.xml with 304, without and with reader counting (--count-readers: what
# `feedd serve` does per feed request), in alternating rounds; wrk cycles 200 User-Agents (readers,
# aggregators with counts, bots) from one address. Prints each round's requests/s and the ratio.
#   bench/readers_cost.sh [BUILD_DIR (default build)] [ROUNDS (default 5)] [SECONDS (default 5)]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
rounds=${2:-5}
seconds=${3:-5}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
cmake --build "$build" --target http_serve_bench >/dev/null
bench=$build/tests/http/http_serve_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/agents.lua" <<'LUA'
local agents = {}
for i = 1, 200 do
  if i % 10 == 0 then
    agents[i] = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; " .. i .. " subscribers; )"
  elseif i % 10 == 1 then
    agents[i] = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) " .. i
  else
    agents[i] = "newsboat/2.30." .. i .. " (Linux x86_64)"
  end
end
local n = 0
request = function()
  n = n % 200 + 1
  wrk.headers["User-Agent"] = agents[n]
  wrk.headers["If-None-Match"] = os.getenv("ETAG")
  return wrk.format("GET", "/feed.xml")
end
LUA
run() {  # $1: extra server argument; prints requests/s
    "$bench" $1 > "$work/port" &
    pid=$!
    for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
    port=$(head -1 "$work/port")
    etag=$(curl -sI "http://127.0.0.1:$port/feed.xml" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
    ETAG=$etag wrk -t1 -c32 -d"${seconds}s" -s "$work/agents.lua" "http://127.0.0.1:$port/" \
        | sed -n 's/^Requests\/sec: *//p'
    kill "$pid"; wait "$pid" 2>/dev/null || true
}
echo "| round | 304 req/s without counting | with counting | ratio |"
echo "|---|---|---|---|"
ratios=""
i=1
while [ "$i" -le "$rounds" ]; do
    plain=$(run "")
    counted=$(run --count-readers)
    ratio=$(awk "BEGIN { printf \"%.3f\", $counted / $plain }")
    ratios="$ratios $ratio"
    echo "| $i | $plain | $counted | $ratio |"
    i=$((i + 1))
done
echo
echo "median ratio (with / without): $(echo $ratios | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
