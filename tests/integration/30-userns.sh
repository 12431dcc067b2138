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
    podd_start --subid-file "$T/subid"
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
run_tests
