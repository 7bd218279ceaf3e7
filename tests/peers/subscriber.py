#!/usr/bin/python3
"""A WebSub subscriber for tests (W3C "WebSub" §5, §7, §8), standard library only.

Usage:
  subscriber.py --hub HUB_URL --topic TOPIC_URL [--secret S] [--host 127.0.0.1] [--port 0]
                [--lease-seconds N]

Listens, then subscribes to TOPIC at HUB with its own URL as hub.callback. Prints on stderr:
  "subscriber: listening on HOST:PORT"
  "subscriber: subscribed to TOPIC"       once the hub's intent verification arrived and was answered
  "subscriber: received N bytes (signature ok|bad|none)" for each content distribution
Verification requests for a topic it did not ask for are refused with 404 (§5.3).

Test controls:
  GET /_test/received   JSON list of distributions: body, content_type, links, signature
                        ("ok", "bad" or "none"), time.
"""

import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
RECEIVED = []
ARGS = None


def log(message):
    print("subscriber: " + message, file=sys.stderr, flush=True)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body=b"", content_type="text/plain; charset=utf-8"):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        if parts.path == "/_test/received":
            with LOCK:
                return self.reply(200, json.dumps(RECEIVED, indent=1), "application/json")
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        mode = query.get("hub.mode")
        if mode in ("subscribe", "unsubscribe") and query.get("hub.topic") == ARGS.topic:
            self.reply(200, query.get("hub.challenge", ""))
            log("%s to %s" % ("subscribed" if mode == "subscribe" else "unsubscribed",
                              ARGS.topic))
            return None
        if mode == "denied":
            log("denied: %s" % query.get("hub.reason", ""))
            return self.reply(200)
        return self.reply(404, "not a subscription of mine\n")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        signature = "none"
        header = self.headers.get("X-Hub-Signature", "")
        if ARGS.secret:
            method, _, value = header.partition("=")
            algorithms = {"sha1": hashlib.sha1, "sha256": hashlib.sha256,
                          "sha384": hashlib.sha384, "sha512": hashlib.sha512}
            if method in algorithms:
                expected = hmac.new(ARGS.secret.encode(), body, algorithms[method]).hexdigest()
                signature = "ok" if hmac.compare_digest(expected, value) else "bad"
            else:
                signature = "bad"
        with LOCK:
            RECEIVED.append({"body": body.decode("utf-8", "replace"),
                             "content_type": self.headers.get("Content-Type", ""),
                             "links": self.headers.get_all("Link") or [],
                             "signature": signature, "time": time.time()})
        # §8: a bad signature is acknowledged with 2xx but the content is ignored.
        self.reply(202)
        log("received %d bytes (signature %s)" % (len(body), signature))


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--secret", default="")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lease-seconds", type=int, default=86400)
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer((ARGS.host, ARGS.port), Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log("listening on %s:%d" % (host, port))
    form = {"hub.mode": "subscribe", "hub.callback": "http://%s:%d/callback" % (host, port),
            "hub.topic": ARGS.topic, "hub.lease_seconds": str(ARGS.lease_seconds)}
    if ARGS.secret:
        form["hub.secret"] = ARGS.secret
    request = urllib.request.Request(ARGS.hub, data=urllib.parse.urlencode(form).encode(),
                                     method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=10) as answer:
        log("subscription request answered %d" % answer.status)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
