#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Registries: podd pulls and pushes through the OCI Distribution API against
# a real docker-registry on 127.0.0.1 (registry.sh), with test images built
# offline (oci.sh). Pull by tag and by digest, an index of two platforms,
# gzip and zstd layers, a corrupted blob failing cleanly, two pulls sharing
# a layer fetched once, a present image costing one manifest request, TLS
# with a CA of the test's own, htpasswd basic auth and the bearer-token flow
# (login, wrong password, push), push skipping what the registry has,
# `run --pull`, a podd killed mid-pull, and bad references. Every test ends
# with the leak check.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"
. "$(dirname "$0")/registry.sh"

cleanup_test() {
    tc qdisc del dev lo root 2> /dev/null || true
    reg_stop
    ip link del podd-regv0 2> /dev/null || true
}

# The digest of TAG's manifest in the layout, and of its layers.
layout_manifest() {
    skopeo inspect --raw "oci:$1:$2" | sha256sum | awk '{print "sha256:" $1}'
}
layout_layers() {
    skopeo inspect --raw "oci:$1:$2" | json .layers | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    print(l["digest"])'
}

tmp_is_empty() {
    [ -z "$(ls -A "$T/root/blobs/tmp")" ]
}

test_pull_by_tag_and_by_digest() {
    reg_start
    oci_base "$T/oci" base
    oci_config "$T/oci" base --config.env=FROM_IMAGE=yes --config.workingdir=/srv
    oci_push "$T/oci" base "$REG/test/busybox:v1"
    podd_start
    local digest id
    digest=$(layout_manifest "$T/oci" base)
    assert_exit 0 podctl pull "$REG/test/busybox:v1"
    assert_contains "$LAST_OUT" "Pulling from $REG/test/busybox"
    assert_contains "$LAST_OUT" "Pull complete"
    assert_contains "$LAST_OUT" "Digest: $digest"
    assert_contains "$LAST_OUT" "Downloaded newer image for $REG/test/busybox:v1"
    id=$(podctl image inspect "$REG/test/busybox:v1" | json .0.id)
    assert_contains "$(podctl images)" "$REG/test/busybox"
    assert_contains "$(podctl image inspect "$REG/test/busybox:v1")" "FROM_IMAGE=yes"
    # By digest: the same image, no tag; the registry is asked by digest.
    assert_exit 0 podctl pull -q "$REG/test/busybox@$digest"
    assert_eq "$REG/test/busybox@$digest" "$LAST_OUT"
    assert_eq "$id" "$(podctl image inspect "$REG/test/busybox@$digest" | json .0.id)"
    assert_eq 1 "$(reg_requests GET "/v2/test/busybox/manifests/$digest")"
    podctl image rm "$REG/test/busybox:v1" > /dev/null
}

test_present_image_costs_one_manifest_request() {
    reg_start
    oci_base "$T/oci" base
    oci_push "$T/oci" base "$REG/test/busybox:v1"
    podd_start
    podctl pull -q "$REG/test/busybox:v1" > /dev/null
    local manifests blobs heads
    manifests=$(reg_requests GET '/v2/test/busybox/manifests/[^ ]*')
    blobs=$(reg_requests GET '/v2/test/busybox/blobs/[^ ]*')
    heads=$(reg_requests HEAD '[^ ]*')
    assert_exit 0 podctl pull "$REG/test/busybox:v1"
    assert_contains "$LAST_OUT" "Image is up to date for $REG/test/busybox:v1"
    assert_contains "$LAST_OUT" "Already exists"
    assert_eq $((manifests + 1)) "$(reg_requests GET '/v2/test/busybox/manifests/[^ ]*')"
    assert_eq "$blobs" "$(reg_requests GET '/v2/test/busybox/blobs/[^ ]*')"
    assert_eq "$heads" "$(reg_requests HEAD '[^ ]*')"
}

# An OCI index with two platforms: TAG's image as linux/amd64, and a copy
# of it whose config says linux/arm64, under NEWTAG.
oci_two_platforms() {
    /usr/bin/python3 - "$1" "$2" "$3" << 'PY'
import hashlib, json, os, sys
layout, tag, newtag = sys.argv[1:]
def blob(d):
    return os.path.join(layout, "blobs", "sha256", d.split(":")[1])
def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    open(blob(d), "wb").write(data)
    return d, len(data)
index = json.load(open(os.path.join(layout, "index.json")))
desc = [m for m in index["manifests"]
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag][0]
manifest = json.load(open(blob(desc["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
config["architecture"] = "arm64"
cd, cs = put(json.dumps(config).encode())
manifest["config"] = dict(manifest["config"], digest=cd, size=cs)
md, ms = put(json.dumps(manifest).encode())
mt = "application/vnd.oci.image.manifest.v1+json"
idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
       "manifests": [
           {"mediaType": mt, "digest": desc["digest"], "size": desc["size"],
            "platform": {"os": "linux", "architecture": "amd64"}},
           {"mediaType": mt, "digest": md, "size": ms,
            "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}]}
xd, xs = put(json.dumps(idx).encode())
index["manifests"].append({"mediaType": idx["mediaType"], "digest": xd, "size": xs,
                           "annotations": {"org.opencontainers.image.ref.name": newtag}})
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
PY
}

test_index_with_two_platforms() {
    reg_start
    oci_base "$T/oci" base
    oci_two_platforms "$T/oci" base multi
    skopeo copy --quiet --all --dest-tls-verify=false "oci:$T/oci:multi" "docker://$REG/test/multi:v1"
    podd_start
    podctl pull -q "$REG/test/multi:v1" > /dev/null
    assert_eq amd64 "$(podctl image inspect "$REG/test/multi:v1" | json .0.architecture)"
    podctl pull -q --platform linux/arm64 "$REG/test/multi:v1" > /dev/null
    assert_eq arm64 "$(podctl image inspect "$REG/test/multi:v1" | json .0.architecture)"
    assert_exit 125 podctl pull --platform linux/s390x "$REG/test/multi:v1"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "no image for platform linux/s390x"
    assert_contains "$LAST_ERR" "linux/arm64/v8"
    assert_exit 125 podctl pull --platform linux "$REG/test/multi:v1"
    assert_contains "$LAST_ERR" "OS/ARCH"
    tmp_is_empty || fail "blobs/tmp is not empty"
}

# NEWTAG: TAG with its gzip layers recompressed with zstd (zstd(1)).
oci_zstd() {
    /usr/bin/python3 - "$1" "$2" "$3" << 'PY'
import gzip, hashlib, json, os, subprocess, sys
layout, tag, newtag = sys.argv[1:]
def blob(d):
    return os.path.join(layout, "blobs", "sha256", d.split(":")[1])
def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    open(blob(d), "wb").write(data)
    return d, len(data)
index = json.load(open(os.path.join(layout, "index.json")))
desc = [m for m in index["manifests"]
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag][0]
manifest = json.load(open(blob(desc["digest"])))
for layer in manifest["layers"]:
    tar = gzip.decompress(open(blob(layer["digest"]), "rb").read())
    z = subprocess.run(["zstd", "-q", "-c"], input=tar, stdout=subprocess.PIPE, check=True).stdout
    d, n = put(z)
    layer.update(digest=d, size=n, mediaType="application/vnd.oci.image.layer.v1.tar+zstd")
md, ms = put(json.dumps(manifest).encode())
index["manifests"].append({"mediaType": desc["mediaType"], "digest": md, "size": ms,
                           "annotations": {"org.opencontainers.image.ref.name": newtag}})
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
PY
}

test_gzip_and_zstd_layers() {
    reg_start
    oci_base "$T/oci" base
    oci_layer "$T/oci" base app 'echo compressed-layer > "$R/etc/marker"'
    oci_zstd "$T/oci" app appz
    oci_push "$T/oci" app "$REG/test/gz:v1"
    oci_push "$T/oci" appz "$REG/test/zst:v1"
    skopeo inspect --raw --tls-verify=false "docker://$REG/test/zst:v1" | grep -q 'tar+zstd' ||
        fail "the zstd image has no zstd layers"
    podd_start
    podctl pull -q "$REG/test/gz:v1" > /dev/null
    podctl pull -q "$REG/test/zst:v1" > /dev/null
    assert_eq compressed-layer "$(podctl run --rm --pull never "$REG/test/gz:v1" cat /etc/marker)"
    assert_eq compressed-layer "$(podctl run --rm --pull never "$REG/test/zst:v1" cat /etc/marker)"
}

test_corrupted_blob_fails_cleanly() {
    reg_start
    oci_base "$T/oci" base
    oci_push "$T/oci" base "$REG/test/busybox:v1"
    local layer file
    layer=$(layout_layers "$T/oci" base | head -n 1)
    file=$(reg_blob_file "$layer")
    [ -f "$file" ] || fail "no blob file $file"
    # Same size, other bytes: only the digest can tell.
    printf 'corrupt' | dd of="$file" bs=1 seek=1000 conv=notrunc status=none
    podd_start
    assert_exit 125 podctl pull "$REG/test/busybox:v1"
    assert_contains "$LAST_ERR" "digest mismatch"
    assert_one_line "$LAST_ERR"
    tmp_is_empty || fail "blobs/tmp is not empty"
    [ ! -e "$T/root/blobs/sha256/${layer#sha256:}" ] || fail "the corrupt blob was kept"
    assert_eq "" "$(podctl images -q)"
    assert_eq "" "$(ls -A "$T/root/blobs/sha256")" "blobs kept after a failed pull"
}

test_two_pulls_share_a_layer() {
    reg_start
    oci_base "$T/oci" base
    oci_layer "$T/oci" base big 'head -c 3000000 /dev/urandom > "$R/big"'
    oci_layer "$T/oci" big one 'echo one > "$R/one"'
    oci_layer "$T/oci" big two 'echo two > "$R/two"'
    oci_push "$T/oci" one "$REG/test/one:v1"
    oci_push "$T/oci" two "$REG/test/two:v1"
    podd_start
    local pid1 pid2 shared
    podctl pull -q "$REG/test/one:v1" > "$T/pull1" 2>&1 &
    pid1=$!
    podctl pull -q "$REG/test/two:v1" > "$T/pull2" 2>&1 &
    pid2=$!
    wait "$pid1" || fail "pull one: $(cat "$T/pull1")"
    wait "$pid2" || fail "pull two: $(cat "$T/pull2")"
    for shared in $(layout_layers "$T/oci" big); do
        assert_eq 1 "$(reg_requests GET "/v2/test/(one|two)/blobs/$shared")" "fetches of $shared"
    done
    assert_eq one "$(podctl run --rm --pull never "$REG/test/one:v1" cat /one)"
    assert_eq two "$(podctl run --rm --pull never "$REG/test/two:v1" cat /two)"
}

test_tls_and_basic_auth_login() {
    reg_start --tls --htpasswd alice s3cret
    oci_base "$T/oci" base
    skopeo copy --quiet --dest-creds alice:s3cret --dest-cert-dir "$T/certs.d/$REG" \
        "oci:$T/oci:base" "docker://$REG/test/busybox:v1"
    podd_start --certs-dir "$T/certs.d"
    export REGISTRY_AUTH_FILE=$T/auth.json
    assert_exit 125 podctl pull "$REG/test/busybox:v1"
    assert_contains "$LAST_ERR" "authentication required"
    assert_exit 125 podctl login -u alice -p wrong "$REG"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "wrong username or password"
    [ ! -e "$T/auth.json" ] || fail "a refused login wrote the auth file"
    assert_exit 0 podctl login -u alice --password-stdin "$REG" <<< s3cret
    assert_eq "Login Succeeded" "$LAST_OUT"
    assert_eq 600 "$(stat -c %a "$T/auth.json")"
    assert_contains "$(cat "$T/auth.json")" "$REG"
    cp "$T/auth.json" "$T/auth.before"
    assert_exit 125 podctl login -u alice -p wrong "$REG"
    cmp -s "$T/auth.json" "$T/auth.before" || fail "a refused login changed the auth file"
    podctl pull -q "$REG/test/busybox:v1" > /dev/null
    grep -q "s3cret\|alice" -r "$T/root" && fail "podd kept a credential on disk"
    assert_exit 0 podctl logout "$REG"
    assert_exit 125 podctl logout "$REG"
    # Without the test's CA, the registry's certificate is refused.
    podd_stop
    podd_start
    assert_exit 125 podctl pull "$REG/test/busybox:v1"
    assert_contains "$LAST_ERR" "certificate"
}

test_token_auth_pull_and_push() {
    reg_start --token alice s3cret
    oci_base "$T/oci" base
    skopeo copy --quiet --dest-tls-verify=false --dest-creds alice:s3cret \
        "oci:$T/oci:base" "docker://$REG/test/busybox:v1"
    podd_start
    export REGISTRY_AUTH_FILE=$T/auth.json
    # Anonymous: a token for pull only.
    podctl pull -q "$REG/test/busybox:v1" > /dev/null
    # The token is kept (in podd's memory): the next pull is one request.
    local tokens manifests
    tokens=$(wc -l < "$T/token.log")
    manifests=$(reg_requests GET '/v2/test/busybox/manifests/[^ ]*')
    podctl pull -q "$REG/test/busybox:v1" > /dev/null
    assert_eq "$tokens" "$(wc -l < "$T/token.log")" "token requests"
    assert_eq $((manifests + 1)) "$(reg_requests GET '/v2/test/busybox/manifests/[^ ]*')"
    podctl image tag "$REG/test/busybox:v1" "$REG/test/copy:v2"
    assert_exit 125 podctl push "$REG/test/copy:v2"
    assert_contains "$LAST_ERR" "authentication required"
    assert_exit 125 podctl login -u alice -p wrong "$REG"
    assert_contains "$LAST_ERR" "wrong username or password"
    podctl login -u alice -p s3cret "$REG" > /dev/null
    assert_exit 0 podctl push "$REG/test/copy:v2"
    assert_contains "$LAST_OUT" "Pushed"
    # A kept token never answers for a wrong password.
    assert_exit 125 podctl login -u alice -p wrong "$REG"
    assert_exit 125 podctl push --authfile "$T/other.json" "$REG/test/copy:v2"
    assert_eq "sha256:$(skopeo inspect --raw --tls-verify=false --creds alice:s3cret \
        "docker://$REG/test/copy:v2" | sha256sum | cut -d' ' -f1)" \
        "$(skopeo inspect --tls-verify=false --creds alice:s3cret "docker://$REG/test/copy:v2" |
            json .Digest)"
    [ -s "$T/token.log" ] || fail "the token issuer was never asked"
}

test_push_skips_what_the_registry_has() {
    reg_start
    oci_base "$T/oci" base
    oci_push "$T/oci" base "$REG/test/busybox:v1"
    podd_start
    podctl pull -q "$REG/test/busybox:v1" > /dev/null
    podctl image tag "$REG/test/busybox:v1" "$REG/test/pushed:v1"
    assert_exit 0 podctl push "$REG/test/pushed:v1"
    local puts patches
    patches=$(reg_requests PATCH '[^ ]*')
    puts=$(reg_requests PUT '/v2/test/pushed/blobs/uploads/[^ ]*')
    assert_eq 2 "$puts" "blobs sent (config and layer)"
    assert_exit 0 podctl push "$REG/test/pushed:v1"
    assert_contains "$LAST_OUT" "Layer already exists"
    assert_eq "$puts" "$(reg_requests PUT '/v2/test/pushed/blobs/uploads/[^ ]*')"
    assert_eq "$patches" "$(reg_requests PATCH '[^ ]*')" "podd sends a blob in one PUT"
    skopeo inspect --tls-verify=false "docker://$REG/test/pushed:v1" > /dev/null
}

test_run_pull_policies() {
    reg_start
    oci_base "$T/oci" base
    oci_push "$T/oci" base "$REG/test/busybox:v1"
    podd_start
    assert_exit 125 podctl run --rm --pull never "$REG/test/busybox:v1" echo hi
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "no such image"
    assert_eq "" "$(podctl images -q)"
    assert_exit 125 podctl run --rm --pull sometimes "$REG/test/busybox:v1" echo hi
    assert_contains "$LAST_ERR" "--pull"
    assert_exit 0 podctl run --rm "$REG/test/busybox:v1" echo pulled-and-ran
    assert_eq pulled-and-ran "$LAST_OUT"
    assert_contains "$LAST_ERR" "Pull complete"
    # Present: run asks podd, not the registry.
    local manifests
    manifests=$(reg_requests GET '/v2/test/busybox/manifests/[^ ]*')
    assert_eq again "$(podctl run --rm "$REG/test/busybox:v1" echo again)"
    assert_eq "$manifests" "$(reg_requests GET '/v2/test/busybox/manifests/[^ ]*')"
    assert_eq always "$(podctl run --rm --pull always "$REG/test/busybox:v1" echo always 2> /dev/null)"
    assert_eq $((manifests + 1)) "$(reg_requests GET '/v2/test/busybox/manifests/[^ ]*')"
}

test_plain_http_only_on_loopback_or_when_asked() {
    # A registry on an address that is not loopback, speaking plain HTTP.
    ip link add podd-regv0 type veth peer name podd-regv1
    ip addr add 10.123.45.1/32 dev podd-regv0
    ip link set podd-regv0 up
    ip link set podd-regv1 up
    reg_start --addr 10.123.45.1
    oci_base "$T/oci" base
    oci_push "$T/oci" base "$REG/test/busybox:v1"
    podd_start
    local before
    before=$(wc -l < "$REG_LOG")
    assert_exit 125 podctl pull "$REG/test/busybox:v1"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "SSL"
    assert_eq "$before" "$(wc -l < "$REG_LOG")" "the registry heard from podd"
    podctl pull -q --tls-verify=false "$REG/test/busybox:v1" > /dev/null
    assert_ne "" "$(podctl images -q)"
    podctl image rm "$REG/test/busybox:v1" > /dev/null
    reg_stop
}

has_partial_blob() {
    [ -n "$(find "$T/root/blobs/tmp" -type f -size +1k)" ]
}

test_podd_killed_mid_pull_leaves_nothing() {
    reg_start
    oci_base "$T/oci" base
    oci_layer "$T/oci" base big 'head -c 4000000 /dev/urandom > "$R/big"'
    oci_push "$T/oci" big "$REG/test/big:v1"
    podd_start
    # About 1 MB/s on lo for the pull, so it can be caught midway.
    tc qdisc add dev lo root tbf rate 8mbit burst 128kb latency 1s
    local pid
    podctl pull -q "$REG/test/big:v1" > /dev/null 2>&1 &
    pid=$!
    wait_for has_partial_blob
    podd_kill KILL
    wait "$pid" && fail "the pull succeeded without podd"
    tc qdisc del dev lo root
    podd_start
    tmp_is_empty || fail "blobs/tmp kept a partial blob"
    assert_eq "" "$(podctl images -q)"
}

test_bad_references() {
    podd_start
    assert_exit 125 podctl pull 'Busybox'
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl pull 'busybox@sha256:123'
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "digest"
    assert_exit 125 podctl pull ''
    assert_exit 125 podctl pull 'a b'
    assert_exit 125 podctl push 'Nope'
    assert_exit 125 podctl push '127.0.0.1:1/not/here:v1'
    assert_contains "$LAST_ERR" "not/here"
    # Nothing listens: one line, nothing kept.
    assert_exit 125 podctl pull "127.0.0.1:1/test/x:v1"
    assert_one_line "$LAST_ERR"
    assert_eq "" "$(podctl images -q)"
    tmp_is_empty || fail "blobs/tmp is not empty"
    api -X POST -d '{"reference":"x","bogus":1}' http://podd/v1/images/pull | grep -q bogus ||
        fail "an unknown field was not refused"
    api -X POST -H 'X-Registry-Auth: !!!' -d '{"reference":"127.0.0.1:1/x"}' \
        http://podd/v1/images/pull | grep -q "X-Registry-Auth" ||
        fail "a bad X-Registry-Auth was not refused"
}

run_tests
