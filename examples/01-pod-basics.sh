#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A pod is an infra process holding new net, ipc and uts namespaces (and a
# PID namespace with --share-pid). Create one, look inside it from the host,
# stop it, start it, remove it.
. "$(dirname "$0")/common.sh"

show podctl pod create web --share-pid --label app=demo
show podctl pod create cache --hostname cache.local
show podctl pod ls

infra=$(podctl pod inspect web --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["infra"]["pid"])')
echo "# The infra process is podd-pause, PID 1 of the pod's PID namespace:"
show grep -E '^(Name|NSpid)' /proc/"$infra"/status
echo "# Its namespaces differ from the host's:"
for ns in net ipc uts pid; do
    printf '  %-4s host %-20s pod %s\n' "$ns" "$(readlink /proc/self/ns/$ns)" "$(readlink /proc/"$infra"/ns/$ns)"
done
echo "# ip netns knows the pod; its network has lo, up, and eth0 on the default network:"
show ip netns list
show ip netns exec podd-web ip -brief link
show nsenter -t "$infra" -u hostname

show podctl pod stop web
show podctl pod start web
show podctl pod rm -f web cache
show podctl pod ls
