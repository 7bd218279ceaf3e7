#!/usr/bin/python3
"""Reads a feed back with an independent parser and prints what it understood as JSON.

RSS and Atom go through feedparser (Debian: python3-feedparser). feedparser 6.0 has no JSON
Feed parser, so .json files are read with the json module and checked against the JSON Feed 1.1
required fields here. Dates are printed as Unix seconds (UTC) so the C++ test compares them
exactly with the Article values.

Usage: feed_reader.py FILE
"""
import calendar
import datetime
import json
import sys


def epoch(parsed):
    return None if parsed is None else calendar.timegm(parsed)


def epoch_rfc3339(text):
    if text is None:
        return None
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(value.timestamp())


def read_xml(path):
    import feedparser

    parsed = feedparser.parse(path)
    entries = []
    for e in parsed.entries:
        # feedparser's author_detail is the last <author> (mixed with earlier ones' fields when
        # an entry has several); the first of its authors list is the entry's author.
        detail = (dict.get(e, "authors") or [None])[0] or dict.get(e, "author_detail") or {}
        content = dict.get(e, "content") or []
        links = [
            {"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type"),
             "length": l.get("length")}
            for l in dict.get(e, "links") or []
        ]
        entries.append({
            "title": dict.get(e, "title"),
            "link": dict.get(e, "link"),
            "id": dict.get(e, "id"),
            "published": epoch(dict.get(e, "published_parsed")),
            "updated": epoch(dict.get(e, "updated_parsed")),
            "author_name": detail.get("name"),
            "author_email": detail.get("email"),
            "author_names": [a.get("name") for a in dict.get(e, "authors") or []],
            "categories": [t.get("term") for t in dict.get(e, "tags") or []],
            "summary": dict.get(e, "summary"),
            "content": content[0]["value"] if content else None,
            "links": links,
        })
    feed = parsed.feed
    return {
        "bozo": bool(parsed.bozo),
        "bozo_exception": str(parsed.get("bozo_exception", "")),
        "version": parsed.version,
        "feed": {
            "title": dict.get(feed, "title"),
            "link": dict.get(feed, "link"),
            "updated": epoch(dict.get(feed, "updated_parsed")),
        },
        "entries": entries,
    }


def read_json_feed(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    problems = []
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(doc.get("title"), str):
        problems.append("title")
    if not isinstance(doc.get("items"), list):
        problems.append("items")
    entries = []
    for item in doc.get("items", []):
        if not isinstance(item.get("id"), str):
            problems.append("item id")
        if "content_html" not in item and "content_text" not in item:
            problems.append("item content")
        author = (item.get("authors") or [{}])[0]
        url = author.get("url") or ""
        entries.append({
            "title": item.get("title"),
            "link": item.get("url"),
            "id": item.get("id"),
            "published": epoch_rfc3339(item.get("date_published")),
            "updated": epoch_rfc3339(item.get("date_modified")),
            "author_name": author.get("name"),
            "author_email": url[len("mailto:"):] if url.startswith("mailto:") else None,
            "author_names": [a.get("name") for a in item.get("authors") or []],
            "categories": item.get("tags") or [],
            "summary": item.get("summary"),
            "content": item.get("content_html"),
            "links": [],
        })
    return {
        "bozo": bool(problems),
        "bozo_exception": ", ".join(problems),
        "version": doc.get("version"),
        "feed": {"title": doc.get("title"), "link": doc.get("home_page_url"), "updated": None},
        "entries": entries,
    }


def main():
    path = sys.argv[1]
    result = read_json_feed(path) if path.endswith(".json") else read_xml(path)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
