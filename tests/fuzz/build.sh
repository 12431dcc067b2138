#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build every libFuzzer target tests/fuzz/fuzz_*.c into OUTDIR.
#
#   tests/fuzz/build.sh OUTDIR
#
# lib/ (and the podd modules a target needs) is compiled once with coverage
# and the sanitizers into OUTDIR/obj, then each target is linked against it.
# Needs clang and libclang-rt-14-dev (make deps).
set -euo pipefail

out=${1:?usage: tests/fuzz/build.sh OUTDIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
CC=${FUZZ_CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I$top/lib -I$top/podd -I$top/cli -I$top/shim -I$top/netplug -I$top/archive"
JANSSON_CFLAGS=$(pkg-config --cflags jansson 2>/dev/null || true)
JANSSON_LIBS=$(pkg-config --libs jansson 2>/dev/null || echo -ljansson)
# lib/digest.c (SHA-256) is among lib/'s objects linked into every target.
CRYPTO_LIBS=$(pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)
# lib/nft.c (issue 14) is among them too.
NFT_LIBS=$(pkg-config --libs libnftables 2>/dev/null || echo -lnftables)

mkdir -p "$out/obj"

# Extra podd, podctl, podd-shim and netplug sources a target links, beyond lib/.
extra_sources() {
    case $1 in
        fuzz_pod_spec) echo "$top/podd/pod_spec.c $top/podd/port_spec.c $top/podd/pod_volume_spec.c $top/podd/mount_spec.c $top/podd/cgroup_limits.c $top/podd/userns.c $top/podd/netattach.c" ;; # issue 14: attachments
        fuzz_ctr_spec) echo "$top/podd/ctr_spec.c $top/podd/ctr_image.c $top/podd/mount_spec.c $top/podd/probe_spec.c $top/podd/pod_volume_spec.c $top/podd/security_opt.c $top/podd/cgroup_limits.c $top/podd/ctr_privileges.c $top/podd/cgroup_devices.c $top/podd/pod_spec.c $top/podd/port_spec.c $top/podd/userns.c $top/podd/netattach.c $top/podd/ctr_net_spec.c" ;; # issue 14: pod_dns_keys_parse, attachments
        fuzz_shim_user) echo "$top/shim/user.c" ;;
        fuzz_mount_spec) echo "$top/podd/mount_spec.c $top/podd/pod_volume_spec.c" ;;
        fuzz_events_query) echo "$top/podd/events_query.c" ;;
        fuzz_port_spec) echo "$top/podd/port_spec.c" ;;
        fuzz_flags) echo "$top/cli/flags.c $top/cli/suggest.c" ;; # issue 16: did you mean
        fuzz_shim_spec) echo "$top/shim/spec.c $top/shim/priv_spec.c" ;;
        fuzz_image) echo "$top/podd/image_manifest.c $top/podd/image_request.c" ;;
        fuzz_netplug_config) echo "$top/netplug/cni.c" ;;
        fuzz_archive_manifest) echo "$top/archive/manifest.c" ;;
        fuzz_reg_manifest) echo "$top/podd/reg_manifest.c" ;;
        fuzz_reg_auth) echo "$top/podd/reg_auth.c" ;;
        fuzz_kube) echo "$top/cli/kube_yaml.c $top/cli/kube_model.c $top/cli/kube_walk.c $top/cli/kube_env.c $top/cli/kube_container.c $top/cli/kube_volume.c" ;; # issue 12, kube
    esac
}

# Extra libraries a target links.
extra_libs() {
    case $1 in
        fuzz_kube) pkg-config --libs yaml-0.1 2> /dev/null || echo -lyaml ;; # issue 12, kube
    esac
}

compile() {
    local src=$1 obj
    obj="$out/obj/$(basename "${src%.c}").o"
    # shellcheck disable=SC2086 # the flag variables are word lists
    "$CC" $CFLAGS $SAN $JANSSON_CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
    echo "$obj"
}

lib_objs=()
for src in "$top"/lib/*.c; do
    lib_objs+=("$(compile "$src")")
done

for src in "$top"/tests/fuzz/fuzz_*.c; do
    name=$(basename "${src%.c}")
    objs=("${lib_objs[@]}")
    for extra in $(extra_sources "$name"); do
        objs+=("$(compile "$extra")")
    done
    echo "  FUZZ    $out/$name"
    # shellcheck disable=SC2086,SC2046 # word lists
    "$CC" $CFLAGS $SAN $JANSSON_CFLAGS -fsanitize=fuzzer -o "$out/$name" "$src" "${objs[@]}" \
        $JANSSON_LIBS $CRYPTO_LIBS $NFT_LIBS $(extra_libs "$name")
done
