#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The image's configuration applied to containers (issue 11), through podctl
# as a user types it, with images built by oci.sh (umoci, from
# busybox-static) and loaded with `podctl image load`: Cmd, Entrypoint (with
# arguments, --entrypoint, --entrypoint ''), Env merged under -e (the
# image's PATH), WorkingDir (existing and missing), User by name with its
# supplementary groups and HOME, -u NAME:GROUP, -u UID, an unknown user
# (125, one line, nothing left), exec -u NAME, StopSignal (a trap in the
# workload tells which signal came) and --stop-signal, and inspect showing
# ExposedPorts and Labels. Users and workdirs are also checked on a plain
# --rootfs tree (oci_base unpacked), which has a passwd but no config.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"

# A tree with busybox, /etc/passwd and /etc/group (oci.sh's base), in $ROOTFS.
with_rootfs() {
    oci_base "$T/oci" base
    umoci unpack --image "$T/oci:base" "$T/bundle" > /dev/null
    ROOTFS=$T/bundle/rootfs
    podd_start
}

# with_image TAG REF [umoci config args...]: the base image with the config
# args, loaded from a docker-archive as REF.
LAYOUT=
with_image() {
    local tag=$1 ref=$2
    shift 2
    if [ -z "$LAYOUT" ]; then
        LAYOUT=$T/oci
        oci_base "$LAYOUT" base
        # A layer with a directory the WorkingDir tests find, and a file of
        # its own PATH's.
        oci_layer "$LAYOUT" base base2 'mkdir -p "$R/data" "$R/custom/bin" && echo data > "$R/data/f" && printf "#!/bin/sh\necho found\n" > "$R/custom/bin/hello" && chmod 755 "$R/custom/bin/hello"'
        [ -n "${PODD_PID:-}" ] || podd_start
    fi
    umoci tag --image "$LAYOUT:base2" "$tag"
    [ $# -eq 0 ] || oci_config "$LAYOUT" "$tag" "$@"
    oci_archive "$LAYOUT" "$tag" "$T/$tag.tar" docker-archive "$ref"
    podctl image load -i "$T/$tag.tar" > /dev/null
}

# ---- on a --rootfs tree: users and workdirs -----------------------------

test_user_by_name_gets_its_ids_groups_and_home() {
    with_rootfs
    assert_exit 0 podctl run --rm --rootfs "$ROOTFS" -u app sh -c 'id; echo $HOME'
    assert_eq "uid=1000(app) gid=1000(app) groups=1000(app),2000(extra)"$'\n'"/home/app" "$LAST_OUT"
    # A group named: the gid, and no other group (as docker).
    assert_exit 0 podctl run --rm --rootfs "$ROOTFS" -u app:extra id
    assert_eq "uid=1000(app) gid=2000(extra) groups=2000(extra)" "$LAST_OUT"
    # A uid passwd does not have: gid 0, HOME /.
    assert_exit 0 podctl run --rm --rootfs "$ROOTFS" -u 1234 sh -c 'id; echo $HOME'
    assert_eq "uid=1234 gid=0(root) groups=0(root)"$'\n'"/" "$LAST_OUT"
    # -e HOME wins over passwd's.
    assert_exit 0 podctl run --rm --rootfs "$ROOTFS" -u app -e HOME=/h sh -c 'echo $HOME'
    assert_eq /h "$LAST_OUT"
    # No capabilities left to a user other than root.
    assert_exit 0 podctl run --rm --rootfs "$ROOTFS" -u nobody grep CapEff /proc/self/status
    assert_eq "CapEff:	0000000000000000" "$LAST_OUT"
}

test_unknown_user_fails_with_125_and_leaves_nothing() {
    with_rootfs
    assert_exit 125 podctl run --rm --rootfs "$ROOTFS" -u ghost true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "unable to find user ghost"
    assert_exit 125 podctl run --rootfs "$ROOTFS" -u app:ghosts true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "unable to find group ghosts"
    assert_exit 125 podctl run -d --rootfs "$ROOTFS" -u 'a b' true
    assert_one_line "$LAST_ERR"
    assert_eq "" "$(podctl ps -a -q)"
    # exec: the same names, in the running container's files.
    podctl run -d --name web --rootfs "$ROOTFS" sleep 1000 > /dev/null
    assert_exit 0 podctl exec -u app web sh -c 'id; echo $HOME'
    assert_eq "uid=1000(app) gid=1000(app) groups=1000(app),2000(extra)"$'\n'"/home/app" "$LAST_OUT"
    assert_exit 125 podctl exec -u ghost web true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "unable to find user ghost"
}

test_missing_workdir_is_created() {
    with_rootfs
    assert_exit 0 podctl run --rm --rootfs "$ROOTFS" -w /made/for/you sh -c 'pwd; stat -c %u:%a /made'
    assert_eq "/made/for/you"$'\n'"0:755" "$LAST_OUT"
    # A user's workdir it may enter.
    assert_exit 0 podctl run --rm --rootfs "$ROOTFS" -u app -w /home/app pwd
    assert_eq /home/app "$LAST_OUT"
}

test_rootfs_without_a_command_and_entrypoint_flag() {
    with_rootfs
    assert_exit 125 podctl run --rm --rootfs "$ROOTFS"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "no command specified"
    assert_exit 0 podctl run --rm --rootfs "$ROOTFS" --entrypoint /bin/echo -- one two
    assert_eq "one two" "$LAST_OUT"
    assert_eq "" "$(podctl ps -a -q)"
}

# A workload that says which signal stopped it.
TRAPPER='for s in TERM USR1 HUP; do trap "echo got $s; exit 0" $s; done; echo ready; while :; do sleep 0.05; done'

logs_say() {
    podctl logs "$1" 2> /dev/null | grep -qx "$2"
}

test_stop_signal_flag() {
    with_rootfs
    podctl run -d --name t --rootfs "$ROOTFS" --stop-signal HUP sh -c "$TRAPPER" > /dev/null
    wait_for logs_say t ready
    assert_eq SIGHUP "$(ctr_field t .stop_signal)"
    podctl stop t > /dev/null
    assert_exit 0 podctl logs t
    assert_contains "$LAST_OUT" "got HUP"
    assert_eq 0 "$(ctr_field t .exit_code)"
    # restart sends it too.
    podctl start t > /dev/null
    podctl restart t > /dev/null
    wait_for is_running t
    assert_eq 2 "$(podctl logs t | grep -c 'got HUP')"
    assert_exit 125 podctl run --rm --rootfs "$ROOTFS" --stop-signal NOPE true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "--stop-signal"
}

# ---- images with a configuration ----------------------------------------

test_image_cmd_entrypoint_and_arguments() {
    with_image cmd cfg/cmd:1 --clear=config.cmd --config.cmd=echo --config.cmd=from-cmd
    assert_exit 0 podctl run --rm cfg/cmd:1
    assert_eq from-cmd "$LAST_OUT"
    # Arguments after the image replace Cmd.
    assert_exit 0 podctl run --rm cfg/cmd:1 echo replaced
    assert_eq replaced "$LAST_OUT"
    with_image ep cfg/ep:1 --config.entrypoint=echo --config.entrypoint=ep \
        --clear=config.cmd --config.cmd=default
    assert_exit 0 podctl run --rm cfg/ep:1
    assert_eq "ep default" "$LAST_OUT"
    assert_exit 0 podctl run --rm cfg/ep:1 x y
    assert_eq "ep x y" "$LAST_OUT"
    # --entrypoint replaces it and clears Cmd; '' clears it.
    assert_exit 0 podctl run --rm --entrypoint /bin/echo cfg/ep:1 z
    assert_eq z "$LAST_OUT"
    assert_exit 0 podctl run --rm --entrypoint '' cfg/ep:1 echo k
    assert_eq k "$LAST_OUT"
    assert_exit 0 podctl inspect "$(podctl run -d cfg/ep:1)"
    assert_eq '["echo", "ep"]' "$(echo "$LAST_OUT" | json .0.entrypoint)"
    assert_eq '["echo", "ep", "default"]' "$(echo "$LAST_OUT" | json .0.command)"
    # Nothing at all to run.
    with_image none cfg/none:1 --clear=config.cmd
    assert_exit 125 podctl run --rm cfg/none:1
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "no command specified"
}

test_image_env_workdir_user() {
    with_image env cfg/env:1 --clear=config.env --config.env=PATH=/custom/bin:/bin \
        --config.env=A=image --config.env=B=image
    assert_exit 0 podctl run --rm -e B=run cfg/env:1 sh -c 'echo $A $B $PATH; hello'
    assert_eq "image run /custom/bin:/bin"$'\n'"found" "$LAST_OUT"
    with_image wd cfg/wd:1 --config.workingdir=/data
    assert_exit 0 podctl run --rm cfg/wd:1 sh -c 'pwd; cat f'
    assert_eq "/data"$'\n'"data" "$LAST_OUT"
    assert_exit 0 podctl run --rm -w /tmp cfg/wd:1 pwd
    assert_eq /tmp "$LAST_OUT"
    with_image wdm cfg/wdm:1 --config.workingdir=/not/there
    assert_exit 0 podctl run --rm cfg/wdm:1 pwd
    assert_eq /not/there "$LAST_OUT"
    with_image user cfg/user:1 --config.user=app
    assert_exit 0 podctl run --rm cfg/user:1 sh -c 'id; echo $HOME'
    assert_eq "uid=1000(app) gid=1000(app) groups=1000(app),2000(extra)"$'\n'"/home/app" "$LAST_OUT"
    assert_exit 0 podctl run --rm -u root cfg/user:1 id -u
    assert_eq 0 "$LAST_OUT"
    # exec runs as the container's user unless -u says.
    podctl run -d --name u cfg/user:1 sleep 1000 > /dev/null
    assert_exit 0 podctl exec u id -u
    assert_eq 1000 "$LAST_OUT"
    assert_exit 0 podctl exec -u 0 u id -u
    assert_eq 0 "$LAST_OUT"
    with_image ghost cfg/ghost:1 --config.user=ghost
    assert_exit 125 podctl run --rm cfg/ghost:1 true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "unable to find user ghost"
}

test_image_stop_signal_and_inspect() {
    with_image sig cfg/sig:1 --config.stopsignal=SIGUSR1 --config.exposedports=80/tcp \
        --config.label=k=v --config.volume=/vol
    podctl run -d --name s cfg/sig:1 sh -c "$TRAPPER" > /dev/null
    wait_for logs_say s ready
    assert_exit 0 podctl inspect s
    assert_eq SIGUSR1 "$(echo "$LAST_OUT" | json .0.stop_signal)"
    assert_eq '{}' "$(echo "$LAST_OUT" | json .0.config.ExposedPorts.80/tcp)"
    assert_eq v "$(echo "$LAST_OUT" | json .0.config.Labels.k)"
    assert_contains "$(echo "$LAST_OUT" | json .0.config.Volumes)" '"/vol"'
    podctl stop s > /dev/null
    assert_exit 0 podctl logs s
    assert_contains "$LAST_OUT" "got USR1"
    # --stop-signal wins over the image's.
    podctl run -d --name h --stop-signal HUP cfg/sig:1 sh -c "$TRAPPER" > /dev/null
    wait_for logs_say h ready
    podctl stop h > /dev/null
    assert_exit 0 podctl logs h
    assert_contains "$LAST_OUT" "got HUP"
}

run_tests
