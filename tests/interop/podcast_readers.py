#!/usr/bin/python3
# Reads a podcast RSS file with gPodder's parser (python3-podcastparser) and with Universal Feed
# Parser (python3-feedparser), and prints what each understood of every episode as JSON, for
# tests/interop/podcast_test.cpp to compare with the files and with each other:
# {"podcastparser": [...], "feedparser": [...]}, each episode {guid, title, url, length, type,
# duration (seconds), transcript, chapters} (null where the reader has no such field).
#
# Usage: /usr/bin/python3 podcast_readers.py FILE FEED_URL
import json
import sys

import feedparser
import podcastparser


def seconds(text):
    if not text:
        return None
    total = 0
    for part in str(text).split(':'):
        total = total * 60 + float(part)
    return round(total)


def read_podcastparser(path, url):
    with open(path, 'rb') as stream:
        show = podcastparser.parse(url, stream)
    out = []
    for e in show['episodes']:
        enclosure = e['enclosures'][0] if e['enclosures'] else {}
        out.append({
            'guid': e.get('guid'),
            'title': e.get('title'),
            'url': enclosure.get('url'),
            'length': enclosure.get('file_size'),
            'type': enclosure.get('mime_type'),
            'duration': e.get('total_time') or None,
            'transcript': None,
            'chapters': None,
        })
    return out


def read_feedparser(path):
    parsed = feedparser.parse(path)
    out = []
    for e in parsed.entries:
        enclosure = e.enclosures[0] if e.get('enclosures') else {}
        transcript = e.get('podcast_transcript') or {}
        chapters = e.get('podcast_chapters') or {}
        out.append({
            'guid': e.get('id'),
            'title': e.get('title'),
            'url': enclosure.get('href'),
            'length': int(enclosure['length']) if enclosure.get('length') else None,
            'type': enclosure.get('type'),
            'duration': seconds(e.get('itunes_duration')),
            'transcript': transcript.get('url'),
            'chapters': chapters.get('url'),
        })
    return out


path, url = sys.argv[1], sys.argv[2]
print(json.dumps({'podcastparser': read_podcastparser(path, url),
                  'feedparser': read_feedparser(path)}))
