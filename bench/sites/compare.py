#!/usr/bin/python3
"""Compare feedd's feed of a real site's content folder with the feed its own generator publishes.

    /usr/bin/python3 bench/sites/compare.py --site /tmp/sites/jekyll/docs --generator jekyll \
        --config bench/sites/jekyll-news.feedd.yaml [--feedd build/feedd] [--work DIR] [--keep]

1. Builds the generator's own feed from the site checkout, with the site's own configuration plus the
   smallest override that lets it run here and publish every post (printed under "Overrides"):
   - hugo:    `hugo --source SITE --config SITECONFIG,OVERRIDE --destination OUT`, feed `index.xml`
              (the home feed: every regular page). Override: `rssLimit`/`services.rss.limit` = -1 (all);
              a missing theme (an un-fetched git submodule) is replaced by an empty folder, so Hugo's
              embedded RSS template renders the feed (a site's own layouts/_default/rss.xml still wins).
   - jekyll:  `jekyll build --source SITE --config SITE/_config.yml,OVERRIDE`, feed `feed.xml`
              (jekyll-feed). Override: `plugins: [jekyll-feed]` (the site's other plugins are not
              packaged), `feed.posts_limit` = 1000000, an empty `layouts_dir` (layouts use the missing
              plugins' tags; posts' own text, title, date and url do not depend on layouts),
              `disable_disk_cache`.
   - pelican: `pelican -s OVERRIDE.py -o OUT`, feed `feeds/all.atom.xml`. OVERRIDE.py executes the site's
              publishconf.py (else pelicanconf.py) and then sets FEED_ALL_ATOM, FEED_MAX_ITEMS (all),
              PLUGINS = [] (plugins are un-fetched submodules), absolute PATH/THEME, the default theme if
              the site's is missing, no caches, RELATIVE_URLS = False.
   Extra `--override FILE` (YAML for hugo/jekyll, Python for pelican) is appended for a site's quirks.
   Nothing is downloaded: Hugo modules and Go proxies point at 127.0.0.1:9, jekyll does not use bundler.
2. Runs `feedd build -c CONFIG -o OUT` and reads OUT/atom.xml. In CONFIG, `${SITE}` is replaced by --site
   and `${WORK}` by the work folder (the config is copied there first).
3. Reads both feeds with feedparser, matches entries by link, then by title, and prints a Markdown table
   and the first 20 mismatches of each kind. Times are compared to the second in UTC.

Only the Python 3 standard library and Debian's python3-feedparser are used.
"""

import argparse
import collections
import datetime
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import urllib.parse

import feedparser

BIG = 1000000
OFFLINE_ENV = {
    "HUGO_MODULE_PROXY": "http://127.0.0.1:9",
    "GOPROXY": "off",
    "GOFLAGS": "-mod=mod",
    "HUGO_MODULE_NOPROXY": "none",
    "JEKYLL_NO_BUNDLER_REQUIRE": "true",
    "JEKYLL_ENV": "production",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "no_proxy": "127.0.0.1,localhost",
}


def run(cmd, env=None, cwd=None):
    e = dict(os.environ)
    e.update(OFFLINE_ENV)
    if env:
        e.update(env)
    p = subprocess.run(cmd, env=e, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-6000:])
        sys.exit("failed (exit %d): %s" % (p.returncode, " ".join(cmd)))
    return p.stdout


def version(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


# ---------------------------------------------------------------------------------------------- generators

HUGO_CONFIGS = ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json"]


def build_hugo(site, work, extra, notes):
    cfg = next((os.path.join(site, c) for c in HUGO_CONFIGS if os.path.exists(os.path.join(site, c))), None)
    if cfg is None:
        sys.exit("no Hugo config file in " + site)
    text = open(cfg, encoding="utf-8").read()
    # Only the feed templates: a site's HTML layouts may fetch remote resources (resources.GetRemote) or
    # need a theme that is an un-fetched submodule; the feed does not depend on them.
    themes = os.path.join(work, "themes")
    layouts = os.path.join(work, "layouts")
    os.makedirs(layouts, exist_ok=True)
    m = re.search(r"""^theme\s*[:=]\s*\[?\s*["']?([\w.-]+)""", text, re.M)
    sources = [os.path.join(site, "layouts")]
    if m:
        os.makedirs(os.path.join(themes, m.group(1)), exist_ok=True)
        sources.append(os.path.join(site, "themes", m.group(1), "layouts"))
    copied = []
    for src in sources:
        for root, _, files in os.walk(src):
            for fn in files:
                if fn.endswith("rss.xml") or fn == "index.xml":
                    rel = os.path.relpath(os.path.join(root, fn), src)
                    dst = os.path.join(layouts, rel)
                    if not os.path.exists(dst):
                        os.makedirs(os.path.dirname(dst), exist_ok=True)
                        shutil.copyfile(os.path.join(root, fn), dst)
                        copied.append(os.path.relpath(os.path.join(root, fn), site))
    notes.append("Hugo: layouts = the feed templates only (%s), theme %s; HTML layouts are left out (they may "
                 "fetch remote resources or need an un-fetched theme)"
                 % (", ".join(copied) or "none: Hugo's embedded RSS template",
                    "`%s` replaced by an empty one" % m.group(1) if m else "none"))
    themes_dir_args = ["--themesDir", themes, "--layoutDir", layouts]
    override = os.path.join(work, "override.yaml")
    with open(override, "w", encoding="utf-8") as f:
        f.write("rssLimit: -1\nservices:\n  rss:\n    limit: -1\nignoreErrors: [error-disable-taxonomy]\n")
    notes.append("Hugo: `rssLimit: -1` and `services.rss.limit: -1` (every page in the feed; the site may "
                 "publish fewer); `ignoreErrors: [error-disable-taxonomy]` (a warning this Hugo logs as an error)")
    # A top-level key of an --override file replaces the site's (Hugo would merge the two maps): the site's
    # config is copied without those keys' blocks (YAML configs).
    replaced = set()
    for e in extra:
        replaced |= set(re.findall(r"^([A-Za-z_][\w-]*)\s*:", open(e, encoding="utf-8").read(), re.M))
    if replaced and cfg.endswith((".yml", ".yaml")):
        kept, skipping = [], False
        for line in text.splitlines(True):
            m2 = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
            if m2:
                skipping = m2.group(1) in replaced
            elif line.strip() and not line[0].isspace() and not line.startswith(("#", "-")):
                skipping = False
            if not skipping:
                kept.append(line)
        cfg = os.path.join(work, "site-config" + os.path.splitext(cfg)[1])
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("".join(kept))
        notes.append("Hugo: the site's %s replaced by the override's" % ", ".join("`%s`" % k for k in sorted(replaced)))
    configs = [cfg, override] + list(extra)
    out = os.path.join(work, "generator")
    run(["hugo", "--quiet", "--source", site, "--config", ",".join(configs), "--destination", out,
         "--cacheDir", os.path.join(work, "hugo-cache")] + themes_dir_args)
    return os.path.join(out, "index.xml")


def build_jekyll(site, work, extra, notes):
    layouts = os.path.join(work, "empty-layouts")
    os.makedirs(layouts, exist_ok=True)
    override = os.path.join(work, "override.yml")
    with open(override, "w", encoding="utf-8") as f:
        f.write("plugins: [jekyll-feed]\nwhitelist: [jekyll-feed]\nfeed:\n  posts_limit: %d\n"
                "layouts_dir: %s\ndisable_disk_cache: true\n" % (BIG, layouts))
    notes.append("Jekyll: `plugins: [jekyll-feed]` only, `feed.posts_limit: %d` (default 10), "
                 "an empty `layouts_dir` (layouts use plugins that are not packaged)" % BIG)
    configs = [os.path.join(site, "_config.yml"), override] + list(extra)
    out = os.path.join(work, "generator")
    run(["jekyll", "build", "--quiet", "--source", site, "--destination", out, "--config", ",".join(configs)],
        cwd=work)
    return os.path.join(out, "feed.xml")


def build_pelican(site, work, extra, notes, site_url):
    conf = next((os.path.join(site, c) for c in ("publishconf.py", "pelicanconf.py")
                 if os.path.exists(os.path.join(site, c))), None)
    if conf is None:
        sys.exit("no pelicanconf.py in " + site)
    settings = os.path.join(work, "settings_override.py")
    body = f"""# written by bench/sites/compare.py: the site's own settings, then what lets them run here
import os, sys
sys.path.insert(0, {site!r})
_cwd = os.getcwd()
os.chdir({site!r})
exec(compile(open({conf!r}, encoding="utf-8").read(), {conf!r}, "exec"))
os.chdir(_cwd)
def _abs(p):
    return p if os.path.isabs(p) else os.path.normpath(os.path.join({site!r}, p))
PATH = _abs(globals().get("PATH", "content"))
_theme = globals().get("THEME")
if _theme and os.path.isdir(_abs(_theme)) and os.path.isdir(os.path.join(_abs(_theme), "templates")):
    THEME = _abs(_theme)
else:
    THEME = "notmyidea"
PLUGINS = []
PLUGIN_PATHS = []
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_MAX_ITEMS = None
RELATIVE_URLS = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
"""
    if site_url:
        body += "SITEURL = %r\n" % site_url.rstrip("/")
    for e in extra:
        body += "\n# --override %s\n" % e + open(e, encoding="utf-8").read()
    with open(settings, "w", encoding="utf-8") as f:
        f.write(body)
    notes.append("Pelican: settings = the site's `%s`, then FEED_ALL_ATOM, FEED_MAX_ITEMS=None (all), "
                 "PLUGINS=[] (un-fetched submodules), absolute PATH/THEME, RELATIVE_URLS=False"
                 % os.path.basename(conf) + ("; SITEURL=%s" % site_url if site_url else ""))
    out = os.path.join(work, "generator")
    run(["pelican", "--quiet", "-s", settings, "-o", out], cwd=work)
    return os.path.join(out, "feeds", "all.atom.xml")


# ---------------------------------------------------------------------------------------------- feeds

def utc(entry):
    for k in ("published_parsed", "updated_parsed"):
        t = entry.get(k)
        if t:
            return datetime.datetime(*t[:6], tzinfo=datetime.timezone.utc)
    return None


def entry_link(e):
    link = e.get("link") or ""
    for l in e.get("links", []):
        if l.get("rel", "alternate") == "alternate" and l.get("href"):
            link = l["href"]
            break
    return link


def read_feed(path):
    d = feedparser.parse(path)
    if d.bozo and not d.entries:
        sys.exit("cannot read %s: %s" % (path, d.bozo_exception))
    out = []
    for e in d.entries:
        out.append({"title": clean(e.get("title", "")), "link": entry_link(e), "time": utc(e)})
    return out


def clean(s):
    s = html.unescape(s or "")
    return re.sub(r"\s+", " ", s).strip()


def title_key(s):
    s = unicodedata.normalize("NFKC", clean(s)).casefold()
    s = s.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                                   "\u2014": "-", "\u2026": "..."}))
    return re.sub(r"[\W_]+", " ", s).strip()


def link_key(u):
    p = urllib.parse.urlsplit(u)
    path = urllib.parse.unquote(p.path)
    return (p.netloc.lower(), path)


def fmt_time(t):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (t.year, t.month, t.day, t.hour, t.minute, t.second) if t else "(none)"


def path_of(u):
    return urllib.parse.urlsplit(u).path or u


# ---------------------------------------------------------------------------------------------- compare

def compare(gen, fd):
    by_link = collections.defaultdict(list)
    by_title = collections.defaultdict(list)
    for i, e in enumerate(fd):
        by_link[link_key(e["link"])].append(i)
        by_title[title_key(e["title"])].append(i)
    used = set()
    pairs, gen_only = [], []
    for g in gen:  # pass 1: by link
        cand = [i for i in by_link.get(link_key(g["link"]), []) if i not in used]
        if cand:
            used.add(cand[0])
            pairs.append((g, fd[cand[0]], "link"))
        else:
            gen_only.append(g)
    rest = []
    for g in gen_only:  # pass 2: by title
        cand = [i for i in by_title.get(title_key(g["title"]), []) if i not in used]
        if cand and title_key(g["title"]):
            used.add(cand[0])
            pairs.append((g, fd[cand[0]], "title"))
        else:
            rest.append(g)
    fd_only = [e for i, e in enumerate(fd) if i not in used]
    return pairs, rest, fd_only


def date_category(g, f):
    if not g or not f:
        return "dates: one side has none"
    if g.year <= 1:
        return "dates: an undated page (the generator says 0001-01-01, feedd the file's modification time)"
    delta = (f - g).total_seconds()
    if delta % 3600 == 0 and abs(delta) <= 14 * 3600:
        return "dates: off by %+dh (a time zone)" % (delta // 3600)
    if g.date() == f.date() or abs(delta) < 86400:
        return "dates: same day, other time of day"
    return "dates: another day"


def link_category(g, f):
    gp, fp = path_of(g), path_of(f)
    gu, fu = urllib.parse.urlsplit(g), urllib.parse.urlsplit(f)
    if gu.netloc.lower() != fu.netloc.lower():
        return "links: another host (%s vs %s)" % (fu.netloc, gu.netloc)
    if gp.rstrip("/") == fp.rstrip("/"):
        return "links: trailing slash"
    return "links: another path (feedd's %s vs the generator's %s)" % (shape(fp), shape(gp))


def shape(p):
    """The shape of a path: digits become 9, the last word becomes SLUG, e.g. /news/9999/99/99/SLUG/."""
    segs = p.split("/")
    out = []
    for s in segs:
        if not s:
            out.append(s)
        elif re.fullmatch(r"\d+", s):
            out.append("9" * len(s))
        elif s in ("index.html", "index"):
            out.append(s)
        else:
            ext = re.search(r"\.(html?|xml)$", s)
            out.append("SLUG" + (ext.group(0) if ext else ""))
    return "/".join(out)


def adopt_ids(a, feedd, cfg, gen_path, work, n):
    """`feedd adopt` of the generator's own feed, then a new build: which of the generator's ids do
    feedd's RSS guids and Atom ids carry now (and which did they carry before)?"""
    gen_ids = [e.get("id") or entry_link(e) for e in feedparser.parse(gen_path).entries]

    def ids_of(folder):
        rss = {e.get("id") for e in feedparser.parse(os.path.join(folder, "feed.xml")).entries}
        atom = {e.get("id") for e in feedparser.parse(os.path.join(folder, "atom.xml")).entries}
        return rss, atom

    before_rss, before_atom = ids_of(os.path.join(work, "feedd"))
    said = run([feedd, "adopt", "-c", cfg, gen_path])
    out = os.path.join(work, "feedd-adopted")
    run([feedd, "build", "-c", cfg, "-o", out, "--log-level", "warning"])
    rss, atom = ids_of(out)
    kept_rss = [i for i in gen_ids if i in rss]
    kept_atom = [i for i in gen_ids if i in atom]

    def pct(k):
        return "%d (%.1f %%)" % (k, 100.0 * k / n) if n else str(k)

    print("### Ids after `feedd adopt` of the generator's feed\n")
    summary = [l for l in said.splitlines() if " matched (" in l]
    print("`feedd adopt` said: `%s`\n" % (summary[0].replace(work, "WORK") if summary else said.strip()))
    print("| generator's entries | same id in feedd's RSS before | after adopt: RSS | after adopt: Atom |")
    print("|---|---|---|---|")
    print("| %d | %s | %s | %s |\n" % (n, pct(sum(1 for i in gen_ids if i in before_rss)), pct(len(kept_rss)),
                                    pct(len(kept_atom))))
    lost = [i for i in gen_ids if i not in rss or i not in atom]
    if lost:
        print("Ids not kept (first %d):\n" % min(a.show, len(lost)))
        for i in lost[:a.show]:
            print("- `%s`" % i)
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", required=True, help="the site's checkout (the folder with its generator config)")
    ap.add_argument("--generator", required=True, choices=["hugo", "jekyll", "pelican"])
    ap.add_argument("--config", required=True, help="the feedd config (${SITE} and ${WORK} are replaced)")
    ap.add_argument("--feedd", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                     "build", "feedd"))
    ap.add_argument("--override", action="append", default=[], help="extra generator config, appended last")
    ap.add_argument("--site-url", default="", help="pelican: SITEURL, when the settings leave it empty")
    ap.add_argument("--name", default="", help="the site's name in the output")
    ap.add_argument("--work", default="", help="work folder (default: a new temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--show", type=int, default=20, help="mismatches listed per kind")
    ap.add_argument("--adopt", action="store_true",
                    help="also run `feedd adopt` on the generator's feed, build again, and count how many of the "
                         "generator's entries keep their ids in feedd's RSS and Atom (issue #13 item 6)")
    ap.add_argument("--require", type=float, default=None, metavar="PCT",
                    help="exit 1 unless at least PCT %% of the generator's posts have the same title, time and "
                         "link, and feedd publishes nothing the generator does not (issue #13: 99)")
    a = ap.parse_args()

    site = os.path.abspath(a.site)
    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="feedd-sites-")
    if a.work:
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
    notes = []
    extra = [os.path.abspath(x) for x in a.override]
    if extra:
        notes.append("site override: " + ", ".join(os.path.basename(x) for x in extra))
    if a.generator == "hugo":
        gen_path = build_hugo(site, work, extra, notes)
        gen_version = version(["hugo", "version"])
    elif a.generator == "jekyll":
        gen_path = build_jekyll(site, work, extra, notes)
        gen_version = version(["jekyll", "--version"])
    else:
        gen_path = build_pelican(site, work, extra, notes, a.site_url)
        gen_version = version(["pelican", "--version"])
        gen_version = "pelican " + gen_version if not gen_version.startswith("pelican") else gen_version

    cfg_text = open(a.config, encoding="utf-8").read().replace("${SITE}", site).replace("${WORK}", work)
    cfg = os.path.join(work, "feedd.yaml")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(cfg_text)
    m = re.search(r"^\s*limit:\s*(\d+)", cfg_text, re.M)
    feedd_limit = int(m.group(1)) if m else 50
    fout = os.path.join(work, "feedd")
    feedd = os.path.abspath(a.feedd)
    log = run([feedd, "build", "-c", cfg, "-o", fout, "--log-level", "warning"])
    feedd_rev = version(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse", "--short", "HEAD"])

    gen = read_feed(gen_path)
    fd = read_feed(os.path.join(fout, "atom.xml"))
    pairs, gen_only, fd_only = compare(gen, fd)

    same_title = [p for p in pairs if clean(p[0]["title"]) == clean(p[1]["title"])]
    same_time = [p for p in pairs if p[0]["time"] and p[0]["time"] == p[1]["time"]]
    same_link = [p for p in pairs if link_key(p[0]["link"]) == link_key(p[1]["link"])]
    all_three = [p for p in pairs if p in same_title and p in same_time and p in same_link]
    n = len(gen)

    def pct(k):
        return "%d (%.1f %%)" % (k, 100.0 * k / n) if n else str(k)

    name = a.name or os.path.basename(site.rstrip("/"))
    print("## %s (%s)\n" % (name, a.generator))
    print("- generator: %s; feed `%s`" % (gen_version, os.path.relpath(gen_path, work)))
    print("- feedd: %s (commit %s); feed `atom.xml`; config `%s`" % (feedd, feedd_rev, a.config))
    print("- like with like: the generator's feed limit is lifted (below); feedd's `feeds.limit` is %d. "
          "If either side hits its limit the counts below are of the newest entries only." % feedd_limit)
    for x in notes:
        print("- override: " + x)
    if log.strip():
        lines = log.strip().splitlines()
        print("- feedd said: %d lines, %d of them errors (listed below)" % (
            len(lines), sum(1 for l in lines if ": error: " in l)))
    print()
    print("| posts in the generator's feed | matched | same title | same publication time | same link "
          "| all three | feedd-only entries | generator-only entries |")
    print("|---|---|---|---|---|---|---|---|")
    print("| %d | %s | %s | %s | %s | %s | %d | %d |" % (n, pct(len(pairs)), pct(len(same_title)),
                                                      pct(len(same_time)), pct(len(same_link)),
                                                      pct(len(all_three)), len(fd_only), len(gen_only)))
    print("\n(feedd published %d entries; %d pairs matched by link, %d by title)\n" % (
        len(fd), sum(1 for p in pairs if p[2] == "link"), sum(1 for p in pairs if p[2] == "title")))

    cats = collections.Counter()
    for g, f, _ in pairs:
        if clean(g["title"]) != clean(f["title"]):
            cats["titles: differ"] += 1
        if not (g["time"] and g["time"] == f["time"]):
            cats[date_category(g["time"], f["time"])] += 1
        if link_key(g["link"]) != link_key(f["link"]):
            cats[link_category(g["link"], f["link"])] += 1
    for f in fd_only:
        cats["feedd-only: %s" % shape(path_of(f["link"]))] += 1
    for g in gen_only:
        cats["generator-only: %s" % shape(path_of(g["link"]))] += 1
    if cats:
        print("### Mismatch categories\n")
        print("| category | entries |\n|---|---|")
        for c, k in cats.most_common():
            print("| %s | %d |" % (c.replace("|", "\\|"), k))
        print()

    if a.adopt:
        adopt_ids(a, feedd, cfg, gen_path, work, n)

    def show(title, rows):
        if not rows:
            return
        print("### %s (%d; first %d)\n" % (title, len(rows), min(a.show, len(rows))))
        for r in rows[:a.show]:
            print("- " + r)
        print()

    errors = [l for l in log.splitlines() if ": error: " in l]
    show("feedd's error lines (each one an article left out)", ["`%s`" % l[:300] for l in errors])
    show("Titles that differ", ["generator `%s` / feedd `%s`" % (g["title"], f["title"])
                                for g, f, _ in pairs if clean(g["title"]) != clean(f["title"])])
    show("Publication times that differ", ["%s: generator %s / feedd %s" % (
        g["title"][:60], fmt_time(g["time"]), fmt_time(f["time"]))
        for g, f, _ in pairs if not (g["time"] and g["time"] == f["time"])])
    show("Links that differ", ["generator %s / feedd %s" % (g["link"], f["link"])
                               for g, f, _ in pairs if link_key(g["link"]) != link_key(f["link"])])
    show("feedd-only entries (published by feedd, not by the generator)",
         ["`%s` %s %s" % (f["title"][:70], fmt_time(f["time"]), f["link"]) for f in fd_only])
    show("Generator-only entries (published by the generator, not by feedd)",
         ["`%s` %s %s" % (g["title"][:70], fmt_time(g["time"]), g["link"]) for g in gen_only])
    if a.keep or a.work:
        print("(work folder kept: %s)" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    if a.require is not None:
        ok = n > 0 and 100.0 * len(all_three) / n >= a.require and not fd_only
        print("**%s**: %.1f %% of the generator's posts the same in all three (required %.1f %%), %d feedd-only" % (
            "PASS" if ok else "FAIL", 100.0 * len(all_three) / n if n else 0.0, a.require, len(fd_only)))
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
