#!/usr/bin/env bash
# Installs what is needed, builds Kubist and starts it on its embedded demo
# cluster. This is the README's run command. Arguments are passed to kubist.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

export CCACHE_BASEDIR="$PWD"
# Debug info then names this clone's folder, not a hash input: a clone in
# another folder (CI) hits the same cache entries.
export CCACHE_NOHASHDIR=1
cmake --preset default
cmake --build --preset default -j "$(nproc)" --target kubist

# Until the GUI exists, Kubist runs headless: `kubist serve`, with an admin
# kubeconfig for the real kubectl.
if [ "$#" -eq 0 ]; then
    set -- serve --kubeconfig-out "$PWD/build/kubist.kubeconfig"
fi
exec build/bin/kubist "$@"
