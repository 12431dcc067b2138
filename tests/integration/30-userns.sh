#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# User namespaces of pods (--userns auto): the infra's user namespace owns
# the pod's others, root in the pod is an unprivileged range of host ids
# (/proc/PID/uid_map and status of the workload, seen from the host), two
# pods get disjoint ranges, the image's files are root's inside (idmapped
# layers) and a volume is readable and writable, exec and debug join the
# user namespace, a podd restart keeps the ranges, a used-up pool is a 125
# that leaves nothing, and pod rm frees the range.
. "$(dirname "$0")/lib.sh"

# A pool of @1 ranges of 65536 ids at 3000000000, in the /etc/subuid format.
subid_pool() {
    printf 'someone:100000:65536\n%s:%s:%s\n' podd 3000000000 $(($1 * 65536)) > "$T/subid"
}

userns_podd() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    subid_pool "${1:-4}"
    shift || true
    podd_start --subid-file "$T/subid" "$@"
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# The first field of the line of /proc/@1/@2 ("uid_map" ...), squeezed.
map_of() {
    tr -s ' ' < "/proc/$1/$2" | sed 's/^ //'
}

test_infra_owns_its_namespaces() {
    userns_podd
    podctl pod create web --userns auto > /dev/null
    local pid uid
    pid=$(infra_pid web)
    uid=$(pod_field web .userns.uid)
    assert_eq auto "$(pod_field web .userns.mode)"
    assert_eq 3000000000 "$uid" "first range of the pool"
    assert_eq 65536 "$(pod_field web .userns.size)"
    assert_eq "0 $uid 65536" "$(map_of "$pid" uid_map)"
    assert_eq "0 $(pod_field web .userns.gid) 65536" "$(map_of "$pid" gid_map)"
    assert_ne "$(ns_id $$ user)" "$(ns_id "$pid" user)" "user namespace"
    assert_eq "$(ns_id "$pid" user)" "$(pod_field web .namespaces.user)"
    # The infra runs as the range's first id, the net namespace is its
    # user namespace's (lsns names the owner).
    assert_eq "$uid" "$(awk '/^Uid:/ {print $2}' /proc/"$pid"/status)"
    assert_eq web "$(nsenter -t "$pid" -U -u hostname)"
    assert_eq host "$(podctl pod create plain > /dev/null && pod_field plain .userns.mode)"
}
test_infra_killed_start_rejoins_the_user_namespace() {
    userns_podd
    podctl pod create web --userns auto > /dev/null
    local pid user net
    pid=$(infra_pid web)
    user=$(ns_id "$pid" user)
    net=$(ns_id "$pid" net)
    kill -9 "$pid"
    is_exited() { [ "$(pod_field web .state)" = exited ]; }
    wait_for is_exited
    podctl pod start web > /dev/null
    pid=$(infra_pid web)
    assert_eq "$user" "$(ns_id "$pid" user)" "user namespace kept across the restart"
    assert_eq "$net" "$(ns_id "$pid" net)" "net namespace kept across the restart"
    assert_eq "$(pod_field web .userns.uid)" "$(awk '/^Uid:/ {print $2}' /proc/"$pid"/status)"
    # Stopped and started: a new user namespace with the pod's same range.
    podctl pod stop web > /dev/null
    podctl pod start web > /dev/null
    pid=$(infra_pid web)
    assert_ne "$user" "$(ns_id "$pid" user)"
    assert_eq "0 $(pod_field web .userns.uid) 65536" "$(map_of "$pid" uid_map)"
    assert_eq "0 0" "$(podctl run --rm --pod web busybox stat -c '%u %g' /bin/busybox)"
}

test_workload_is_root_inside_unprivileged_outside() {
    userns_podd
    podctl pod create web --userns auto > /dev/null
    podctl run -d --name app --pod web busybox sleep 300 > /dev/null
    local pid uid gid
    pid=$(ctr_pid app)
    uid=$(pod_field web .userns.uid)
    gid=$(pod_field web .userns.gid)
    assert_eq "0 $uid 65536" "$(map_of "$pid" uid_map)"
    assert_eq "$uid $uid $uid $uid" "$(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/"$pid"/status)"
    assert_eq "$gid" "$(awk '/^Gid:/ {print $2}' /proc/"$pid"/status)"
    assert_eq "$(ns_id "$(infra_pid web)" user)" "$(ns_id "$pid" user)" "the pod's user namespace"
    assert_eq "$(ns_id "$(infra_pid web)" net)" "$(ns_id "$pid" net)" "the pod's net namespace"
    assert_eq "uid=0(root) gid=0(root)" "$(podctl exec app id | cut -d' ' -f1-2)"
    assert_eq "0 $uid 65536" "$(podctl exec app cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //')"
    # Root inside is not root outside: the host's files stay out of reach.
    local out rc=0
    out=$(podctl exec app sh -c 'echo x > /proc/sys/kernel/hostname' 2>&1) || rc=$?
    assert_ne 0 "$rc" "a write to a host-owned sysctl"
}

test_share_pid_and_host_network() {
    userns_podd
    # The PID namespace is the user namespace's too: the infra is PID 1 in
    # it, and the containers see each other.
    podctl pod create sp --userns auto --share-pid > /dev/null
    podctl run -d --name a --pod sp busybox sleep 300 > /dev/null
    assert_contains "$(podctl run --rm --pod sp busybox ps -o pid,comm)" "podd-pause"
    assert_eq "$(ns_id "$(infra_pid sp)" user)" "$(ns_id "$(ctr_pid a)" user)"
    # With the host's network the pod still has its user namespace.
    podctl pod create hn --userns auto --net host > /dev/null
    assert_eq "$(ns_id $$ net)" "$(ns_id "$(infra_pid hn)" net)"
    assert_eq "0 0" "$(podctl run --rm --pod hn busybox stat -c '%u %g' /bin/busybox)"
}

test_two_pods_get_disjoint_ranges() {
    userns_podd
    podctl pod create a --userns auto > /dev/null
    podctl pod create b --userns auto > /dev/null
    assert_eq 3000000000 "$(pod_field a .userns.uid)"
    assert_eq 3000065536 "$(pod_field b .userns.uid)"
    assert_eq 3000065536 "$(pod_field b .userns.gid)"
    assert_ne "$(ns_id "$(infra_pid a)" user)" "$(ns_id "$(infra_pid b)" user)"
}

test_image_files_are_roots_inside() {
    userns_podd
    podctl pod create web --userns auto > /dev/null
    local uid
    uid=$(pod_field web .userns.uid)
    # The image's files are root's on disk: root's inside too.
    assert_eq "0 0" "$(podctl run --rm --pod web busybox stat -c '%u %g' /bin/busybox)"
    assert_eq "0 0" "$(podctl run --rm --pod web busybox stat -c '%u %g' /)"
    assert_contains "$(podctl run --rm --pod web busybox ls -ln /etc/passwd)" " 0        0 "
    # What the container writes lands in its upper dir as the mapped ids.
    podctl run -d --name app --pod web busybox sh -c 'echo hi > /new; mkdir /d; sleep 300' > /dev/null
    local id
    id=$(ctr_field app .id)
    wait_for test -e "$T/root/containers/$id/upper/d"
    assert_eq "$uid" "$(stat -c %u "$T/root/containers/$id/upper/new")"
    assert_eq "$uid" "$(stat -c %u "$T/root/containers/$id/upper")"
    # Changing a file of the image copies it up, owned by the pod's root.
    podctl exec app sh -c 'echo more >> /etc/passwd'
    assert_eq "$uid" "$(stat -c %u "$T/root/containers/$id/upper/etc/passwd")"
}

test_volume_readable_and_writable() {
    userns_podd
    podctl pod create web --userns auto > /dev/null
    mkdir "$T/vol"
    echo from the host > "$T/vol/f"
    chown 1000:1000 "$T/vol/f"
    local out
    out=$(podctl run --rm --pod web -v "$T/vol:/vol" busybox sh -c \
        'stat -c "%u %g" /vol /vol/f; cat /vol/f; echo from the pod > /vol/g')
    assert_eq "0 0
1000 1000
from the host" "$out"
    # Written by the pod's root: root's on the host, through the idmapped bind.
    assert_eq "from the pod" "$(cat "$T/vol/g")"
    assert_eq "0 0" "$(stat -c '%u %g' "$T/vol/g")"
    # A named volume too.
    podctl run --rm --pod web -v data:/data busybox sh -c 'echo kept > /data/k'
    assert_eq kept "$(podctl run --rm --pod web -v data:/data busybox cat /data/k)"
    # A new volume filled from the image keeps the image's owners inside.
    assert_eq "0 0" "$(podctl run --rm --pod web -v etc:/etc busybox stat -c '%u %g' /etc/passwd)"
    assert_eq "0 0" "$(podctl run --rm -v etc:/etc busybox stat -c '%u %g' /etc/passwd)" \
        "the same volume, outside the user namespace"
}

test_exec_and_debug_join_the_user_namespace() {
    userns_podd
    podctl pod create web --userns auto > /dev/null
    podctl run -d --name app --pod web busybox sleep 300 > /dev/null
    local uid userns
    uid=$(pod_field web .userns.uid)
    userns=$(ns_id "$(infra_pid web)" user)
    assert_eq "$userns" "$(podctl exec app readlink /proc/self/ns/user)"
    # Seen from inside, the exec'd process is root; from the host, the range's.
    assert_eq 0 "$(podctl exec app awk '/^Uid:/ {print $2}' /proc/self/status)"
    podctl exec -d app sleep 300
    local sleeper
    wait_for pgrep -u "$uid" -x sleep
    for sleeper in $(pgrep -u "$uid" -x sleep); do
        assert_eq "$userns" "$(ns_id "$sleeper" user)"
    done
    # A debug container of the pod, and one of the container: both inside.
    assert_eq "$userns" "$(podctl debug web --image busybox -- readlink /proc/self/ns/user)"
    assert_eq "$userns" "$(podctl debug app --image busybox -- readlink /proc/self/ns/user)"
}

test_restart_keeps_ranges() {
    userns_podd
    podctl pod create a --userns auto > /dev/null
    podctl pod create b --userns auto > /dev/null
    podctl pod rm -f a > /dev/null
    podd_stop
    podd_start --subid-file "$T/subid"
    assert_eq 3000065536 "$(pod_field b .userns.uid)"
    assert_eq "0 3000065536 65536" "$(map_of "$(infra_pid b)" uid_map)"
    # The next pod takes the range a freed, not b's.
    podctl pod create c --userns auto > /dev/null
    assert_eq 3000000000 "$(pod_field c .userns.uid)"
    podctl run --rm --pod b busybox true
}

test_used_up_pool_is_refused_and_leaves_nothing() {
    userns_podd 1
    podctl pod create a --userns auto > /dev/null
    assert_exit 125 podctl pod create b --userns auto
    assert_contains "$LAST_ERR" "no free range of 65536 ids"
    assert_exit 125 podctl pod inspect b
    assert_eq 1 "$(podctl pod ls -q | wc -l)"
    # pod rm frees the range for the next pod.
    podctl pod rm -f a > /dev/null
    podctl pod create b --userns auto > /dev/null
    assert_eq 3000000000 "$(pod_field b .userns.uid)"
}

test_bad_mode_is_refused() {
    userns_podd
    assert_exit 125 podctl pod create web --userns maybe
    assert_contains "$LAST_ERR" "userns"
    assert_eq 0 "$(podctl pod ls -q | wc -l)"
}

test_builtin_pool_without_a_podd_entry() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    printf 'someone:100000:65536\n' > "$T/subid"
    assert_exit 1 podd --root "$T/root2" --run-dir "$T/run2" --foreground --subid-file "$T/subid"
    # Without --subid-file and without an entry in /etc/subuid: the built-in pool.
    if grep -q '^podd:' /etc/subuid 2> /dev/null; then
        return 0
    fi
    podd_start
    podctl pod create web --userns auto > /dev/null
    assert_eq 1879048192 "$(pod_field web .userns.uid)"
}

test_kube_host_users_false() {
    userns_podd
    cat > "$T/pod.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  hostUsers: false
  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
EOF
    assert_exit 0 podctl kube play "$T/pod.yaml"
    assert_eq auto "$(pod_field app .userns.mode)"
    wait_for is_running app-main
    assert_eq "0 $(pod_field app .userns.uid) 65536" "$(map_of "$(ctr_pid app-main)" uid_map)"
    assert_contains "$(podctl kube generate app)" "hostUsers: false"
    podctl kube down "$T/pod.yaml" > /dev/null
}

test_copied_layers_without_idmap() {
    userns_podd 4 --userns-layers copy
    podctl pod create web --userns auto > /dev/null
    local uid pod_id
    uid=$(pod_field web .userns.uid)
    pod_id=$(pod_field web .id)
    assert_eq "0 0" "$(podctl run --rm --pod web busybox stat -c '%u %g' /bin/busybox)"
    # The copy is made once per pod and layer, owned by the pod's ids.
    local copy
    copy=$(find "$T/root/userns/$pod_id" -mindepth 1 -maxdepth 1)
    assert_eq 1 "$(echo "$copy" | wc -l)" "one copy of the one layer"
    assert_eq "$uid" "$(stat -c %u "$copy/bin/busybox")"
    assert_eq "hello" "$(podctl run --rm --pod web busybox echo hello)"
    # pod rm takes the copies away.
    podctl pod rm -f web > /dev/null
    wait_for test ! -e "$T/root/userns/$pod_id"
}

run_tests
