#!/bin/sh
# feedd against Hugo: cold start, peak memory and change-to-served latency on generated corpora.
#
#   bench/run.sh                 # 1000 10000 100000 articles, 3 cold runs and 20 changes each
#   bench/run.sh 10000           # one size
#   bench/run.sh --quick         # 300 articles, 1 run, 5 changes: checks the harness in ~10 s
#   bench/run.sh --help          # every option (repeats, samples, --no-hugo, --json FILE)
#
# Installs Debian's hugo (and GNU time) when dpkg reports them missing, builds feedd at HEAD in
# Release mode into build-bench/ (FEEDD=/path/to/feedd skips the build), caches corpora in /tmp/feedd-bench/
# keyed by size and generator version, and prints Markdown tables on stdout (progress on stderr).
# Only 127.0.0.1 is used; bench.py kills the processes it started (by process group id) on exit,
# on errors and on SIGINT/SIGTERM/SIGHUP.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

case " $* " in *" --help "*|*" -h "*) exec /usr/bin/python3 "$here/bench.py" --help ;; esac

"$repo/scripts/install-deps.sh" hugo time

# feedd is built from the committed HEAD, exported (git archive) to /tmp/feedd-bench/src-<worktree>:
# other engineers' uncommitted edits in the working tree are neither measured nor able to break the
# build, and a run from another worktree of the repository exports its HEAD to a folder of its own.
# Only files whose bytes changed are rewritten, so rebuilds stay incremental.
if [ -z "${FEEDD:-}" ]; then
    src=/tmp/feedd-bench/src-$(basename "$repo")
    build="$repo/build-bench"
    mkdir -p /tmp/feedd-bench
    git -C "$repo" archive --format=tar HEAD | /usr/bin/python3 -c '
import io, os, sys, tarfile
dest = sys.argv[1]
seen = set()
with tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read())) as tar:
    for m in tar.getmembers():
        if not m.isfile():
            continue
        path = os.path.join(dest, m.name)
        seen.add(path)
        data = tar.extractfile(m).read()
        try:
            with open(path, "rb") as f:
                if f.read() == data:
                    continue
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, m.mode)
for root, _dirs, files in os.walk(dest):
    for name in files:
        if os.path.join(root, name) not in seen:
            os.unlink(os.path.join(root, name))
' "$src"
    git -C "$repo" rev-parse HEAD >"$src/.bench-revision"
    if ! grep -qs "^CMAKE_HOME_DIRECTORY:INTERNAL=$src\$" "$build/CMakeCache.txt"; then
        rm -rf "$build"
        cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >&2
    fi
    if ! cmake --build "$build" -j2 --target feedd >"$build/bench-build.log" 2>&1; then
        cat "$build/bench-build.log" >&2
        echo "run.sh: feedd at HEAD does not build (log: $build/bench-build.log)" >&2
        exit 1
    fi
    FEEDD="$build/feedd"
fi

exec /usr/bin/python3 "$here/bench.py" --feedd "$FEEDD" "$@"
