"""content/curation.yaml: the curator's hand on the automatic topics, read and checked, then applied to each build.

The file renames and merges topics, moves and hides papers, and adds notes, digest introductions and
featured papers. It is applied after the topic model on every build, to whatever grouping the model (or
the lock) produced; the lock keeps only what the model found. So curation survives refits, fold-ins and a
deleted lock, and taking an entry out of the file undoes it on the next build. Slugs are checked against
this build's topics and papers: a misspelt one is an error naming the line and the closest slug; a topic
slug the lock retired follows its redirect, with a warning. This module neither groups papers nor renders pages.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from site_src.config.reading import TEXT_LOADER, read_yaml
from site_src.errors import DigestError, BuildWarning
from site_src.ingest.pages import markdown_html
from site_src.records import Corpus
from site_src.topics.grouping import Grouping, NamedGrouping
from site_src.topics.lock import RetiredTopic

CURATION_NAME = "curation.yaml"


@dataclass(frozen=True)
class TopicEdit:
    label: str | None = None  # replaces the model's phrases; the slug and URL stay
    merge: tuple[str, ...] = ()  # topic slugs that become part of this one; their URLs redirect here


@dataclass(frozen=True)
class PaperEdit:
    hide: bool = False
    topics: tuple[str, ...] = ()  # its own topic, and a second one; () leaves it where the model put it
    note: str = ""  # Markdown


@dataclass(frozen=True)
class Curation:
    """The file as written, checked for shape; its slugs are checked by apply(), once the topics are known."""

    topics: dict[str, TopicEdit] = field(default_factory=dict)
    papers: dict[str, PaperEdit] = field(default_factory=dict)  # by paper slug or arXiv id
    intros: dict[str, str] = field(default_factory=dict)  # dump file name -> Markdown
    featured: tuple[str, ...] = ()  # paper slugs or arXiv ids
    reader: object = field(default=None, compare=False)  # names the file and line of each key, for later errors


@dataclass(frozen=True)
class Curated:
    """The corpus and grouping as the curator wants them shown; `named.lock` is still the model's own."""

    corpus: Corpus  # hidden papers left out of papers and listings
    named: NamedGrouping
    removed: tuple[str, ...] = ()  # slugs of hidden papers: their old URLs say the curator removed them
    notes: dict[str, str] = field(default_factory=dict)  # paper slug -> note as HTML
    intros: dict[str, str] = field(default_factory=dict)  # digest id -> introduction as HTML
    featured: tuple[str, ...] = ()  # paper slugs, in the curator's order
    warnings: tuple[BuildWarning, ...] = ()
    summary: str = ""  # what the curation changed, in words, for the build's output


def read_curation(path: Path) -> Curation:
    """Read and check the shape of content/curation.yaml; a missing file is an empty curation."""
    if not path.exists():
        return Curation()
    data, reader = read_yaml(path, TEXT_LOADER)
    data = reader.mapping(data, (path.name,))
    reader.known(data, {"topics", "papers", "digests", "featured"}, ())
    topics = {}
    for slug, edit in reader.mapping(data.get("topics"), ("topics",)).items():
        keys = ("topics", str(slug))
        edit = reader.mapping(edit, keys)
        reader.known(edit, {"label", "merge"}, keys)
        topics[str(slug)] = TopicEdit(_text(reader, edit, "label", keys) or None, _names(reader, edit.get("merge"), (*keys, "merge")))
    papers = {}
    for ref, edit in reader.mapping(data.get("papers"), ("papers",)).items():
        keys = ("papers", str(ref))
        edit = reader.mapping(edit, keys)
        reader.known(edit, {"hide", "topics", "note"}, keys)
        hide = reader.typed(edit.get("hide", False), bool, (*keys, "hide"))
        where = _names(reader, edit.get("topics"), (*keys, "topics"))
        if len(where) > 2:
            raise reader.error((*keys, "topics"), "at most two topics: the paper's own and a second one")
        note = _text(reader, edit, "note", keys)
        if hide and (where or note):
            raise reader.error(keys, "a hidden paper is on no page: drop its topics and note, or hide: false")
        papers[str(ref)] = PaperEdit(hide, where, note)
    intros = {}
    for name, edit in reader.mapping(data.get("digests"), ("digests",)).items():
        keys = ("digests", str(name))
        edit = reader.mapping(edit, keys)
        reader.known(edit, {"intro"}, keys)
        intros[str(name)] = _text(reader, edit, "intro", keys)
    featured = _names(reader, data.get("featured"), ("featured",))
    return Curation(topics, papers, intros, featured, reader)


def _text(reader, mapping: dict, key: str, keys: tuple) -> str:
    """A text value (stripped), "" when absent; present but empty or not text is an error."""
    if key not in mapping:
        return ""
    value = reader.typed(mapping[key], str, (*keys, key))
    if not value.strip():
        raise reader.error((*keys, key), "expected text, got an empty string")
    return value.strip()


def _names(reader, value, keys: tuple) -> tuple[str, ...]:
    """A list of slugs (one alone is fine), each once."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise reader.error(keys, f"expected a list of slugs, got {type(value).__name__}")
    seen: dict[str, int] = {}
    for number, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise reader.error((*keys, number), f"expected a slug, got {item!r}")
        if item.strip() in seen:
            raise reader.error((*keys, number), f"{item.strip()!r} is listed twice")
        seen[item.strip()] = number
    return tuple(seen)


class _Names:
    """Turns the file's slugs into this build's topic, paper and digest numbers, or into errors naming the line."""

    def __init__(self, curation: Curation, corpus: Corpus, named: NamedGrouping):
        self.reader = curation.reader
        self.slugs = named.slugs
        self.topics = {slug: number for number, slug in enumerate(named.slugs)}
        self.retired = {r.slug: r.successor for r in named.retired}
        self.papers = {p.slug: i for i, p in enumerate(corpus.papers)}
        self.ids = {p.arxiv_id: i for i, p in enumerate(corpus.papers) if p.arxiv_id}
        self.digests = {d.source.name: d.id for d in corpus.digests}
        self.warnings: list[BuildWarning] = []

    def topic(self, slug: str, keys: tuple) -> int:
        if slug in self.topics:
            return self.topics[slug]
        successor = self.retired.get(slug)
        if successor in self.topics:
            self.warn(keys, f"topic {slug!r} was merged into {successor!r} when the topics were fitted again; write {successor!r}")
            return self.topics[successor]
        raise self.unknown("topic", slug, list(self.topics), keys)

    def paper(self, ref: str, keys: tuple) -> int:
        found = self.papers.get(ref, self.ids.get(ref))
        if found is None:
            raise self.unknown("paper", ref, list(self.papers) + list(self.ids), keys)
        return found

    def digest(self, name: str, keys: tuple) -> str:
        if name not in self.digests:
            raise self.unknown("digest from the dump", name, list(self.digests), keys)
        return self.digests[name]

    def unknown(self, kind: str, name: str, known: list[str], keys: tuple) -> DigestError:
        closest = difflib.get_close_matches(name, known, n=1, cutoff=0)
        return self.reader.error(keys, f"no {kind} {name!r}" + (f" (closest: {closest[0]!r})" if closest else ""))

    def warn(self, keys: tuple, message: str) -> None:
        error = self.reader.error(keys, message)
        self.warnings.append(BuildWarning(error.message, error.path, error.line))


def apply(curation: Curation, corpus: Corpus, named: NamedGrouping) -> Curated:
    """The curation applied to this build's grouping: labels, merges, moves, hidden papers, notes, intros, picks."""
    if curation.reader is None:
        return Curated(corpus, named)
    names = _Names(curation, corpus, named)
    into = _merges(curation, names, len(named.slugs))
    labels = _labels(curation, names, into)
    places = named.grouping.paper_topics
    own, second = (np.where(places[:, c] >= 0, into[places[:, c]], -1) for c in (0, 1))  # merged topics live on as one
    hidden, notes, moved = _papers(curation, names, corpus, into, own, second)
    featured = []
    for number, ref in enumerate(curation.featured):
        index = names.paper(ref, ("featured", number))
        if index in hidden:
            raise curation.reader.error(("featured", number), f"{ref!r} is hidden ({hidden[index]}); a hidden paper cannot be featured")
        featured.append(corpus.papers[index].slug)
    intros = {names.digest(name, ("digests", name)): markdown_html(text) for name, text in curation.intros.items() if text}
    gone = {corpus.papers[i].slug for i in hidden}
    kept = Corpus(
        corpus.digests,
        tuple(p for p in corpus.papers if p.slug not in gone),
        {d: tuple(s for s in slugs if s not in gone) for d, slugs in corpus.listings.items()},
    )
    counts = {
        ("topic renamed", "topics renamed"): len(labels), ("topic merged", "topics merged"): int((into != np.arange(len(into))).sum()),
        ("paper moved", "papers moved"): moved, ("paper hidden", "papers hidden"): len(hidden), ("note", "notes"): len(notes),
        ("digest introduced", "digests introduced"): len(intros), ("paper featured", "papers featured"): len(featured),
    }
    summary = ", ".join(f"{n} {one if n == 1 else many}" for (one, many), n in counts.items() if n)
    regrouped = _regroup(named, into, labels, own, second, set(hidden))
    return Curated(kept, regrouped, tuple(sorted(gone)), notes, intros, tuple(featured), tuple(names.warnings), summary)


def _papers(curation: Curation, names: _Names, corpus: Corpus, into, own: np.ndarray, second: np.ndarray):
    """Each paper entry: hidden ones (index -> where the file says so), notes as HTML, and moves made in own/second."""
    hidden: dict[int, str] = {}
    notes: dict[str, str] = {}
    seen: dict[int, str] = {}
    moved = 0
    for ref, edit in curation.papers.items():
        keys = ("papers", ref)
        index = names.paper(ref, keys)
        if index in seen:
            raise curation.reader.error(keys, f"the same paper as papers.{seen[index]}")
        seen[index] = ref
        if edit.hide:
            hidden[index] = f"papers.{ref}"
        if edit.topics:
            places = list(dict.fromkeys(int(into[names.topic(s, (*keys, "topics", n))]) for n, s in enumerate(edit.topics)))
            own[index], second[index] = places[0], places[1] if len(places) > 1 else -1
            moved += 1
        if edit.note:
            notes[corpus.papers[index].slug] = markdown_html(edit.note)
    second[second == own] = -1
    return hidden, notes, moved


def _merges(curation: Curation, names: _Names, count: int) -> np.ndarray:
    """Topic number -> the number of the topic it becomes part of (itself where it is not merged)."""
    into = np.arange(count)
    taken: dict[int, tuple] = {}
    for slug, edit in curation.topics.items():
        survivor = names.topic(slug, ("topics", slug)) if edit.merge else None
        for number, other in enumerate(edit.merge):
            keys = ("topics", slug, "merge", number)
            merged = names.topic(other, keys)
            if merged == survivor:
                raise curation.reader.error(keys, f"{other!r} is this topic itself")
            if merged in taken and into[merged] != survivor:
                raise curation.reader.error(keys, f"{other!r} is already merged into {names.slugs[into[merged]]!r}")
            into[merged], taken[merged] = survivor, keys
    for merged, keys in taken.items():
        if into[into[merged]] != into[merged]:
            target = names.slugs[into[into[merged]]]
            raise curation.reader.error(keys[:2], f"this topic is itself merged into {target!r}: list every topic under {target!r}")
    return into


def _labels(curation: Curation, names: _Names, into: np.ndarray) -> dict[int, str]:
    labels: dict[int, str] = {}
    for slug, edit in curation.topics.items():
        if not edit.label:
            continue
        keys = ("topics", slug, "label")
        number = names.topic(slug, keys[:2])
        if into[number] != number:
            target = names.slugs[into[number]]
            raise curation.reader.error(keys, f"this topic is merged into {target!r}, so its label is never shown; label {target!r}")
        if number in labels:
            raise curation.reader.error(keys, f"a second label for topic {names.slugs[number]!r}")
        labels[number] = edit.label
    return labels


def _regroup(named: NamedGrouping, into: np.ndarray, labels: dict, own: np.ndarray, second: np.ndarray, hidden: set) -> NamedGrouping:
    """The topics rebuilt from each paper's curated place; a topic left without papers of its own retires."""
    grouping, old = named.grouping, named.grouping.topics
    shown = np.array([i not in hidden for i in range(len(own))], dtype=bool)
    members: dict[int, tuple[list, list]] = {}
    for number in range(len(old)):
        if into[number] != number:
            continue
        sources = [number] + [s for s in range(len(old)) if into[s] == number and s != number]
        firsts = [p for s in sources for p in old[s].members[: old[s].size] if own[p] == number and shown[p]]
        seconds = [p for s in sources for p in old[s].members[old[s].size :] if second[p] == number and shown[p]]
        firsts += np.flatnonzero((own == number) & shown).tolist()  # moved here: after the model's own, by paper order
        seconds += np.flatnonzero((second == number) & shown).tolist()
        members[number] = (list(dict.fromkeys(firsts)), list(dict.fromkeys(seconds)))
    alive = [n for n in members if members[n][0]]
    final = np.full(len(old), -1)
    final[alive] = np.arange(len(alive))
    final = np.where(final[into] >= 0, final[into], -1)  # a merged topic lives on as its survivor
    renumber = np.full(len(own), -1)
    renumber[shown] = np.arange(int(shown.sum()))
    topics = []
    for number in alive:
        sources = [s for s in range(len(old)) if into[s] == number]
        firsts, seconds = members[number]
        related = [int(final[r]) for s in sources for r in old[s].related if final[r] >= 0 and final[r] != final[number]]
        limit = max(len(old[s].related) for s in sources)
        position = old[number].position
        if len(sources) > 1:  # the merged topic sits at its parts' centre, weighted by their papers
            weights = np.array([old[s].size for s in sources], dtype=float)
            position = tuple(float(x) for x in np.average([old[s].position for s in sources], axis=0, weights=weights))
        topics.append(
            dataclasses.replace(
                old[number],
                label=(labels[number],) if number in labels else old[number].label,
                members=tuple(int(renumber[p]) for p in firsts + seconds),
                related=tuple(dict.fromkeys(related))[:limit],
                size=len(firsts),
                position=position,
            )
        )
    paper_topics = np.stack([np.where(own >= 0, final[own], -1), np.where(second >= 0, final[second], -1)], axis=1)[shown]
    # An area lists its papers without a topic, less those hidden or given a topic by the curator.
    areas = tuple(dataclasses.replace(a, papers=tuple(int(renumber[p]) for p in a.papers if shown[p] and own[p] < 0)) for a in grouping.areas)
    related = _without_hidden(grouping.related[shown], renumber)
    slugs = tuple(named.slugs[n] for n in alive)
    curated = Grouping(tuple(topics), paper_topics.astype(np.int64), related, grouping.params, areas)
    return dataclasses.replace(named, grouping=curated, slugs=slugs, retired=_retired(named, into, final, alive, own, shown))


def _without_hidden(related: np.ndarray, renumber: np.ndarray) -> np.ndarray:
    """Related-paper rows with hidden papers taken out (the rest move up; -1 pads the end)."""
    mapped = np.where(related >= 0, renumber[np.maximum(related, 0)], -1)
    order = np.argsort(mapped < 0, axis=1, kind="stable")
    return np.take_along_axis(mapped, order, axis=1).astype(np.int64)


def _retired(named: NamedGrouping, into, final, alive: list[int], own: np.ndarray, shown: np.ndarray) -> tuple[RetiredTopic, ...]:
    """The lock's redirects, plus one for each topic merged away or left empty, to where most of its papers went."""
    old, slugs = named.grouping.topics, named.slugs
    successor = {}
    for number, topic in enumerate(old):
        target = final[number]
        if number in alive:
            continue
        if target < 0:  # left empty: follow most of its own papers
            votes = Counter(int(final[own[p]]) for p in topic.members[: topic.size] if shown[p])
            target = min(votes, key=lambda t: (-votes[t], t)) if votes else -1
        successor[number] = slugs[alive[target]] if target >= 0 else ""
    retired = [RetiredTopic(slugs[n], old[n].label, slug) for n, slug in successor.items()]
    gone = {slugs[n]: slug for n, slug in successor.items()}
    retired += [dataclasses.replace(r, successor=gone.get(r.successor, r.successor)) for r in named.retired]
    return tuple(sorted(retired, key=lambda r: r.slug))
