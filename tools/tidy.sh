#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# clang-tidy over every C file, with the include flags of the program the
# file belongs to (.clang-tidy holds the checks; every finding is an error).
#
#   tools/tidy.sh [FILE...]     (default: every .c file git knows)
#
# Runs two files at a time and exits 1 if any file has a finding.
set -euo pipefail
cd "$(dirname "$0")/.."

flags_for() {
    local pkgs
    case $1 in
        podd/* | cli/*) pkgs="libevent jansson" ;;
        shim/*) pkgs="jansson libcap libseccomp" ;;
        netplug/*) pkgs="jansson libnl-3.0 libnl-route-3.0" ;;
        archive/*) pkgs="jansson libarchive libcrypto" ;;
        tests/unit/test_proxy.c | tests/bench/*) pkgs="libevent jansson" ;;
        *) pkgs="jansson" ;;
    esac
    echo "-std=gnu11 -D_GNU_SOURCE -Ilib -Ipodd -Icli -Ishim -Inetplug -Iarchive -Itests/unit $(pkg-config --cflags $pkgs)"
}

tidy_one() {
    # shellcheck disable=SC2046 # the flags are a word list
    clang-tidy --quiet "$1" -- $(flags_for "$1") 2>&1 | grep -v -e '^[0-9]* warnings\? generated' \
        -e '^Suppressed [0-9]* warnings' -e '^Use -header-filter' -e 'warnings treated as errors'
}

if [ "${1:-}" = --one ]; then
    shift
    out=$(tidy_one "$1" || true)
    [ -z "$out" ] && exit 0
    printf '%s\n' "$out"
    exit 1
fi

if [ $# -eq 0 ]; then
    mapfile -t files < <(git ls-files '*.c' | grep -v '^tests/fuzz/')
else
    files=("$@")
fi
printf '%s\0' "${files[@]}" | xargs -0 -n1 -P2 "$0" --one
