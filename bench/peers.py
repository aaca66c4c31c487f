"""The peers of `make bench`: Hugo, MkDocs and Pelican building the same papers as our build, timed the same way.

Each peer gets a project written from the content/ folder our build just read: one page per paper
(title, authors, abstract, links to its topics and digests), its taxonomy (the topics of our
topics.lock.json, so every peer lists the same topics; and the digests, one per day) and feeds
(RSS, and Atom where the peer has it, for the home page and each topic, 50 items like ours).
Each peer builds with its own default theme or a minimal template set, as a user would start:

- Hugo (Debian's `hugo` package): JSON front matter, taxonomies `topics` and `digests`, its built-in RSS;
- MkDocs (PyPI): Markdown pages for papers, topics and digests (it has no taxonomy), its default search
  plugin, and a hook that writes the feeds (it has none);
- Pelican (PyPI): articles with tags for topics and day archives for digests, Atom and RSS per tag.

MkDocs and Pelican live in a venv of their own under bench/.work/ (created on first use, pinned
versions); Hugo is not installed by the bench (it needs root): `sudo apt-get install hugo`.
This module writes projects and runs builds; it does not judge or print (run.py does).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "bench" / ".work" / "peers-venv"
PINS = ("mkdocs==1.6.1", "pelican==4.12.0", "markdown==3.11.3")
FEED_ITEMS = 50
PEERS = ("hugo", "mkdocs", "pelican")


@dataclass(frozen=True)
class PeerPaper:
    slug: str
    title: str
    abstract: str
    authors: tuple[str, ...]
    date: str  # YYYY-MM-DD of its first dated digest
    digests: tuple[str, ...]  # digest ids (our digest slugs: the day)
    topics: tuple[str, ...]  # topic slugs


@dataclass(frozen=True)
class PeerSite:
    title: str
    base_url: str
    papers: tuple[PeerPaper, ...]
    topics: dict[str, str]  # slug → label
    digests: dict[str, str]  # id → YYYY-MM-DD


def read_site(content: Path) -> PeerSite:
    """The papers, topics and digests of content/ as our build saw them (our reader, our lock's topics)."""
    sys.path.insert(0, str(ROOT))
    from site_src.config import load_config
    from site_src.ingest import read_corpus

    config = load_config(content / "site.yaml")
    corpus, _ = read_corpus(content / "dumps", config)
    lock = json.loads((content / "topics.lock.json").read_text(encoding="utf-8"))
    topics = {t["slug"]: " · ".join(t["label"]) for t in lock["topics"]}
    topics_of: dict[str, list[str]] = {}
    for topic in lock["topics"]:
        for slug in topic["papers"]:
            topics_of.setdefault(slug, []).append(topic["slug"])
    digests = {d.id: d.date.isoformat() for d in corpus.digests if d.date}
    papers = tuple(
        PeerPaper(
            slug=p.slug,
            title=p.title,
            abstract=p.abstract,
            authors=tuple(p.authors),
            date=min(digests[d] for d in p.digests if d in digests),
            digests=tuple(d for d in p.digests if d in digests),
            topics=tuple(topics_of.get(p.slug, ())),
        )
        for p in corpus.papers
    )
    return PeerSite(config.title, config.base_url or "https://example.org/", papers, topics, digests)


def _markdown_text(text: str) -> str:
    """Plain text that Python-Markdown and Goldmark show as it is (no emphasis, links or raw HTML)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for mark in "\\`*_[]#":
        text = text.replace(mark, "\\" + mark)
    return text


def _body(paper: PeerPaper) -> str:
    return f"{_markdown_text(', '.join(paper.authors))}\n\n{_markdown_text(paper.abstract)}\n"


# ---------------------------------------------------------------- Hugo

HUGO_CONFIG = """baseURL = {base_url}
title = {title}
languageCode = "en"
rssLimit = {limit}
disableKinds = ["sitemap", "robotsTXT"]
[taxonomies]
  topic = "topics"
  digest = "digests"
[services.rss]
  limit = {limit}
"""
HUGO_SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main><h1>{{ .Title }}</h1>
{{ .Content }}
<h2>Topics</h2><ul>{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<h2>Digests</h2><ul>{{ range .GetTerms "digests" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</main></body></html>
"""
HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Summary }}</li>{{ end }}</ul>
</main></body></html>
"""


def write_hugo(site: PeerSite, project: Path) -> None:
    config = HUGO_CONFIG.format(base_url=json.dumps(site.base_url), title=json.dumps(site.title), limit=FEED_ITEMS)
    _write(project / "config.toml", config)
    _write(project / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    _write(project / "layouts" / "_default" / "list.html", HUGO_LIST)
    for paper in site.papers:
        front = {
            "title": paper.title,
            "date": paper.date,
            "slug": paper.slug,
            "authors": list(paper.authors),
            "topics": [site.topics[t] for t in paper.topics],
            "digests": [site.digests[d] for d in paper.digests],
        }
        _write(project / "content" / "papers" / f"{paper.slug}.md", json.dumps(front, ensure_ascii=False) + "\n\n" + _body(paper))


# ---------------------------------------------------------------- MkDocs

MKDOCS_HOOK = '''"""Feeds for the MkDocs peer: RSS 2.0 for the home page and each topic (MkDocs has no feeds)."""
import json
import os
from xml.etree import ElementTree as ET

PAPERS = []


def on_page_markdown(markdown, page, config, files):
    if page.meta.get("date"):
        PAPERS.append((str(page.meta["date"]), page.url, page.title, markdown.split("\\n\\n", 2)[-1], page.meta.get("topics", [])))
    return markdown


def _rss(path, title, base, items):
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = base
    for date, url, name, text, _ in sorted(items, reverse=True)[:LIMIT]:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = name
        ET.SubElement(item, "link").text = base + url
        ET.SubElement(item, "description").text = text
        ET.SubElement(item, "pubDate").text = date
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ET.ElementTree(rss).write(path, encoding="utf-8", xml_declaration=True)


def on_post_build(config):
    base, out = config["site_url"], config["site_dir"]
    _rss(os.path.join(out, "feed.xml"), config["site_name"], base, PAPERS)
    by_topic = {}
    for paper in PAPERS:
        for topic in paper[4]:
            by_topic.setdefault(topic, []).append(paper)
    for topic, items in by_topic.items():
        _rss(os.path.join(out, "topics", topic, "feed.xml"), topic, base, items)
'''


def write_mkdocs(site: PeerSite, project: Path) -> None:
    docs = project / "docs"
    config = {
        "site_name": site.title,
        "site_url": site.base_url,
        "nav": ["index.md", "topics/index.md", "digests/index.md"],
        "hooks": ["feeds_hook.py"],
        "plugins": ["search"],
    }
    _write(project / "mkdocs.yml", json.dumps(config, ensure_ascii=False))  # JSON is YAML
    _write(project / "feeds_hook.py", MKDOCS_HOOK.replace("LIMIT", str(FEED_ITEMS)))

    def item(paper: PeerPaper) -> str:
        return f"- [{_markdown_text(paper.title)}](../papers/{paper.slug}.md)"

    listed: dict[str, list[PeerPaper]] = {}
    for paper in site.papers:
        meta = {"title": paper.title, "date": paper.date, "topics": list(paper.topics)}
        links = [f"- [{_markdown_text(site.topics[t])}](../topics/{t}.md)" for t in paper.topics]
        links += [f"- [{site.digests[d]}](../digests/{d}.md)" for d in paper.digests]
        text = f"---\n{json.dumps(meta, ensure_ascii=False)}\n---\n\n# {_markdown_text(paper.title)}\n\n{_body(paper)}\n## Topics and digests\n\n"
        _write(docs / "papers" / f"{paper.slug}.md", text + "\n".join(links) + "\n")
        for key in [f"topics/{t}" for t in paper.topics] + [f"digests/{d}" for d in paper.digests]:
            listed.setdefault(key, []).append(paper)
    for slug, label in site.topics.items():
        _write(docs / "topics" / f"{slug}.md", f"# {_markdown_text(label)}\n\n" + "\n".join(map(item, listed.get(f"topics/{slug}", []))) + "\n")
    for digest, day in site.digests.items():
        _write(docs / "digests" / f"{digest}.md", f"# {day}\n\n" + "\n".join(map(item, listed.get(f"digests/{digest}", []))) + "\n")
    topic_list = "\n".join(f"- [{_markdown_text(label)}]({slug}.md)" for slug, label in site.topics.items())
    _write(docs / "topics" / "index.md", "# Topics\n\n" + topic_list + "\n")
    _write(docs / "digests" / "index.md", "# Digests\n\n" + "\n".join(f"- [{day}]({d}.md)" for d, day in site.digests.items()) + "\n")
    latest = max(site.digests, key=site.digests.get)
    _write(docs / "index.md", f"# {_markdown_text(site.title)}\n\n[Latest digest](digests/{latest}.md) · [Topics](topics/index.md)\n")


# ---------------------------------------------------------------- Pelican

PELICAN_CONFIG = """AUTHOR = "bench"
SITENAME = {title}
SITEURL = {base_url}
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_CATEGORY = "papers"
DEFAULT_PAGINATION = 50
FEED_DOMAIN = SITEURL
FEED_MAX_ITEMS = {limit}
FEED_ALL_ATOM = "atom.xml"
FEED_ALL_RSS = "feed.xml"
TAG_FEED_ATOM = "topics/{{slug}}/atom.xml"
TAG_FEED_RSS = "topics/{{slug}}/feed.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
ARTICLE_URL = "papers/{{slug}}/"
ARTICLE_SAVE_AS = "papers/{{slug}}/index.html"
TAG_URL = "topics/{{slug}}/"
TAG_SAVE_AS = "topics/{{slug}}/index.html"
DAY_ARCHIVE_URL = "digests/{{date:%Y-%m-%d}}/"
DAY_ARCHIVE_SAVE_AS = "digests/{{date:%Y-%m-%d}}/index.html"
CATEGORY_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
LOAD_CONTENT_CACHE = False
"""


def write_pelican(site: PeerSite, project: Path) -> None:
    _write(project / "pelicanconf.py", PELICAN_CONFIG.format(title=json.dumps(site.title), base_url=json.dumps(site.base_url.rstrip("/")), limit=FEED_ITEMS))
    for paper in site.papers:
        tags = ", ".join(site.topics[t].replace(",", " ") for t in paper.topics)
        head = f"Title: {' '.join(paper.title.split())}\nDate: {paper.date}\nSlug: {paper.slug}\nCategory: papers\nTags: {tags}\n\n"
        _write(project / "content" / f"{paper.slug}.md", head + _body(paper))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


WRITERS = {"hugo": write_hugo, "mkdocs": write_mkdocs, "pelican": write_pelican}


# ---------------------------------------------------------------- installing and running

def installed() -> tuple[dict[str, list[str]], list[str]]:
    """Each peer's build command (run in its project folder), and how to get the peers that are missing."""
    commands, missing = {}, []
    hugo = shutil.which("hugo")
    if hugo:
        commands["hugo"] = [hugo, "--quiet", "--destination", "public"]
    else:
        missing.append("Hugo is not installed: `sudo apt-get install hugo` (Debian's package, 0.111)")
    python = VENV / "bin" / "python"
    if not (VENV / ".installed").is_file():
        print(f"bench: installing {', '.join(PINS)} into {VENV.relative_to(ROOT)}", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PINS], check=True)
            (VENV / ".installed").write_text("\n".join(PINS) + "\n")
        except (subprocess.CalledProcessError, OSError) as error:
            missing.append(f"MkDocs and Pelican could not be installed into {VENV} ({error}): "
                           f"`{python} -m pip install {' '.join(PINS)}`")
    if (VENV / ".installed").is_file():
        commands["mkdocs"] = [str(VENV / "bin" / "mkdocs"), "build", "--quiet", "--clean", "--site-dir", "public"]
        commands["pelican"] = [str(VENV / "bin" / "pelican"), "content", "--settings", "pelicanconf.py", "--output", "public",
                               "--quiet", "--delete-output-directory"]
    return commands, missing


def version(name: str, command: list[str]) -> str:
    """The peer's name and version, as its own command prints it."""
    if name == "hugo":
        out = subprocess.run([command[0], "version"], capture_output=True, text=True).stdout.split()
        return f"Hugo {out[1].lstrip('v').split('+')[0].split('-')[0]}" if len(out) > 1 else "Hugo"
    package = {"mkdocs": "mkdocs", "pelican": "pelican"}[name]
    pin = next(p for p in PINS if p.startswith(package + "=="))
    return f"{'MkDocs' if name == 'mkdocs' else 'Pelican'} {pin.split('==')[1]}"


def prepare(name: str, site: PeerSite, project: Path) -> None:
    """A fresh project folder for one peer."""
    shutil.rmtree(project, ignore_errors=True)
    WRITERS[name](site, project)


def build(command: list[str], project: Path) -> dict:
    """One cold build (its output folder removed first): wall seconds, peak RSS of its largest process, file count."""
    shutil.rmtree(project / "public", ignore_errors=True)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    with open(project / "build.log", "w") as log:
        child = subprocess.Popen(command, cwd=project, stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status:
        tail = (project / "build.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{command[0]} failed in {project}:\n{tail}")
    files = sum(len(names) for _, _, names in os.walk(project / "public"))
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "files": files}
