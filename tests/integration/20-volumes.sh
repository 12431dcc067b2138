#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Volumes and mounts, through podctl as a user types it: bind mounts read-write
# (seen on the host) and read-only (EROFS), a file bound, named volumes made
# on first use, kept after their container and shared with the next, filled
# from the image's content, anonymous volumes that go with rm -v and --rm,
# tmpfs with a size, the --mount forms, a symlink in the image that aims a
# mount target out of the root (the mount lands inside it), bad specs that
# leave nothing, and volume rm refused while a container uses the volume;
# an OCI image's content filling a named volume and its Volumes getting
# anonymous ones; cp both ways (running, stopped, into a volume, through
# a symlink of the container's, tar streams) and export.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"

# An OCI image with content at /data (a dir of app's, mode 750) that it
# declares a volume, built once for the file (oci.sh), as a docker-archive.
CACHE=$(mktemp -d /tmp/podd-oci.XXXXXX)
trap 'rm -rf "$CACHE"' EXIT
(
    set -e
    T=$CACHE
    oci_base "$CACHE/oci" base
    # shellcheck disable=SC2016  # $R is the snippet's
    oci_layer "$CACHE/oci" base vol 'mkdir $R/data; echo seeded > $R/data/seed; chown -R 1000:1000 $R/data; chmod 750 $R/data'
    oci_config "$CACHE/oci" vol --config.volume=/data
    oci_archive "$CACHE/oci" vol "$CACHE/vol.tar" docker-archive docker.io/library/vol:v1
) > "$CACHE/build.log" 2>&1 || {
    cat "$CACHE/build.log" >&2
    echo "cannot build the test image" >&2
}

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# The number of volumes podd has.
n_volumes() {
    podctl volume ls -q | wc -l
}

test_bind_rw_seen_on_the_host() {
    with_busybox
    mkdir "$T/host"
    podctl run --rm -v "$T/host:/mnt/out" busybox sh -c 'echo from the container > /mnt/out/f'
    assert_eq "from the container" "$(cat "$T/host/f")"
    echo from the host > "$T/host/g"
    assert_eq "from the host" "$(podctl run --rm -v "$T/host:/mnt/out:rw" busybox cat /mnt/out/g)"
    # A source starting with "." is relative to podctl's directory.
    assert_eq "from the host" "$(cd "$T" && podctl run --rm -v ./host:/mnt/out busybox cat /mnt/out/g)"
    assert_exit 125 podctl run --rm -v ./nowhere:/x busybox true
    assert_contains "$LAST_ERR" "nowhere"
}

test_bind_ro_refuses_writes() {
    with_busybox
    mkdir "$T/host"
    echo keep > "$T/host/f"
    local out rc=0
    out=$(podctl run --rm -v "$T/host:/in:ro" busybox sh -c 'echo x > /in/f' 2>&1) || rc=$?
    assert_ne 0 "$rc" "a write to a read-only bind"
    assert_contains "$out" "Read-only file system"
    assert_eq keep "$(cat "$T/host/f")"
    assert_contains "$(podctl run --rm -v "$T/host:/in:ro" busybox grep ' /in ' /proc/mounts)" " ro,"
}

test_bind_a_file() {
    with_busybox
    echo "welcome" > "$T/motd"
    assert_eq welcome "$(podctl run --rm -v "$T/motd:/etc/motd:ro" busybox cat /etc/motd)"
    # A missing target file is made, in a directory made too.
    assert_eq welcome "$(podctl run --rm -v "$T/motd:/new/dir/motd" busybox cat /new/dir/motd)"
}

test_named_volume_made_on_first_use_and_kept() {
    with_busybox
    podctl run --rm -v data:/data busybox sh -c 'echo kept > /data/f'
    assert_eq data "$(podctl volume ls -q)"
    # The next container sees it.
    assert_eq kept "$(podctl run --rm -v data:/srv busybox cat /srv/f)"
    # On the host, where inspect says.
    local mp
    mp=$(podctl volume inspect data | json .0.mountpoint)
    assert_eq kept "$(cat "$mp/f")"
    assert_contains "$(podctl volume ls)" "local"
    podctl volume rm data > /dev/null
    assert_eq 0 "$(n_volumes)"
}

test_named_volume_filled_from_the_image() {
    with_busybox
    # The image has /etc/passwd: a new volume on /etc starts with it.
    assert_contains "$(podctl run --rm -v etc:/etc busybox cat /etc/passwd)" "root:"
    local mp
    mp=$(podctl volume inspect etc | json .0.mountpoint)
    assert_contains "$(cat "$mp/passwd")" "root:"
    # Not again once it has content: what a container changed stays.
    podctl run --rm -v etc:/etc busybox rm /etc/passwd
    assert_exit 1 podctl run --rm -v etc:/etc busybox test -e /etc/passwd
    # nocopy: an empty volume stays empty.
    assert_eq "" "$(podctl run --rm -v etc2:/etc:nocopy busybox ls /etc)"
}

with_vol_image() {
    [ -f "$CACHE/vol.tar" ] || fail "no test image (see above)"
    podd_start
    podctl image load -i "$CACHE/vol.tar" > /dev/null
}

test_named_volume_filled_from_an_oci_image() {
    with_vol_image
    assert_eq seeded "$(podctl run --rm -v seeded:/data vol:v1 cat /data/seed)"
    local mp
    mp=$(podctl volume inspect seeded | json .0.mountpoint)
    assert_eq seeded "$(cat "$mp/seed")"
    # The volume's root takes the owner and mode of the image's directory.
    assert_eq "1000:1000 750" "$(stat -c '%u:%g %a' "$mp")"
    podctl volume rm seeded > /dev/null
}

test_image_volume_gets_an_anonymous_volume() {
    with_vol_image
    podctl run -d --name a vol:v1 sleep 1000 > /dev/null
    assert_eq 1 "$(n_volumes)"
    local v mp
    v=$(podctl volume ls -q)
    assert_eq /data "$(ctr_field a .mounts.0.target)"
    assert_eq true "$(ctr_field a .mounts.0.anonymous)"
    mp=$(podctl volume inspect "$v" | json .0.mountpoint)
    assert_eq seeded "$(cat "$mp/seed")"
    # Written in the container, it is in the volume, not the container's layer.
    podctl exec a sh -c 'echo more > /data/more'
    assert_eq more "$(cat "$mp/more")"
    # A -v on the same path replaces it.
    podctl run --rm -v "$T:/data" vol:v1 true
    assert_eq 1 "$(n_volumes)"
    podctl rm -f -v a > /dev/null
    assert_eq 0 "$(n_volumes)"
}

test_anonymous_volume_goes_with_rm_v() {
    with_busybox
    podctl run -d --name a -v /data busybox sleep 1000 > /dev/null
    assert_eq 1 "$(n_volumes)"
    local v
    v=$(podctl volume ls -q)
    assert_eq true "$(podctl volume inspect "$v" | json .0.anonymous)"
    assert_eq a "$(podctl volume inspect "$v" | json .0.containers.0)"
    assert_eq "$v" "$(ctr_field a .mounts.0.source)"
    podctl rm -f -v a > /dev/null
    assert_eq 0 "$(n_volumes)"
    # --rm takes them too; rm without -v leaves them, for prune.
    podctl run --rm -v /data busybox true
    assert_eq 0 "$(n_volumes)"
    podctl run --name b -v /data busybox true
    podctl rm b > /dev/null
    assert_eq 1 "$(n_volumes)"
    podctl volume prune > /dev/null
    assert_eq 0 "$(n_volumes)"
}

test_tmpfs_with_a_size() {
    with_busybox
    local out
    out=$(podctl run --rm --tmpfs /scratch:size=1m,mode=700 busybox sh -c \
        'df -k /scratch | tail -n 1; stat -c %a /scratch; grep " /scratch " /proc/mounts')
    assert_contains "$out" " 1024 "
    assert_contains "$out" $'\n700\n'
    assert_contains "$out" "nosuid,nodev"
    out=$(podctl run --rm --mount type=tmpfs,target=/t,tmpfs-size=2m busybox df -k /t)
    assert_contains "$out" " 2048 "
}

test_mount_forms() {
    with_busybox
    mkdir "$T/h"
    echo bound > "$T/h/f"
    local out
    out=$(podctl run --rm \
        --mount type=bind,source="$T/h",target=/h,readonly \
        --mount type=volume,source=v1,target=/v \
        --mount type=volume,src=v2,dst=/w \
        --mount "type=bind,src=$T/h,destination=/h2,ro=false" \
        busybox sh -c 'cat /h/f; touch /v/x /w/y /h2/z && echo wrote; touch /h/no 2>&1 || true')
    assert_contains "$out" bound
    assert_contains "$out" wrote
    assert_contains "$out" "Read-only file system"
    [ -e "$T/h/z" ] || fail "the rw bind did not write through"
    assert_eq $'v1\nv2' "$(podctl volume ls -q)"
}

test_symlink_in_the_image_stays_in_the_root() {
    with_busybox
    # A root whose /data and /up point out of it, to the host's /etc.
    cp -a "$IMAGES/busybox" "$T/rootfs"
    ln -s /etc "$T/rootfs/data"
    ln -s ../../../../../../../../etc "$T/rootfs/up"
    mkdir "$T/h"
    echo marker > "$T/h/marker"
    local out
    out=$(podctl run --rm --rootfs "$T/rootfs" -v "$T/h:/data" -v "$T/h:/up/sub" \
        sh -c 'ls /etc; ls /etc/sub')
    # Both landed on the container's own /etc.
    assert_contains "$out" marker
    [ ! -e /etc/marker ] || fail "a mount went to the host's /etc"
    [ ! -e /etc/sub ] || fail "a target was made in the host's /etc"
    [ -d "$T/h/sub" ] || fail "the second target was not made in the first mount"
    rmdir "$T/h/sub"
}

test_bad_specs_leave_nothing() {
    with_busybox
    mkdir "$T/h"
    local out
    assert_exit 125 podctl run --rm -v "$T/h:relative" busybox true
    out=$LAST_ERR
    assert_contains "$out" "not an absolute path"
    assert_exit 125 podctl run --rm -v "$T/nowhere:/x" busybox true
    out=$LAST_ERR
    assert_contains "$out" "$T/nowhere"
    assert_exit 125 podctl run -d --mount type=bind,src="$T/h",dst=/x,colour=red busybox true
    out=$LAST_ERR
    assert_contains "$out" 'unknown key "colour"'
    assert_exit 125 podctl run --rm -v 'bad name!:/x' busybox true
    out=$LAST_ERR
    assert_contains "$out" "volume name"
    assert_exit 125 podctl run --rm --tmpfs /t:size=lots busybox true
    out=$LAST_ERR
    assert_contains "$out" "size"
    assert_exit 125 podctl run --rm -v vol:/x -v other:/x busybox true
    out=$LAST_ERR
    assert_contains "$out" "two mounts on /x"
    assert_exit 125 podctl run --rm -v "$T/h:/../x" busybox true
    out=$LAST_ERR
    assert_contains "$out" '".."'
    assert_eq "" "$(podctl ps -a -q)"
    assert_eq 0 "$(n_volumes)"
}

test_volume_rm_refused_while_in_use() {
    with_busybox
    podctl run -d --name a -v keep:/keep busybox sleep 1000 > /dev/null
    local out
    assert_exit 125 podctl volume rm keep
    out=$LAST_ERR
    assert_contains "$out" 'in use by container "a"'
    podctl stop -t 0 a > /dev/null
    # Stopped, it still names it.
    assert_exit 125 podctl volume rm keep
    assert_eq "" "$(podctl volume prune --all)"
    podctl rm a > /dev/null
    assert_eq keep "$(podctl volume rm keep)"
    assert_eq 0 "$(n_volumes)"
    assert_exit 125 podctl volume rm keep
    out=$LAST_ERR
    assert_contains "$out" "no such volume"
    podctl volume rm -f keep > /dev/null
}

test_volume_create_ls_inspect_prune() {
    with_busybox
    assert_eq mine "$(podctl volume create --label team=store -l tier=db mine)"
    assert_eq store "$(podctl volume inspect mine | json .0.labels.team)"
    assert_exit 125 podctl volume create --driver nfs other
    assert_exit 125 podctl volume create --label =x other
    assert_exit 125 podctl volume create 'bad name'
    assert_eq mine "$(podctl volume create --label team=store -l tier=db mine)"
    assert_eq store "$(podctl volume inspect mine | json .0.labels.team)"
    assert_exit 125 podctl volume create --driver nfs other
    assert_exit 125 podctl volume create --label =x other
    assert_exit 125 podctl volume create 'bad name'
    local anon
    anon=$(podctl volume create)
    assert_eq 64 "${#anon}"
    assert_eq 2 "$(n_volumes)"
    assert_eq mine "$(podctl volume inspect mine | json .0.name)"
    assert_eq "[]" "$(podctl volume inspect mine | json .0.containers)"
    # prune takes unused anonymous ones; --all the named ones too.
    assert_eq "" "$(podctl volume prune)"
    assert_eq $'mine' "$(podctl volume prune --all | grep mine)"
    assert_eq 0 "$(n_volumes)"
}

test_cp_both_ways_running() {
    with_busybox
    podctl run -d --name a busybox sleep 1000 > /dev/null
    echo hi > "$T/f"
    mkdir -p "$T/d/sub"
    echo deep > "$T/d/sub/y"
    # Host to container: into a directory, a directory, and as a new name.
    podctl cp "$T/f" a:/tmp
    assert_eq hi "$(podctl exec a cat /tmp/f)"
    podctl cp "$T/d" a:/tmp
    assert_eq deep "$(podctl exec a cat /tmp/d/sub/y)"
    podctl cp "$T/f" a:/tmp/renamed
    assert_eq hi "$(podctl exec a cat /tmp/renamed)"
    # A relative path is from the working directory (/).
    podctl cp "$T/f" a:root
    assert_eq hi "$(podctl exec a cat /root/f)"
    # Container to host: a file as a new name, a dir into a dir and as a new name.
    podctl cp a:/etc/passwd "$T/passwd"
    assert_contains "$(cat "$T/passwd")" "root:"
    mkdir "$T/into"
    podctl cp a:/tmp/d "$T/into"
    assert_eq deep "$(cat "$T/into/d/sub/y")"
    podctl cp a:/tmp/d "$T/newd"
    assert_eq deep "$(cat "$T/newd/sub/y")"
    # Tar streams both ways.
    assert_contains "$(podctl cp a:/tmp/d - | tar -t)" "d/sub/y"
    tar -C "$T" -cf - f d | podctl cp - a:/root
    assert_eq deep "$(podctl exec a cat /root/d/sub/y)"
}

test_cp_stopped_container() {
    with_busybox
    podctl run --name b busybox sh -c 'cat /tmp/in 2> /dev/null; echo made > /made'
    podctl cp b:/made "$T/made"
    assert_eq made "$(cat "$T/made")"
    echo back > "$T/in"
    podctl cp "$T/in" b:/tmp
    assert_eq back "$(podctl cp b:/tmp/in - | tar -xO)"
    # Its next start sees it.
    podctl start b > /dev/null
    podctl wait b > /dev/null
    assert_eq back "$(podctl logs b)"
}

test_cp_reaches_volumes_of_a_running_container() {
    with_busybox
    podctl run -d --name a -v vol:/data busybox sleep 1000 > /dev/null
    echo into-volume > "$T/f"
    podctl cp "$T/f" a:/data
    local mp
    mp=$(podctl volume inspect vol | json .0.mountpoint)
    assert_eq into-volume "$(cat "$mp/f")"
}

test_cp_symlink_stays_in_the_container() {
    with_busybox
    podctl run -d --name a busybox sh -c 'ln -s /etc /tmp/evil; ln -s ../../../../../../../.. /tmp/up; exec sleep 1000' > /dev/null
    wait_for podctl exec a test -L /tmp/up
    echo evil > "$T/planted"
    podctl cp "$T/planted" a:/tmp/evil
    podctl cp "$T/planted" a:/tmp/up/tmp
    [ ! -e /etc/planted ] || fail "cp wrote through a symlink to the host's /etc"
    [ ! -e /tmp/planted ] || fail "cp wrote through a symlink to the host's /tmp"
    assert_eq evil "$(podctl exec a cat /etc/planted)"
    assert_eq evil "$(podctl exec a cat /tmp/planted)"
}

test_export() {
    with_busybox
    podctl run --name c busybox sh -c 'echo mine > /mine'
    assert_contains "$(podctl export c | tar -t)" "bin/busybox"
    podctl export -o "$T/c.tar" c
    assert_eq mine "$(tar -xOf "$T/c.tar" ./mine 2> /dev/null || tar -xOf "$T/c.tar" mine)"
}

test_cp_bad_input() {
    with_busybox
    podctl run -d --name a busybox sleep 1000 > /dev/null
    assert_exit 125 podctl cp a:/nonexistent "$T/x"
    assert_contains "$LAST_ERR" "not found"
    [ ! -e "$T/x" ] || fail "a failed cp left $T/x"
    assert_exit 125 podctl cp "$T/nope" a:/tmp
    assert_exit 125 podctl cp "$T/a" "$T/b"
    assert_exit 125 podctl cp a:/etc/passwd "$T/no/such/dir/x"
    assert_exit 125 podctl cp nosuch:/etc "$T"
    assert_contains "$LAST_ERR" "no such container"
    assert_exit 125 podctl export nosuch
    assert_one_line "$LAST_ERR"
}

test_unfinished_volume_removal_is_finished_at_start() {
    podd_start
    podctl volume create keep > /dev/null
    podd_stop
    # What a removal cut short by a stop of podd leaves.
    mkdir -p "$T/root/volumes/.rm-0123456789abcdef-gone/_data"
    podd_start
    wait_for test ! -e "$T/root/volumes/.rm-0123456789abcdef-gone"
    assert_eq keep "$(podctl volume ls -q)"
}

run_tests
