#!/bin/sh
# feedd's own WebSub hub fanning one change out to 10 000 verified loopback subscriptions, with
# /feed.xml served meanwhile (issue 16 §5: the last delivery in under 10 s, /feed.xml p99 under
# 50 ms). Builds feedd and bench/hub_fanout_peer.cpp in BUILD_DIR, then runs bench/hub_fanout.py
# (its --help says what is measured and how); extra arguments go to it.
#   bench/hub_fanout.sh [BUILD_DIR (default build)] [--subscribers N] [--keep-alive] [--window S] …
# Only loopback addresses are used (127.0.0.1 for feedd, 127.0.0.2… for the callbacks); every
# process it starts is killed by PID on exit. Not part of the tests (`make test` never runs it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build
case "${1:-}" in ""|-*) ;; *) build=$1; shift ;; esac
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
cmake --build "$build" -j2 --target feedd hub_fanout_peer >/dev/null
exec /usr/bin/python3 "$here/hub_fanout.py" --feedd "$build/feedd" \
    --peer "$build/bench/hub_fanout_peer" "$@"
