"""content/curation.yaml: renamed and merged topics, moved and hidden papers, notes, intros and picks, on the real seeds."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from site_src import ingest, topics
from site_src.config import load_config
from site_src.curation import apply, read_curation
from site_src.errors import DigestError
from site_src.topics.lock import RetiredTopic

from .conftest import CONTENT


@pytest.fixture(scope="module")
def seeds():
    """The seed corpus and its named grouping (from the shipped lock when it still fits)."""
    config = load_config(CONTENT / "site.yaml")
    corpus, _ = ingest.read_corpus(CONTENT / "dumps", config)
    lock = topics.read_lock(CONTENT / topics.LOCK_NAME)
    return corpus, topics.group(corpus.papers, config.topics, lock)


def curation_file(tmp_path, text: str):
    path = tmp_path / "curation.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def curate(tmp_path, seeds, text: str):
    corpus, named = seeds
    return apply(read_curation(curation_file(tmp_path, text)), corpus, named)


def members(named, slug: str) -> list[int]:
    return list(named.grouping.topics[named.slugs.index(slug)].members)


def test_no_file_changes_nothing(tmp_path, seeds):
    corpus, named = seeds
    curated = apply(read_curation(tmp_path / "curation.yaml"), corpus, named)
    assert curated.corpus is corpus and curated.named is named


def test_misspelt_topic_slug_names_the_line_and_the_closest_slug(tmp_path, seeds):
    slug = seeds[1].slugs[0]
    misspelt = slug[:-1] + ("x" if slug[-1] != "x" else "y")
    with pytest.raises(DigestError) as caught:
        curate(tmp_path, seeds, f"""\
            # a comment
            topics:
              {misspelt}:
                label: Speech recognition
            """)
    error = caught.value
    assert error.line == 3 and error.path.name == "curation.yaml"
    assert f"no topic {misspelt!r} (closest: {slug!r})" in str(error)


def test_misspelt_paper_in_a_list_names_its_own_line(tmp_path, seeds):
    paper = seeds[0].papers[7].slug
    with pytest.raises(DigestError) as caught:
        curate(tmp_path, seeds, f"""\
            featured:
              - {seeds[0].papers[3].slug}
              - {paper}-typo
            """)
    assert caught.value.line == 3
    assert f"featured[1]: no paper '{paper}-typo' (closest: '{paper}')" in str(caught.value)


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("topic:\n  x: {label: A}\n", 1, "topic: unknown key (known keys: digests, featured, papers, topics)"),
        ("papers:\n  x:\n    hide: 'yes'\n", 3, "papers.x.hide: expected bool, got str 'yes'"),
        ("papers:\n  x:\n    hidden: true\n", 3, "papers.x.hidden: unknown key (known keys: hide, note, topics)"),
        ("papers:\n  x:\n    topics: [a, b, c]\n", 3, "at most two topics"),
        ("papers:\n  x:\n    hide: true\n    note: why\n", 2, "a hidden paper is on no page"),
        ("topics:\n  x:\n    label: ''\n", 3, "topics.x.label: expected text, got an empty string"),
        ("topics:\n  x:\n    merge: [a, a]\n", 3, "topics.x.merge[1]: 'a' is listed twice"),
        ("featured: {a: 1}\n", 1, "featured: expected a list of slugs"),
        ("- just\n- a list\n", None, "expected a mapping"),
        ("topics: [\n", 2, "invalid YAML"),
    ],
)
def test_wrong_shapes_are_errors_naming_the_line(tmp_path, text, line, message):
    with pytest.raises(DigestError) as caught:
        read_curation(curation_file(tmp_path, text))
    assert message in str(caught.value)
    assert caught.value.line == line


def test_arxiv_ids_stay_text(tmp_path):
    curation = read_curation(curation_file(tmp_path, "papers:\n  2506.10010: {hide: true}\nfeatured: [2412.01000]\n"))
    assert list(curation.papers) == ["2506.10010"] and curation.featured == ("2412.01000",)


def test_rename_keeps_slug_and_merge_joins_papers(tmp_path, seeds):
    corpus, named = seeds
    first, second, third = named.slugs[:3]
    curated = curate(tmp_path, seeds, f"""\
        topics:
          {first}:
            label: "Speech & <recognition>"
            merge: [{second}]
        """)
    slugs = curated.named.slugs
    assert first in slugs and second not in slugs and third in slugs
    topic = curated.named.grouping.topics[slugs.index(first)]
    assert topic.label == ("Speech & <recognition>",)
    old = named.grouping.topics
    own = {corpus.papers[i].slug for t in old[:2] for i in t.members[: t.size]}
    assert {curated.corpus.papers[i].slug for i in topic.members[: topic.size]} == own
    assert topic.size == old[0].size + old[1].size
    redirect = next(r for r in curated.named.retired if r.slug == second)
    assert redirect.successor == first
    assert curated.named.lock is named.lock  # the lock stays the model's: curation is applied again on every build
    assert "1 topic renamed, 1 topic merged" in curated.summary


def test_moved_paper_leaves_its_topic_and_joins_the_curators(tmp_path, seeds):
    corpus, named = seeds
    source, target = named.slugs[0], named.slugs[-1]
    moved = corpus.papers[named.grouping.topics[0].members[0]]
    curated = curate(tmp_path, seeds, f"papers:\n  {moved.slug}:\n    topics: [{target}]\n")
    index = [p.slug for p in curated.corpus.papers].index(moved.slug)
    assert index not in members(curated.named, source)
    target_topic = curated.named.grouping.topics[curated.named.slugs.index(target)]
    assert index in target_topic.members[: target_topic.size]
    assert list(curated.named.grouping.paper_topics[index]) == [curated.named.slugs.index(target), -1]


def test_hidden_paper_is_gone_from_topics_listings_and_related(tmp_path, seeds):
    corpus, named = seeds
    hidden = corpus.papers[named.grouping.related[0][0]]  # the first paper's nearest neighbour
    curated = curate(tmp_path, seeds, f"papers:\n  {hidden.slug}:\n    hide: true\n")
    assert hidden.slug not in [p.slug for p in curated.corpus.papers]
    assert curated.removed == (hidden.slug,)
    assert all(hidden.slug not in listing for listing in curated.corpus.listings.values())
    grouping = curated.named.grouping
    count = len(curated.corpus.papers)
    assert grouping.paper_topics.shape == (count, 2) and grouping.related.shape[0] == count
    assert sorted(i for t in grouping.topics for i in t.members[: t.size]) == list(range(count))
    first_related = [curated.corpus.papers[j].slug for j in grouping.related[0] if j >= 0]
    assert hidden.slug not in first_related and len(first_related) == len(named.grouping.related[0]) - 1


def test_a_topic_left_without_papers_redirects_where_they_went(tmp_path, seeds):
    corpus, named = seeds
    smallest = min(range(len(named.slugs)), key=lambda n: (named.grouping.topics[n].size, n))
    topic = named.grouping.topics[smallest]
    target = named.slugs[0] if smallest else named.slugs[1]
    lines = "".join(f"  {corpus.papers[i].slug}:\n    topics: [{target}]\n" for i in topic.members[: topic.size])
    curated = curate(tmp_path, seeds, "papers:\n" + lines)
    assert named.slugs[smallest] not in curated.named.slugs
    assert next(r for r in curated.named.retired if r.slug == named.slugs[smallest]).successor == target


@pytest.mark.parametrize(
    "entry, message",
    [
        ("{a}:\n    merge: [{a}]\n", "is this topic itself"),
        ("{a}:\n    merge: [{c}]\n  {b}:\n    merge: [{c}]\n", "is already merged into"),
        ("{a}:\n    merge: [{b}]\n  {c}:\n    merge: [{a}]\n", "this topic is itself merged into"),
        ("{a}:\n    merge: [{b}]\n  {b}:\n    label: B\n", "its label is never shown"),
    ],
)
def test_contradictory_merges_are_errors(tmp_path, seeds, entry, message):
    a, b, c = seeds[1].slugs[:3]
    with pytest.raises(DigestError, match=message):
        curate(tmp_path, seeds, "topics:\n  " + entry.format(a=a, b=b, c=c))


def test_featured_hidden_paper_is_an_error(tmp_path, seeds):
    slug = seeds[0].papers[0].slug
    with pytest.raises(DigestError, match="a hidden paper cannot be featured") as caught:
        curate(tmp_path, seeds, f"papers:\n  {slug}: {{hide: true}}\nfeatured: [{slug}]\n")
    assert caught.value.line == 3


def test_notes_and_intros_are_markdown_without_raw_html(tmp_path, seeds):
    corpus, _ = seeds
    digest = corpus.digests[0]
    curated = curate(tmp_path, seeds, f"""\
        papers:
          {corpus.papers[0].slug}:
            note: "**Why** it matters <script>alert(1)</script> [x](javascript:alert(1))"
        digests:
          {digest.source.name}:
            intro: "A *good* week."
        """)
    note = curated.notes[corpus.papers[0].slug]
    assert "<strong>Why</strong>" in note and "<script>" not in note and "&lt;script&gt;" in note
    assert 'href="javascript' not in note
    assert curated.intros == {digest.id: "<p>A <em>good</em> week.</p>\n"}


def test_unknown_digest_names_the_closest_dump(tmp_path, seeds):
    name = seeds[0].digests[0].source.name
    with pytest.raises(DigestError, match=f"no digest from the dump 'x{name}' \\(closest: '{name}'\\)"):
        curate(tmp_path, seeds, f"digests:\n  x{name}:\n    intro: hi\n")


def test_a_retired_slug_follows_its_redirect_with_a_warning(tmp_path, seeds):
    corpus, named = seeds
    retired = RetiredTopic("old-speech", ("Old",), named.slugs[0])
    curated = curate(tmp_path, (corpus, dataclasses.replace(named, retired=(retired,))), "topics:\n  old-speech:\n    label: Speech\n")
    assert curated.named.grouping.topics[0].label == ("Speech",)
    assert [w.line for w in curated.warnings] == [2] and f"write {named.slugs[0]!r}" in curated.warnings[0].message
