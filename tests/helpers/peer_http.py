#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A web server for the simulated outside: every GET is answered with the
# client's address as this server saw it, one line. Listens on port 80 of
# every address of its namespace, IPv4 and IPv6 (a dual-stack socket), until
# it is killed. Writes "ready" to the file given as its argument once it
# listens.
import http.server
import socket
import sys


class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


class Peer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        peer = self.client_address[0]
        if peer.startswith("::ffff:"):
            peer = peer[len("::ffff:"):]
        body = (peer + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


server = Server(("::", 80), Peer)
with open(sys.argv[1], "w") as f:
    f.write("ready\n")
server.serve_forever()
