#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Images are directory trees in podd's store. Import the two that
# `make images` builds, one from its directory and one from a tarball, list
# them, look inside one, remove them.
. "$(dirname "$0")/common.sh"

images=$(cd "$(dirname "$0")/../build/images" && pwd)
tar -C "$images/netdebug" -czf "$EXAMPLE_DIR/netdebug.tar.gz" .

show podctl image import busybox "$images/busybox"
show podctl image import netdebug "$EXAMPLE_DIR/netdebug.tar.gz"
show podctl images
rootfs=$(podctl image inspect netdebug | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["rootfs"])')
echo "# The netdebug tree holds tcpdump and the libraries it needs:"
show chroot "$rootfs" /bin/tcpdump --version
show podctl image rm busybox netdebug
