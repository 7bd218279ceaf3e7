#!/bin/sh
# Runs the libFuzzer targets of a FEEDD_FUZZ build (see the Makefile's fuzz and fuzz-regress).
#   run.sh regress BUILD_DIR TARGET...           every input of tests/fuzz/corpus/TARGET, once
#   run.sh fresh BUILD_DIR SECONDS TARGET...     new inputs for SECONDS per target, from the corpus
# Fresh inputs go to BUILD_DIR/fuzz/new/TARGET (the committed corpus is only read); a crash leaves
# its input in BUILD_DIR/fuzz/artifacts/. A target's log is printed only when it fails.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 build=$2
shift 2
seconds=0
if [ "$mode" = fresh ]; then seconds=$1; shift; fi
mkdir -p "$build/fuzz/logs" "$build/fuzz/artifacts"
status=0
for target in "$@"; do
    exe=$build/fuzz/${target}_fuzz
    corpus=$here/corpus/$target
    log=$build/fuzz/logs/$target-$mode.log
    dict=
    [ -f "$here/$target.dict" ] && dict=-dict=$here/$target.dict
    # -timeout: one input taking this long is a hang; generous, because CI shares two cores.
    common="-timeout=25 -rss_limit_mb=2048 -artifact_prefix=$build/fuzz/artifacts/$target- $dict"
    start=$(date +%s)
    if [ "$mode" = regress ]; then
        # -runs=0: execute the corpus and stop, no mutation.
        if "$exe" $common -runs=0 "$corpus" >"$log" 2>&1; then result=ok; else result=FAILED; fi
    else
        mkdir -p "$build/fuzz/new/$target"
        if "$exe" $common -max_total_time="$seconds" -print_final_stats=1 \
            "$build/fuzz/new/$target" "$corpus" >"$log" 2>&1; then result=ok; else result=FAILED; fi
    fi
    runs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    echo "fuzz $mode $target: $result (${runs:-0} runs, $(($(date +%s) - start)) s, log $log)"
    if [ "$result" != ok ]; then
        tail -n 60 "$log"
        status=1
    fi
done
exit $status
