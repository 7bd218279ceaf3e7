#!/usr/bin/env node
// Reads a podcast RSS file with Podcast Index's parser, podcast-partytime (pinned in
// package-lock.json), and prints the episodes as JSON for the C++ test to compare:
// {"guid", "title", "episodes": [{guid, title, url, length, type, duration, transcripts, chapters}]}.
//
// Usage: node read_show.js FILE
'use strict';
const fs = require('fs');
const {parseFeed} = require('podcast-partytime');

const xml = fs.readFileSync(process.argv[2], 'utf8');
const feed = parseFeed(xml);
if (!feed) {
  process.stderr.write('podcast-partytime: not a feed\n');
  process.exit(1);
}
const episodes = feed.items.map((item) => ({
  guid: item.guid ?? null,
  title: item.title ?? null,
  url: item.enclosure?.url ?? null,
  length: item.enclosure?.length ?? null,
  type: item.enclosure?.type ?? null,
  duration: item.duration ?? null,
  transcripts: (item.podcastTranscripts ?? []).map((t) => ({url: t.url, type: t.type})),
  chapters: item.podcastChapters ? {url: item.podcastChapters.url, type: item.podcastChapters.type} : null,
}));
process.stdout.write(JSON.stringify({guid: feed.guid ?? null, title: feed.title ?? null, episodes}) + '\n');
