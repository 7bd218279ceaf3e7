#!/usr/bin/python3
"""Generates a reproducible benchmark corpus for feedd and the same articles as a Hugo site.

    /usr/bin/python3 bench/gen_corpus.py --size 10000 --out /tmp/feedd-bench/corpus-10000

`--size` is the total number of articles; `--scraped-share` of them (default one half) are
plain-text articles shaped like pages scraped from news sites, the rest Markdown with YAML front
matter. Everything is made from a built-in word list with a seeded RNG, so a given (size, seed,
GENERATOR_VERSION) always gives byte-identical files.

Layout of OUT:
    content/<section>/<year>/<slug>.md|.txt   what feedd reads (content.dir)
    hugo/config.toml                          a Hugo site with RSS-only output: it mounts content/
                                              (without the .txt files) and hugo/scraped/
    hugo/scraped/<section>/<year>/<slug>.md   each .txt article as Markdown with front matter, so Hugo
                                              publishes the same articles with the same titles and dates
    feedd.yaml                                feedd's config (server.listen is rewritten per run)
    .complete                                 written last; a corpus without it is regenerated

Standard library only.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import sys

# Bump when the output changes, so cached corpora (keyed by it) are regenerated.
GENERATOR_VERSION = 1

WORDS = """
able about above accept across act action add address admit affect after again against agency
agree agreement ahead air allow almost along already also although always among amount analysis
announce annual answer appear apply approach area argue army around arrive article artist ask
attack attention audience author available avoid away balance bank base basin beach bear beat
become before begin behind believe benefit better between beyond bill board boat body border
bridge brief bring budget build business buy call campaign capital card care career carry case
catch cause centre century chain chair challenge chance change channel charge check choice church
citizen city civil claim class clear climate close coach coast collect college commercial common
community company compare concern condition conference congress consider contain continue control
cost council country county course court cover create crime crisis critic cross crowd culture
current cut data deal debate decade decide defence degree deliver demand depend describe design
detail develop difference direction director discover discuss disease district doctor draw drive
early east economy edge education effect effort election energy engine enjoy enter environment
event evidence exactly example expect experience expert explain face fact factor fail fall family
farm federal field fight figure film final finance find fire firm fish floor focus follow force
foreign forest form former forward free friend front fund future game garden general generation
goal government green ground group grow growth guess harbour health hear heart heat help history
hold home hope hospital hotel house human idea image impact improve include income increase
industry inside interest interview island issue item join journey judge keep kind kitchen land
language large later launch law leader learn leave legal letter level library light line list
local look lose machine magazine maintain major manage market matter measure media meeting member
memory message method middle military million minister minute mission model modern moment money
month morning mountain move movement museum music nation national nature near network news night
north note number ocean offer office official open operation option order organisation outside
owner page paper parent part party pass past patient pattern peace people period person phone
picture piece place plan plant player point police policy political popular port position power
prepare present president press pressure price private problem process produce product program
project property protect provide public purpose quality question quickly radio rail range rate
reach read ready reason receive record region relate release remain report represent research
resource response result return review river road role room rule safety school science season
seat second section security senior series serve service settle share ship shore show side sign
signal simple single site skill social society soldier source south space speak special sport
spring staff stage standard start state station stay step stock storm story strategy street
strong structure student study style subject success summer support surface system table talk
team technology term test theatre theory third thousand threat through today total tour tower
town trade traffic train travel treaty trial trip trouble truth turn union unit university valley
value various vessel view village visit voice vote wall watch water wave weather week west whole
wind window winter woman worker world writer year young youth
""".split()

SECTIONS = ["world", "business", "science", "culture", "sport", "politics", "technology", "regions"]

FIRST_NAMES = ["Ana", "Boris", "Chloe", "Dmitri", "Elif", "Farid", "Greta", "Hannah", "Ivan",
               "Jonas", "Kemal", "Leyla", "Marta", "Nino", "Oskar", "Pavel", "Rasa", "Selin",
               "Tomas", "Ulla", "Vera", "Wiktor", "Yusuf", "Zofia"]
LAST_NAMES = ["Aliyev", "Berg", "Costa", "Dvorak", "Eriksen", "Fischer", "Gelashvili", "Horvat",
              "Ivanova", "Jensen", "Kaya", "Lindqvist", "Mamedov", "Novak", "Ozturk", "Petrov"]

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Articles are dated in this window; everything is in the past so no article is "scheduled".
DATE_FROM = dt.datetime(2014, 1, 1, tzinfo=dt.timezone.utc)
DATE_TO = dt.datetime(2025, 6, 30, tzinfo=dt.timezone.utc)


def make_tag_pool(rng):
    """About 200 tags: single words, two-word phrases, and a few with non-ASCII letters."""
    tags = set()
    while len(tags) < 180:
        if rng.random() < 0.6:
            tags.add(rng.choice(WORDS))
        else:
            tags.add(f"{rng.choice(WORDS)} {rng.choice(WORDS)}")
    special = ["Türkiye", "Azərbaycan", "Sakartvelo", "Québec", "São Paulo", "Zürich", "Kraków",
               "Ελλάδα", "Россия", "Україна", "C++", "AI & society", "R&D", "Q&A", "e-mobility",
               "5G", "COVID-19", "EU/NATO", "décor", "naïve art"]
    return sorted(tags) + special


def sentence(rng, lo=6, hi=18):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def title_words(rng, lo=4, hi=10):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(w.capitalize() if i == 0 or rng.random() < 0.4 else w
                    for i, w in enumerate(words))


def md_inline(rng, lo=3, hi=7):
    """A paragraph of sentences with some emphasis, strong text, links and code."""
    parts = []
    for _ in range(rng.randint(lo, hi)):
        s = sentence(rng)
        r = rng.random()
        words = s.split(" ")
        if len(words) > 4:
            i = rng.randrange(1, len(words) - 2)
            if r < 0.15:
                words[i] = f"*{words[i]}*"
            elif r < 0.25:
                words[i] = f"**{words[i]} {words[i + 1]}**"
                del words[i + 1]
            elif r < 0.40:
                words[i] = f"[{words[i]}](https://www.example.com/{rng.choice(WORDS)}/{rng.randint(1, 99999)})"
            elif r < 0.45:
                words[i] = f"`{words[i]}`"
        parts.append(" ".join(words))
    return " ".join(parts)


def markdown_body(rng, target_bytes):
    blocks = []
    size = 0
    while size < target_bytes:
        r = rng.random()
        if r < 0.62:
            block = md_inline(rng)
        elif r < 0.72:
            block = "## " + title_words(rng, 2, 6)
        elif r < 0.82:
            block = "\n".join(f"- {md_inline(rng, 1, 2)}" for _ in range(rng.randint(2, 6)))
        elif r < 0.88:
            block = "\n".join(f"{i + 1}. {sentence(rng)}" for i in range(rng.randint(2, 5)))
        elif r < 0.95:
            block = "> " + md_inline(rng, 1, 3)
        else:
            block = f"See [{title_words(rng, 2, 4)}](https://www.example.com/{rng.choice(WORDS)}) " \
                    f"and <https://example.net/{rng.choice(WORDS)}/{rng.randint(1, 9999)}>."
        blocks.append(block)
        size += len(block) + 2
    return "\n\n".join(blocks) + "\n"


def yaml_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def random_date(rng):
    span = int((DATE_TO - DATE_FROM).total_seconds())
    return DATE_FROM + dt.timedelta(seconds=rng.randrange(span))


def format_front_matter_date(rng, d):
    """Several spellings users write, all of which Hugo also understands."""
    r = rng.random()
    if r < 0.6:
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")
    if r < 0.85:
        local = d.astimezone(dt.timezone(dt.timedelta(hours=rng.choice([-5, 1, 2, 3, 4]))))
        return local.isoformat()
    return d.strftime("%Y-%m-%d")


def markdown_article(rng, tags, d):
    title = title_words(rng)
    lines = ["---", f"title: {yaml_quote(title)}", f"date: {format_front_matter_date(rng, d)}"]
    chosen = rng.sample(tags, rng.randint(1, 5))
    lines.append("tags: [" + ", ".join(yaml_quote(t) for t in chosen) + "]")
    if rng.random() < 0.8:
        lines.append(f"author: {yaml_quote(rng.choice(FIRST_NAMES) + ' ' + rng.choice(LAST_NAMES))}")
    if rng.random() < 0.3:
        lines.append(f"summary: {yaml_quote(sentence(rng, 10, 25))}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + markdown_body(rng, rng.randint(3000, 8000))


def scraped_article(rng, d):
    """Returns (text for feedd, title, date the text denotes, body paragraphs for Hugo).

    Shaped like a scraped news page: a title line ending in a yearless date ("5 Apr in 12:20")
    or followed by a date line ("09.Jan.2026"), one paragraph per line, a "Latest news" block of
    other headlines with dates, and the page's footer date (which fixes the yearless date's year).
    """
    title = title_words(rng, 5, 12)
    d = d.replace(second=0)
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
                  for _ in range(rng.randint(4, 12))]
    footer = d + dt.timedelta(days=rng.randint(0, 3))
    if rng.random() < 0.5:
        head = f"{title} {d.day} {MONTHS[d.month - 1]} in {d.hour:02d}:{d.minute:02d}\n\n"
    else:
        d = d.replace(hour=0, minute=0)
        head = f"{title}\n{d.day:02d}.{MONTHS[d.month - 1]}.{d.year}\n"
    latest = ["Latest news" + title_words(rng, 5, 12)]
    for k in range(10):
        if k:
            latest.append(title_words(rng, 5, 12))
        n = footer - dt.timedelta(days=k)
        latest.append(f"{n.day:02d}.{MONTHS[n.month - 1]}.{n.year}")
    foot = f"\n{footer.day} {MONTHS[footer.month - 1]} {footer.year}\n"
    text = head + "\n".join(paragraphs) + "\n" + "\n".join(latest) + "\n" + foot
    return text, title, d, paragraphs


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


FEEDD_CONFIG = """\
# Generated by bench/gen_corpus.py; bench/run.sh rewrites server.listen for each run.
site:
  title: feedd benchmark
  url: https://bench.example.org/
  description: Generated benchmark corpus
  language: en
  author: Bench Desk
content:
  dir: {content}
  timezone: UTC
  cut_markers: ["Latest news"]
  debounce_ms: {debounce_ms}
feeds:
  limit: 50
  full_content: true
server:
  listen: 127.0.0.1:0
ping:
  enabled: false
state_dir: {state}
"""

# Hugo: only the home page's RSS is rendered, with 50 items like feedd's feeds.limit. The kinds
# with no feedd equivalent are disabled; regular pages stay listed (so they reach the feed) but are
# not rendered (`_build.render = "link"`: they keep their permalinks). The .txt files are excluded
# from the mount (Hugo would copy them to the output as resources); their Markdown conversions in
# scraped/ take their place.
HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
title = "feedd benchmark"
languageCode = "en"
disableKinds = ["taxonomy", "term", "section", "sitemap", "robotsTXT", "404"]
enableGitInfo = false

[outputs]
home = ["RSS"]

[[cascade]]
[cascade._build]
render = "link"
list = "always"
[cascade._target]
kind = "page"

[services.rss]
limit = 50

[[module.mounts]]
source = "{content}"
target = "content"
excludeFiles = ["**.txt"]

[[module.mounts]]
source = "scraped"
target = "content"
"""


def generate(out, size, seed, scraped_share, debounce_ms):
    rng = random.Random(f"{seed}:{size}:{GENERATOR_VERSION}")
    if os.path.exists(out):
        shutil.rmtree(out)
    content = os.path.join(out, "content")
    scraped_dir = os.path.join(out, "hugo", "scraped")
    tags = make_tag_pool(rng)
    n_scraped = int(round(size * scraped_share))
    total_bytes = 0
    for i in range(size):
        d = random_date(rng)
        section = SECTIONS[rng.randrange(len(SECTIONS))]
        rel = os.path.join(section, str(d.year))
        # Spreads the scraped articles evenly through the corpus.
        is_scraped = (i * n_scraped) // size != ((i + 1) * n_scraped) // size
        slug = f"a{i:06d}-" + "-".join(rng.choice(WORDS) for _ in range(3))
        if is_scraped:
            text, title, date, paragraphs = scraped_article(rng, d)
            write(os.path.join(content, rel, slug + ".txt"), text)
            hugo_md = (f"---\ntitle: {yaml_quote(title)}\ndate: {date.strftime('%Y-%m-%dT%H:%M:%SZ')}\n---\n\n"
                       + "\n\n".join(paragraphs) + "\n")
            write(os.path.join(scraped_dir, rel, slug + ".md"), hugo_md)
        else:
            text = markdown_article(rng, tags, d)
            write(os.path.join(content, rel, slug + ".md"), text)
        total_bytes += len(text.encode())
    os.makedirs(os.path.join(out, "state"), exist_ok=True)
    write(os.path.join(out, "feedd.yaml"),
          FEEDD_CONFIG.format(content=content, state=os.path.join(out, "state"), debounce_ms=debounce_ms))
    os.makedirs(scraped_dir, exist_ok=True)
    write(os.path.join(out, "hugo", "config.toml"), HUGO_CONFIG.format(content=content))
    write(os.path.join(out, ".complete"),
          f"version={GENERATOR_VERSION} size={size} seed={seed} scraped={n_scraped} bytes={total_bytes}\n")
    return n_scraped, total_bytes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, required=True, help="total number of articles")
    ap.add_argument("--out", required=True, help="output folder (replaced)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scraped-share", type=float, default=0.5,
                    help="share of the articles that are scraped plain text (default 0.5)")
    ap.add_argument("--debounce-ms", type=int, default=200, help="content.debounce_ms in feedd.yaml")
    ap.add_argument("--version", action="store_true", help="print GENERATOR_VERSION and exit")
    args = ap.parse_args()
    if args.version:
        print(GENERATOR_VERSION)
        return 0
    n_scraped, total_bytes = generate(os.path.abspath(args.out), args.size, args.seed,
                                      args.scraped_share, args.debounce_ms)
    print(f"{args.out}: {args.size - n_scraped} Markdown + {n_scraped} scraped-text articles, "
          f"{total_bytes / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
