#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The docker CLI the Engine API tests drive. Debian packages it only with the
# daemon (docker.io); the tests never run dockerd, so none may start while
# it is installed: a policy-rc.d of our own refuses every service start for
# the install's length (unless the machine has one already).
set -euo pipefail

command -v docker > /dev/null 2>&1 && exit 0
policy=/usr/sbin/policy-rc.d
ours=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    ours=1
fi
rc=0
"$(dirname "$0")/deps.sh" docker.io || rc=$?
[ "$ours" = 1 ] && rm -f "$policy"
exit "$rc"
