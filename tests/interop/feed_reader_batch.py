#!/usr/bin/python3
"""Runs tests/feed/feed_reader.py's reading (feedparser for RSS/Atom, json for JSON Feed) over many
files in one process, so dozens of extra feeds cost one interpreter start: prints
{"FILE": <what feed_reader.py prints for FILE>, ...} as JSON.

Usage: feed_reader_batch.py FEED_READER_DIR FILE...
"""
import json
import sys


def main():
    sys.path.insert(0, sys.argv[1])
    import feed_reader

    result = {}
    for path in sys.argv[2:]:
        read = feed_reader.read_json_feed if path.endswith(".json") else feed_reader.read_xml
        result[path] = read(path)
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
