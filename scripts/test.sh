#!/usr/bin/env bash
# Installs what is needed, builds Kubist with warnings as errors, and runs
# every test (unit, integration with the real kubectl, GUI offscreen, the
# Debian package), fuzzes the decoders and parsers for 30 s each, then
# runs the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
# This is the README's test command; CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Wall time of each stage, for CI logs.
stage_start=$SECONDS
total_start=$SECONDS
stage_done() {
    echo "stage $1: $((SECONDS - stage_start)) s"
    stage_start=$SECONDS
}

./scripts/setup.sh
stage_done setup

# ccache: CI builds a clone in another folder; relative paths let it hit.
export CCACHE_BASEDIR="$PWD"
# Debug info then names this clone's folder, not a hash input: a clone in
# another folder (CI) hits the same cache entries.
export CCACHE_NOHASHDIR=1
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
jobs="$(nproc)"

cmake --preset ci
cmake --build --preset ci -j "$jobs"
stage_done build
ctest --preset ci -j "$jobs"
stage_done ctest

# libFuzzer (clang, ASan + UBSan): every decoder and parser for a bounded
# time, two at a time, plus every kept regression input.
if [ "${KUBIST_SKIP_FUZZ:-0}" != 1 ]; then
    FUZZ_SECONDS="${FUZZ_SECONDS:-30}" ./scripts/fuzz.sh
    stage_done fuzz
fi

if [ "${KUBIST_SKIP_ASAN:-0}" != 1 ]; then
    cmake --preset asan
    # Only what the sanitizer stage runs: the unit tests (not the GUI
    # binary, the e2e tests or the package).
    mapfile -t unit < <(ctest --preset asan -N | awk '/Test +#[0-9]+:/ {print $3}')
    cmake --build --preset asan -j "$jobs" --target "${unit[@]}"
    stage_done asan-build
    ctest --preset asan -j "$jobs"
    stage_done asan-ctest
fi
echo "stage total: $((SECONDS - total_start)) s"
