"""Search: a prebuilt lunr index of every paper for lunr.js 2.3.9, cut into shards, and the store its results show.

This package builds the search files (index.py computes lunr's postings as arrays, shards.py cuts them and the
store into files loaded on demand); the browser side is templates/assets/search/ (ES modules, one per job). It reads only the
assembled site; it renders no page.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from site_src.errors import DigestError
from site_src.assemble import Site, urls
from site_src.outputs.made import Made
from site_src.files.source import lunr_js_bases
from site_src.outputs.search import index, shards

LUNR_JS_VERSION = "2.3.9"  # the lunr.js version lunr.py's serialized indexes are made for
# Title words decide what a paper is about; topic labels, authors and keywords are short, so a hit there counts
# more than one among the abstract's hundreds of words. Reviewed with make bench-search (MRR@10 over 250 queries):
# keywords 3 → 1 loses 0.005, topics 3 → 1 changes nothing, title 10 → 5 gains 0.002 (one query): kept.
FIELDS = (
    {"field_name": "title", "boost": 10},
    {"field_name": "abstract"},
    {"field_name": "topics", "boost": 3},
    {"field_name": "authors", "boost": 3},
    {"field_name": "keywords", "boost": 3},
)
PHRASE_FIELDS = ("title", "abstract")  # where a quoted phrase must stand (shards.py: position shards)
# Where a query word counts as found. A topic label is the site's summary of many papers, so it may rank a paper
# that has the words higher, but never lets in one that lacks a word (bench/search_relevance.md: with the label
# as a field of its own, topic queries find more of their theme than without it, or with the label matching).
WORD_FIELDS = ("title", "abstract", "authors", "keywords")


@dataclass(frozen=True)
class SearchFiles(Made):
    """What search adds to build/: the files, and the site-relative paths pages load them from."""

    manifest: str = urls.SEARCH_MANIFEST  # search/manifest.json: the fields, the shard and store files by key (content-hashed names)
    script: str = ""  # assets/lunr-<version>.min.js

    @property
    def size(self) -> int:
        """Bytes of the index shards, store chunks and manifest."""
        return sum(len(data) for name, data in self.files.items() if name.startswith(urls.SEARCH_INDEX))


def documents(site: Site) -> list[dict]:
    """One lunr document per paper, ref = its slug; a paper's position here is its number in the sharded index."""
    phrases = {t.slug: "   ".join(t.phrases) for t in site.topics}
    return [
        {
            "slug": p.slug,
            "title": p.title,
            "abstract": p.abstract,
            "topics": " ".join(phrases[link.id] for link in p.topics),
            "authors": ", ".join(p.authors),
            "keywords": ", ".join(p.ai_keywords),
        }
        for p in site.papers.values()
    ]


def store(site: Site) -> list[dict]:
    """What a result shows, by paper number: title, url, topic labels and the abstract's first sentence."""
    return [{"t": p.title, "u": p.url, "k": [link.text for link in p.topics], "s": p.summary} for p in site.papers.values()]


def find_lunr_js(bases: list[Path]) -> Path:
    """lunr.min.js from `npm ci`, in the first of bases with a node_modules/lunr, checked to be the pinned version."""
    looked = []
    for base in dict.fromkeys(b.absolute() for b in bases):
        package = base / "node_modules" / "lunr"
        looked.append(package)
        script = package / "lunr.min.js"
        if not script.is_file():
            continue
        try:
            version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            version = None
        if version != LUNR_JS_VERSION:
            raise DigestError(
                f"search needs lunr.js {LUNR_JS_VERSION}, found {version}; run `npm ci` (or `make site`)", package
            )
        return script
    raise DigestError("lunr.js is not installed; run `npm ci` (or `make site`) in the project folder", looked[0])


def search_files(site: Site, project_dir: Path) -> SearchFiles:
    """The manifest, the index shards, the store chunks and lunr.js (content-hashed or versioned names)."""
    lunr_js = find_lunr_js(lunr_js_bases(project_dir))
    files = {urls.SEARCH_INDEX + name: data for name, data in index_files(documents(site), store(site)).items()}
    names = search_names()
    files[names.script] = lunr_js.read_bytes()
    return dataclasses.replace(names, files=files)


def search_names() -> SearchFiles:
    """Where pages find search (fixed names), before the index exists: so pages can render while it is built."""
    return SearchFiles({}, manifest=urls.SEARCH_MANIFEST, script=urls.asset(f"lunr-{LUNR_JS_VERSION}.min.js"))


def index_files(docs: list[dict], shown: list[dict]) -> dict[str, bytes]:
    """manifest.json and the shard, position and store files it names, by path under search/ (see shards.py)."""
    arrays = index.index_arrays("slug", list(FIELDS), docs, positions=PHRASE_FIELDS)
    return shards.index_files(arrays, shown, PHRASE_FIELDS, WORD_FIELDS)
