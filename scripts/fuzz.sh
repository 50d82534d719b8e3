#!/usr/bin/env bash
# Fuzzes Kubist's decoders and parsers (tests/fuzz) with libFuzzer under
# ASan + UBSan: configures and builds the fuzz targets with clang in
# build/fuzz, replays every kept regression input and the large generated
# hostile inputs once through their target, then runs each target for
# FUZZ_SECONDS (default 60) on a copy of its seed corpus, FUZZ_JOBS
# (default 2) at a time. The repository is not written to.
#
# Exits non-zero when any target crashes, leaks, trips a sanitizer, times out
# or runs out of memory, after printing the path of the input that did it
# (kept, with the logs, in the work directory it names). Keep such an input
# in tests/fuzz/regressions/<target>/ once the bug is fixed.
#
# Environment: FUZZ_SECONDS, FUZZ_JOBS, FUZZ_TARGETS (space-separated names,
# default all), FUZZ_BUILD_DIR (default build/fuzz), FUZZ_WORK_DIR (default a
# new temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

seconds="${FUZZ_SECONDS:-60}"
jobs="${FUZZ_JOBS:-2}"
build="${FUZZ_BUILD_DIR:-$repo/build/fuzz}"
targets=(${FUZZ_TARGETS:-json yaml protobuf strategicmerge jsonpatch http})

# ccache: as scripts/test.sh, so that clones in other folders hit.
export CCACHE_BASEDIR="$repo"
export CCACHE_NOHASHDIR=1
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"

start=$SECONDS
echo "fuzz: building ${targets[*]} in $build"
CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKUBIST_FUZZ=ON -DKUBIST_BENCHMARKS=OFF -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzz_generate_inputs \
    "${targets[@]/#/fuzz_}"
echo "fuzz: built in $((SECONDS - start)) s"

work="${FUZZ_WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/kubist-fuzz.XXXXXX")}"
mkdir -p "$work"
"$build/bin/fuzz_generate_inputs" "$work/generated"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
common=(-rss_limit_mb=2048 -timeout=10 -malloc_limit_mb=2048 -print_final_stats=1)

failed=0

# Every kept regression input and every generated input, once.
for t in "${targets[@]}"; do
    inputs=()
    while IFS= read -r -d '' f; do inputs+=("$f"); done < <(
        find "$repo/tests/fuzz/regressions/$t" "$work/generated/$t" -type f -print0 2>/dev/null |
            sort -z)
    ((${#inputs[@]})) || continue
    log="$work/replay-$t.log"
    if "$build/bin/fuzz_$t" "${common[@]}" "${inputs[@]}" >"$log" 2>&1; then
        echo "fuzz: replayed ${#inputs[@]} inputs through $t"
    else
        failed=1
        echo "fuzz: FAILED replaying inputs through $t (log: $log)"
        grep -E '^Running: ' "$log" | tail -1 | sed 's/^Running: /fuzz: crash input: /'
    fi
done

# One bounded fuzzing run per target.
run_target() {
    local t="$1"
    local corpus="$work/corpus/$t" artifacts="$work/artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    cp -R "$repo/tests/fuzz/corpus/$t/." "$corpus/"
    local dict=()
    [ -f "$repo/tests/fuzz/$t.dict" ] && dict=(-dict="$repo/tests/fuzz/$t.dict")
    # The patch targets read JSON too.
    case "$t" in strategicmerge|jsonpatch) dict=(-dict="$repo/tests/fuzz/json.dict") ;; esac
    "$build/bin/fuzz_$t" "${common[@]}" "${dict[@]}" -max_total_time="$seconds" \
        -artifact_prefix="$artifacts" "$corpus" >"$work/fuzz-$t.log" 2>&1
}

running=0
pids=()
names=()
for t in "${targets[@]}"; do
    run_target "$t" &
    pids+=($!)
    names+=("$t")
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n || true
        running=$((running - 1))
    fi
done
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" 2>/dev/null || true
done

printf 'fuzz: %-15s %10s %8s %s\n' target runs exec/s result
for t in "${targets[@]}"; do
    log="$work/fuzz-$t.log"
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    crashes=()
    while IFS= read -r -d '' f; do crashes+=("$f"); done < <(
        find "$work/artifacts/$t" -type f -print0 2>/dev/null)
    if ((${#crashes[@]})) || ! grep -q '^Done [0-9]* runs' "$log"; then
        failed=1
        printf 'fuzz: %-15s %10s %8s %s\n' "$t" "${runs:--}" "${rate:--}" "FAILED (log: $log)"
        for f in "${crashes[@]}"; do echo "fuzz: crash input: $f"; done
    else
        printf 'fuzz: %-15s %10s %8s %s\n' "$t" "$runs" "$rate" ok
    fi
done

echo "fuzz: finished in $((SECONDS - start)) s"
if ((failed)); then
    echo "fuzz: FAILED; inputs and logs are in $work"
    exit 1
fi
[ -n "${FUZZ_WORK_DIR:-}" ] || rm -rf "$work"
