#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Images: import the two trees `make images` builds (one from its directory,
# one from a tarball) as one-layer images, list them, run one, save it as a
# docker-archive that docker, podman and skopeo load, load it back, remove
# them.
. "$(dirname "$0")/common.sh"

images=$(cd "$(dirname "$0")/../build/images" && pwd)
tar -C "$images/netdebug" -czf "$EXAMPLE_DIR/netdebug.tar.gz" .

show podctl image import busybox "$images/busybox"
show podctl image import netdebug "$EXAMPLE_DIR/netdebug.tar.gz"
show podctl images
echo "# The netdebug image holds tcpdump and the libraries it needs:"
show podctl run --rm netdebug tcpdump --version
show podctl image save -o "$EXAMPLE_DIR/netdebug.tar" netdebug
show podctl image rm netdebug
show podctl image load -i "$EXAMPLE_DIR/netdebug.tar"
show podctl image history netdebug
show podctl image rm busybox netdebug
