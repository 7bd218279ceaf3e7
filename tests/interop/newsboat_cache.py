#!/usr/bin/python3
"""Prints the items newsboat stored in its sqlite cache after `newsboat -x reload`, as JSON:
{"entries": [{title, link, id, published, enclosure_url, enclosure_type}]}. newsboat keeps dates
as Unix seconds already (rss_item.pubDate). Only Python's standard library: sqlite3 and json.

Usage: newsboat_cache.py CACHE.db FEED_URL
"""
import json
import sqlite3
import sys


def main():
    cache, feed_url = sys.argv[1], sys.argv[2]
    with sqlite3.connect(f"file:{cache}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT title, url, guid, pubDate, enclosure_url, enclosure_type"
            " FROM rss_item WHERE feedurl = ? ORDER BY pubDate DESC, id", (feed_url,)).fetchall()
        feed = db.execute("SELECT title FROM rss_feed WHERE rssurl = ?", (feed_url,)).fetchone()
    entries = [{"title": title, "link": url, "id": guid, "published": pub_date,
                "updated": None, "enclosure_url": enclosure_url or None,
                "enclosure_type": enclosure_type or None}
               for title, url, guid, pub_date, enclosure_url, enclosure_type in rows]
    json.dump({"title": feed[0] if feed else None, "entries": entries}, sys.stdout,
              ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
