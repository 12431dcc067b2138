#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A multi-container pod: a busybox httpd and a client that fetches from it
# over 127.0.0.1, because containers of one pod share its network
# namespace. Then logs, ps, stop and the exit codes docker users expect.
. "$(dirname "$0")/common.sh"

images=$(cd "$(dirname "$0")/../build/images" && pwd)

podctl image import busybox "$images/busybox" > /dev/null
show podctl pod create web
show podctl run -d --pod web --name server busybox sh -c \
    'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -v -p 127.0.0.1:8080 -h /www'
for _ in $(seq 100); do
    podctl run --rm --pod web busybox wget -qO /dev/null http://127.0.0.1:8080/ 2> /dev/null && break
    sleep 0.05
done
show podctl run --rm --pod web --name client busybox wget -qO- http://127.0.0.1:8080/
show podctl ps
show podctl logs server
echo "# httpd runs as PID 1 of its container, where SIGTERM without a handler is ignored:"
echo "# stop sends SIGTERM, then SIGKILL after -t seconds."
show podctl stop -t 1 server
show podctl ps -a
echo "# A command that does not exist exits 127, as with docker:"
show podctl run --rm busybox no-such-command || echo "exit code $?"
show podctl pod rm -f web
