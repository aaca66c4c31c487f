"""Benchmark corpora from real data: N distinct papers written as API-JSON dumps, one file per day.

The pool is every real paper we have (the seed captures' titles and abstracts are not needed: the
shared API responses and JSON Feed snapshots hold thousands). The first papers are real as they
are; beyond the pool, papers are recombined from real ones with a fixed seed: a title made of one
real title's head and another's tail, an abstract of one real paper's sentences with one sentence
swapped in from another of its kind. So word statistics, lengths and themes stay real.

Usage: python bench/generate.py N OUT_CONTENT_DIR [--extra]   (--extra: one more day, for "add one dump")
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PER_DAY = 50
FIRST_DAY = dt.date(2023, 1, 2)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def shared_dir() -> Path | None:
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if (base / "corpora").is_dir():
            return base
    return None


def real_papers(shared: Path) -> list[dict]:
    """Every distinct real paper (by title) in the shared corpora: title, abstract, authors; sorted, so the pool is stable."""
    corpora = shared / "corpora"
    return pool_of(sorted(corpora.glob("*/api-json/*.json")), sorted(corpora.glob("*/snapshots/*/*.json")))


def pool_of(api_files: list[Path], feed_files: list[Path]) -> list[dict]:
    """Every distinct real paper (by title) in these daily-papers API responses and JSON Feed snapshots; sorted."""
    seen: dict[str, dict] = {}
    for path in api_files:
        for element in json.loads(path.read_text(encoding="utf-8")):
            paper = element.get("paper") or {}
            title, abstract = (paper.get("title") or "").strip(), (paper.get("summary") or "").strip()
            if title and abstract:
                authors = [a["name"] for a in paper.get("authors") or () if isinstance(a, dict) and a.get("name")]
                seen.setdefault(title.lower(), {"title": title, "abstract": abstract, "authors": authors})
    for path in feed_files:
        try:
            items = json.loads(path.read_text(encoding="utf-8")).get("items") or []
        except (ValueError, AttributeError):
            continue
        for item in items:
            title, abstract = (item.get("title") or "").strip(), (item.get("content_text") or "").strip()
            if title and len(abstract) > 200:
                authors = [a["name"] for a in item.get("authors") or () if isinstance(a, dict) and a.get("name")]
                seen.setdefault(title.lower(), {"title": title, "abstract": abstract, "authors": authors})
    return [seen[key] for key in sorted(seen)]


def _recombined(pool: list[dict], rng: random.Random, number: int) -> dict:
    base, other = rng.choice(pool), rng.choice(pool)
    head = re.split(r"[:\-–]", base["title"], maxsplit=1)[0].strip()
    tail = re.split(r"[:\-–]", other["title"], maxsplit=1)[-1].strip()
    sentences = _SENTENCE.split(base["abstract"])
    extra = _SENTENCE.split(other["abstract"])
    sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(extra))
    return {
        "title": f"{head}: {tail} ({number})" if head != tail else f"{head} ({number})",
        "abstract": " ".join(sentences),
        "authors": (base["authors"][:3] + other["authors"][:2]) or ["Anonymous"],
    }


def papers(count: int, pool: list[dict], seed: int = 7) -> list[dict]:
    """`count` distinct papers: the real pool first (shuffled with the seed), then recombinations."""
    rng = random.Random(seed)
    real = pool[:]
    rng.shuffle(real)
    chosen = real[:count]
    chosen += [_recombined(pool, rng, len(chosen) + i) for i in range(count - len(chosen))]
    return chosen


def _element(paper: dict, number: int, day: dt.date) -> dict:
    stamp = f"{day.isoformat()}T08:00:00.000Z"
    return {
        "paper": {
            "id": f"{2300 + number // 90000}.{number % 90000 + 10000:05d}",
            "title": paper["title"],
            "summary": paper["abstract"],
            "authors": [{"name": name} for name in paper["authors"]],
            "upvotes": number % 97,
            "publishedAt": stamp,
            "submittedOnDailyAt": stamp,
        },
        "title": paper["title"],
    }


def write_day(dumps: Path, day_number: int, batch: list[dict], first_number: int) -> Path:
    day = FIRST_DAY + dt.timedelta(days=day_number)
    path = dumps / f"{day.isoformat()}.json"
    data = [_element(p, first_number + i, day) for i, p in enumerate(batch)]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


SITE_YAML = "title: Benchmark Digest\ndescription: Generated from real papers for `make bench`.\nbase_url: https://example.org/digest/\nlanguage: en\ntopics:\n  seed: 0\n"


def generate(count: int, content: Path, pool: list[dict], extra_days: int = 1) -> None:
    """A fresh content folder of `count` papers in PER_DAY-paper daily dumps; plus `extra_days` more days of PER_DAY
    papers kept aside in `extra/` beside it (one file a day, in date order)."""
    shutil.rmtree(content, ignore_errors=True)
    dumps = content / "dumps"
    dumps.mkdir(parents=True)
    (content / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    everything = papers(count + PER_DAY * extra_days, pool)
    chosen = everything[:count]
    for day_number, start in enumerate(range(0, count, PER_DAY)):
        write_day(dumps, day_number, chosen[start : start + PER_DAY], start)
    aside = content.parent / "extra"
    shutil.rmtree(aside, ignore_errors=True)
    aside.mkdir()
    first_day = (count + PER_DAY - 1) // PER_DAY
    for extra in range(extra_days):
        start = count + extra * PER_DAY
        write_day(aside, first_day + extra, everything[start : start + PER_DAY], start)


def main(argv: list[str]) -> int:
    shared = shared_dir()
    if shared is None:
        print("bench: ../shared/corpora not found; nothing to generate")
        return 0
    generate(int(argv[0]), Path(argv[1]), real_papers(shared))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
