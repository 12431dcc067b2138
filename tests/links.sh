#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What each program links, checked on the built binaries (readelf -d):
# podd-pause and podd-monitor are static (no dynamic section: they live as
# long as a pod or a container, and their PSS is their file size), and every
# other program needs only the libraries DESIGN.md gives it. A build of the
# asan variant may add the sanitizers' runtimes, and only that variant.
# A test rather than a lint step: it reads what was built, per variant.
#
#   tests/links.sh BUILD_DIR
set -uo pipefail

build=${1:?usage: tests/links.sh BUILD_DIR}
passed=0
failed=0

# The libraries each dynamic program may need, as soname stems.
declare -A allowed=(
    [podd]="libevent libjansson libcurl libssl libcrypto libnftables libhttp_parser libc" # curl, ssl: registry; crypto: digests; nftables: ports; http_parser: the Engine API
    [podctl]="libevent libjansson libhttp_parser libarchive libyaml-0 libc" # yaml: kube
    [podd-shim]="libjansson libcap libseccomp libc"
    [netplug]="libnl-route-3 libnl-3 libjansson libnftables libc" # nftables: ipMasq
    [podd-archive]="libarchive libcrypto libjansson libc"
)
sanitizers=
[ "$(basename "$build")" = asan ] && sanitizers="libasan libubsan"

result() {
    if [ -z "$2" ]; then
        echo "ok links $1"
        passed=$((passed + 1))
    else
        echo "FAIL links $1: $2"
        failed=$((failed + 1))
    fi
}

# stem SONAME: libevent-2.1.so.7 -> libevent, libnl-3.so.200 -> libnl-3.
stem() {
    local s=${1%%.so*}
    case $s in libevent-*) s=libevent ;; esac
    echo "$s"
}

for prog in podd-pause podd-monitor; do
    f=$build/$prog
    if [ ! -f "$f" ]; then
        result "$prog" "not built"
        continue
    fi
    why=
    readelf -d "$f" 2>&1 | grep -q 'There is no dynamic section' || why="has a dynamic section"
    if readelf -l "$f" | grep -q INTERP; then why+="${why:+, }has a program interpreter"; fi
    result "$prog" "$why"
done

for prog in podd podctl podd-shim netplug podd-archive; do
    f=$build/$prog
    if [ ! -f "$f" ]; then
        result "$prog" "not built"
        continue
    fi
    extra=
    for lib in $(readelf -d "$f" | awk '$2 == "(NEEDED)" {gsub(/[][]/, "", $5); print $5}'); do
        case " ${allowed[$prog]} $sanitizers " in
            *" $(stem "$lib") "*) ;;
            *) extra+=" $lib" ;;
        esac
    done
    result "$prog" "${extra:+links what DESIGN.md does not give it:$extra}"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
