#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A grpc.health.v1 server for the probes test (23-probes.sh), written with
python3-grpcio's generic handlers, so no generated code is needed.

    grpc_health_server.py PORT STATE_FILE

Check answers SERVING or NOT_SERVING, as STATE_FILE says when it is read
(the test flips it), for the server ("") and the service "probes.Test";
any other service is NOT_FOUND, as a real health server answers. The
messages are encoded by hand: HealthCheckRequest {string service = 1},
HealthCheckResponse {enum status = 1}.
"""
import sys
from concurrent import futures

import grpc

STATUS = {"SERVING": 1, "NOT_SERVING": 2}


def service_of(request: bytes) -> str:
    # Field 1, length-delimited (tag 0x0a), a one-byte length is enough here.
    if len(request) >= 2 and request[0] == 0x0A:
        return request[2 : 2 + request[1]].decode()
    return ""


def main() -> None:
    port, state_file = int(sys.argv[1]), sys.argv[2]

    def check(request: bytes, context: grpc.ServicerContext) -> bytes:
        if service_of(request) not in ("", "probes.Test"):
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
        with open(state_file, encoding="ascii") as f:
            status = STATUS[f.read().strip()]
        return bytes([0x08, status])

    handler = grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health",
        {"Check": grpc.unary_unary_rpc_method_handler(check)},
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"0.0.0.0:{port}")
    server.start()
    print("listening", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
