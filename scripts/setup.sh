#!/usr/bin/env bash
# Installs everything Kubist needs to build, run and test on Debian 12.
# Idempotent: packages already present are not reinstalled. Used by both
# README commands and by CI (.ci/run).
set -euo pipefail

packages=(
    # toolchain
    g++ cmake ninja-build ccache pkg-config clang-format
    # Qt 6: the GUI, Qt Network for the remote client, Qt Test for tests
    qt6-base-dev qt6-base-dev-tools qt6-svg-dev libgl-dev
    # object model: protobuf schema and codecs, JSON parsing, YAML
    protobuf-compiler libprotobuf-dev libsimdjson-dev libyaml-cpp-dev
    # store: SQLite; API server front: Boost.Beast (header-only) + OpenSSL
    libsqlite3-dev libboost-dev libssl-dev
    # patches (JSON patch, merge and strategic merge patch) work on a mutable JSON tree
    nlohmann-json3-dev
    # tests and benchmarks
    libgtest-dev libbenchmark-dev
    # offscreen rendering and screenshots
    fonts-dejavu-core xvfb xauth
    # fuzzing: clang's libFuzzer with ASan/UBSan (tests/fuzz)
    clang libclang-rt-14-dev
    # packaging: CPack's .deb (dpkg-shlibdeps derives the dependencies) and
    # the validators the packaging test runs
    dpkg-dev file desktop-file-utils appstream
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$p")
done
# The real kubectl drives the end-to-end tests; Debian's kubernetes-client
# is the fallback where none is on PATH.
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
# Node.js and npm run the official JavaScript client in the end-to-end tests.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
fi
