"""Search finds what readers paste (issue 26): an arXiv id, an arXiv or Hugging Face URL (abs, pdf, versioned), and
a name typed without its accents, the matching paper first, in Chromium.

The site is the seed site plus real API days (tests/fixtures/json: 2506.01920 on 2025-06-03, "PokéChamp" on
2025-03-07), served under a sub-path, so the id's paper competes with 350 others.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from site_src.build import build

from .conftest import CONTENT, ROOT, http_server, watched_tab
from .test_search_ranking import ranked

DAYS = ("2025-01-10", "2025-03-07", "2025-06-03", "2025-08-01")
GUIDELINES = "From Guidelines to Practice: A New Paradigm for Arabic Language Model Evaluation"  # arXiv 2506.01920
POKECHAMP = "PokéChamp: an Expert-level Minimax Language Agent"  # arXiv 2503.04094
PASTED = [
    ("2506.01920", GUIDELINES),
    ("https://arxiv.org/abs/2506.01920", GUIDELINES),
    ("arxiv.org/pdf/2506.01920v2", GUIDELINES),
    ("https://huggingface.co/papers/2506.01920", GUIDELINES),
    ("arXiv:2503.04094v1", POKECHAMP),
    ("pokechamp", POKECHAMP),
    ("Pokechamp minimax", POKECHAMP),
]


@pytest.fixture(scope="module")
def api_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("api-site")
    shutil.copytree(CONTENT, root / "content")
    for day in DAYS:
        shutil.copy(ROOT / "tests" / "fixtures" / "json" / f"{day}.json", root / "content" / "dumps" / f"{day}.json")
    build(root / "content", root / "served" / "paper-digest", lock=False, cache=False)
    return root / "served" / "paper-digest"


def _titles(site: Path) -> dict[str, str]:
    return {p["url"]: p["title"] for p in json.loads((site / "data" / "papers.json").read_text(encoding="utf-8"))}


def test_the_fixture_papers_are_there(api_site):
    titles = set(_titles(api_site).values())
    assert GUIDELINES in titles and POKECHAMP in titles and len(titles) > 340


def test_pasted_ids_urls_and_unaccented_names_put_the_paper_first_in_node(api_site):
    titles = _titles(api_site)
    answers = ranked(api_site / "search", [text for text, _ in PASTED])
    assert [titles[a["urls"][0]] if a["urls"] else None for a in answers] == [title for _, title in PASTED]
    assert [a["notice"] for a in answers[:6]] == [""] * 6  # read as they are: no id or name "corrected" to a spelling
    assert [a["found"] for a in answers[:5]] == [1] * 5  # an id names one paper


@pytest.mark.parametrize(("text", "title"), PASTED)
def test_pasted_ids_urls_and_unaccented_names_put_the_paper_first_in_chromium(browser, api_site, text, title):
    context, tab, errors = watched_tab(browser)
    with http_server(api_site.parent) as url:
        tab.goto(f"{url}/paper-digest/search/?q={quote(text)}")
        tab.locator(f"#search-page-results[data-query={json.dumps(text)}]").wait_for(state="attached")
        first = tab.locator("#search-page-results li a.title").first
        assert first.text_content() == title
        href = first.evaluate("a => a.href")
        assert href.startswith(f"{url}/paper-digest/papers/")
        if text == "pokechamp":  # the accented word is highlighted as it is written
            assert tab.locator("#search-page-results li").first.locator("mark").first.text_content() == "PokéChamp"
    violations = tab.evaluate("window.__cspViolations || []")
    context.close()
    assert errors == [] and violations == []
