#!/usr/bin/python3
"""Cold start on web pages against the same articles as Markdown, measured in the same run.

    /usr/bin/python3 bench/html_cold_start.py [--pages 10000] [--min-kb 50] [--max-kb 300]
                                              [--feedd build/feedd] [--runs 3] [--dir DIR]
    /usr/bin/python3 bench/html_cold_start.py --real-pages DIR [--runs 3] [--feedd build/feedd]

Generates PAGES saved-news-style pages (a head with OpenGraph and JSON-LD, inline scripts and
styles, a navigation bar, the article, related links, a footer; PAGE sizes uniform between MIN-KB
and MAX-KB, most of it chrome, as on real sites) and the same articles as Markdown with front
matter, from a seeded RNG (same arguments: same bytes). Then runs `feedd build` on each corpus
RUNS times (the page cache warm: what is measured is feedd, not the disk) and prints the median
wall and CPU time, the CPU per page and per 100 KB of HTML, and the HTML/Markdown ratio.

--real-pages DIR measures saved pages instead (DIR is only read): `feedd build` on them and on an
empty folder, RUNS times each, output and state in a fresh temporary folder (in /dev/shm when
there is one: the disk's cost of writing a site is not the pages'), and prints the median CPU
time, the CPU per page and per 100 KB of HTML, with and without the empty build's.
Standard library only.
"""

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORDS = ("harbour council ferry island vote budget school road bridge market winter summer "
         "village town river weather storm fishing boat quota museum library garden station "
         "train bus timetable doctor hospital street square festival music theatre report "
         "minister mayor resident family children teacher farmer price fuel energy wind solar "
         "water coast cliff lighthouse tourist hotel restaurant bakery shop bicycle path").split()


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    words[0] = words[0].capitalize()
    if len(words) > 10:
        words[rng.randint(3, 8)] += ","
    return " ".join(words) + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def generate(out, pages, min_kb, max_kb, seed=14):
    html_dir = os.path.join(out, "html", "content")
    md_dir = os.path.join(out, "md", "content")
    marker = os.path.join(out, f".complete-{pages}-{min_kb}-{max_kb}-{seed}")
    if os.path.exists(marker):
        return
    shutil.rmtree(out, ignore_errors=True)
    rng = random.Random(seed)
    total = 0
    for i in range(pages):
        section = f"s{i % 20:02d}"
        os.makedirs(os.path.join(html_dir, section), exist_ok=True)
        os.makedirs(os.path.join(md_dir, section), exist_ok=True)
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
        paras = [paragraph(rng) for _ in range(rng.randint(6, 20))]
        target = rng.randint(min_kb, max_kb) * 1024
        nav = "".join(f'<li><a href="/{w}/">{w.capitalize()}</a></li>' for w in WORDS[:40])
        related = "".join(f'<li><a href="/news/{rng.randint(1, 99999)}">{sentence(rng)}</a></li>'
                          for _ in range(12))
        body = "\n".join(f"<p>{p}</p>" for p in paras)
        head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | The Gazette</title>'
                f'<meta property="og:site_name" content="The Gazette"><meta property="og:title" content="{title}">'
                f'<meta property="article:published_time" content="{day}"><meta name="author" content="Reporter {i % 37}">'
                f'<link rel="canonical" href="https://gazette.example.com/{section}/{i}">'
                f'<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{title}","datePublished":"{day}"}}</script>')
        page_start = (head + "<style>" + "%s" + "</style></head><body><header><nav><ul>" + nav +
                      "</ul></nav></header><main><article><h1>" + title + "</h1>" + body +
                      '</article><aside class="related"><ul>' + related +
                      "</ul></aside></main><footer><p>The Gazette</p></footer><script>%s</script></body></html>")
        filler_len = max(0, target - len(page_start))
        css = ".c{margin:0 auto;padding:1px}" * (filler_len // 2 // 30)
        js = "var a=[1,2,3];function f(x){return x+1}" * (filler_len // 2 // 40)
        page = page_start.replace("%s", css, 1).replace("%s", js, 1)
        with open(os.path.join(html_dir, section, f"a{i}.html"), "w") as f:
            f.write(page)
        total += len(page)
        with open(os.path.join(md_dir, section, f"a{i}.md"), "w") as f:
            f.write(f"---\ntitle: {title}\ndate: {day}\nauthor: Reporter {i % 37}\n---\n" +
                    "\n\n".join(paras) + "\n")
    for kind in ("html", "md"):
        with open(os.path.join(out, kind, "feedd.yaml"), "w") as f:
            f.write(f"""site:
  title: bench
  url: https://bench.example/
  description: d
content:
  dir: {os.path.join(out, kind, "content")}
state_dir: {os.path.join(out, kind, "state")}
ping:
  enabled: false
""")
    with open(marker, "w") as f:
        f.write(str(total))


def run_once(feedd, corpus, check=True):
    out = os.path.join(corpus, "out")
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    r = subprocess.run([feedd, "build", "-c", os.path.join(corpus, "feedd.yaml"), "-o", out],
                       capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0 and (check or r.returncode != 1):
        sys.exit(f"feedd build failed on {corpus}: {r.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, r.stderr.strip().splitlines()[-2:]


def measure_real_pages(feedd, pages, runs):
    pages = os.path.abspath(pages)
    files = [os.path.join(d, f) for d, _, fs in os.walk(pages) for f in fs
             if f.lower().endswith((".html", ".htm"))]
    if not files:
        sys.exit(f"no .html or .htm files in {pages}")
    html_bytes = sum(os.path.getsize(f) for f in files)
    work = tempfile.mkdtemp(prefix="feedd-real-pages-",
                            dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        empty = os.path.join(work, "no-pages")
        os.makedirs(empty)
        cpu = {}
        for kind, content in (("empty", empty), ("pages", pages)):
            corpus = os.path.join(work, kind)
            os.makedirs(corpus)
            with open(os.path.join(corpus, "feedd.yaml"), "w") as f:
                f.write(f"""site:
  title: bench
  url: https://bench.example/
  description: d
content:
  dir: {content}
  exclude: ["**/*.md", "**/*.markdown", "**/*.txt"]
state_dir: {os.path.join(corpus, "state")}
ping:
  enabled: false
""")
            times = []
            for _ in range(runs):
                shutil.rmtree(os.path.join(corpus, "state"), ignore_errors=True)
                times.append(run_once(feedd, corpus, check=False)[1])
            cpu[kind] = statistics.median(times)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    units = html_bytes / 102400
    print(f"| pages | size | CPU (median of {runs}) | empty build | CPU per page | CPU per 100 KB |")
    print("|---|---|---|---|---|---|")
    print(f"| {len(files)} | {html_bytes / 2**20:.1f} MB | {cpu['pages']:.3f} s | {cpu['empty']:.3f} s | "
          f"{(cpu['pages'] - cpu['empty']) / len(files) * 1000:.2f} ms | "
          f"{(cpu['pages'] - cpu['empty']) / units * 1000:.2f} ms "
          f"({cpu['pages'] / units * 1000:.2f} ms with the empty build's) |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--min-kb", type=int, default=50)
    ap.add_argument("--max-kb", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--feedd", default=os.path.join(REPO, "build", "feedd"))
    ap.add_argument("--dir", default="/tmp/feedd-bench/html")
    ap.add_argument("--real-pages", metavar="DIR")
    args = ap.parse_args()
    if args.real_pages:
        measure_real_pages(args.feedd, args.real_pages, args.runs)
        return
    corpus = os.path.join(args.dir, f"{args.pages}-{args.min_kb}-{args.max_kb}")
    print(f"generating {args.pages} pages into {corpus}", file=sys.stderr)
    generate(corpus, args.pages, args.min_kb, args.max_kb)
    html_bytes = sum(os.path.getsize(os.path.join(d, f))
                     for d, _, fs in os.walk(os.path.join(corpus, "html", "content")) for f in fs)
    results = {}
    for kind in ("md", "html"):
        runs = [run_once(args.feedd, os.path.join(corpus, kind)) for _ in range(args.runs)]
        results[kind] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
        print(f"{kind}: {runs[-1][2]}", file=sys.stderr)
    md_wall, md_cpu = results["md"]
    html_wall, html_cpu = results["html"]
    print(f"| corpus | articles | wall (median of {args.runs}) | CPU | CPU per article |")
    print("|---|---|---|---|---|")
    print(f"| Markdown | {args.pages} | {md_wall:.2f} s | {md_cpu:.2f} s | {md_cpu / args.pages * 1000:.3f} ms |")
    print(f"| HTML ({html_bytes / 2**20:.0f} MB, {html_bytes / args.pages / 1024:.0f} KB a page) | {args.pages} | "
          f"{html_wall:.2f} s | {html_cpu:.2f} s | {html_cpu / args.pages * 1000:.3f} ms |")
    print()
    print(f"- HTML/Markdown: wall x{html_wall / md_wall:.1f}, CPU x{html_cpu / md_cpu:.1f}")
    print(f"- HTML CPU per 100 KB of page: {html_cpu / (html_bytes / 102400) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
