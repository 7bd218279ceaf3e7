#!/usr/bin/env node
// Reads an RSS or Atom file with the npm package rss-parser (pinned in package-lock.json) and
// prints what it understood as JSON: {"entries": [{title, link, id, published, updated}]}, dates
// as Unix seconds so the C++ test compares them exactly. rss-parser has no JSON Feed support.
//
// Usage: node read_feed.js FILE
'use strict';
const fs = require('fs');
const Parser = require('rss-parser');

function epoch(text) {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

async function main() {
  const xml = fs.readFileSync(process.argv[2], 'utf8');
  const parser = new Parser({customFields: {item: ['published', 'updated']}});
  const feed = await parser.parseString(xml);
  const entries = feed.items.map((item) => ({
    title: item.title ?? null,
    link: item.link ?? null,
    // RSS: <guid>; Atom: <id> (rss-parser calls both "guid" for RSS and "id" for Atom).
    id: item.guid ?? item.id ?? null,
    // isoDate is rss-parser's reading of pubDate (RSS) or published/updated (Atom).
    published: epoch(item.published ?? item.pubDate ?? item.isoDate),
    updated: epoch(item.updated ?? null),
    categories: item.categories ?? [],
  }));
  process.stdout.write(JSON.stringify({title: feed.title ?? null, entries}) + '\n');
}

main().catch((error) => {
  process.stderr.write(`rss-parser: ${error.message}\n`);
  process.exit(1);
});
