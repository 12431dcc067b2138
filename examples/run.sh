#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run the examples (what `make demo` does): each NN-*.sh in a throwaway
# network and mount namespace, with its own podd on temporary dirs, so the
# host is left as it was. An example that fails fails the run.
#
#   examples/run.sh BUILD_DIR [NAME]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: examples/run.sh BUILD_DIR [NAME]}" && pwd)
only=${2:-}

if [ "${PODD_SANDBOX:-}" != 1 ]; then
    exec "$here/../tools/sandbox.sh" "$0" "$@"
fi

for ex in "$here"/[0-9][0-9]-*.sh; do
    case "$(basename "$ex")" in *"$only"*) ;; *) continue ;; esac
    echo "=== example: $(basename "$ex" .sh)"
    PATH=$build:$PATH bash "$ex"
    echo
done
