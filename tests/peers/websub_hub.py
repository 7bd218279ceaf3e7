#!/usr/bin/python3
"""A WebSub hub for tests (W3C Recommendation "WebSub", 2018), standard library only.

Usage:
  websub_hub.py [--host 127.0.0.1] [--port 0] [--delay-start SECONDS] [--public-url URL]

Prints "websub_hub: listening on HOST:PORT" on stderr once it accepts connections (port 0 asks the
kernel for a free port; read the real one from that line). --delay-start waits before binding, so a
test can have the hub refuse connections (nothing listening on a port it chose) and then recover.
--public-url is the hub URL sent in rel="hub" Link headers (default http://HOST:PORT/).

The hub (POST to any path that does not start with /_test/, form-encoded as §5.1 requires):
  hub.mode=subscribe|unsubscribe, hub.callback, hub.topic [, hub.lease_seconds, hub.secret]
      -> 202, then intent verification (§5.3): GET callback?hub.mode&hub.topic&hub.challenge
         &hub.lease_seconds; the subscription is active once the callback echoes the challenge.
  hub.mode=publish, hub.url=TOPIC (or hub.topic=TOPIC)
      -> 202, then the hub fetches TOPIC and distributes the body (§7) to each active subscriber:
         POST callback with the topic's Content-Type, Link: <hub>; rel="hub", <topic>; rel="self",
         and X-Hub-Signature: sha256=HMAC-SHA256(secret, body) when the subscriber gave a secret.
      -> 400 when neither hub.url nor hub.topic is given.

Test controls:
  POST /_test/mode  form: mode=ok | status | hang | redirect
                          status=CODE (mode=status), retry_after=VALUE (sent as Retry-After),
                          location=URL (mode=redirect, answered with status, default 307),
                          hang_seconds=S (mode=hang: read the request, answer nothing for S s),
                          count=N (the fault applies to the next N publish requests, then the hub
                                   recovers; 0 or absent: until the next /_test/mode)
  GET  /_test/publishes      JSON {"accepted": [...], "attempts": [...]}: every publish request,
                             with topic, param, user_agent, content_type, body, time; "accepted"
                             are those answered 202 (attempts also carry the answer given).
  GET  /_test/subscriptions  JSON list of active subscriptions.
  GET  /_test/deliveries     JSON list of content distributions: callback, topic, status, error.
  POST /_test/reset          forget publishes and deliveries; back to mode=ok.
  POST /_test/topic   form: path=/P, content=BYTES[, content_type=T]: the hub itself then serves
                      GET /P, a topic for tests that have no feed server of their own.
"""

import argparse
import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "mode": {"mode": "ok"},
    "remaining": 0,  # publish requests the fault still applies to; 0 = unlimited
    "attempts": [],
    "accepted": [],
    "subscriptions": {},  # (callback, topic) -> {callback, topic, secret, expires}
    "deliveries": [],
    "topics": {},  # path -> (content_type, bytes), served by GET
}
PUBLIC_URL = ""


def log(message):
    print("websub_hub: " + message, file=sys.stderr, flush=True)


def current_fault():
    """The fault to apply to this publish request (None: behave), counting it down."""
    with LOCK:
        mode = dict(STATE["mode"])
        if mode["mode"] == "ok":
            return None
        if STATE["remaining"] > 0:
            STATE["remaining"] -= 1
            if STATE["remaining"] == 0:
                STATE["mode"] = {"mode": "ok"}
        return mode


def verify_intent(mode, callback, topic, lease, secret):
    challenge = secrets.token_urlsafe(16)
    query = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
    if mode == "subscribe":
        query["hub.lease_seconds"] = str(lease)
    sep = "&" if urllib.parse.urlsplit(callback).query else "?"
    url = callback + sep + urllib.parse.urlencode(query)
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            body = answer.read().decode("utf-8", "replace")
            ok = 200 <= answer.status < 300 and body == challenge
    except (urllib.error.URLError, OSError) as error:
        log("verification of %s failed: %s" % (callback, error))
        ok = False
    key = (callback, topic)
    with LOCK:
        if ok and mode == "subscribe":
            STATE["subscriptions"][key] = {"callback": callback, "topic": topic,
                                           "secret": secret, "expires": time.time() + lease}
        elif ok:
            STATE["subscriptions"].pop(key, None)
    log("%s %s for %s: %s" % (mode, callback, topic, "verified" if ok else "not verified"))


def distribute(topic):
    try:
        with urllib.request.urlopen(topic, timeout=10) as answer:
            body = answer.read()
            content_type = answer.headers.get("Content-Type", "application/octet-stream")
    except (urllib.error.URLError, OSError) as error:
        log("fetching topic %s failed: %s" % (topic, error))
        with LOCK:
            STATE["deliveries"].append({"callback": None, "topic": topic, "status": 0,
                                        "error": "fetch: %s" % error})
        return
    now = time.time()
    with LOCK:
        subscribers = [dict(s) for s in STATE["subscriptions"].values()
                       if s["topic"] == topic and s["expires"] > now]
    for sub in subscribers:
        request = urllib.request.Request(sub["callback"], data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("Link", '<%s>; rel="hub", <%s>; rel="self"' % (PUBLIC_URL, topic))
        if sub["secret"]:
            digest = hmac.new(sub["secret"].encode(), body, hashlib.sha256).hexdigest()
            request.add_header("X-Hub-Signature", "sha256=" + digest)
        record = {"callback": sub["callback"], "topic": topic, "status": 0, "error": ""}
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                record["status"] = answer.status
        except urllib.error.HTTPError as error:
            record["status"] = error.code
        except (urllib.error.URLError, OSError) as error:
            record["error"] = str(error)
        with LOCK:
            STATE["deliveries"].append(record)


class Handler(BaseHTTPRequestHandler):
    server_version = "websub-test-hub/1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body=b"", content_type="text/plain; charset=utf-8", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reply_json(self, value):
        self.reply(200, json.dumps(value, indent=1), "application/json")

    def read_form(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        return raw, {k: v[-1] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        with LOCK:
            if path == "/_test/publishes":
                return self.reply_json({"accepted": STATE["accepted"], "attempts": STATE["attempts"]})
            if path == "/_test/subscriptions":
                return self.reply_json([{k: v for k, v in s.items() if k != "secret"}
                                        for s in STATE["subscriptions"].values()])
            if path == "/_test/deliveries":
                return self.reply_json(STATE["deliveries"])
            topic = STATE["topics"].get(path)
        if topic:
            return self.reply(200, topic[1], topic[0])
        self.reply(405, "a WebSub hub: POST hub.mode=subscribe|unsubscribe|publish\n",
                   headers={"Allow": "POST"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        raw, form = self.read_form()
        if path == "/_test/mode":
            with LOCK:
                STATE["mode"] = form or {"mode": "ok"}
                STATE["remaining"] = int(form.get("count") or 0)
            log("mode %s" % json.dumps(form))
            return self.reply(204)
        if path == "/_test/topic":
            with LOCK:
                STATE["topics"][form.get("path", "/")] = (
                    form.get("content_type") or "application/atom+xml",
                    form.get("content", "").encode())
            return self.reply(204)
        if path == "/_test/reset":
            with LOCK:
                STATE.update(mode={"mode": "ok"}, remaining=0, attempts=[], accepted=[],
                             deliveries=[])
            return self.reply(204)
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self.reply(400, "hub requests are application/x-www-form-urlencoded\n")
        mode = form.get("hub.mode", "")
        if mode == "publish":
            return self.publish(raw, form)
        if mode in ("subscribe", "unsubscribe"):
            callback, topic = form.get("hub.callback", ""), form.get("hub.topic", "")
            if not callback.startswith(("http://", "https://")) or not topic:
                return self.reply(400, "hub.callback and hub.topic are required\n")
            lease = int(form.get("hub.lease_seconds") or 86400)
            secret = form.get("hub.secret") or ""
            if len(secret.encode()) >= 200:
                return self.reply(400, "hub.secret must be less than 200 bytes\n")
            self.reply(202)
            threading.Thread(target=verify_intent, daemon=True,
                             args=(mode, callback, topic, lease, secret)).start()
            return None
        return self.reply(400, "unknown hub.mode\n")

    def publish(self, raw, form):
        param = "hub.url" if "hub.url" in form else "hub.topic" if "hub.topic" in form else None
        attempt = {"topic": form.get(param) if param else None, "param": param, "path": self.path,
                   "body": raw, "user_agent": self.headers.get("User-Agent", ""),
                   "content_type": self.headers.get("Content-Type", ""), "time": time.time()}
        fault = current_fault()
        if fault and fault["mode"] == "hang":
            attempt["answer"] = "hang"
            with LOCK:
                STATE["attempts"].append(attempt)
            time.sleep(float(fault.get("hang_seconds") or 30))
            self.close_connection = True
            return None
        if fault and fault["mode"] in ("status", "redirect"):
            default = "307" if fault["mode"] == "redirect" else "500"
            status = int(fault.get("status") or default)
            headers = {}
            if fault.get("retry_after"):
                headers["Retry-After"] = fault["retry_after"]
            if fault.get("location"):
                headers["Location"] = fault["location"]
            attempt["answer"] = status
            with LOCK:
                STATE["attempts"].append(attempt)
            return self.reply(status, "simulated failure\n", headers=headers)
        if not param or not attempt["topic"]:
            attempt["answer"] = 400
            with LOCK:
                STATE["attempts"].append(attempt)
            return self.reply(400, "hub.url or hub.topic is required\n")
        attempt["answer"] = 202
        with LOCK:
            STATE["attempts"].append(attempt)
            STATE["accepted"].append(attempt)
        self.reply(202)
        threading.Thread(target=distribute, args=(attempt["topic"],), daemon=True).start()
        return None


def main():
    global PUBLIC_URL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-start", type=float, default=0.0)
    parser.add_argument("--public-url", default="")
    args = parser.parse_args()
    if args.delay_start > 0:
        time.sleep(args.delay_start)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    PUBLIC_URL = args.public_url or "http://%s:%d/" % (host, port)
    log("listening on %s:%d" % (host, port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
