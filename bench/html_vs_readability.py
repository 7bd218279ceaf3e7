#!/usr/bin/python3
"""feedd's HTML reader against Mozilla's Readability (the reference extractor), page by page.

    /usr/bin/python3 bench/html_vs_readability.py PAGES_DIR [--feedd build/feedd] [--npm-dir DIR]
                                                  [--reference-cache FILE] [--summary-only]

Every .html/.htm file under PAGES_DIR is read by both: feedd (`feedd build` on a temporary config
whose content.dir is PAGES_DIR) and @mozilla/readability with jsdom (installed with npm into
--npm-dir, default build/readability, on the first run; never into the repository). Prints one
line per page and the agreement:

  entry      feedd published the page
  title      same title as Readability's (whitespace and case aside), or Readability's with the
             site's name after (or before) a separator that feedd dropped ("Headline | Site")
  date       same instant as Readability's publishedTime, of the pages where it found one
  byline     Readability's byline contains feedd's author (or the reverse)
  text       share of Readability's words that feedd kept (word multiset recall)
  middle     a sentence from the middle of Readability's text is in feedd's text

Readability's results are repaired first where jsdom read UTF-8 as windows-1252 (pages that
declare no charset; feedd reads valid UTF-8 as UTF-8): see repair_mojibake.

Standard library only (Debian's python3).
"""

import argparse
import collections
import datetime as dt
import html
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def ensure_readability(npm_dir):
    if os.path.isdir(os.path.join(npm_dir, "node_modules", "@mozilla", "readability")):
        return
    os.makedirs(npm_dir, exist_ok=True)
    print(f"installing @mozilla/readability and jsdom into {npm_dir}", file=sys.stderr)
    subprocess.run(["npm", "install", "--prefix", npm_dir, "--no-audit", "--no-fund",
                    "@mozilla/readability", "jsdom"], check=True, stdout=sys.stderr)


def run_readability(npm_dir, files, cache=None):
    out = {}
    if cache and os.path.exists(cache):
        with open(cache) as f:
            for line in f:
                item = json.loads(line)
                out[item["file"]] = item
    todo = [f for f in files if f not in out]
    if not todo:
        return out
    ensure_readability(npm_dir)
    script = os.path.join(npm_dir, "readability_extract.mjs")
    with open(os.path.join(HERE, "readability_extract.mjs")) as src, open(script, "w") as dst:
        dst.write(src.read())  # beside node_modules, where its imports resolve
    for i in range(0, len(todo), 50):
        r = subprocess.run(["node", script, *todo[i:i + 50]], check=True, capture_output=True,
                           text=True)
        for line in r.stdout.split("\n"):  # not splitlines: U+2028 is no line end in JSON
            if not line:
                continue
            item = json.loads(line)
            out[item["file"]] = item
            if cache:
                with open(cache, "a") as f:
                    f.write(line + "\n")
        print(f"Readability: {min(i + 50, len(todo))}/{len(todo)} pages", file=sys.stderr)
    return out


def run_feedd(feedd, pages):
    work = tempfile.mkdtemp(prefix="feedd-vs-readability-")
    config = os.path.join(work, "feedd.yaml")
    with open(config, "w") as f:
        f.write(f"""site:
  title: compare
  url: https://compare.example/
  description: d
  permalink: "/{{path}}/"
content:
  dir: {json.dumps(os.path.abspath(pages))}
  exclude: ["**/*.md", "**/*.markdown", "**/*.txt"]
feeds:
  limit: 100000
  full_content: true
state_dir: {json.dumps(os.path.join(work, "state"))}
ping:
  enabled: false
""")
    out_dir = os.path.join(work, "out")
    r = subprocess.run([feedd, "build", "-c", config, "-o", out_dir], capture_output=True,
                       text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"feedd build failed: {r.stderr}")
    with open(os.path.join(out_dir, "feed.json")) as f:
        items = json.load(f)["items"]
    by_path = {}
    for item in items:
        path = item["id"][len("https://compare.example/"):].rstrip("/")
        by_path[path] = item
    return by_path, r.stderr


def words(text):
    return re.findall(r"\w+", text.lower())


def strip_tags(fragment):
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def norm(text):
    return " ".join(text.split()).lower()


def parse_instant(text):
    text = text.strip()
    if not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        return None  # local time: in which zone is Readability's guess
    return t.astimezone(dt.timezone.utc).replace(microsecond=0)  # feeds carry seconds


def repair_mojibake(text):
    """UTF-8 read as windows-1252 ("canâ€™t") back to what it was ("can’t"): jsdom reads a page
    that declares no charset as windows-1252 (the HTML standard's default), feedd as UTF-8 when
    its bytes are valid UTF-8. Unchanged when it is not such a misreading."""
    if not any(m in text for m in ("\u00c3", "\u00e2\u20ac", "\u00c2")):
        return text
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 255:
                return text
            raw.append(ord(ch))  # the five bytes windows-1252 leaves undefined
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def squeeze(text):
    # Readability's textContent runs table cells and list items together ("ItemCost"): spaces
    # are not compared.
    return "".join(text.split()).lower()


SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ")


def same_title(ours, theirs):
    ours, theirs = norm(ours), norm(theirs)
    if ours == theirs:
        return "same"
    for sep in SEPARATORS:
        if theirs.startswith(ours + sep.rstrip()) or theirs.endswith(sep.lstrip() + ours):
            return "same without the site"
    return None


def middle_sentence(text):
    sentences = [s.strip() for s in re.split(r"(?<=[.!?。])\s+", " ".join(text.split()))
                 if len(s.strip()) >= 30]
    return sentences[len(sentences) // 2] if sentences else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages")
    ap.add_argument("--feedd", default=os.path.join(REPO, "build", "feedd"))
    ap.add_argument("--npm-dir", default=os.path.join(REPO, "build", "readability"))
    ap.add_argument("--reference-cache")
    ap.add_argument("--summary-only", action="store_true")
    args = ap.parse_args()

    files = sorted(os.path.join(os.path.abspath(d), f) for d, _, fs in os.walk(args.pages) for f in fs
                   if f.lower().endswith((".html", ".htm")))
    if not files:
        sys.exit("no .html or .htm files")
    reference = run_readability(args.npm_dir, files, args.reference_cache)
    entries, problems = run_feedd(args.feedd, args.pages)

    totals = collections.Counter()
    recalls = []
    def table(line):
        if not args.summary_only:
            print(line)

    table("| page | entry | title | date | byline | text | middle |")
    table("|---|---|---|---|---|---|---|")
    for file in files:
        rel = os.path.relpath(file, args.pages)
        key = os.path.splitext(rel)[0]
        ref = {k: repair_mojibake(v) if isinstance(v, str) else v
               for k, v in reference.get(file, {}).items()}
        totals["repaired"] += ref != reference.get(file, {})
        item = entries.get(key)
        totals["pages"] += 1
        row = [rel]
        if not item:
            row += ["no"] + ["-"] * 5
            table("| " + " | ".join(row) + " |")
            continue
        totals["entries"] += 1
        row.append("yes")
        if ref.get("title"):
            totals["titled"] += 1
            same = same_title(item.get("title", ""), ref["title"])
            totals["title"] += bool(same)
            totals["title_exact"] += same == "same"
            row.append(same if same else f"`{item.get('title', '')[:60]}` vs `{ref['title'][:60]}`")
        else:
            row.append("-")
        ref_date = parse_instant(ref.get("published") or "")
        if ref_date:
            totals["dated"] += 1
            ours = parse_instant(item.get("date_published", ""))
            totals["date"] += ours == ref_date
            row.append("same" if ours == ref_date else f"{item.get('date_published')} vs {ref_date.isoformat()}")
        else:
            row.append("-")
        byline = norm(ref.get("byline") or "")
        if byline:
            totals["bylined"] += 1
            author = norm(", ".join(a.get("name", "") for a in item.get("authors", [])))
            ok = bool(author) and (author in byline or byline in author)
            totals["byline"] += ok
            row.append("yes" if ok else f"`{author}` vs `{byline[:40]}`")
        else:
            row.append("-")
        ours_text = strip_tags(item.get("content_html", ""))
        ref_words = collections.Counter(words(ref.get("text", "")))
        our_words = collections.Counter(words(ours_text))
        if ref_words:
            recall = sum((ref_words & our_words).values()) / sum(ref_words.values())
            recalls.append(recall)
            row.append(f"{recall:.0%}")
            sentence = middle_sentence(ref.get("text", ""))
            if sentence:
                totals["with_middle"] += 1
                found = squeeze(sentence) in squeeze(ours_text)
                totals["middle"] += found
                row.append("yes" if found else "no")
            else:
                row.append("-")
        else:
            row += ["-", "-"]
        table("| " + " | ".join(row) + " |")

    def share(n, d):
        return f"{n}/{d} ({n / d:.0%})" if d else "-"

    print()
    print(f"- entries: {share(totals['entries'], totals['pages'])}")
    print(f"- same title as Readability: {share(totals['title'], totals['titled'])} "
          f"(exactly: {share(totals['title_exact'], totals['titled'])}; else feedd dropped the site's name)")
    print(f"- same publication time (pages where Readability found one): {share(totals['date'], totals['dated'])}")
    print(f"- byline agrees: {share(totals['byline'], totals['bylined'])}")
    if recalls:
        print(f"- Readability's words kept by feedd: mean {sum(recalls) / len(recalls):.0%}, "
              f"min {min(recalls):.0%}")
    print(f"- middle sentence kept: {share(totals['middle'], totals['with_middle'])}")
    print(f"- pages where Readability's text was UTF-8 read as windows-1252, repaired before "
          f"comparing: {totals['repaired']}")


if __name__ == "__main__":
    main()
