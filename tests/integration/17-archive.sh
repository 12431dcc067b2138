#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podd-archive alone, as podd runs it (no podd here): layers unpacked from
# gzip, zstd and plain blobs with their diff_ids checked; docker-archive,
# oci-archive and OCI layout dirs loaded (an index with two platforms, a
# corrupted blob failing and leaving nothing); save read back by skopeo;
# import of flat root filesystems; every hostile archive refused with
# nothing written outside; cp both ways and export, through a container's
# overlay. Test images are built offline with umoci (oci.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"

# pa ARGS...: podd-archive on the test's store.
pa() {
    podd-archive "$@"
}

# The test image: busybox (base), /opq/a and /opq/b (mid), then "two":
# /etc/x added, /bin/vi, /opq/a and /opq/b deleted (whiteouts), /opq/c added.
make_images() {
    oci_base "$T/lay" base
    oci_layer "$T/lay" base mid 'mkdir -p $R/opq && touch $R/opq/a $R/opq/b'
    oci_layer "$T/lay" mid two 'echo x > $R/etc/x; rm $R/bin/vi; rm -rf $R/opq; mkdir $R/opq; touch $R/opq/c'
    oci_config "$T/lay" two --config.cmd=/bin/echo --config.workingdir=/w
}

# layout_manifest LAYOUT TAG: the manifest digest a tag names in a layout.
layout_manifest() {
    python3 - "$1" "$2" << 'PY'
import json, sys
for m in json.load(open(sys.argv[1] + "/index.json"))["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]:
        print(m["digest"])
PY
}

# blob_json STORE DIGEST [PYTHON EXPRESSION over j]
blob_json() {
    python3 -c '
import json, sys
j = json.load(open(sys.argv[1] + "/blobs/sha256/" + sys.argv[2].split(":")[1]))
print(eval(sys.argv[3]) if len(sys.argv) > 3 else json.dumps(j))' "$@"
}

# The store holds only complete things: nothing in blobs/tmp, no .unpack-.
store_clean() {
    [ -z "$(ls -A "$1/blobs/tmp" 2> /dev/null)" ] || fail "blobs/tmp not empty: $(ls "$1/blobs/tmp")"
    [ -z "$(find "$1/layers" -maxdepth 1 -name '.unpack-*' 2> /dev/null)" ] || fail "an .unpack- dir is left"
}

# Unpack every layer of MANIFEST in STORE; print the diff_ids.
unpack_all() {
    local store=$1 manifest=$2 config i diff
    config=$(blob_json "$store" "$manifest" 'j["config"]["digest"]')
    i=0
    for blob in $(blob_json "$store" "$manifest" '" ".join(l["digest"] for l in j["layers"])'); do
        diff=$(blob_json "$store" "$config" "j['rootfs']['diff_ids'][$i]")
        pa unpack --store "$store" --blob "$blob" --diff-id "$diff" > /dev/null
        echo "$diff"
        i=$((i + 1))
    done
}

test_unpack_gzip_layers_whiteouts_and_cache() {
    make_images
    local m out diffs top lower
    m=$(layout_manifest "$T/lay" two)
    out=$(pa load --store "$T/s" < "$T/lay" 2> /dev/null)
    assert_contains "$out" "$m"
    mapfile -t diffs < <(unpack_all "$T/s" "$m")
    assert_eq 3 "${#diffs[@]}" "layers"
    top=$T/s/layers/${diffs[2]#sha256:}
    lower=$T/s/layers/${diffs[1]#sha256:}
    # /bin/vi's whiteout: a 0:0 character device; no .wh. file anywhere.
    assert_eq "character special file 0 0" "$(stat -c '%F %t %T' "$top/bin/vi")"
    assert_eq "character special file 0 0" "$(stat -c '%F %t %T' "$top/opq/a")"
    assert_eq "" "$(find "$T/s/layers" -name '.wh.*')"
    assert_eq x "$(cat "$top/etc/x")"
    [ -f "$lower/opq/a" ] || fail "the lower layer lost /opq/a"
    # Again: already there, the same answer, nothing unpacked twice.
    out=$(pa unpack --store "$T/s" --blob "$(blob_json "$T/s" "$m" 'j["layers"][2]["digest"]')" --diff-id "${diffs[2]}")
    assert_contains "$out" "\"diff_id\":\"${diffs[2]}\""
    assert_contains "$out" '"size":'
    assert_eq 3 "$(ls "$T/s/layers" | wc -l)"
    store_clean "$T/s"
}

test_unpack_zstd_and_plain_layers() {
    mkdir -p "$T/src/etc" "$T/s/blobs/sha256"
    echo hello > "$T/src/etc/hello"
    tar -C "$T/src" -cf "$T/l.tar" .
    zstd -q "$T/l.tar" -o "$T/l.tar.zst"
    local diff zst out
    diff=sha256:$(sha256sum < "$T/l.tar" | cut -c1-64)
    zst=sha256:$(sha256sum < "$T/l.tar.zst" | cut -c1-64)
    cp "$T/l.tar.zst" "$T/s/blobs/sha256/${zst#sha256:}"
    cp "$T/l.tar" "$T/s/blobs/sha256/${diff#sha256:}"
    out=$(pa unpack --store "$T/s" --blob "$zst" --diff-id "$diff")
    assert_eq "{\"diff_id\":\"$diff\",\"size\":6}" "$out"
    assert_eq hello "$(cat "$T/s/layers/${diff#sha256:}/etc/hello")"
    rm -rf "$T/s/layers/${diff#sha256:}"
    # Without --diff-id: the digest is computed and printed.
    out=$(pa unpack --store "$T/s" --blob "$diff")
    assert_eq "{\"diff_id\":\"$diff\",\"size\":6}" "$out"
    store_clean "$T/s"
}

test_unpack_wrong_diff_id_leaves_nothing() {
    mkdir -p "$T/src" "$T/s/blobs/sha256"
    echo a > "$T/src/a"
    tar -C "$T/src" -czf "$T/l.tgz" .
    local blob
    blob=sha256:$(sha256sum < "$T/l.tgz" | cut -c1-64)
    cp "$T/l.tgz" "$T/s/blobs/sha256/${blob#sha256:}"
    assert_exit 1 pa unpack --store "$T/s" --blob "$blob" --diff-id "sha256:$(printf '%064d' 0)"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "digest mismatch"
    assert_eq "" "$(ls -A "$T/s/layers")"
    # A blob that is not there; bad digests and flags are usage errors.
    assert_exit 1 pa unpack --store "$T/s" --blob "sha256:$(printf '%064d' 1)"
    assert_contains "$LAST_ERR" "not in the store"
    assert_exit 2 pa unpack --store "$T/s" --blob sha256:abc
    assert_one_line "$LAST_ERR"
    assert_exit 2 pa unpack --store "$T/s"
    assert_exit 2 pa unpack --store "$T/s" --blob "$blob" --bogus 1
    assert_exit 2 pa frobnicate
    assert_eq "" "$(ls -A "$T/s/layers")"
    store_clean "$T/s"
}

# craft FILE 'python': a tar made with python's tarfile (t is open for
# writing; add(name, type, **attrs) adds an entry with data b"x" for files).
craft() {
    python3 - "$1" "$2" << 'PY'
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
def add(name, kind=tarfile.REGTYPE, data=b"x", **kw):
    i = tarfile.TarInfo(name)
    i.type = kind
    for k, v in kw.items():
        setattr(i, k, v)
    if kind == tarfile.REGTYPE:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
exec(sys.argv[2])
t.close()
PY
}

# unpack_tar FILE: put FILE in the store as a blob and unpack it.
unpack_tar() {
    local blob
    blob=sha256:$(sha256sum < "$1" | cut -c1-64)
    mkdir -p "$T/s/blobs/sha256"
    cp "$1" "$T/s/blobs/sha256/${blob#sha256:}"
    pa unpack --store "$T/s" --blob "$blob"
}

test_hostile_archives_are_refused() {
    local out=$T/outside name
    mkdir -p "$out"
    declare -A cases=(
        [absolute]="add('$out/abs')"
        [dotdot]="add('../outside/dotdot'); add('a/../../outside/dotdot2')"
        [symlink_then_write]="add('a', tarfile.SYMTYPE, linkname='$out'); add('a/pwned')"
        [relative_symlink_then_write]="add('d', tarfile.DIRTYPE); add('l', tarfile.SYMTYPE, linkname='d'); add('l/f')"
        [hardlink_absolute]="add('h', tarfile.LNKTYPE, linkname='/etc/passwd')"
        [hardlink_dotdot]="add('h', tarfile.LNKTYPE, linkname='../../x')"
        [hardlink_through_symlink]="add('s', tarfile.SYMTYPE, linkname='/etc'); add('h', tarfile.LNKTYPE, linkname='s/passwd')"
        [bad_whiteout]="add('.wh..')"
    )
    for name in "${!cases[@]}"; do
        craft "$T/$name.tar" "${cases[$name]}"
        assert_exit 1 unpack_tar "$T/$name.tar"
        assert_one_line "$LAST_ERR"
        assert_eq "" "$(ls -A "$out")" "$name: written outside"
        assert_eq "" "$(ls -A "$T/s/layers")" "$name: left in layers/"
        store_clean "$T/s"
    done
    [ "$(stat -c %h /etc/passwd)" = 1 ] || fail "/etc/passwd got a hard link"
}

test_unpack_keeps_modes_owners_devices_and_replaces() {
    craft "$T/ok.tar" "
add('bin', tarfile.DIRTYPE, mode=0o755)
add('bin/su', mode=0o4755, uid=1000, gid=2000)
add('null', tarfile.CHRTYPE, devmajor=1, devminor=3, mode=0o666)
add('fifo', tarfile.FIFOTYPE)
add('abs', tarfile.SYMTYPE, linkname='/etc/passwd')
add('hard', tarfile.LNKTYPE, linkname='bin/su')
add('d', tarfile.DIRTYPE)
add('d/f')
add('d', data=b'now a file')
add('gone')
add('.wh.gone')
add('o', tarfile.DIRTYPE)
add('o/.wh..wh..opq')
add('o/kept')
add('./x/y', mtime=1000000000)
add('.wh.w')
add('w', tarfile.DIRTYPE)
add('w/new')
"
    local diff l
    diff=$(unpack_tar "$T/ok.tar" | json .diff_id)
    l=$T/s/layers/${diff#sha256:}
    assert_eq "4755 1000 2000" "$(stat -c '%a %u %g' "$l/bin/su")"
    assert_eq "character special file 1 3" "$(stat -c '%F %t %T' "$l/null")"
    assert_eq "fifo" "$(stat -c '%F' "$l/fifo")"
    assert_eq "/etc/passwd" "$(readlink "$l/abs")"
    assert_eq "$(stat -c %i "$l/bin/su")" "$(stat -c %i "$l/hard")"
    assert_eq "now a file" "$(cat "$l/d")"
    assert_eq "character special file 0 0" "$(stat -c '%F %t %T' "$l/gone")"
    assert_eq y "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$l/o")"
    [ -f "$l/o/kept" ] || fail "o/kept missing"
    assert_eq 1000000000 "$(stat -c %Y "$l/x/y")"
    # A directory made where this layer whited one out hides the lower one.
    assert_eq y "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$l/w")"
    [ -f "$l/w/new" ] || fail "w/new missing"
    assert_eq "" "$(find "$l" -name '.wh.*')"
    store_clean "$T/s"
}

test_load_docker_archive() {
    make_images
    local out m config want_config
    oci_archive "$T/lay" two "$T/d.tar" docker-archive docker.io/library/two:v1
    out=$(pa load --store "$T/s" < "$T/d.tar")
    assert_eq 1 "$(echo "$out" | json .images | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')"
    assert_eq "docker.io/library/two:v1" "$(echo "$out" | json .images.0.names.0)"
    m=$(echo "$out" | json .images.0.manifest)
    config=$(blob_json "$T/s" "$m" 'j["config"]["digest"]')
    want_config=$(blob_json "$T/lay" "$(layout_manifest "$T/lay" two)" 'j["config"]["digest"]')
    assert_eq "$want_config" "$config" "config digest (the image id)"
    # The synthesized manifest names uncompressed layers, all in the store,
    # and unpacking them checks them against the config's diff_ids.
    assert_eq "application/vnd.oci.image.layer.v1.tar" "$(blob_json "$T/s" "$m" 'j["layers"][0]["mediaType"]')"
    assert_eq 3 "$(unpack_all "$T/s" "$m" | wc -l)"
    # manifest.json, repositories and the legacy v1 files left no blob behind.
    assert_eq 5 "$(ls "$T/s/blobs/sha256" | wc -l)" "blobs: 3 layers, config, manifest"
    store_clean "$T/s"
    # Loading again changes nothing.
    assert_eq "$out" "$(pa load --store "$T/s" < "$T/d.tar")"
    assert_eq 5 "$(ls "$T/s/blobs/sha256" | wc -l)"
}

test_load_oci_archive_layout_and_compressed_stream() {
    make_images
    local out m
    m=$(layout_manifest "$T/lay" two)
    oci_archive "$T/lay" two "$T/o.tar" oci-archive 127.0.0.1:5000/team/two:v2
    out=$(pa load --store "$T/s" < "$T/o.tar")
    assert_eq "{\"images\":[{\"manifest\":\"$m\",\"names\":[\"127.0.0.1:5000/team/two:v2\"]}]}" "$out"
    # The blobs of base and mid, in the archive but unused, are not kept.
    assert_eq 5 "$(ls "$T/s/blobs/sha256" | wc -l)"
    # As `docker load` does, a compressed archive is read too.
    gzip -c "$T/o.tar" > "$T/o.tar.gz"
    assert_eq "$out" "$(pa load --store "$T/s2" < "$T/o.tar.gz")"
    # A layout dir handed as stdin: every tagged image, bare tags skipped with a note.
    out=$(pa load --store "$T/s3" < "$T/lay" 2> "$T/err")
    assert_contains "$out" "$m"
    assert_contains "$(cat "$T/err")" 'ref name "two" is a tag'
    assert_eq 3 "$(echo "$out" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["images"]))')"
    store_clean "$T/s"
    store_clean "$T/s3"
}

test_load_index_with_two_platforms() {
    make_images
    local amd arm index out
    amd=$(layout_manifest "$T/lay" two)
    arm=$(layout_manifest "$T/lay" base)
    # A nested index: arm64 first (base's manifest), then amd64 (two's).
    index=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$arm\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}" \
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$amd\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}")
    mkdir -p "$T/multi/blobs/sha256"
    cp -a "$T/lay/blobs/sha256/." "$T/multi/blobs/sha256/"
    printf '%s' "$index" > "$T/idx"
    local d
    d=$(sha256sum < "$T/idx" | cut -c1-64)
    cp "$T/idx" "$T/multi/blobs/sha256/$d"
    cp "$T/lay/oci-layout" "$T/multi/"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"multi:1"}}]}' \
        "$d" "${#index}" > "$T/multi/index.json"
    out=$(pa load --store "$T/s" < "$T/multi")
    assert_eq "{\"images\":[{\"manifest\":\"$amd\",\"names\":[\"docker.io/library/multi:1\"]}]}" "$out"
    # From a layout only the chosen image's blobs (and the index) are copied.
    assert_eq 6 "$(ls "$T/s/blobs/sha256" | wc -l)"
    [ ! -e "$T/s/blobs/sha256/${arm#sha256:}" ] || fail "the arm64 manifest was copied"
    store_clean "$T/s"
}

test_load_corrupted_blob_keeps_nothing() {
    make_images
    local m layer
    m=$(layout_manifest "$T/lay" two)
    layer=$(blob_json "$T/lay" "$m" 'j["layers"][2]["digest"]')
    # In a layout dir: one layer's bytes changed.
    cp -a "$T/lay" "$T/bad"
    rm "$T/bad/blobs/sha256/${layer#sha256:}"
    cp "$T/lay/blobs/sha256/${layer#sha256:}" "$T/bad/blobs/sha256/${layer#sha256:}"
    printf 'X' | dd of="$T/bad/blobs/sha256/${layer#sha256:}" bs=1 seek=100 conv=notrunc status=none
    assert_exit 1 pa load --store "$T/s" < "$T/bad"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "digest mismatch"
    assert_eq "" "$(ls -A "$T/s/blobs/sha256")"
    store_clean "$T/s"
    # The same in an oci-archive stream, and a blob missing from it.
    tar -C "$T/bad" -cf "$T/bad.tar" .
    assert_exit 1 pa load --store "$T/s" < "$T/bad.tar"
    assert_contains "$LAST_ERR" "digest mismatch"
    assert_eq "" "$(ls -A "$T/s/blobs/sha256")"
    rm "$T/bad/blobs/sha256/${layer#sha256:}"
    tar -C "$T/bad" -cf "$T/missing.tar" .
    assert_exit 1 pa load --store "$T/s" < "$T/missing.tar"
    assert_contains "$LAST_ERR" "is not in the archive"
    assert_eq "" "$(ls -A "$T/s/blobs/sha256")"
    # Not an image archive at all; garbage.
    tar -C "$T/lay/blobs" -cf "$T/plain.tar" .
    assert_exit 1 pa load --store "$T/s" < "$T/plain.tar"
    assert_contains "$LAST_ERR" "not an image archive"
    assert_exit 1 pa load --store "$T/s" < /etc/passwd
    assert_one_line "$LAST_ERR"
    assert_eq "" "$(ls -A "$T/s/blobs/sha256")"
    store_clean "$T/s"
}

test_save_round_trip_through_skopeo() {
    make_images
    local m config images
    m=$(pa load --store "$T/s" < "$T/lay" 2> /dev/null | python3 -c '
import json, sys
print(json.load(sys.stdin)["images"][-1]["manifest"])')
    assert_eq "$(layout_manifest "$T/lay" two)" "$m"
    config=$(blob_json "$T/s" "$m" 'j["config"]["digest"]')
    images="[{\"manifest\":\"$m\",\"names\":[\"docker.io/library/two:v1\",\"127.0.0.1:5000/x/two:v2\"]}]"
    pa save --store "$T/s" --format docker-archive --images "$images" > "$T/d.tar"
    pa save --store "$T/s" --format oci-archive --images "[{\"manifest\":\"$m\",\"names\":[\"docker.io/library/two:v1\"]}]" > "$T/o.tar"
    # skopeo reads both back: the same config (the image id), the same layers.
    skopeo copy --quiet docker-archive:"$T/d.tar":docker.io/library/two:v1 "oci:$T/back-d:x"
    skopeo copy --quiet oci-archive:"$T/o.tar" "oci:$T/back-o:x"
    skopeo copy --quiet oci-archive:"$T/o.tar":docker.io/library/two:v1 "oci:$T/back-o2:x"
    assert_eq "$config" "sha256:$(skopeo inspect --config --raw docker-archive:"$T/d.tar" | sha256sum | cut -c1-64)"
    # (skopeo re-serialises the config when it writes OCI: compare its content.)
    assert_eq "$(blob_json "$T/s" "$config" 'j["rootfs"]["diff_ids"]')" \
        "$(blob_json "$T/back-d" "$(blob_json "$T/back-d" "$(layout_manifest "$T/back-d" x)" 'j["config"]["digest"]')" 'j["rootfs"]["diff_ids"]')"
    assert_eq "$m" "$(layout_manifest "$T/back-o" x)" "oci-archive keeps the manifest as it is"
    assert_contains "$(tar -xOf "$T/d.tar" manifest.json)" '"RepoTags":["two:v1","127.0.0.1:5000/x/two:v2"]'
    # And podd-archive loads its own archives to the same images.
    assert_contains "$(pa load --store "$T/s2" < "$T/d.tar")" '"names":["docker.io/library/two:v1","127.0.0.1:5000/x/two:v2"]'
    assert_eq "{\"images\":[{\"manifest\":\"$m\",\"names\":[\"docker.io/library/two:v1\"]}]}" "$(pa load --store "$T/s3" < "$T/o.tar")"
    # Bad requests.
    assert_exit 2 pa save --store "$T/s" --format tarball --images "$images"
    assert_exit 1 pa save --store "$T/s" --format oci-archive --images '[{"manifest":"sha256:nope"}]'
    assert_one_line "$LAST_ERR"
    assert_exit 1 pa save --store "$T/s" --format oci-archive --images "[{\"manifest\":\"sha256:$(printf '%064d' 0)\"}]"
    assert_contains "$LAST_ERR" "not in the store"
    store_clean "$T/s"
}

test_docker_schema2_manifests_load_and_save() {
    make_images
    # The same image with Docker's media types, as registries serve them.
    skopeo copy --quiet --format v2s2 "oci:$T/lay:two" "oci:$T/v2:two:v1"
    local out m config
    out=$(pa load --store "$T/s" < "$T/v2")
    assert_eq "docker.io/library/two:v1" "$(echo "$out" | json .images.0.names.0)"
    m=$(echo "$out" | json .images.0.manifest)
    assert_eq "application/vnd.docker.distribution.manifest.v2+json" "$(blob_json "$T/s" "$m" 'j["mediaType"]')"
    config=$(blob_json "$T/s" "$m" 'j["config"]["digest"]')
    assert_eq 3 "$(unpack_all "$T/s" "$m" | wc -l)"
    pa save --store "$T/s" --format oci-archive --images "[{\"manifest\":\"$m\",\"names\":[\"docker.io/library/two:v1\"]}]" > "$T/o.tar"
    skopeo copy --quiet oci-archive:"$T/o.tar" "oci:$T/back:x"
    pa save --store "$T/s" --format docker-archive --images "[{\"manifest\":\"$m\",\"names\":[\"docker.io/library/two:v1\"]}]" > "$T/d.tar"
    assert_eq "$config" "sha256:$(skopeo inspect --config --raw docker-archive:"$T/d.tar" | sha256sum | cut -c1-64)"
    store_clean "$T/s"
}

test_import_rootfs_tarball_and_directory() {
    mkdir -p "$T/rootfs/bin" "$T/rootfs/etc"
    cp /bin/busybox "$T/rootfs/bin/"
    ln -s busybox "$T/rootfs/bin/sh"
    echo hi > "$T/rootfs/etc/motd"
    local out m config diff
    tar -C "$T/rootfs" -czf "$T/rootfs.tgz" .
    out=$(pa import --store "$T/s" --name app:1 < "$T/rootfs.tgz")
    assert_eq "docker.io/library/app:1" "$(echo "$out" | json .images.0.names.0)"
    m=$(echo "$out" | json .images.0.manifest)
    config=$(blob_json "$T/s" "$m" 'j["config"]["digest"]')
    assert_eq "linux amd64" "$(blob_json "$T/s" "$config" 'j["os"] + " " + j["architecture"]')"
    diff=$(unpack_all "$T/s" "$m")
    assert_eq hi "$(cat "$T/s/layers/${diff#sha256:}/etc/motd")"
    assert_eq busybox "$(readlink "$T/s/layers/${diff#sha256:}/bin/sh")"
    # A directory handed as stdin; no name.
    out=$(pa import --store "$T/s" < "$T/rootfs")
    assert_contains "$out" '"names":[]'
    m=$(echo "$out" | json .images.0.manifest)
    diff=$(unpack_all "$T/s" "$m")
    cmp "$T/rootfs/bin/busybox" "$T/s/layers/${diff#sha256:}/bin/busybox" || fail "busybox differs"
    # Image archives are refused, pointing to load; bad names.
    make_images
    oci_archive "$T/lay" two "$T/d.tar" docker-archive two:v1
    local before
    before=$(ls "$T/s/blobs/sha256" | wc -l)
    assert_exit 1 pa import --store "$T/s" < "$T/d.tar"
    assert_contains "$LAST_ERR" "use podctl image load"
    assert_exit 1 pa import --store "$T/s" < "$T/lay"
    assert_contains "$LAST_ERR" "use podctl image load"
    assert_exit 1 pa import --store "$T/s" --name 'Bad:Name:x' < "$T/rootfs.tgz"
    assert_one_line "$LAST_ERR"
    craft "$T/evil.tar" "add('../evil')"
    assert_exit 1 pa import --store "$T/s" < "$T/evil.tar"
    assert_eq "$before" "$(ls "$T/s/blobs/sha256" | wc -l)"
    store_clean "$T/s"
}

test_cp_and_export_through_the_overlay() {
    make_images
    local m diffs lowers ov out
    m=$(layout_manifest "$T/lay" two)
    pa load --store "$T/s" < "$T/lay" > /dev/null 2>&1
    mapfile -t diffs < <(unpack_all "$T/s" "$m")
    lowers=$T/s/layers/${diffs[2]#sha256:},$T/s/layers/${diffs[1]#sha256:},$T/s/layers/${diffs[0]#sha256:}
    mkdir -p "$T/c/upper" "$T/c/work"
    ov=$lowers:$T/c/upper:$T/c/work
    # export: the merged tree, whiteouts applied.
    pa export --overlay "$ov" > "$T/export.tar"
    out=$(tar -tf "$T/export.tar")
    assert_contains "$out" "etc/x"
    assert_contains "$out" "bin/busybox"
    assert_not_contains "$out" "bin/vi"
    assert_not_contains "$out" "opq/a"
    assert_contains "$out" "opq/c"
    # cp-in: into the upper dir; a symlink in the path resolves in the root.
    mkdir -p "$T/in/d"
    echo data > "$T/in/d/f"
    tar -C "$T/in" -cf - d | pa cp-in --overlay "$ov" --path /etc > /dev/null
    assert_eq data "$(cat "$T/c/upper/etc/d/f")"
    ln -s /etc "$T/c/upper/etclink"
    tar -C "$T/in" -cf - d | pa cp-in --overlay "$ov" --path /etclink/d > /dev/null
    assert_eq data "$(cat "$T/c/upper/etc/d/d/f")"
    # A symlink to / climbs no higher than the container's root.
    ln -s ../../../../../.. "$T/c/upper/up"
    tar -C "$T/in" -cf - d | pa cp-in --overlay "$ov" --path /up/tmp > /dev/null
    [ -f "$T/c/upper/tmp/d/f" ] || fail "cp-in through /up did not land in the container's /tmp"
    # cp-out: the entry is named after the path's last component.
    assert_eq "x" "$(pa cp-out --overlay "$ov" --path /etc/x | tar -xOf - x)"
    out=$(pa cp-out --overlay "$ov" --path /etc/d/ | tar -tf -)
    assert_contains "$out" "d/f"
    assert_eq "etclink" "$(pa cp-out --overlay "$ov" --path /etclink | tar -tf -)"
    # Errors: a missing path, a hostile tar, a file as the target directory.
    assert_exit 1 pa cp-out --overlay "$ov" --path /nope
    assert_contains "$LAST_ERR" "not found in the container"
    craft "$T/evil.tar" "add('../../evil')"
    assert_exit 1 pa cp-in --overlay "$ov" --path /etc < "$T/evil.tar"
    assert_one_line "$LAST_ERR"
    assert_exit 1 pa cp-in --overlay "$ov" --path /etc/x < "$T/evil.tar"
    assert_contains "$LAST_ERR" "not a directory"
    [ ! -e "$T/evil" ] && [ ! -e "$T/c/evil" ] || fail "cp-in wrote outside"
    assert_exit 2 pa cp-out --path /etc
    assert_exit 2 pa export --overlay "$ov" --root /
    assert_exit 1 pa export --overlay "nocolons"
}

test_cp_with_a_root_dir() {
    # --root: a running container's /proc/PID/root; here a directory.
    local out
    mkdir -p "$T/r/etc" "$T/r/data"
    echo inside > "$T/r/etc/passwd"
    ln -s /etc "$T/r/link"
    assert_eq inside "$(pa cp-out --root "$T/r" --path /link/passwd | tar -xOf - passwd)"
    echo new > "$T/new"
    tar -C "$T" -cf - new | pa cp-in --root "$T/r" --path /link > /dev/null
    assert_eq new "$(cat "$T/r/etc/new")"
    # An absolute symlink inside the root never reaches the host's /etc.
    [ ! -e /etc/new ] || fail "cp-in wrote to the host's /etc"
    out=$(pa export --root "$T/r" | tar -tf -)
    assert_contains "$out" "etc/passwd"
    assert_contains "$out" "link"
}

run_tests
