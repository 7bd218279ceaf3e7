#!/bin/sh
# feedd against Hugo: cold start, peak memory and change-to-served latency on generated corpora.
#
#   bench/run.sh                 # 1000 10000 100000 articles, 3 cold runs and 20 changes each
#   bench/run.sh 10000           # one size
#   bench/run.sh --quick         # 300 articles, 1 run, 5 changes: checks the harness in ~10 s
#   bench/run.sh --help          # every option (repeats, samples, --no-hugo, --json FILE)
#
# Installs Debian's hugo (and GNU time) when dpkg reports them missing, builds feedd in Release mode
# into build-bench/ (FEEDD=/path/to/feedd skips the build), caches corpora in /tmp/feedd-bench/
# keyed by size and generator version, and prints Markdown tables on stdout (progress on stderr).
# Only 127.0.0.1 is used; bench.py kills the processes it started (by process group id) on exit,
# on errors and on SIGINT/SIGTERM/SIGHUP.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

"$repo/scripts/install-deps.sh" hugo time

if [ -z "${FEEDD:-}" ]; then
    build="$repo/build-bench"
    [ -f "$build/CMakeCache.txt" ] || cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >&2
    # Other modules may be mid-edit in the working tree: then the last good binary is measured, and
    # the report says how old it is.
    if ! cmake --build "$build" -j2 --target feedd >"$build/bench-build.log" 2>&1; then
        [ -x "$build/feedd" ] || { cat "$build/bench-build.log" >&2; exit 1; }
        echo "run.sh: feedd does not build now (see $build/bench-build.log); measuring the previous binary" >&2
    fi
    FEEDD="$build/feedd"
fi

exec /usr/bin/python3 "$here/bench.py" --feedd "$FEEDD" "$@"
