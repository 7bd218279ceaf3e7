#!/usr/bin/python3
"""WebSub subscriber callbacks for testing feedd's own hub (W3C "WebSub" §5.3, §7), standard
library only. Unlike subscriber.py it does not subscribe by itself: the test sends the
subscription request to the hub, naming callbacks of this server.

Usage:
  websub_callback.py [--host 127.0.0.1] [--port 0]

Prints "websub_callback: listening on HOST:PORT" on stderr once it accepts connections.

Every path /cb/NAME is a callback. How NAME behaves is set with POST /_test/callback (form):
  name=NAME
  secret=S           the secret the test gave the hub: deliveries are checked against
                     HMAC(S, body) with Python's hmac ("ok", "bad", or "none" without a header)
  verify=echo        answer verifications with the challenge and 200 (default)
         wrong       answer with something else and 200
         status:CODE answer with CODE and the challenge
  deliver=ok         answer deliveries 202 (default)
         gone        answer 410
         fail:N      answer the next N deliveries 500, then 202
         redirect    answer 307 to /cb/NAME-moved (a hub must not follow it)

GET requests with hub.mode=subscribe|unsubscribe are verifications, hub.mode=denied denials.
GET /_test/log   JSON {"verifications": [...], "denials": [...], "deliveries": [...]}, each with
                 "callback" (NAME), the query or the body, headers and the answer given.
"""

import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
CALLBACKS = {}  # name -> {"secret", "verify", "deliver", "failures_left"}
LOG = {"verifications": [], "denials": [], "deliveries": []}


def settings(name):
    return CALLBACKS.setdefault(name, {"secret": "", "verify": "echo", "deliver": "ok",
                                       "failures_left": 0})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body=b"", content_type="text/plain; charset=utf-8", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def name(self, path):
        return path[len("/cb/"):] if path.startswith("/cb/") else None

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        if parts.path == "/_test/log":
            with LOCK:
                return self.reply(200, json.dumps(LOG, indent=1), "application/json")
        name = self.name(parts.path)
        if name is None:
            return self.reply(404, "no such callback\n")
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query, keep_blank_values=True).items()}
        mode = query.get("hub.mode")
        record = {"callback": name, "query": query, "raw_query": parts.query,
                  "user_agent": self.headers.get("User-Agent", ""), "time": time.time()}
        if mode == "denied":
            with LOCK:
                LOG["denials"].append(record)
            return self.reply(200)
        if mode not in ("subscribe", "unsubscribe"):
            return self.reply(400, "not a verification\n")
        with LOCK:
            verify = settings(name)["verify"]
            status, body = 200, query.get("hub.challenge", "")
            if verify == "wrong":
                body = "not-the-challenge"
            elif verify.startswith("status:"):
                status = int(verify.split(":", 1)[1])
            record["answer"] = status
            LOG["verifications"].append(record)
        return self.reply(status, body)

    def do_POST(self):
        parts = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if parts.path == "/_test/callback":
            form = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
            with LOCK:
                s = settings(form["name"])
                for key in ("secret", "verify"):
                    if key in form:
                        s[key] = form[key]
                if "deliver" in form:
                    s["deliver"] = form["deliver"]
                    if form["deliver"].startswith("fail:"):
                        s["failures_left"] = int(form["deliver"].split(":", 1)[1])
            return self.reply(200, "ok\n")
        name = self.name(parts.path)
        if name is None:
            return self.reply(404, "no such callback\n")
        with LOCK:
            s = settings(name)
            signature = "none"
            header = self.headers.get("X-Hub-Signature", "")
            if header:
                method, _, value = header.partition("=")
                algorithms = {"sha1": hashlib.sha1, "sha256": hashlib.sha256,
                              "sha384": hashlib.sha384, "sha512": hashlib.sha512}
                if method in algorithms and s["secret"]:
                    expected = hmac.new(s["secret"].encode(), body, algorithms[method]).hexdigest()
                    signature = "ok" if hmac.compare_digest(expected, value) else "bad"
                else:
                    signature = "bad"
            status, headers = 202, ()
            if s["deliver"] == "gone":
                status = 410
            elif s["deliver"] == "redirect":
                status, headers = 307, (("Location", "/cb/%s-moved" % name),)
            elif s["deliver"].startswith("fail:") and s["failures_left"] > 0:
                s["failures_left"] -= 1
                status = 500
            LOG["deliveries"].append({
                "callback": name, "body": body.decode("utf-8", "replace"),
                "content_type": self.headers.get("Content-Type", ""),
                "links": self.headers.get_all("Link") or [],
                "user_agent": self.headers.get("User-Agent", ""),
                "signature_header": header, "signature": signature,
                "answer": status, "time": time.time()})
        return self.reply(status, "", headers=headers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print("websub_callback: listening on %s:%d" % (host, port), file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
