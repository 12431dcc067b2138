# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Test images in OCI layouts, built offline with umoci from busybox-static, and
# archives and registry pushes of them made with skopeo: the images users pull
# and load, made the way image tools make them. Source after lib.sh.
#
#   oci_base LAYOUT TAG                 busybox, its applet links, /etc/passwd
#                                       and /etc/group (root, nobody, app 1000:1000
#                                       in groups app and extra(2000))
#   oci_layer LAYOUT FROM TO 'snippet'  TO = FROM plus one layer: the snippet runs
#                                       with $R set to the unpacked rootfs
#   oci_config LAYOUT TAG ARGS...       umoci config ARGS on TAG, in place
#   oci_archive LAYOUT TAG FILE docker-archive|oci-archive REF
#   oci_push LAYOUT TAG DEST [skopeo options...]   to docker://DEST over plain HTTP

oci_base() {
    local layout=$1 tag=$2 bundle applet
    [ -d "$layout" ] || umoci init --layout "$layout"
    umoci new --image "$layout:$tag"
    bundle=$(mktemp -u "$T/oci-bundle.XXXXXX")
    umoci unpack --image "$layout:$tag" "$bundle" > /dev/null
    local r=$bundle/rootfs
    mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home/app,var/tmp,run}
    chmod 1777 "$r/tmp" "$r/var/tmp"
    cp /bin/busybox "$r/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [ -e "$r/bin/$applet" ] || ln -s busybox "$r/bin/$applet"
    done
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'app:x:1000:1000:app:/home/app:/bin/sh' \
        'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' > "$r/etc/passwd"
    printf '%s\n' 'root:x:0:' 'app:x:1000:' 'extra:x:2000:app' 'nogroup:x:65534:' > "$r/etc/group"
    chown 1000:1000 "$r/home/app"
    umoci repack --image "$layout:$tag" "$bundle" > /dev/null
    rm -rf "$bundle"
    umoci config --image "$layout:$tag" --config.cmd=/bin/sh \
        --config.env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
}

oci_layer() {
    local layout=$1 from=$2 to=$3 snippet=$4 bundle
    bundle=$(mktemp -u "$T/oci-bundle.XXXXXX")
    umoci unpack --image "$layout:$from" "$bundle" > /dev/null
    R=$bundle/rootfs bash -euo pipefail -c "$snippet"
    umoci repack --image "$layout:$to" "$bundle" > /dev/null
    rm -rf "$bundle"
}

oci_config() {
    local layout=$1 tag=$2
    shift 2
    umoci config --image "$layout:$tag" "$@"
}

oci_archive() {
    local layout=$1 tag=$2 file=$3 format=$4 ref=$5
    skopeo copy --quiet "oci:$layout:$tag" "$format:$file:$ref"
}

oci_push() {
    local layout=$1 tag=$2 dest=$3
    shift 3
    skopeo copy --quiet --dest-tls-verify=false "$@" "oci:$layout:$tag" "docker://$dest"
}
