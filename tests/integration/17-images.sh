#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# OCI images in the store: load of a docker-archive, an oci-archive and an
# OCI layout directory (made offline with umoci and skopeo, oci.sh), each
# run; two images sharing their base layer store and unpack it once, even
# loaded at the same time, and removing one keeps it; 70 layers make one
# root; whiteouts hide what an upper layer deleted and never show
# themselves; tag, untag, prune and history; save read back by skopeo and
# loaded again to the same id; removal refused while a container uses the
# image; bad input (unknown or malformed references, garbage archives, a
# terminal for save or load) leaving nothing; a podd restart keeping it all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"

# The test images, built once for the file under $CACHE (oci.sh's helpers
# make their scratch dirs under $T):
#   base  busybox (oci.sh)
#   app1  base + /one, /etc/group deleted, /home/app replaced by /home/app/new;
#         Cmd cat /one, Env, WorkingDir /home/app
#   app2  base + /two
CACHE=$(mktemp -d /tmp/podd-oci.XXXXXX)
trap 'rm -rf "$CACHE"' EXIT
(
    set -e
    T=$CACHE
    oci_base "$CACHE/oci" base
    # shellcheck disable=SC2016  # $R is the snippet's
    oci_layer "$CACHE/oci" base app1 'echo one > $R/one; rm $R/etc/group; rm -rf $R/home/app; mkdir $R/home/app; echo fresh > $R/home/app/new'
    # shellcheck disable=SC2016
    oci_layer "$CACHE/oci" base app2 'echo two > $R/two'
    oci_config "$CACHE/oci" app1 --config.cmd=/bin/cat --config.cmd=/one \
        --config.env=GREETING=hi --config.workingdir=/home/app --config.label=team=store
    oci_archive "$CACHE/oci" app1 "$CACHE/app1.docker.tar" docker-archive docker.io/library/app1:v1
    oci_archive "$CACHE/oci" app1 "$CACHE/app1.oci.tar" oci-archive app1:v1
    oci_archive "$CACHE/oci" app2 "$CACHE/app2.docker.tar" docker-archive example.test:5000/team/app2:v2
    skopeo copy --quiet "oci:$CACHE/oci:app2" "oci:$CACHE/layout2:v2"
) > "$CACHE/build.log" 2>&1 || {
    cat "$CACHE/build.log" >&2
    echo "cannot build the test images" >&2
}

store() {
    (cd "$T/root" && find images layers blobs -mindepth 1 ! -path blobs/sha256 ! -path blobs/tmp)
}

store_is_empty() {
    [ -z "$(store)" ]
}

n_layers() {
    find "$T/root/layers" -mindepth 1 -maxdepth 1 ! -name '.rm-*' | wc -l
}

n_blobs() {
    find "$T/root/blobs/sha256" -mindepth 1 | wc -l
}

test_load_docker_archive_and_run() {
    podd_start
    assert_exit 0 podctl image load -i "$CACHE/app1.docker.tar"
    assert_eq "Loaded image: app1:v1" "$LAST_OUT"
    assert_eq '["docker.io/library/app1:v1"]' "$(podctl image inspect app1:v1 | json .0.names)"
    assert_eq 2 "$(n_layers)" "layers"
    # The config is kept (applied by run: config branch) and shown.
    assert_eq '["/bin/cat", "/one"]' "$(podctl image inspect app1:v1 | json .0.config.Cmd)"
    assert_eq "/home/app" "$(podctl image inspect app1:v1 | json .0.config.WorkingDir)"
    assert_eq "store" "$(podctl image inspect app1:v1 | json .0.config.Labels.team)"
    assert_eq "one" "$(podctl run --rm app1:v1 cat /one)"
    assert_exit 0 podctl image rm app1:v1
    wait_for store_is_empty
}

test_load_oci_archive_and_layout() {
    podd_start
    assert_exit 0 podctl image load -i "$CACHE/app1.oci.tar"
    assert_contains "$LAST_OUT" "Loaded image"
    assert_eq "one" "$(podctl run --rm "$(podctl images -q | head -1)" cat /one)"
    # An OCI layout directory, and a docker-archive on stdin, through a pipe.
    assert_exit 0 podctl image load -i "$CACHE/layout2"
    assert_exit 0 bash -c "cat '$CACHE/app2.docker.tar' | podctl image load"
    assert_eq "Loaded image: example.test:5000/team/app2:v2" "$LAST_OUT"
    assert_eq "two" "$(podctl run --rm example.test:5000/team/app2:v2 cat /two)"
    for id in $(podctl images -q); do podctl image rm -f "$id" > /dev/null; done
    wait_for store_is_empty
}

test_shared_layer_is_stored_once() {
    podd_start
    podctl image load -i "$CACHE/app1.docker.tar" > /dev/null
    podctl image load -i "$CACHE/app2.docker.tar" > /dev/null
    # base + app1's layer + app2's layer.
    assert_eq 3 "$(n_layers)" "layers"
    local base
    base=$(podctl image inspect app1:v1 | json .0.layers.0.diff_id)
    assert_eq "$base" "$(podctl image inspect example.test:5000/team/app2:v2 | json .0.layers.0.diff_id)"
    # Removing one keeps what the other uses.
    podctl image rm app1:v1 > /dev/null
    wait_for test "$(n_layers)" = 2
    [ -d "$T/root/layers/${base#sha256:}" ] || fail "the shared layer went"
    assert_eq "two" "$(podctl run --rm example.test:5000/team/app2:v2 cat /two)"
    podctl image rm example.test:5000/team/app2:v2 > /dev/null
    wait_for store_is_empty
    assert_eq 0 "$(n_blobs)" "blobs"
}

test_parallel_loads_unpack_a_shared_layer_once() {
    podd_start
    podctl image load -q -i "$CACHE/app1.docker.tar" &
    local first=$!
    podctl image load -q -i "$CACHE/app2.docker.tar"
    wait "$first"
    assert_eq 3 "$(n_layers)" "layers"
    local base
    base=$(podctl image inspect app1:v1 | json .0.layers.0.diff_id)
    # However the two commits met, the base was unpacked by one task.
    assert_eq 1 "$(grep -c "layer $base unpacked" "$T/podd.log")" "unpacks of the base layer"
    podctl image prune -a > /dev/null
    wait_for store_is_empty
}

test_whiteouts_hide_and_never_show() {
    podd_start
    podctl image load -i "$CACHE/app1.docker.tar" > /dev/null
    # /etc/group was deleted by app1's layer; the base has it.
    assert_exit 1 podctl run --rm app1:v1 test -e /etc/group
    assert_exit 0 podctl run --rm app1:v1 test -e /etc/passwd
    assert_eq "new" "$(podctl run --rm app1:v1 ls /home/app)"
    assert_eq "" "$(podctl run --rm app1:v1 find / -xdev -name '.wh.*')"
    # Nor in the store: a whiteout is a 0:0 character device there.
    assert_eq "" "$(find "$T/root/layers" -name '.wh.*')"
    podctl image rm app1:v1 > /dev/null
    wait_for store_is_empty
}

test_tag_untag_prune_history() {
    podd_start
    podctl image load -i "$CACHE/app1.docker.tar" > /dev/null
    local id
    id=$(podctl image inspect app1:v1 | json .0.id)
    assert_exit 0 podctl image tag app1:v1 127.0.0.1:5000/team/app:v2
    assert_eq "$id" "$(podctl image inspect 127.0.0.1:5000/team/app:v2 | json .0.id)"
    assert_exit 0 podctl images
    assert_contains "$LAST_OUT" "127.0.0.1:5000/team/app"
    assert_eq 2 "$(podctl images | grep -c "${id:0:12}")" "rows of the image"
    # A name of several: untagged, the image stays.
    assert_exit 0 podctl rmi 127.0.0.1:5000/team/app:v2
    assert_eq "Untagged: 127.0.0.1:5000/team/app:v2" "$LAST_OUT"
    # By id with several names: refused without -f.
    podctl image tag app1:v1 app1:other
    assert_exit 125 podctl rmi "${id:0:12}"
    assert_contains "$LAST_ERR" "force"
    # A tag taken by another image leaves this one <none>, and prune takes it.
    podctl image load -i "$CACHE/app2.docker.tar" > /dev/null
    podctl image tag example.test:5000/team/app2:v2 app1:v1
    podctl image tag example.test:5000/team/app2:v2 app1:other
    assert_eq "[]" "$(podctl image inspect "$id" | json .0.names)"
    assert_contains "$(podctl images)" "<none>"
    assert_exit 0 podctl image history app1:v1
    assert_contains "$LAST_OUT" "CREATED BY"
    assert_exit 0 podctl image prune
    assert_contains "$LAST_OUT" "deleted: sha256:$id"
    assert_exit 125 podctl image inspect "$id"
    assert_exit 0 podctl image prune -a
    assert_eq "" "$(podctl images -q)"
    wait_for store_is_empty
}

test_save_is_read_back_by_skopeo_and_loads_again() {
    podd_start
    podctl image load -i "$CACHE/app1.docker.tar" > /dev/null
    local id
    id=$(podctl image inspect app1:v1 | json .0.id)
    assert_exit 0 podctl image save -o "$T/out.tar" app1:v1
    skopeo inspect --raw "docker-archive:$T/out.tar" > /dev/null || fail "skopeo cannot read the docker-archive"
    assert_contains "$(skopeo inspect --config "docker-archive:$T/out.tar")" '"/bin/cat"'
    podctl image save --format oci-archive app1:v1 > "$T/out.oci.tar"
    skopeo inspect "oci-archive:$T/out.oci.tar" > /dev/null || fail "skopeo cannot read the oci-archive"
    podctl image rm app1:v1 > /dev/null
    wait_for store_is_empty
    assert_exit 0 podctl image load -i "$T/out.tar"
    assert_eq "Loaded image: app1:v1" "$LAST_OUT"
    assert_eq "$id" "$(podctl image inspect app1:v1 | json .0.id)"
    podctl image rm app1:v1 > /dev/null
    assert_exit 0 podctl image load -i "$T/out.oci.tar"
    assert_eq "$id" "$(podctl image inspect "$(podctl images -q)" | json .0.id)"
    podctl image rm -f "$id" > /dev/null
    wait_for store_is_empty
}

test_rm_refused_while_a_container_uses_it() {
    podd_start
    podctl image load -i "$CACHE/app1.docker.tar" > /dev/null
    podctl run -d --name user app1:v1 sleep 1000 > /dev/null
    assert_exit 125 podctl rmi app1:v1
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "used by a container"
    assert_exit 0 podctl image prune -a
    assert_contains "$(podctl images)" "app1"
    # Forced: the name goes, the image stays for its container.
    assert_exit 0 podctl rmi -f app1:v1
    assert_eq "Untagged: app1:v1" "$LAST_OUT"
    assert_eq "one" "$(podctl exec user cat /one)"
    podctl rm -f user > /dev/null
    assert_exit 0 podctl image prune
    wait_for store_is_empty
}

test_bad_input_leaves_nothing() {
    podd_start
    assert_exit 125 podctl image inspect nosuch:v1
    assert_contains "$LAST_ERR" "no such image"
    assert_exit 125 podctl image inspect 'UPPER:x'
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl image tag nosuch newname
    assert_exit 125 podctl image load -i "$T/nothing"
    assert_contains "$LAST_ERR" "No such file"
    head -c 65536 /dev/urandom > "$T/garbage.tar"
    assert_exit 125 podctl image load -i "$T/garbage.tar"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "cannot load"
    echo "hello" > "$T/text"
    assert_exit 125 podctl image load -i "$T/text"
    assert_one_line "$LAST_ERR"
    # A flat rootfs tarball is not an image archive.
    tar -C "$IMAGES/busybox" -cf "$T/flat.tar" .
    assert_exit 125 podctl image load -i "$T/flat.tar"
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl image save -o "$T/none.tar" nosuch:v1
    [ ! -e "$T/none.tar" ] || fail "a failed save left its file"
    # A terminal: save refuses to write an archive on it, load to read one.
    podctl image load -i "$CACHE/app1.docker.tar" > /dev/null
    assert_exit 0 script -qec "podctl image save app1:v1; echo rc=\$?" /dev/null
    assert_contains "$LAST_OUT" "cowardly refusing to save to a terminal"
    assert_contains "$LAST_OUT" "rc=125"
    assert_exit 0 script -qec "podctl image load; echo rc=\$?" /dev/null
    assert_contains "$LAST_OUT" "rc=125"
    # By hand: no fd, an fd podctl does not have, a bad format.
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{}' http://podd/v1/images/load)"
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{"fd":9999}' http://podd/v1/images/load)"
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{"fd":1,"names":["app1:v1"],"format":"zip"}' http://podd/v1/images/save)"
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{"name":"a@sha256:00"}' "http://podd/v1/images/app1%3Av1/tag")"
    assert_eq 404 "$(api -o /dev/null -w '%{http_code}' "http://podd/v1/images/%zz")"
    podctl image rm app1:v1 > /dev/null
    wait_for store_is_empty
}

# oci_many_layers DIR N: an OCI layout at DIR of N one-file layers on top
# of busybox's tree, built by hand (tarfile, sha256): /lK in layer K, and
# /top rewritten by every layer.
oci_many_layers() {
    python3 - "$1" "$2" "$IMAGES/busybox" << 'PY'
import hashlib, io, json, os, sys, tarfile
out, n, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out + "/blobs/sha256")
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(out + "/blobs/sha256/" + h, "wb").write(data)
    return "sha256:" + h, len(data)
def layer(files=None, tree=None):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        if tree:
            t.add(tree, arcname=".")
        for name, data in (files or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return blob(buf.getvalue())
layers = [layer(tree=base)]
for k in range(1, n):
    layers.append(layer({"l%d" % k: b"%d\n" % k, "top": b"%d\n" % k}))
config = {"architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
          "config": {"Env": ["PATH=/bin"]},
          "rootfs": {"type": "layers", "diff_ids": [d for d, _ in layers]}}
cd, cs = blob(json.dumps(config).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": s}
                       for d, s in layers]}
md, ms = blob(json.dumps(manifest).encode())
json.dump({"imageLayoutVersion": "1.0.0"}, open(out + "/oci-layout", "w"))
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": manifest["mediaType"], "digest": md, "size": ms,
           "annotations": {"org.opencontainers.image.ref.name": "many:v1"}}]}, open(out + "/index.json", "w"))
PY
}

test_many_layers_are_one_root() {
    podd_start
    # 70 layers: their absolute paths alone would be over the page of
    # options mount(2) takes.
    oci_many_layers "$T/many" 70
    assert_exit 0 podctl image load -i "$T/many"
    assert_eq 70 "$(n_layers)" "layers"
    assert_eq "1 69 69" "$(podctl run --rm many:v1 cat /l1 /l69 /top | tr '\n' ' ' | sed 's/ $//')"
    assert_eq "69" "$(podctl run --rm --read-only many:v1 cat /top)"
    podctl image rm many:v1 > /dev/null
    wait_for store_is_empty
}

test_restart_keeps_images() {
    podd_start
    podctl image load -i "$CACHE/app1.docker.tar" > /dev/null
    podctl image load -i "$CACHE/app2.docker.tar" > /dev/null
    local before
    before=$(podctl images | awk '{print $1, $2, $3}')
    podd_stop
    podd_start
    assert_eq "$before" "$(podctl images | awk '{print $1, $2, $3}')"
    assert_eq "one" "$(podctl run --rm app1:v1 cat /one)"
    podctl image prune -a > /dev/null
    wait_for store_is_empty
}

run_tests
