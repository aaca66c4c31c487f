"""Search: the built index and store, the page's modules in node on real shards, and the search UI in a real Chromium."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
LORA = "LoRA: Low-Rank Adaptation of Large Language Models"


def _load_shard_parity():
    spec = importlib.util.spec_from_file_location("shard_parity", ROOT / "tests" / "js" / "shard_parity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _manifest(seed_build: Path) -> dict:
    return json.loads((seed_build / "search" / "manifest.json").read_text(encoding="utf-8"))


def _store(seed_build: Path) -> list[dict]:
    """Every store record, by paper number, from the store chunks the manifest lists."""
    files = _manifest(seed_build)["store"]["files"]
    return [record for name in files for record in json.loads((seed_build / "search" / name).read_text(encoding="utf-8"))]


# --- the index and the store -------------------------------------------------------------------------------


def test_shards_and_store_chunks_have_content_hashed_names_in_the_manifest_every_page_points_to(seed_build):
    manifest = _manifest(seed_build)
    positions = json.loads((seed_build / "search" / manifest["positions"]).read_text(encoding="utf-8"))
    named = [*(name for name, _ in manifest["shards"]), manifest["positions"], *(name for name, _ in positions["shards"]),
             *manifest["store"]["files"], *manifest["facts"].values()]
    keys = [key for _, keys in manifest["shards"] for key in keys]
    assert len(keys) == len(set(keys)) > 100 and manifest["fields"] == ["title", "abstract", "topics", "authors", "keywords", "arxiv"]
    assert positions["fields"] == ["title", "abstract"] and "topics" not in manifest["words"]
    assert len(manifest["shards"]) < len(keys)  # small shards share a file
    assert sorted(manifest["facts"]) == ["d", "v"]  # the search page's orders: upvotes, days (test_search_sort.py)
    for name in named:
        data = (seed_build / "search" / name).read_bytes()
        assert name.endswith(f"/{hashlib.sha256(data).hexdigest()[:12]}.json"), name
    written = {str(p.relative_to(seed_build / "search")) for p in (seed_build / "search").glob("*/*.json")}
    assert written == set(named)  # nothing left over, nothing missing
    assert not list((seed_build / "assets").glob("lunr*"))  # scores are computed by the page's own modules
    for page in [seed_build / "index.html", *sorted((seed_build / "papers").glob("*/index.html"))[:5]]:
        html = page.read_text(encoding="utf-8")
        assert 'search/manifest.json"' in html, page


def test_store_holds_what_a_result_shows_for_every_paper(seed_build):
    store = _store(seed_build)
    papers = json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))
    assert sorted(r["u"] for r in store) == sorted(p["url"] for p in papers) and _manifest(seed_build)["papers"] == len(papers)
    lora = next(p for p in store if p["t"] == LORA)
    assert set(lora) == {"t", "u", "k", "s"} and lora["u"].startswith("papers/") and lora["k"] and lora["s"]


def test_search_page_without_javascript_links_to_topics(seed_build):
    html = (seed_build / "search" / "index.html").read_text(encoding="utf-8")
    noscript = html[html.index("<noscript>") : html.index("</noscript>")]
    assert 'href="../topics/"' in noscript and "JavaScript" in noscript


def test_search_scripts_never_write_html_strings():
    scripts = sorted((ROOT / "templates" / "assets" / "search").glob("*.js"))
    assert len(scripts) > 5
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in text, script.name


# --- the page's modules, each with its own node tests, on real sharded indexes ------------------------------

MODULE_TESTS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.mjs"))


def _node_test(scripts: list[str], **env: str) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the page's search modules are tested in it")
    run = subprocess.run([node, "--test", *scripts], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout


def test_the_built_shards_rank_like_lunr_over_the_lunr_packages_index(seed_build, tmp_path):
    """The seed site's own shards and store, against the `lunr` package's index of the same documents: every
    module's node tests (tests/js/*.test.mjs), on the site's own topic labels."""
    from site_src.outputs.search import documents
    from site_src.outputs.search.shards import json_bytes
    from tests.search_oracle import numbered_index

    parity = _load_shard_parity()
    shutil.copytree(seed_build / "search", tmp_path, dirs_exist_ok=True)
    site = parity.assembled_site(ROOT / "content")
    (tmp_path / "reference.json").write_bytes(json_bytes(numbered_index(documents(site))))
    (tmp_path / "documents.json").write_bytes(json_bytes(documents(site)))
    (tmp_path / "queries.json").write_text(json.dumps(parity.QUERIES), encoding="utf-8")
    _node_test(MODULE_TESTS, SHARD_PARITY=str(tmp_path))


def test_shards_of_a_generated_3400_paper_corpus_rank_like_lunr_over_the_lunr_packages_index(generated_3400, tmp_path):
    parity = _load_shard_parity()
    parity.write_fixture(*parity.corpus_documents(generated_3400), tmp_path / "fixture")
    _node_test(MODULE_TESTS, SHARD_PARITY=str(tmp_path / "fixture"))


# --- in Chromium, served under a sub-path ------------------------------------------------------------------


def _titles(tab, selector: str) -> list[str]:
    return tab.locator(f"{selector} li a.title").all_text_contents()


def test_typing_in_the_home_page_box_shows_speech_recognition_papers(page, served, seed_build):
    papers = json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))
    # Titles weigh most, then topic labels: the papers whose title and topic both say "speech recognition"
    # come first (the panel shows 8; a speech paper filed under another topic may rank below them).
    wanted = {p["title"] for p in papers if "speech recognition" in p["title"].lower() and any("speech-recognition" in t for t in p["topics"])}
    page.goto(f"{served}/paper-digest/")
    page.locator("#search-box").press_sequentially("speech recognition", delay=20)
    page.locator("#search-box-results li").first.wait_for()
    # Typing runs a query per pause; wait for the list that answers the whole text.
    page.locator('#search-box-results[data-query="speech recognition"]').wait_for(state="attached")
    page.wait_for_function("() => document.querySelector('#search-box-status').textContent.includes('papers')")
    shown = _titles(page, "#search-box-results")
    assert len(wanted) >= 5 and wanted <= set(shown)
    assert all("speech" in title.lower() for title in shown)
    marks = {m.lower() for m in page.locator("#search-box-results mark").all_text_contents()}
    assert {"speech", "recognition"} <= marks
    page.locator("#search-box-status a").click()  # "All N results" opens the search page with the query
    page.wait_for_url("**/paper-digest/search/?q=speech%20recognition")
    # The search page's module fills its box from ?q= once it runs: waited for, as a reader waits (under load the
    # module may run after the page reports loaded; reading the box at once failed then).
    page.wait_for_function("() => document.querySelector('#search-page-box').value === 'speech recognition'")


@pytest.mark.parametrize("base", ["/paper-digest/", "/"])
def test_search_url_opens_with_lora_among_first_results(page, served, base):
    page.goto(f"{served}{base}search/?q=lora")
    page.locator("#search-page-results li").first.wait_for()
    assert LORA in _titles(page, "#search-page-results")[:3]
    assert page.locator("#search-page-box").input_value() == "lora"
    href = page.locator("#search-page-results a.title").first.evaluate("a => a.href")
    assert href.startswith(f"{served}{base}papers/")


def test_lunr_syntax_is_plain_words_without_errors(page, served):
    page.goto(f"{served}/paper-digest/search/?q={quote('title:^*~')}")
    page.wait_for_function("() => document.querySelector('#search-page-status').textContent !== ''")
    box = page.locator("#search-page-box")
    for text, says in [("title:^*~", "paper"), ("+lora -bert", "paper"), ("~", "Type words"), ("speech~1 recog*", "papers")]:
        box.fill("")
        box.press_sequentially(text)
        page.wait_for_function(
            f"() => new URL(location.href).searchParams.get('q') === {json.dumps(text)}"
            f" && document.querySelector('#search-page-status').textContent.includes({json.dumps(says)})"
        )


def test_unmatched_query_says_no_results_and_links_to_topics(page, served):
    page.goto(f"{served}/paper-digest/search/?q=zzzzqqq")
    page.wait_for_function("() => document.querySelector('#search-page-status').textContent.includes('No results')")
    link = page.locator("#search-page-status a")
    assert link.evaluate("a => a.href") == f"{served}/paper-digest/topics/"
    assert page.locator("#search-page-results li").count() == 0


def test_keyboard_moves_through_results_and_opens_one(page, served):
    page.goto(f"{served}/paper-digest/search/?q=lora")
    page.locator("#search-page-results li").first.wait_for()
    first = _titles(page, "#search-page-results")[0]
    page.locator("#search-page-box").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = page.locator("#search-page-results a.title").nth(1)
    assert second.evaluate("a => a === document.activeElement")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-page-box"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/paper-digest/papers/**")
    assert page.locator("h1").text_content().strip() == first


def test_escape_closes_the_header_panel(page, served):
    page.goto(f"{served}/paper-digest/topics/")
    page.locator("#search-box").press_sequentially("lora")
    panel = page.locator("form.search .search-panel")
    page.locator("#search-box-results li").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.id") == "search-box"


def test_back_button_returns_to_the_query_before_a_slowly_typed_one(page, served):
    """A reader who pauses while typing (the debounced search runs) still gets Back to the earlier query."""
    page.goto(f"{served}/paper-digest/search/")
    box = page.locator("#search-page-box")
    for query in ("speech", "lora"):
        box.fill(query)
        page.wait_for_url(f"**/search/?q={query}")  # the debounced search has run and updated the URL
        box.press("Enter")
    page.go_back()
    page.wait_for_url("**/search/?q=speech")
    page.wait_for_function("() => document.querySelector('#search-page-box').value === 'speech'")


def test_words_typed_while_the_search_page_loads_are_searched_not_erased(page, served):
    """The search page reads the URL's query once its sort control has loaded: words a reader typed before that (on
    a slow line, a busy machine) are kept and searched, not replaced by the URL's empty query."""
    held = []
    page.route("**/sort-control*.js", lambda route: held.append(route))  # the control arrives only when the test lets it
    page.goto(f"{served}/paper-digest/search/", wait_until="domcontentloaded")
    while not held:
        page.wait_for_timeout(20)
    box = page.locator("#search-page-box")
    box.fill("speech")
    held[0].continue_()  # it loads while the typed words wait out their debounce
    page.wait_for_url("**/search/?q=speech", timeout=5000)
    page.locator("#search-page-results li").first.wait_for()
    assert box.input_value() == "speech"


def test_back_button_returns_to_the_previous_query(page, served):
    page.goto(f"{served}/paper-digest/search/")
    box = page.locator("#search-page-box")
    box.fill("speech")
    box.press("Enter")
    box.fill("lora")
    box.press("Enter")
    page.wait_for_url("**/search/?q=lora")
    page.go_back()
    page.wait_for_url("**/search/?q=speech")
    page.wait_for_function("() => document.querySelector('#search-page-box').value === 'speech'")
    page.locator("#search-page-results li").first.wait_for()


def test_one_query_fetches_the_manifest_its_shards_and_the_store_chunks_of_its_results_only(page, served, seed_build):
    manifest = _manifest(seed_build)
    files = json.loads(subprocess.run(
        ["node", "--input-type=module", "-e", "import * as s from './templates/assets/search/shards.js';"
         "console.log(JSON.stringify(s.shardFiles(s.readManifest(JSON.parse(process.argv[1])), 'lora')))",
         json.dumps(manifest)], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{served}/paper-digest/search/?q=lora")
    page.locator("#search-page-results li").first.wait_for()
    prefix = f"{served}/paper-digest/search/"
    fetched = sorted(url[len(prefix):] for url in requested if url.startswith(prefix) and url.endswith(".json"))
    numbers = {record["u"]: i for i, record in enumerate(_store(seed_build))}
    shown = [numbers[href[len(f"{served}/paper-digest/"):]] for href in page.locator("#search-page-results a.title").evaluate_all("links => links.map(a => a.href)")]
    chunks = {manifest["store"]["files"][n // manifest["store"]["chunk"]] for n in shown}
    assert files and len(files) < len(manifest["shards"]) / 10
    assert fetched == sorted(["manifest.json", *files, *chunks])


# --- every word, phrases, typos, every result (issue 16), in Chromium on the seed site ----------------------


def _papers_by_url(seed_build: Path) -> dict[str, dict]:
    return {p["url"]: p for p in json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))}


def _open_search(page, served: str, text: str) -> None:
    """The search page for text, once its list answers text and says how many papers it found."""
    page.goto(f"{served}/paper-digest/search/?q={quote(text)}")
    page.locator(f"#search-page-results[data-query={json.dumps(text)}]").wait_for(state="attached")
    page.wait_for_function("() => /paper|No results/.test(document.querySelector('#search-page-status').textContent)")


def _shown(page, served: str, seed_build: Path) -> list[dict]:
    """The papers the search page lists, in order, from data/papers.json."""
    papers = _papers_by_url(seed_build)
    hrefs = page.locator("#search-page-results a.title").evaluate_all("links => links.map(a => a.href)")
    return [papers[href[len(f"{served}/paper-digest/"):]] for href in hrefs]


def _stems(text: str) -> set[str]:
    from lunr.stemmer import stemmer
    from lunr.token import Token
    from lunr.trimmer import trimmer

    return {str(stemmer(trimmer(Token(w, {})))) for w in re.split(r"[\s\-]+", text.lower()) if w}


def test_a_quoted_phrase_finds_exactly_the_papers_whose_title_or_abstract_has_it(page, served, seed_build):
    phrase = re.compile(r"\bmask\w*[\s\-]+languag\w*[\s\-]+model\w*", re.IGNORECASE)  # the phrase's words, stemmed
    having = [p for p in _papers_by_url(seed_build).values() if phrase.search(p["title"]) or phrase.search(p["abstract"])]
    _open_search(page, served, '"masked language model"')
    shown = _shown(page, served, seed_build)
    assert len(having) == 22 and sorted(p["slug"] for p in shown) == sorted(p["slug"] for p in having)
    assert page.locator("#search-page-status").text_content().startswith("22 papers")
    _open_search(page, served, "masked language model")  # without quotes: every paper with the three words
    assert len(_shown(page, served, seed_build)) > 22


def test_every_result_of_music_generation_has_both_words_in_its_own_text(page, served, seed_build):
    def has_both(p):
        own = _stems(" ".join([p["title"], p["abstract"], ", ".join(p["authors"]), ", ".join(p["ai_keywords"])]))
        return "music" in own and any(s == "gener" or s.startswith("generation") for s in own)

    _open_search(page, served, "music generation")
    shown = _shown(page, served, seed_build)
    assert len(shown) >= 9 and all(has_both(p) for p in shown)
    assert {p["slug"] for p in shown} == {p["slug"] for p in _papers_by_url(seed_build).values() if has_both(p)}
    assert "some of them" not in page.locator("#search-page-status").text_content()


def test_when_no_paper_has_every_word_the_page_says_so_and_shows_papers_with_some(page, served):
    _open_search(page, served, "diffusion video")
    status = page.locator("#search-page-status").text_content()
    assert status.startswith("No paper has all of \u201cdiffusion video\u201d; papers with some of them:")
    assert page.locator("#search-page-results li").count() > 0


def test_a_mistyped_word_shows_results_for_its_correction_with_a_notice(page, served, seed_build):
    _open_search(page, served, "trasnformer")
    status = page.locator("#search-page-status").text_content()
    assert status.startswith("Showing results for \u201ctransformer\u201d")
    titles = [p["title"].lower() for p in _shown(page, served, seed_build)]
    assert len(titles) >= 20 and sum("transformer" in t for t in titles[:10]) >= 5
    assert page.locator("#search-page-box").input_value() == "trasnformer"  # what the reader typed stays


def test_show_more_reaches_every_result_by_keyboard_and_back_restores_them(page, served, seed_build):
    _open_search(page, served, "model")
    total = int(re.match(r"(\d+) papers; 50 shown", page.locator("#search-page-status").text_content()).group(1))
    assert total > 150
    more = page.locator("#search-page-results-more")
    shown = 50
    while shown < total:
        more.focus()
        page.keyboard.press("Enter")
        shown = min(total, shown + 50)
        page.wait_for_function(f"() => document.querySelectorAll('#search-page-results li').length === {shown}")
        # focus goes to the first new result, so the keyboard goes on from there
        assert page.evaluate(f"document.activeElement === document.querySelectorAll('#search-page-results a.title')[{(shown - 1) // 50 * 50}]")
    assert more.is_hidden()
    assert len({p["slug"] for p in _shown(page, served, seed_build)}) == total
    page.wait_for_url(f"**/search/?q=model&n={total}")
    page.locator("#search-page-results a.title").last.click()
    page.wait_for_url("**/paper-digest/papers/**")
    page.go_back()
    page.wait_for_function(f"() => document.querySelectorAll('#search-page-results li').length === {total}")
    assert more.is_hidden()
