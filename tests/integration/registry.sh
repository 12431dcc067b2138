# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# A real registry for the tests: Debian's docker-registry (distribution 2.8)
# on 127.0.0.1 inside the suite's network namespace, its storage and logs
# under $T, ended by its pid in cleanup_test. Source after lib.sh and oci.sh.
#
#   reg_start [--addr IP] [--tls] [--htpasswd USER PASS] [--token USER PASS]
#       sets REG (127.0.0.1:PORT, or IP:PORT), REG_PID, REG_DIR (storage), REG_LOG (its
#       access log); --tls serves HTTPS with a certificate of a CA the test
#       makes ($T/pki/ca.crt, put in $T/certs.d/$REG/ for podd's
#       --certs-dir); --token makes a token issuer (python3-jwt, RS256, an
#       x5c header) that gives USER PASS pull and push, anyone else pull.
#   reg_stop                   end the registry and the token issuer
#   reg_requests METHOD REGEX  how many METHOD requests on a path matching
#                              REGEX the registry served
#   reg_blob_file DIGEST       the file of a blob in the registry's storage
#   free_port                  a port nothing listens on

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# reg_pki: a CA, a server certificate for 127.0.0.1 signed by it, and a
# self-signed token signing certificate.
reg_pki() {
    local d=$T/pki
    [ -f "$d/ca.crt" ] && return 0
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=podd-test-ca \
        -keyout "$d/ca.key" -out "$d/ca.crt" 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
        -keyout "$d/server.key" -out "$d/server.csr" 2> /dev/null
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > "$d/ext.cnf"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
        -CAcreateserial -days 2 -extfile "$d/ext.cnf" -out "$d/server.crt" 2> /dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=podd-test-token \
        -keyout "$d/token.key" -out "$d/token.crt" 2> /dev/null
}

# The token issuer: GET /token?service=S&scope=repository:NAME:ACTIONS.
reg_token_server() {
    local port=$1 user=$2 pass=$3
    cat > "$T/token_server.py" << 'PY'
import base64, http.server, json, sys, time, uuid
from urllib.parse import urlparse, parse_qs
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

port, user, password, key_file, crt_file, log_file = sys.argv[1:7]
key = open(key_file, "rb").read()
crt = x509.load_pem_x509_certificate(open(crt_file, "rb").read())
x5c = [base64.b64encode(crt.public_bytes(serialization.Encoding.DER)).decode()]

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(log_file, "a") as f:
            f.write("%s\n" % (fmt % args))

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        who, granted = "", ["pull"]
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
            if (u, p) != (user, password):
                self.send_response(401)
                self.end_headers()
                return
            who, granted = u, ["pull", "push"]
        access = []
        for scope in q.get("scope", []):
            kind, name, actions = scope.split(":")
            access.append({"type": kind, "name": name,
                           "actions": [a for a in actions.split(",") if a in granted]})
        now = int(time.time())
        claims = {"iss": "podd-test-issuer", "sub": who, "aud": q.get("service", [""])[0],
                  "iat": now, "nbf": now - 10, "exp": now + 300, "jti": str(uuid.uuid4()),
                  "access": access}
        token = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": x5c})
        body = json.dumps({"token": token, "expires_in": 300}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

http.server.HTTPServer(("127.0.0.1", int(port)), H).serve_forever()
PY
    # Debian's python3, whose python3-jwt the suite depends on (not a venv's).
    /usr/bin/python3 "$T/token_server.py" "$port" "$user" "$pass" "$T/pki/token.key" \
        "$T/pki/token.crt" "$T/token.log" > /dev/null 2>&1 &
    REG_TOKEN_PID=$!
    wait_for curl -sf "http://127.0.0.1:$port/token?service=x"
}

reg_start() {
    local tls='' user='' pass='' mode='' tport scheme=http addr=127.0.0.1
    while [ $# -gt 0 ]; do
        case $1 in
            --addr) addr=$2; shift 2 ;;
            --tls) tls=1; shift ;;
            --htpasswd | --token) mode=${1#--}; user=$2; pass=$3; shift 3 ;;
            *) fail "reg_start: unknown option $1" ;;
        esac
    done
    local port
    port=$(free_port)
    REG=$addr:$port
    REG_DIR=$T/registry
    REG_LOG=$T/registry.log
    mkdir -p "$REG_DIR"
    {
        echo "version: 0.1"
        echo "log: {level: info, formatter: text, accesslog: {disabled: false}}"
        echo "storage: {filesystem: {rootdirectory: $REG_DIR}, delete: {enabled: true}}"
        echo "http:"
        echo "  addr: $REG"
        if [ -n "$tls" ]; then
            reg_pki
            echo "  tls: {certificate: $T/pki/server.crt, key: $T/pki/server.key}"
            scheme=https
        fi
        case $mode in
            htpasswd)
                htpasswd -Bbn "$user" "$pass" > "$T/htpasswd"
                echo "auth: {htpasswd: {realm: podd-test, path: $T/htpasswd}}"
                ;;
            token)
                reg_pki
                tport=$(free_port)
                reg_token_server "$tport" "$user" "$pass"
                echo "auth:"
                echo "  token: {realm: 'http://127.0.0.1:$tport/token', service: podd-test,"
                echo "          issuer: podd-test-issuer, rootcertbundle: $T/pki/token.crt}"
                ;;
        esac
    } > "$T/registry.yml"
    docker-registry serve "$T/registry.yml" > "$REG_LOG" 2>&1 &
    REG_PID=$!
    wait_for curl -s --cacert "$T/pki/ca.crt" -o /dev/null "$scheme://$REG/v2/"
    if [ -n "$tls" ]; then
        mkdir -p "$T/certs.d/$REG"
        cp "$T/pki/ca.crt" "$T/certs.d/$REG/ca.crt"
    fi
}

reg_stop() {
    if [ -n "${REG_PID:-}" ]; then
        kill "$REG_PID" 2> /dev/null || true
        wait "$REG_PID" 2> /dev/null || true
        REG_PID=
    fi
    if [ -n "${REG_TOKEN_PID:-}" ]; then
        kill "$REG_TOKEN_PID" 2> /dev/null || true
        wait "$REG_TOKEN_PID" 2> /dev/null || true
        REG_TOKEN_PID=
    fi
}

reg_requests() {
    local method=$1 re=$2
    grep -cE "\"$method $re HTTP/[0-9.]+\"" "$REG_LOG" || true
}

reg_blob_file() {
    local hex=${1#sha256:}
    echo "$REG_DIR/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}
