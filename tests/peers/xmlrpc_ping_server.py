#!/usr/bin/python3
"""An XML-RPC ping server for tests that answers like Ping-o-Matic, standard library only.

Usage:
  xmlrpc_ping_server.py [--host 127.0.0.1] [--port 0]
                        [--mode ok|flerror|fault|no-extended]
                        [--http-status CODE --count N]

Prints "xmlrpc_ping_server: listening on HOST:PORT" on stderr.
Methods (on any path):
  weblogUpdates.extendedPing(site_name, site_url, feed_url)   (absent with --mode no-extended,
                                                               so a call gets a "method not found"
                                                               fault, as from older services)
  weblogUpdates.ping(site_name, site_url)
Answers by --mode:
  ok       {flerror: False, message: "Thanks for the ping."}
  flerror  {flerror: True, message: "Slow down: too many pings."}
  fault    a Fault(-32500, "Ping refused: test fault") for both methods
--http-status CODE answers the first N POSTs (all with --count 0) with that HTTP status instead.

Test controls:
  GET /_test/received   JSON list of calls received: method, params, user_agent, path, answer.
"""

import argparse
import json
import sys
import threading
from xmlrpc.server import Fault, SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

LOCK = threading.Lock()
RECEIVED = []
ARGS = None
STATE = {"http_failures_left": 0}


def log(message):
    print("xmlrpc_ping_server: " + message, file=sys.stderr, flush=True)


def answer(method, params, user_agent, path):
    record = {"method": method, "params": list(params), "user_agent": user_agent, "path": path}
    if ARGS.mode == "fault":
        record["answer"] = "fault"
        with LOCK:
            RECEIVED.append(record)
        raise Fault(-32500, "Ping refused: test fault")
    if ARGS.mode == "flerror":
        result = {"flerror": True, "message": "Slow down: too many pings."}
    else:
        result = {"flerror": False, "message": "Thanks for the ping."}
    record["answer"] = result
    with LOCK:
        RECEIVED.append(record)
    return result


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ()  # any path

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path == "/_test/received":
            with LOCK:
                body = json.dumps(RECEIVED, indent=1).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        else:
            body = b"an XML-RPC server: POST a methodCall\n"
            self.send_response(405)
            self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        with LOCK:
            fail = ARGS.http_status and (ARGS.count == 0 or STATE["http_failures_left"] > 0)
            if fail and ARGS.count:
                STATE["http_failures_left"] -= 1
        if fail:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            with LOCK:
                RECEIVED.append({"method": None, "params": [], "path": self.path,
                                 "user_agent": self.headers.get("User-Agent", ""),
                                 "answer": ARGS.http_status})
            self.send_response(ARGS.http_status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.server.current = (self.headers.get("User-Agent", ""), self.path)
        super().do_POST()


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=["ok", "flerror", "fault", "no-extended"], default="ok")
    parser.add_argument("--http-status", type=int, default=0)
    parser.add_argument("--count", type=int, default=0)
    ARGS = parser.parse_args()
    STATE["http_failures_left"] = ARGS.count
    # Single-threaded on purpose: `current` (the request's headers) is then never shared.
    server = SimpleXMLRPCServer((ARGS.host, ARGS.port), requestHandler=Handler,
                                logRequests=False, allow_none=True)
    server.current = ("", "")

    def extended_ping(name, url, feed_url):
        return answer("weblogUpdates.extendedPing", (name, url, feed_url), *server.current)

    def ping(name, url):
        return answer("weblogUpdates.ping", (name, url), *server.current)

    if ARGS.mode != "no-extended":
        server.register_function(extended_ping, "weblogUpdates.extendedPing")
    server.register_function(ping, "weblogUpdates.ping")
    host, port = server.server_address[:2]
    log("listening on %s:%d" % (host, port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
