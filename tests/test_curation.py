"""content/curation.yaml: renamed and merged topics, moved and hidden papers, notes, intros and picks, on the real seeds."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import textwrap
import time

import feedparser
import lxml.html
import pytest

from site_src import ingest, topics
from site_src.build import build
from site_src.commands.check import check_site
from site_src.config import load_config
from site_src.curation import apply, read_curation
from site_src.errors import DigestError
from site_src.text.slugs import slugify
from site_src.topics.lock import RetiredTopic

from .conftest import CONTENT, api_day


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


# --- end to end: the seed site built with a curation file, then grown by a fold-in and a refit ----------------

BASE = "https://example.org/digest/"
LABEL = 'Speechcraft & "ASR" <recognition>'


@dataclasses.dataclass
class Choices:
    """What the curation file says, by slug: chosen from the site's own first build, so they follow the topic model."""

    renamed: str
    merged: str
    target: str
    moved: str
    hidden: str
    noted: str
    featured: tuple[str, ...]
    intro_dump: str
    intro_digest: str


def lock_topics(content) -> dict[str, dict]:
    return {t["slug"]: t for t in json.loads((content / topics.LOCK_NAME).read_text(encoding="utf-8"))["topics"]}


def choose(content, out) -> Choices:
    fitted = list(lock_topics(content).values())
    related = json.loads((content / topics.LOCK_NAME).read_text(encoding="utf-8"))["related_papers"]
    moved, noted, picked = fitted[2]["papers"][0], fitted[3]["papers"][1], fitted[5]["papers"][0]
    # A related paper of one of topic 3's papers (the first that lists one: related papers have a floor).
    hidden = next(r for paper in fitted[3]["papers"] for r in related[paper] if r not in (moved, noted, picked))
    listing = json.loads((out / "data" / "papers.json").read_text(encoding="utf-8"))
    digest = next(p["digests"][0] for p in listing if p["slug"] == noted)
    dump = next(p.name for p in (content / "dumps").iterdir() if slugify(p.stem) == digest)
    return Choices(fitted[0]["slug"], fitted[1]["slug"], fitted[4]["slug"], moved, hidden, noted, (noted, picked), dump, digest)


def write_curation(content, c: Choices, extra: str = "") -> None:
    (content / "curation.yaml").write_text(
        textwrap.dedent(f"""\
        topics:
          {c.renamed}:
            label: '{LABEL}'
            merge: [{c.merged}]
        papers:
          {c.moved}:
            topics: [{c.target}]
          {c.hidden}:
            hide: true
          {c.noted}:
            note: "Read this one first: it **changed** how <b>we</b> test."
        digests:
          {c.intro_dump}:
            intro: "This week: *speech*, and a note on <script>alert(1)</script>."
        featured: [{", ".join(c.featured)}]
        """) + extra,
        encoding="utf-8",
    )


def html_of(out, path: str):
    return lxml.html.fromstring((out / path / "index.html").read_bytes())


def live(content, slug: str) -> str:
    """Where a slug lives now: itself, or the topic the lock's redirect sends it to."""
    retired = {r["slug"]: r["successor"] for r in json.loads((content / topics.LOCK_NAME).read_text(encoding="utf-8"))["retired"]}
    return retired.get(slug, slug)


def check_every_output(content, out, c: Choices) -> None:
    """The curation as every output kind shows it: pages, map, redirects, removed page, feeds, search, papers.json, sitemap."""
    renamed, merged, target = live(content, c.renamed), live(content, c.merged), live(content, c.target)
    listing = {p["slug"]: p for p in json.loads((out / "data" / "papers.json").read_text(encoding="utf-8"))}
    # renamed: the topic page, the topics index, its map, its papers' chips, papers.json, its feed
    assert html_of(out, f"topics/{renamed}").findtext(".//h1") == LABEL
    index = html_of(out, "topics")
    assert f"{LABEL}: " in " ".join(index.xpath("//figure[@class='topic-map']//title/text()"))
    assert LABEL in index.xpath("//ul[@class='topics']/li/a/text()")
    members = [p for p in listing.values() if renamed in p["topics"]]
    assert members and all(LABEL in p["topic_labels"] for p in members)
    chips = html_of(out, members[0]["url"].rstrip("/")).xpath("//p[@class='chips']/a/text()")
    assert LABEL in chips
    topic_feed = feedparser.parse((out / "topics" / renamed / "feed.xml").read_bytes())
    assert topic_feed.bozo == 0 and topic_feed.feed.title.endswith(LABEL)
    assert LABEL in [t.term for t in topic_feed.entries[0].tags]
    # merged: its URL redirects to the renamed topic, which lists its papers; no page links the merged topic
    if merged != renamed:
        redirect = html_of(out, f"topics/{merged}")
        assert redirect.xpath("//meta[@http-equiv='refresh']/@content")[0].endswith(f"topics/{renamed}/")
    assert merged not in {t for p in listing.values() for t in p["topics"]} or merged == renamed
    # moved: on the curator's topic, off its old one
    if c.moved != c.hidden:
        assert listing[c.moved]["topics"] == [target]
        assert f"../../papers/{c.moved}/" in html_of(out, f"topics/{target}").xpath("//ol[@class='papers']//a[@class='title']/@href")
    # hidden: a page saying so, and nowhere else: pages, papers.json, feeds, search store, sitemap
    removed = html_of(out, f"papers/{c.hidden}")
    assert removed.findtext(".//h1") == "This paper was removed by the curator"
    assert removed.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert c.hidden not in listing
    for html_file in out.rglob("*.html"):
        if html_file.parent.name != c.hidden:
            assert f"papers/{c.hidden}/" not in html_file.read_text(encoding="utf-8"), html_file
    for feed in list(out.rglob("feed.xml")) + list(out.rglob("atom.xml")):
        assert f"papers/{c.hidden}/" not in feed.read_text(encoding="utf-8"), feed
    store = [r for name in json.loads((out / "search" / "manifest.json").read_bytes())["store"]["files"] for r in json.loads((out / "search" / name).read_bytes())]
    assert f"papers/{c.hidden}/" not in [r["u"] for r in store] and len(store) == len(listing)
    assert all(LABEL in r["k"] for r in store if r["u"] in {p["url"] for p in members})
    shards = {term for name, _ in json.loads((out / "search" / "manifest.json").read_bytes())["shards"] for term, *_ in json.loads((out / "search" / name).read_bytes())}
    assert "speechcraft" in shards
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"papers/{c.hidden}/" not in sitemap and f"papers/{c.noted}/" in sitemap
    # the note: on its page, in listings, in the feeds; Markdown rendered, raw HTML shown as text
    note = html_of(out, f"papers/{c.noted}").xpath("//div[@class='curator-note']")[0]
    assert note.xpath(".//strong/text()") == ["changed"] and "<b>we</b>" in note.text_content() and not note.xpath(".//b")
    topic_of_noted = listing[c.noted]["topics"][0]
    assert html_of(out, f"topics/{topic_of_noted}").xpath("//li[@class='paper']//div[@class='curator-note']//strong/text()") == ["changed"]
    site_feed = feedparser.parse((out / "feed.xml").read_bytes())
    entry = next(e for e in site_feed.entries if e.link == BASE + f"papers/{c.noted}/")
    assert "<strong>changed</strong>" in entry.description and "&lt;b&gt;we&lt;/b&gt;" in entry.description
    # the digest's introduction: at the top of its page and as an entry of the site's feed
    intro = html_of(out, f"digests/{c.intro_digest}").xpath("//div[contains(@class, 'intro')]")[0]
    assert intro.xpath(".//em/text()") == ["speech"] and "<script>" in intro.text_content() and not intro.xpath(".//script")
    introduced = [e for e in site_feed.entries if e.link == BASE + f"digests/{c.intro_digest}/"]
    assert len(introduced) == 1 and "<em>speech</em>" in introduced[0].description
    # the picks, in the curator's order, on the home page
    picks = html_of(out, "").xpath("//section[@class='picks']//a[@class='title']/@href")
    assert picks == [f"papers/{slug}/" for slug in c.featured]
    assert check_site(out, BASE) == []  # every link still resolves: to a redirect, a removed page, or a live page


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    """The seed content (lock deleted, so topics come from the model alone), built once plain, then with curation.yaml."""
    content = tmp_path_factory.mktemp("curated") / "content"
    shutil.copytree(CONTENT, content)
    (content / topics.LOCK_NAME).unlink()
    with (content / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("feed_items: 1000\n")  # every paper in the site's feed, however many dumps the tests add
    out = content.parent / "build"
    build(content, out, base_url=BASE)
    choices = choose(content, out)
    write_curation(content, choices)
    report = build(content, out, base_url=BASE)
    return content, out, choices, report


def test_seed_site_shows_the_curation_in_every_output(curated):
    content, out, choices, report = curated
    check_every_output(content, out, choices)
    assert report.papers == 339 and report.warnings == []
    assert report.curation == (
        "1 topic renamed, 1 topic merged, 1 paper moved, 1 paper hidden, 1 note, 1 digest introduced, 2 papers featured"
    )



@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_curated_pages_have_no_axe_violations(curated, browser, scheme):
    from .conftest import http_server
    from .test_accessibility import AXE, audit

    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing; run `npm ci`")
    _, out, c, _ = curated
    noted = next(p for p in json.loads((out / "data" / "papers.json").read_bytes()) if p["slug"] == c.noted)
    pages = {
        "home with picks": "",
        "paper with a note": f"papers/{c.noted}/",
        "topic listing a note": f"topics/{noted['topics'][0]}/",
        "renamed topic": f"topics/{c.renamed}/",
        "digest with an intro": f"digests/{c.intro_digest}/",
        "removed paper": f"papers/{c.hidden}/",
    }
    with http_server(out) as root:
        found, _ = audit(browser, AXE, root + "/", pages, scheme)
    assert found == {}

def test_curation_is_not_kept_in_the_lock(curated):
    content, _, choices, _ = curated
    lock = (content / topics.LOCK_NAME).read_text(encoding="utf-8")
    assert "Speechcraft" not in lock and choices.merged in lock_topics(content)


def test_curation_survives_a_deleted_lock(curated, tmp_path):
    content, _, choices, _ = curated
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    (copy / topics.LOCK_NAME).unlink()
    build(copy, tmp_path / "build", base_url=BASE)
    check_every_output(copy, tmp_path / "build", choices)


def grown(curated, tmp_path, days: list[str], hidden_id: bool = False):
    """The curated content with API dumps added; with `hidden_id`, the curation also hides a new paper by its arXiv id."""
    content, _, choices, _ = curated
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    for day in days:
        shutil.copy(api_day(day), copy / "dumps")
    if hidden_id:
        first, second = json.loads(api_day(days[0]).read_text(encoding="utf-8"))[:2]
        extra = f"  {first['paper']['id']}:\n    hide: true\n  {second['paper']['id']}:\n    note: A *dated* note.\n"
        text = (copy / "curation.yaml").read_text(encoding="utf-8").replace("digests:\n", extra + "digests:\n")
        (copy / "curation.yaml").write_text(text, encoding="utf-8")
    report = build(copy, tmp_path / "build", base_url=BASE)
    return copy, tmp_path / "build", report


def test_curation_survives_new_papers_placed_on_the_remembered_topics(curated, tmp_path):
    content, out, report = grown(curated, tmp_path, ["2024-12-18"], hidden_id=True)
    assert "placed on the topics of topics.lock.json" in report.topic_params["method"]
    check_every_output(content, out, curated[2])
    assert report.papers == 339 + 13 - 1 and "2 papers hidden" in report.curation
    hidden, noted = json.loads(api_day("2024-12-18").read_text(encoding="utf-8"))[:2]
    listing = json.loads((out / "data" / "papers.json").read_bytes())
    assert hidden["paper"]["id"] not in [p["arxiv_id"] for p in listing] and sum(p["arxiv_id"] is not None for p in listing) == 12
    slug = next(p["slug"] for p in listing if p["arxiv_id"] == noted["paper"]["id"])
    atom = feedparser.parse((out / "atom.xml").read_bytes())  # Atom holds only dated papers: here, the new ones
    entry = next(e for e in atom.entries if e.link == BASE + f"papers/{slug}/")
    assert atom.bozo == 0 and "<em>dated</em>" in entry.content[0].value and entry.summary.startswith(noted["paper"]["summary"][:20])


def test_curation_survives_a_refit(curated, tmp_path):
    content, out, report = grown(curated, tmp_path, ["2024-12-16", "2024-12-17", "2024-12-19", "2024-12-20"])
    assert "reused" not in report.topic_params["method"] and "placed" not in report.topic_params["method"]
    check_every_output(content, out, curated[2])


# --- Markdown pages: draft, order, nav --------------------------------------------------------------------


def write_pages(content) -> None:
    pages = content / "pages"
    (pages / "zeta.md").write_text("---\ntitle: Zeta first\norder: 1\n---\nOrdered first.\n", encoding="utf-8")
    (pages / "beta.md").write_text("---\ntitle: Beta\n---\nUnordered.\n", encoding="utf-8")
    (pages / "imprint.md").write_text("---\ntitle: Imprint\nnav: false\n---\nNot in the header.\n", encoding="utf-8")
    (pages / "plans.md").write_text("---\ntitle: Plans\ndraft: true\norder: 2\n---\nNot yet.\n", encoding="utf-8")


def header_links(out) -> list[str]:
    return html_of(out, "").xpath("//header//nav/a/text()")


def test_pages_follow_order_then_file_name_and_nav_false_stays_out_of_the_header(content_copy, tmp_path):
    write_pages(content_copy)
    out = tmp_path / "build"
    build(content_copy, out, lock=False, base_url=BASE)
    assert header_links(out) == ["Topics", "Digests", "Zeta first", "About", "Beta"]
    assert html_of(out, "imprint").findtext(".//h1") == "Imprint" and "imprint/" in (out / "sitemap.xml").read_text()
    assert not (out / "plans").exists()  # a draft: not built by `digest build`


def test_drafts_are_built_when_asked_marked_and_left_out_of_the_sitemap(content_copy, tmp_path):
    write_pages(content_copy)
    out = tmp_path / "build"
    build(content_copy, out, lock=False, base_url=BASE, drafts=True)
    assert header_links(out) == ["Topics", "Digests", "Zeta first", "Plans", "About", "Beta"]
    assert html_of(out, "plans").xpath("//p[@class='draft-note']")
    assert "plans/" not in (out / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "front, line, message",
    [
        ("title: T\norder: first\n", 3, "front matter order must be a whole number, got 'first'"),
        ("draft: 'yes'\n", 2, "front matter draft must be true or false"),
        ("title: T\nweight: 3\n", 3, "unknown front matter key 'weight' (known: title, draft, order, nav)"),
        ("nav: 0\n", 2, "front matter nav must be true or false, got 0"),
    ],
)
def test_wrong_front_matter_names_the_file_and_line(tmp_path, front, line, message):
    from site_src.ingest.pages import read_pages

    (tmp_path / "page.md").write_text(f"---\n{front}---\nBody.\n", encoding="utf-8")
    with pytest.raises(DigestError) as caught:
        read_pages(tmp_path)
    assert message in str(caught.value) and caught.value.line == line and caught.value.path.name == "page.md"


def test_digest_build_drafts_flag_and_serve_build_drafts(content_copy, tmp_path):
    from .test_serve import digest_serve, get

    write_pages(content_copy)
    out = tmp_path / "build"
    command = [sys.executable, "-m", "site_src", "build", "--content", str(content_copy), "--out", str(out), "--no-lock", "--drafts", "-q"]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (out / "plans" / "index.html").is_file()
    with digest_serve(content_copy, tmp_path / "served") as (url, _):
        assert get(url + "plans/")[0] == 200
        slug = json.loads(get(url + "data/papers.json")[2])[0]["topics"][0]
        (content_copy / "curation.yaml").write_text(f"topics:\n  {slug}:\n    label: Renamed while serving\n", encoding="utf-8")
        deadline = time.monotonic() + 180  # curation.yaml is watched like the rest of content/
        while b"<h1>Renamed while serving</h1>" not in get(url + f"topics/{slug}/")[2]:
            assert time.monotonic() < deadline, "digest serve never showed the renamed topic"
            time.sleep(0.2)


def test_the_docs_example_is_a_valid_curation_file(tmp_path):
    section = (CONTENT.parent / "docs" / "curation.md").read_text(encoding="utf-8")
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    curation = read_curation(curation_file(tmp_path, example))
    assert set(curation.topics) and curation.papers["2412.12345"].hide and curation.featured[0].startswith("lora-")
    assert curation.topics["speech-recognition-asr-modal"].merge == ("self-supervised-speech-ssl",)
