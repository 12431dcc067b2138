#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Kubernetes without a cluster: play a Pod manifest whose init container
# writes the page an httpd serves from a shared emptyDir, published on a
# host port and gated by a readiness probe podd runs itself; then generate
# the manifest back and take the pod down.
. "$(dirname "$0")/common.sh"

images=$(cd "$(dirname "$0")/../build/images" && pwd)
manifest=$(dirname "$0")/manifests/web.yaml

podctl image import busybox "$images/busybox" > /dev/null
cat "$manifest"
show podctl kube play "$manifest"
for _ in $(seq 100); do
    [ "$(podctl pod inspect web | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["ready"])')" = 1/1 ] && break
    sleep 0.1
done
show podctl pod ls
show curl -s http://127.0.0.1:8080/
show podctl ps -a
show podctl kube generate web
show podctl kube down "$manifest"
