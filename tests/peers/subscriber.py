#!/usr/bin/python3
"""A WebSub subscriber for tests (W3C "WebSub" §5, §7, §8), standard library only.

Usage:
  subscriber.py --hub HUB_URL --topic TOPIC_URL [--secret S] [--host 127.0.0.1] [--port 0]
                [--lease-seconds N]
  subscriber.py --discover FEED_URL [...]

Listens, then subscribes to TOPIC at HUB with its own URL as hub.callback. With --discover it
first fetches FEED_URL and finds the hub and the topic as a subscriber must (WebSub §4, as the
websub.rocks publisher check does): the HTTP Link header (RFC 8288) first, else the document's
own links (atom:link rel=hub/self in RSS and Atom, "hubs" and "feed_url" in JSON Feed); when the
header and the document both name them they must agree. Prints on stderr:
  "subscriber: discovered hub HUB and topic TOPIC (header: yes|no, document: yes|no)"
  "subscriber: discovery failed: REASON" (and exits 1)
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
import xml.etree.ElementTree as ET
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


def header_links(values):
    """rel -> first URL, from Link header values such as '<https://h/>; rel="hub", <…>; rel=self'."""
    found = {}
    for value in values:
        for part in value.split(","):
            url_part, _, params = part.strip().partition(">")
            if not url_part.startswith("<"):
                continue
            for param in params.split(";"):
                name, _, rel = param.strip().partition("=")
                if name.strip().lower() == "rel":
                    for one in rel.strip().strip('"').split():
                        found.setdefault(one.lower(), url_part[1:])
    return found


def document_links(body, content_type):
    """rel -> first URL from the feed document itself."""
    if "json" in content_type:
        feed = json.loads(body)
        found = {}
        hubs = [h.get("url") for h in feed.get("hubs", []) if h.get("type", "").lower() == "websub"]
        if hubs:
            found["hub"] = hubs[0]
        if feed.get("feed_url"):
            found["self"] = feed["feed_url"]
        return found
    found = {}
    for element in ET.fromstring(body).iter():
        if element.tag in ("{http://www.w3.org/2005/Atom}link", "link") and element.get("href"):
            found.setdefault(element.get("rel", "alternate"), element.get("href"))
    return {rel: url for rel, url in found.items() if rel in ("hub", "self")}


def discover(feed_url):
    with urllib.request.urlopen(feed_url, timeout=10) as answer:
        body = answer.read()
        header = header_links(answer.headers.get_all("Link") or [])
        content_type = answer.headers.get("Content-Type", "")
    document = document_links(body, content_type)
    for rel in ("hub", "self"):
        if rel in header and rel in document and header[rel] != document[rel]:
            raise ValueError("the Link header says %s is %s, the document %s"
                             % (rel, header[rel], document[rel]))
    links = dict(document, **header)
    if "hub" not in links or "self" not in links:
        raise ValueError("no rel=hub and rel=self in the header or the document of " + feed_url)
    log("discovered hub %s and topic %s (header: %s, document: %s)" % (
        links["hub"], links["self"], "yes" if "hub" in header and "self" in header else "no",
        "yes" if "hub" in document and "self" in document else "no"))
    return links["hub"], links["self"]


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub")
    parser.add_argument("--topic")
    parser.add_argument("--discover", metavar="FEED_URL")
    parser.add_argument("--secret", default="")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lease-seconds", type=int, default=86400)
    ARGS = parser.parse_args()
    if ARGS.discover:
        try:
            ARGS.hub, ARGS.topic = discover(ARGS.discover)
        except (OSError, ValueError, ET.ParseError) as error:
            log("discovery failed: %s" % error)
            sys.exit(1)
    elif not (ARGS.hub and ARGS.topic):
        parser.error("--hub and --topic, or --discover")
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
