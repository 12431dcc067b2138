#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the two images the examples and tests use, from Debian packages
# already on this machine (no network beyond the package registry):
#   OUTDIR/busybox    busybox-static with a link per applet
#   OUTDIR/netdebug   busybox plus tcpdump and the shared libraries it needs
# Load them with: podctl image import busybox OUTDIR/busybox
#
#   tools/make-images.sh OUTDIR
set -euo pipefail

out=${1:?usage: tools/make-images.sh OUTDIR}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "make-images: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$busybox" > /dev/null 2>&1; then
    echo "make-images: $busybox is not static (apt-get install busybox-static)" >&2
    exit 1
fi

# base DIR: the skeleton every image has, and busybox.
base() {
    local root=$1 applet
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var/tmp,run}
    chmod 1777 "$root/tmp" "$root/var/tmp"
    cp "$busybox" "$root/bin/busybox"
    for applet in $("$busybox" --list); do
        [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

# copy_with_libs ROOT BINARY: the binary and every library ldd names, at the
# same paths inside ROOT.
copy_with_libs() {
    local root=$1 bin=$2 lib
    install -D -m 0755 "$bin" "$root$bin"
    for lib in $(ldd "$bin" | awk '/=> \// {print $3} /^\t\// {print $1}'); do
        install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
    done
}

rm -rf "$out/busybox" "$out/netdebug"
base "$out/busybox"
base "$out/netdebug"
tcpdump=$(command -v tcpdump || echo /usr/bin/tcpdump)
[ -x "$tcpdump" ] || { echo "make-images: tcpdump missing (apt-get install tcpdump)" >&2; exit 1; }
copy_with_libs "$out/netdebug" "$(readlink -f "$tcpdump")"
ln -sf "$(readlink -f "$tcpdump")" "$out/netdebug/bin/tcpdump"
# tcpdump drops its privileges to the user tcpdump once capturing.
printf 'tcpdump:x:101:101:tcpdump:/nonexistent:/bin/false\n' >> "$out/netdebug/etc/passwd"
printf 'tcpdump:x:101:\n' >> "$out/netdebug/etc/group"
echo "images: $out/busybox $out/netdebug"
