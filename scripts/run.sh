#!/usr/bin/env bash
# Installs what is needed, builds Kubist and starts it on its embedded demo
# cluster. This is the README's run command. Arguments are passed to kubist.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

export CCACHE_BASEDIR="$PWD"
cmake --preset default
cmake --build --preset default -j "$(nproc)" --target kubist

exec build/bin/kubist "$@"
