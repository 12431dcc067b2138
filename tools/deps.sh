#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install the Debian/Ubuntu packages podd needs to build and test, only those
# missing. With --check, install nothing: name what is missing and fail.
# Other distributions: print the equivalent packages and stop.
set -euo pipefail

check_only=0
if [ "${1:-}" = "--check" ]; then
    check_only=1
    shift
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    cat >&2 <<'TXT'
podd: this is not a Debian or Ubuntu system; install by hand:
  Fedora:  dnf install gcc make pkgconf libevent-devel jansson-devel libcap-devel \
             libnl3-devel http-parser-devel iproute util-linux curl busybox procps-ng
  Arch:    pacman -S base-devel libevent jansson libcap libnl http-parser iproute2 \
             util-linux curl busybox procps-ng
TXT
    exit 1
fi

missing=()
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing+=("$pkg") ;;
    esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$check_only" = 1 ]; then
    echo "podd: missing packages: ${missing[*]} (run: sudo make deps)" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "podd: missing packages: ${missing[*]}; run 'sudo make deps'" >&2
    exit 1
fi
echo "podd: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
