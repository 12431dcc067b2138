#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# seccomp and no-new-privileges (issue 13): every container gets docker's
# default profile (Seccomp: 2 in its /proc status, seen from the host), a
# call it blocks fails with EPERM and works under seccomp=unconfined or with
# the capability that guards it, a custom profile in docker's format is
# enforced (exec sessions included), bad profiles are refused with nothing
# left, and no-new-privileges decides whether a setuid program gains its
# owner's uid.
. "$(dirname "$0")/lib.sh"

setup() {
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# status_of PID FIELD: a field of the process's /proc status, from the host.
status_of() {
    awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

# A profile that allows everything but mkdir, which fails with EDQUOT (122):
# an errno nothing else would give. A name no kernel has is skipped, as
# docker does.
write_mkdir_profile() {
    cat > "$1" << 'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122,
     "comment": "no new directories"},
    {"names": ["no_such_syscall_anywhere"], "action": "SCMP_ACT_ERRNO"},
    {"names": ["chroot"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
     "includes": {"caps": ["CAP_SYS_ADMIN"]}}
  ]
}
EOF
}

test_every_container_gets_the_default_profile() {
    setup
    podctl run -d --name web busybox sleep 600 > /dev/null
    wait_for is_running web
    local pid
    pid=$(ctr_pid web)
    assert_eq 2 "$(status_of "$pid" Seccomp)" "Seccomp of the workload"
    assert_eq 1 "$(status_of "$pid" Seccomp_filters)" "Seccomp_filters of the workload"
    # docker's default: setuid programs of an image keep working.
    assert_eq 0 "$(status_of "$pid" NoNewPrivs)" "NoNewPrivs of the workload"
    assert_eq default "$(ctr_field web .seccomp)"
    assert_eq false "$(ctr_field web .no_new_privileges)"
    assert_eq "[]" "$(ctr_field web .security_opt)"
    # Compiled once for these capabilities, then read back: a second
    # container with them uses the same program.
    local cached
    cached=$(ls "$T/root/seccomp")
    assert_contains "$cached" ".bpf"
    podctl run -d --name web2 busybox sleep 600 > /dev/null
    wait_for is_running web2
    assert_eq 2 "$(status_of "$(ctr_pid web2)" Seccomp)"
    assert_eq "$cached" "$(ls "$T/root/seccomp")" "the cache after a second container"
}

test_blocked_call_fails_with_eperm_and_works_unconfined() {
    setup
    # unshare(CLONE_NEWUSER) needs no capability, so only the filter stops it.
    assert_exit 1 podctl run --rm busybox unshare -U true
    assert_contains "$LAST_ERR" "Operation not permitted"
    assert_exit 0 podctl run --rm --security-opt seccomp=unconfined busybox unshare -U true
    # The same profile lets it through for a workload with CAP_SYS_ADMIN,
    # as docker's does.
    assert_exit 0 podctl run --rm --cap-add SYS_ADMIN busybox unshare -U true
    # clone3 says ENOSYS without it, so that libc falls back to clone.
    podctl run -d --name free --security-opt seccomp=unconfined busybox sleep 600 > /dev/null
    wait_for is_running free
    assert_eq 0 "$(status_of "$(ctr_pid free)" Seccomp)" "Seccomp unconfined"
    assert_eq unconfined "$(ctr_field free .seccomp)"
    assert_eq '["seccomp=unconfined"]' "$(ctr_field free .security_opt)"
}

test_custom_profile_and_exec_sessions() {
    setup
    write_mkdir_profile "$T/profile.json"
    assert_exit 1 podctl run --rm --security-opt "seccomp=$T/profile.json" busybox mkdir /made
    assert_contains "$LAST_ERR" "Disk quota exceeded"
    assert_exit 0 podctl run --rm --security-opt "seccomp=$T/profile.json" busybox \
        sh -c 'touch /file && unshare -U true'
    podctl run -d --name custom --security-opt "seccomp=$T/profile.json" busybox sleep 600 \
        > /dev/null
    wait_for is_running custom
    assert_eq custom "$(ctr_field custom .seccomp)"
    assert_eq '["seccomp=<custom>"]' "$(ctr_field custom .security_opt)"
    assert_eq 2 "$(status_of "$(ctr_pid custom)" Seccomp)"
    # An exec session runs under the container's filter.
    assert_exit 1 podctl exec custom mkdir /made
    assert_contains "$LAST_ERR" "Disk quota exceeded"
    assert_eq 2 "$(podctl exec custom awk '$1 == "Seccomp:" {print $2}' /proc/self/status)"
    # And under the default one, with its capability-dependent rules.
    podctl run -d --name plain busybox sleep 600 > /dev/null
    wait_for is_running plain
    assert_exit 1 podctl exec plain unshare -U true
    assert_contains "$LAST_ERR" "Operation not permitted"
    # Across a restart of the container, the profile is the record's.
    podctl restart -t 0 custom > /dev/null
    wait_for is_running custom
    assert_exit 1 podctl exec custom mkdir /made
}

# refused_create CMD...: CMD fails with 125, one line, and no container.
refused_create() {
    assert_exit 125 "$@"
    assert_one_line "$LAST_ERR"
    assert_eq "" "$(podctl ps -a -q)" "containers after a refused create"
}

test_bad_options_and_profiles_are_refused() {
    setup
    echo 'not json' > "$T/bad.json"
    refused_create podctl run --rm --security-opt "seccomp=$T/bad.json" busybox true
    assert_contains "$LAST_ERR" "seccomp profile"
    echo '{"defaultAction": "SCMP_ACT_MAYBE"}' > "$T/bad.json"
    refused_create podctl run --rm --security-opt "seccomp=$T/bad.json" busybox true
    assert_contains "$LAST_ERR" 'unknown action "SCMP_ACT_MAYBE"'
    echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
        "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]}' \
        > "$T/bad.json"
    refused_create podctl run --rm --security-opt "seccomp=$T/bad.json" busybox true
    assert_contains "$LAST_ERR" 'syscalls[0]: args[0]: unknown op "SCMP_CMP_ABOUT"'
    echo '{"syscalls": []}' > "$T/bad.json"
    refused_create podctl run --rm --security-opt "seccomp=$T/bad.json" busybox true
    assert_contains "$LAST_ERR" '"defaultAction" is required'
    refused_create podctl run --rm --security-opt "seccomp=$T/missing.json" busybox true
    assert_contains "$LAST_ERR" "missing.json"
    refused_create podctl run --rm --security-opt apparmor=unconfined busybox true
    assert_contains "$LAST_ERR" 'security_opt "apparmor=unconfined" is not supported'
    refused_create podctl run --rm --security-opt no-new-privileges:maybe busybox true
    # The API by hand: a path is not a profile (podctl reads the file).
    local out
    out=$(api -X POST -d '{"image": "busybox", "command": ["true"],
        "security_opt": ["seccomp=/etc/profile.json"]}' http://podd/v1/containers)
    assert_contains "$out" "seccomp profile"
    assert_eq "" "$(podctl ps -a -q)"
}

# A static program that prints its effective uid: made setuid root in the
# container, it shows whether execve gave it root.
build_euid() {
    cat > "$T/euid.c" << 'EOF'
#include <stdio.h>
#include <unistd.h>
int main(void) { printf("%u\n", (unsigned)geteuid()); return 0; }
EOF
    cc -static -O1 -o "$T/euid" "$T/euid.c"
}

# setuid_euid CONTAINER: the euid the setuid helper gets when nobody runs it.
setuid_euid() {
    podctl cp "$T/euid" "$1:/euid" > /dev/null
    podctl exec "$1" chmod 4755 /euid
    podctl exec -u 65534 "$1" /euid
}

test_no_new_privileges_decides_setuid() {
    setup
    build_euid
    podctl run -d --name suid busybox sleep 600 > /dev/null
    wait_for is_running suid
    assert_eq 0 "$(setuid_euid suid)" "euid of a setuid-root program, as docker"
    podctl run -d --name nnp --security-opt no-new-privileges busybox sleep 600 > /dev/null
    wait_for is_running nnp
    assert_eq 1 "$(status_of "$(ctr_pid nnp)" NoNewPrivs)" "NoNewPrivs with no-new-privileges"
    assert_eq true "$(ctr_field nnp .no_new_privileges)"
    assert_eq '["no-new-privileges"]' "$(ctr_field nnp .security_opt)"
    assert_eq 65534 "$(setuid_euid nnp)" "euid of a setuid-root program under no_new_privs"
    assert_eq 1 "$(podctl exec nnp awk '$1 == "NoNewPrivs:" {print $2}' /proc/self/status)"
    # The explicit forms, and Kubernetes' allowPrivilegeEscalation: false.
    podctl run -d --name off --security-opt no-new-privileges=false busybox sleep 600 > /dev/null
    wait_for is_running off
    assert_eq 0 "$(status_of "$(ctr_pid off)" NoNewPrivs)"
    api -X POST -d '{"name": "ape", "image": "busybox", "command": ["sleep", "600"],
        "allow_privilege_escalation": false, "start": true}' http://podd/v1/containers > /dev/null
    wait_for is_running ape
    assert_eq 1 "$(status_of "$(ctr_pid ape)" NoNewPrivs)" "NoNewPrivs with allow_privilege_escalation false"
    assert_eq true "$(ctr_field ape .no_new_privileges)"
}

test_kube_manifests() {
    setup
    cat > "$T/pod.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: kp}
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
  - name: loose
    image: busybox
    command: [sleep, "600"]
  - name: tight
    image: busybox
    command: [sleep, "600"]
    securityContext:
      allowPrivilegeEscalation: false
      seccompProfile: {type: RuntimeDefault}
EOF
    assert_exit 0 podctl kube play "$T/pod.yaml"
    wait_for is_running kp-loose
    wait_for is_running kp-tight
    assert_eq 0 "$(status_of "$(ctr_pid kp-loose)" Seccomp)" "Seccomp under Unconfined"
    assert_eq 0 "$(status_of "$(ctr_pid kp-loose)" NoNewPrivs)"
    assert_eq 2 "$(status_of "$(ctr_pid kp-tight)" Seccomp)" "Seccomp under RuntimeDefault"
    assert_eq 1 "$(status_of "$(ctr_pid kp-tight)" NoNewPrivs)" "allowPrivilegeEscalation: false"
    podctl kube generate kp > "$T/gen.yaml"
    assert_contains "$(cat "$T/gen.yaml")" "type: Unconfined"
    assert_contains "$(cat "$T/gen.yaml")" "allowPrivilegeEscalation: false"
    assert_exit 0 podctl kube down "$T/pod.yaml"
}

run_tests
