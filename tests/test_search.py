"""Search: the prebuilt lunr index, its parity with lunr.js, and the search UI in a real Chromium."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from lunr.index import Index

from site_src.errors import DigestError
from site_src.search import LUNR_JS_VERSION, find_lunr_js, query_terms, search

ROOT = Path(__file__).resolve().parent.parent
LORA = "LoRA: Low-Rank Adaptation of Large Language Models"


def _load_parity():
    spec = importlib.util.spec_from_file_location("search_parity", ROOT / "tests" / "js" / "search_parity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _index(seed_build: Path) -> Index:
    path = next((seed_build / "search").glob("index.*.json"))
    return Index.load(json.loads(path.read_text(encoding="utf-8")))


def _store(seed_build: Path) -> dict:
    path = next((seed_build / "search").glob("store.*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


# --- the index and the store -------------------------------------------------------------------------------


def test_index_and_store_have_content_hashed_names_every_page_points_to(seed_build):
    index = next((seed_build / "search").glob("index.*.json"))
    store = next((seed_build / "search").glob("store.*.json"))
    assert json.loads(index.read_bytes())["version"] == LUNR_JS_VERSION
    assert (seed_build / "assets" / f"lunr-{LUNR_JS_VERSION}.min.js").is_file()
    for page in [seed_build / "index.html", *sorted((seed_build / "papers").glob("*/index.html"))[:5]]:
        html = page.read_text(encoding="utf-8")
        assert f"search/{index.name}\"" in html and f"search/{store.name}\"" in html, page


def test_store_holds_what_a_result_shows_for_every_paper(seed_build):
    store = _store(seed_build)
    papers = json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))
    assert sorted(store) == sorted(p["slug"] for p in papers)
    lora = next(p for p in store.values() if p["t"] == LORA)
    assert set(lora) == {"t", "u", "k", "s"} and lora["u"].startswith("papers/") and lora["k"] and lora["s"]


def test_titles_rank_first_in_lunr_py(seed_build):
    refs = [r["ref"] for r in search(_index(seed_build), "lora")]
    assert refs[0] == "lora-low-rank-adaptation-of-large-language-models"


def test_query_syntax_becomes_plain_words():
    assert query_terms("title:^*~ LoRA-adapters +speech~1") == ["title", "lora", "adapters", "speech", "1"]
    assert query_terms(" :^~*+- ") == []


def test_missing_lunr_js_says_to_run_npm_ci(tmp_path):
    with pytest.raises(DigestError, match="npm ci"):
        find_lunr_js([tmp_path])


def test_wrong_lunr_js_version_is_refused(tmp_path):
    package = tmp_path / "node_modules" / "lunr"
    package.mkdir(parents=True)
    (package / "lunr.min.js").write_text("/* lunr */", encoding="utf-8")
    (package / "package.json").write_text('{"version": "2.3.8"}', encoding="utf-8")
    with pytest.raises(DigestError, match="2.3.9.*found 2.3.8"):
        find_lunr_js([tmp_path])


def test_search_page_without_javascript_links_to_topics(seed_build):
    html = (seed_build / "search" / "index.html").read_text(encoding="utf-8")
    noscript = html[html.index("<noscript>") : html.index("</noscript>")]
    assert 'href="../topics/"' in noscript and "JavaScript" in noscript


def test_search_script_never_writes_html_strings():
    script = (ROOT / "templates" / "assets" / "search.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


# --- lunr.js gives the same ranking ------------------------------------------------------------------------


def test_lunr_js_ranks_like_lunr_py(seed_build, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; search parity needs it")
    fixture = tmp_path / "parity.json"
    fixture.write_text(json.dumps(_load_parity().expected(seed_build)), encoding="utf-8")
    run = subprocess.run(
        [node, "--test", "tests/js/"],
        cwd=ROOT,
        env={**os.environ, "SEARCH_PARITY": str(fixture)},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout


# --- in Chromium, served under a sub-path ------------------------------------------------------------------


def _titles(tab, selector: str) -> list[str]:
    return tab.locator(f"{selector} li a.title").all_text_contents()


def test_typing_in_the_home_page_box_shows_speech_recognition_papers(page, served, seed_build):
    papers = json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))
    wanted = {p["title"] for p in papers if "speech recognition" in p["title"].lower()}
    page.goto(f"{served}/paper-digest/")
    page.locator("#search-box").press_sequentially("speech recognition", delay=20)
    page.locator("#search-box-results li").first.wait_for()
    page.wait_for_function("() => document.querySelector('#search-box-status').textContent.includes('papers')")
    shown = _titles(page, "#search-box-results")
    assert len(wanted) >= 5 and wanted <= set(shown)
    marks = {m.lower() for m in page.locator("#search-box-results mark").all_text_contents()}
    assert {"speech", "recognition"} <= marks
    page.locator("#search-box-status a").click()  # "All N results" opens the search page with the query
    page.wait_for_url("**/paper-digest/search/?q=speech%20recognition")
    assert page.locator("#search-page-box").input_value() == "speech recognition"


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
    for text, says in [("title:^*~", "paper"), ("+lora -bert", "papers"), ("~", "Type words"), ("speech~1 recog*", "papers")]:
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
