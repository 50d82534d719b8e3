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

# With a display: the window over the embedded demo cluster. Without one
# (an SSH session, a container): the same cluster headless, `kubist serve`,
# with an admin kubeconfig for the real kubectl.
if [ "$#" -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run.sh: no display; starting the embedded cluster headless (kubist serve)." >&2
    set -- serve --kubeconfig-out "$PWD/build/kubist.kubeconfig"
fi
exec build/bin/kubist "$@"
