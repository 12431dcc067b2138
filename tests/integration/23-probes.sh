#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Probes (issue 12): Kubernetes liveness, readiness and startup probes given
# in the create request (the Probe object's own fields) and docker's
# --health-* flags on run. podd makes httpGet, tcpSocket and grpc checks
# itself from the container's network namespace, so an image with no shell
# and no client is probed all the same; exec checks are exec sessions.
# Covered: readiness following an HTTP endpoint the test toggles, a failing
# liveness probe stopping the container, a startup probe holding the
# others, a liveness failure restarting the container under its restart
# policy, tcpSocket, exec with its output in inspect, an image of one
# static server binary, HTTPS without a certificate check, grpc.health.v1
# against a python3-grpcio server, docker's healthcheck (healthy,
# unhealthy, timeout, ps, --no-healthcheck, the image's HEALTHCHECK),
# probe events, invalid probes refused with nothing left, probes again
# after a podd restart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# create JSON: POST /v1/containers as a client of the API would (podctl
# kube play sends these); fails the test unless it was created (201).
create() {
    local code
    code=$(api -o "$T/resp" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d "$1" http://podd/v1/containers)
    [ "$code" = 201 ] || fail "create: HTTP $code: $(cat "$T/resp")"
}

# refused JSON NEEDLE: the create is refused with 400 and a message.
refused() {
    local code
    code=$(api -o "$T/resp" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d "$1" http://podd/v1/containers)
    assert_eq 400 "$code" "status of $1"
    assert_contains "$(cat "$T/resp")" "$2"
}

is_ready() { [ "$(ctr_field "$1" .ready)" = true ]; }
not_ready() { [ "$(ctr_field "$1" .ready)" = false ]; }
health_is() { [ "$(ctr_field "$1" .health.status)" = "$2" ]; }
# field_ge CONTAINER .path N: an inspect number at least N.
field_ge() { [ "$(ctr_field "$1" "$2")" -ge "$3" ]; }

# A busybox httpd serving /www on 8080 in pod web; /www/ready and
# /www/alive exist.
HTTPD='mkdir -p /www && touch /www/ready /www/alive && exec httpd -f -p 8080 -h /www'

test_readiness_follows_an_http_endpoint() {
    with_busybox
    podctl pod create web > /dev/null
    create '{"name": "srv", "pod": "web", "image": "busybox", "start": true,
             "command": ["sh", "-c", "'"$HTTPD"'"],
             "readiness_probe": {"httpGet": {"path": "/ready", "port": 8080},
                                 "periodSeconds": 1, "failureThreshold": 1}}'
    wait_for is_ready srv
    assert_eq success "$(ctr_field srv .probes.readiness.result)"
    assert_contains "$(podctl ps)" "Up"
    podctl exec srv rm /www/ready
    wait_for not_ready srv
    assert_eq failure "$(ctr_field srv .probes.readiness.result)"
    assert_contains "$(ctr_field srv .probes.readiness.last_failures)" \
        "HTTP probe failed with statuscode: 404"
    assert_contains "$(podctl ps)" "(not ready)"
    podctl exec srv touch /www/ready
    wait_for is_ready srv
    # A readiness failure never stops anything.
    assert_eq running "$(ctr_field srv .state)"
    # The flips are events podctl events follows.
    local ev
    ev=$(podctl events --since 1h --until "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" --filter container=srv --format json)
    assert_contains "$ev" '"action":"probe_failed"'
    assert_contains "$ev" '"probe":"readiness"'
    assert_contains "$ev" '"action":"unready"'
    assert_eq 2 "$(grep -c '"action":"ready"' <<< "$ev")" "ready events"
}

test_liveness_failure_stops_the_container() {
    with_busybox
    podctl pod create web > /dev/null
    create '{"name": "srv", "pod": "web", "image": "busybox", "start": true,
             "command": ["sh", "-c", "'"$HTTPD"'"], "restart_policy": "no",
             "liveness_probe": {"httpGet": {"path": "/alive", "port": 8080,
                                            "httpHeaders": [{"name": "X-Probe", "value": "1"}]},
                                "periodSeconds": 1, "failureThreshold": 2,
                                "terminationGracePeriodSeconds": 1}}'
    wait_for is_running srv
    WAIT_TIMEOUT=5 wait_for field_ge srv .probes.liveness.successes 1
    podctl exec srv rm /www/alive
    WAIT_TIMEOUT=15 wait_for is_exited srv
    assert_eq failure "$(ctr_field srv .probes.liveness.result)"
    assert_contains "$(ctr_field srv .probes.liveness.last_failures)" "statuscode: 404"
    assert_contains "$(cat "$T/podd.log")" "liveness probe failed 2 times"
    assert_eq 0 "$(ctr_field srv .restart_count)"
    assert_contains "$(ctr_field srv .reason)" "stopped by its liveness probe: HTTP probe failed"
}

# With a restart policy, a liveness failure is a crash: the container is
# restarted (in the same pod, the same address) and its count grows; the
# probes start over on the new instance.
test_liveness_failure_restarts_the_container() {
    with_busybox
    podctl pod create web --restart-backoff 0.2:1 > /dev/null
    create '{"name": "srv", "pod": "web", "image": "busybox", "start": true,
             "restart_policy": "always",
             "command": ["sh", "-c", "'"$HTTPD"'"],
             "liveness_probe": {"httpGet": {"path": "/alive", "port": 8080},
                                "initialDelaySeconds": 1, "periodSeconds": 1,
                                "failureThreshold": 1, "terminationGracePeriodSeconds": 1}}'
    wait_for is_running srv
    local pid
    pid=$(ctr_pid srv)
    podctl exec srv rm /www/alive
    WAIT_TIMEOUT=20 wait_for field_ge srv .restart_count 1
    wait_for is_running srv
    assert_ne "$pid" "$(ctr_pid srv)" "a new instance"
    assert_contains "$(ctr_field srv .last_state)" '"exit_code"'
    local ev
    ev=$(podctl events --since 1h --until "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" --filter container=srv --format json)
    assert_contains "$ev" '"probe":"liveness"'
    assert_contains "$ev" '"action":"die"'
    # The new instance serves /alive again: it stays up, its probe passes.
    WAIT_TIMEOUT=15 wait_for field_ge srv .probes.liveness.successes 1
    assert_eq 1 "$(ctr_field srv .restart_count)"
}

test_startup_probe_holds_the_others() {
    with_busybox
    podctl pod create web > /dev/null
    create '{"name": "slow", "pod": "web", "image": "busybox", "start": true,
             "command": ["sh", "-c", "'"$HTTPD"'"],
             "startup_probe": {"exec": {"command": ["cat", "/tmp/started"]},
                               "periodSeconds": 1, "failureThreshold": 60},
             "readiness_probe": {"tcpSocket": {"port": 8080}, "periodSeconds": 1},
             "liveness_probe": {"tcpSocket": {"port": 9}, "periodSeconds": 1,
                                "failureThreshold": 1}}'
    WAIT_TIMEOUT=15 wait_for field_ge slow .probes.startup.failures 2
    assert_eq false "$(ctr_field slow .startup_done)"
    assert_eq false "$(ctr_field slow .ready)"
    # Neither readiness nor liveness (which would fail: nothing on 9) ran.
    assert_eq unknown "$(ctr_field slow .probes.readiness.result)"
    assert_eq 0 "$(ctr_field slow .probes.readiness.successes)"
    assert_eq 0 "$(ctr_field slow .probes.liveness.failures)"
    assert_contains "$(ctr_field slow .probes.startup.last_failures)" "No such file"
    assert_eq running "$(ctr_field slow .state)"
    # Started: readiness passes over TCP, liveness fails on port 9 and
    # stops it.
    podctl exec slow touch /tmp/started
    WAIT_TIMEOUT=15 wait_for is_exited slow
    assert_eq success "$(ctr_field slow .probes.startup.result)"
    assert_contains "$(ctr_field slow .probes.liveness.last_failures)" "onnect"
}

test_tcp_socket_probe() {
    with_busybox
    podctl pod create web > /dev/null
    create '{"name": "nc", "pod": "web", "image": "busybox", "start": true,
             "command": ["sh", "-c", "while [ ! -f /tmp/go ]; do sleep 0.1; done; exec httpd -f -p 7000"],
             "readiness_probe": {"tcpSocket": {"port": 7000}, "periodSeconds": 1,
                                 "failureThreshold": 1}}'
    WAIT_TIMEOUT=15 wait_for field_ge nc .probes.readiness.failures 1
    assert_eq false "$(ctr_field nc .ready)"
    assert_contains "$(ctr_field nc .probes.readiness.last_failures)" "onnect"
    podctl exec nc touch /tmp/go
    WAIT_TIMEOUT=15 wait_for is_ready nc
}

test_exec_probe_output_in_inspect() {
    with_busybox
    create '{"name": "ex", "image": "busybox", "start": true, "command": ["sleep", "1000"],
             "readiness_probe": {"exec": {"command": ["sh", "-c", "echo not yet; test -f /tmp/ok"]},
                                 "periodSeconds": 1, "failureThreshold": 1}}'
    WAIT_TIMEOUT=15 wait_for field_ge ex .probes.readiness.failures 1
    assert_contains "$(ctr_field ex .probes.readiness.last_failures)" "not yet"
    # The probe's sessions are podd's own: not listed as the user's.
    assert_eq "[]" "$(ctr_field ex .exec_sessions)"
    podctl exec ex touch /tmp/ok
    WAIT_TIMEOUT=15 wait_for is_ready ex
}

# httpGet with scheme HTTPS: no certificate check, as the kubelet's. The
# server is python3's http.server behind a self-signed certificate, in the
# pod's network namespace; its /ready answers 200 while a file exists.
test_https_probe() {
    with_busybox
    podctl pod create web > /dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=probe -days 1 \
        -keyout "$T/key.pem" -out "$T/cert.pem" > /dev/null 2>&1
    touch "$T/ready"
    nsenter --net="/proc/$(infra_pid web)/ns/net" /usr/bin/python3 -c '
import http.server, os, ssl, sys
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/ready" and os.path.exists(d + "/ready")
        self.send_response(200 if ok else 503)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("0.0.0.0", 8443), H)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.load_cert_chain(d + "/cert.pem", d + "/key.pem")
s.socket = c.wrap_socket(s.socket, server_side=True)
print("listening", flush=True)
s.serve_forever()
' "$T" > "$T/https.log" 2>&1 &
    SERVER_PID=$!
    wait_for grep -q listening "$T/https.log"
    create '{"name": "tls", "pod": "web", "image": "busybox", "start": true,
             "command": ["sleep", "1000"],
             "readiness_probe": {"httpGet": {"path": "/ready", "port": 8443, "scheme": "HTTPS"},
                                 "periodSeconds": 1, "failureThreshold": 1}}'
    wait_for is_ready tls
    rm "$T/ready"
    WAIT_TIMEOUT=15 wait_for not_ready tls
    assert_contains "$(ctr_field tls .probes.readiness.last_failures)" "statuscode: 503"
}

# An image of one static binary: busybox as /bin/httpd (it runs the applet
# its name says), a page, nothing else: no sh, no wget, no curl.
make_tiny_image() {
    local dir=$T/tiny
    mkdir -p "$dir/bin" "$dir/www"
    cp /bin/busybox "$dir/bin/httpd"
    echo ok > "$dir/www/healthz"
    podctl image import tiny "$dir" > /dev/null
}

test_probes_on_an_image_without_tools() {
    with_busybox
    make_tiny_image
    podctl pod create web > /dev/null
    create '{"name": "tiny", "pod": "web", "image": "tiny", "start": true,
             "command": ["/bin/httpd", "-f", "-p", "8080", "-h", "/www"],
             "readiness_probe": {"httpGet": {"path": "/healthz", "port": 8080},
                                 "periodSeconds": 1},
             "liveness_probe": {"tcpSocket": {"port": 8080}, "periodSeconds": 1}}'
    wait_for is_ready tiny
    assert_eq success "$(ctr_field tiny .probes.liveness.result)"
    assert_exit 127 podctl exec tiny sh -c true
}

test_health_cmd_healthy_and_unhealthy() {
    with_busybox
    podctl run -d --name hc --health-cmd 'test -f /tmp/ok' --health-interval 200ms \
        --health-retries 2 --health-timeout 2s busybox sleep 1000 > /dev/null
    WAIT_TIMEOUT=15 wait_for health_is hc unhealthy
    assert_contains "$(podctl ps)" "(unhealthy)"
    assert_eq running "$(ctr_field hc .state)"
    podctl exec hc touch /tmp/ok
    WAIT_TIMEOUT=15 wait_for health_is hc healthy
    assert_eq 0 "$(ctr_field hc .health.failing_streak)"
    assert_eq 0 "$(ctr_field hc .health.log.4.exit_code)"
    assert_contains "$(podctl ps)" "(healthy)"
    local ev
    ev=$(podctl events --since 1h --until "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" --filter event=health_status --format json)
    assert_contains "$ev" '"status":"unhealthy"'
    assert_contains "$ev" '"status":"healthy"'
    # The record keeps docker's fields, defaults filled.
    assert_eq '{"interval": 0.2, "retries": 2, "start_period": 0, "test": ["CMD-SHELL", "test -f /tmp/ok"], "timeout": 2}' \
        "$(podctl inspect hc | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0].get("healthcheck"), sort_keys=True))')"
}

test_health_timeout_and_no_healthcheck() {
    with_busybox
    podctl run -d --name slow --health-cmd 'sleep 10' --health-interval 200ms \
        --health-timeout 300ms --health-retries 1 busybox sleep 1000 > /dev/null
    WAIT_TIMEOUT=15 wait_for health_is slow unhealthy
    assert_contains "$(ctr_field slow .health.log)" "Health check exceeded timeout"
    # docker's first check comes an interval after the start.
    podctl run -d --name later --health-cmd true --health-interval 1h busybox sleep 1000 > /dev/null
    assert_eq starting "$(ctr_field later .health.status)"
    assert_contains "$(podctl ps | grep ' later ')" "(health: starting)"
    podctl run -d --name none --no-healthcheck busybox sleep 1000 > /dev/null
    assert_eq "" "$(ctr_field none .health)"
    assert_not_contains "$(podctl ps | grep ' none ')" "health"
}

# grpc: grpc.health.v1.Health/Check over HTTP/2 without TLS, against a
# python3-grpcio server the test runs in the pod's network namespace.
# SERVER_PID: that server, or test_https_probe's.
SERVER_PID=
cleanup_test() {
    if [ -n "${SERVER_PID:-}" ]; then
        kill "$SERVER_PID" 2> /dev/null || true
        wait "$SERVER_PID" 2> /dev/null || true
    fi
}

test_grpc_probe() {
    with_busybox
    podctl pod create web > /dev/null
    echo SERVING > "$T/grpc-state"
    nsenter --net="/proc/$(infra_pid web)/ns/net" /usr/bin/python3 \
        "$(dirname "$0")/../helpers/grpc_health_server.py" 50051 "$T/grpc-state" \
        > "$T/grpc.log" 2>&1 &
    SERVER_PID=$!
    wait_for grep -q listening "$T/grpc.log"
    create '{"name": "g", "pod": "web", "image": "busybox", "start": true,
             "command": ["sleep", "1000"],
             "readiness_probe": {"grpc": {"port": 50051, "service": "probes.Test"},
                                 "periodSeconds": 1, "failureThreshold": 1}}'
    create '{"name": "unknown", "pod": "web", "image": "busybox", "start": true,
             "command": ["sleep", "1000"],
             "readiness_probe": {"grpc": {"port": 50051, "service": "nope"},
                                 "periodSeconds": 1, "failureThreshold": 1}}'
    wait_for is_ready g
    echo NOT_SERVING > "$T/grpc-state"
    WAIT_TIMEOUT=15 wait_for not_ready g
    assert_contains "$(ctr_field g .probes.readiness.last_failures)" \
        'service unhealthy (responded with \"NOT_SERVING\")'
    echo SERVING > "$T/grpc-state"
    WAIT_TIMEOUT=15 wait_for is_ready g
    assert_eq false "$(ctr_field unknown .ready)"
    assert_contains "$(ctr_field unknown .probes.readiness.last_failures)" "code = 5"
}

# oci_healthcheck LAYOUT TAG JSON: set the image config's Healthcheck (umoci
# config has no flag for it): a new config blob, manifest and index entry.
oci_healthcheck() {
    /usr/bin/python3 - "$@" << 'EOF'
import hashlib, json, os, sys
layout, tag, hc = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
def blob(d):
    return os.path.join(layout, "blobs", *d.split(":"))
def put(obj):
    data = json.dumps(obj).encode()
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(d), "wb") as f:
        f.write(data)
    return d, len(data)
index = json.load(open(os.path.join(layout, "index.json")))
entry = next(m for m in index["manifests"]
             if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
manifest = json.load(open(blob(entry["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
config.setdefault("config", {})["Healthcheck"] = hc
manifest["config"]["digest"], manifest["config"]["size"] = put(config)
entry["digest"], entry["size"] = put(manifest)
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
EOF
}

# The image's HEALTHCHECK applies when run gives none; --no-healthcheck and
# --health-cmd replace it.
test_image_healthcheck() {
    podd_start
    oci_base "$T/oci" base
    oci_healthcheck "$T/oci" base \
        '{"Test": ["CMD-SHELL", "test -f /tmp/ok"], "Interval": 200000000, "Retries": 1}'
    oci_archive "$T/oci" base "$T/hc.tar" docker-archive hc:latest
    podctl image load -i "$T/hc.tar" > /dev/null
    podctl run -d --name img hc sleep 1000 > /dev/null
    assert_eq '["CMD-SHELL", "test -f /tmp/ok"]' "$(ctr_field img .healthcheck.test)"
    WAIT_TIMEOUT=15 wait_for health_is img unhealthy
    podctl exec img touch /tmp/ok
    WAIT_TIMEOUT=15 wait_for health_is img healthy
    podctl run -d --name off --no-healthcheck hc sleep 1000 > /dev/null
    assert_eq "" "$(ctr_field off .health)"
    podctl run -d --name mine --health-cmd true --health-interval 200ms hc sleep 1000 > /dev/null
    WAIT_TIMEOUT=15 wait_for health_is mine healthy
}

test_invalid_probes_refused() {
    with_busybox
    refused '{"image": "busybox", "liveness_probe": {"tcpSocket": {"port": 80}, "successThreshold": 2}}' \
        "liveness_probe.successThreshold: must be 1"
    refused '{"image": "busybox", "readiness_probe": {"httpGet": {"port": 70000}}}' \
        "readiness_probe.httpGet.port"
    refused '{"image": "busybox", "readiness_probe": {"httpGet": {"port": "http"}}}' "is a name"
    refused '{"image": "busybox", "startup_probe": {}}' "must specify a handler type"
    refused '{"image": "busybox", "startup_probe": {"exec": {"command": ["true"]}, "tcpSocket": {"port": 1}}}' \
        "may not specify more than 1 handler type"
    refused '{"image": "busybox", "readiness_probe": {"tcpSocket": {"port": 1}, "periodSeconds": 0}}' \
        "periodSeconds"
    refused '{"image": "busybox", "healthcheck": {"test": ["SHELL", "x"]}}' "healthcheck.test"
    assert_exit 125 podctl run -d --health-cmd true --health-interval soon busybox true
    assert_exit 125 podctl run -d --health-interval 1s busybox true
    assert_exit 125 podctl run -d --health-cmd true --no-healthcheck busybox true
    assert_exit 125 podctl run -d --health-cmd true --health-retries -1 busybox true
    assert_eq "" "$(podctl ps -a -q)"
}

test_probes_run_again_after_a_podd_restart() {
    with_busybox
    podctl pod create web > /dev/null
    create '{"name": "srv", "pod": "web", "image": "busybox", "start": true,
             "command": ["sh", "-c", "'"$HTTPD"'"],
             "readiness_probe": {"httpGet": {"path": "/ready", "port": 8080},
                                 "periodSeconds": 1, "failureThreshold": 1}}'
    wait_for is_ready srv
    podd_stop
    podd_start
    wait_for is_ready srv
    podctl exec srv rm /www/ready
    WAIT_TIMEOUT=15 wait_for not_ready srv
}

run_tests
