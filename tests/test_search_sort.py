"""The search page's orders (issue 26): relevance, most upvoted, newest, over every result, the choice in the URL, in Chromium.

The site is the seed site plus every real API day committed under tests/fixtures (json/ and reading/), served
under a sub-path: 57 API papers carry Hugging Face upvotes and arXiv days, the 340 seed papers neither, so "most
upvoted" must bring the counted papers up from all over the ranking.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

from site_src.build import build

from .conftest import CONTENT, READING_DAYS, ROOT, http_server, watched_tab
from .test_search_ranking import ranked

QUERY = "model"  # nearly every paper: many pages of results, upvoted and not
API_DAYS = sorted((ROOT / "tests" / "fixtures" / "json").glob("2025-??-??.json")) + sorted(READING_DAYS.glob("*.json"))


@pytest.fixture(scope="module")
def api_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sort-site")
    shutil.copytree(CONTENT, root / "content")
    for day in API_DAYS:
        shutil.copy(day, root / "content" / "dumps" / day.name)
    build(root / "content", root / "served" / "paper-digest", lock=False, cache=False)
    return root / "served" / "paper-digest"


def _days(site: Path) -> dict[str, str]:
    """Each paper's day as papers.json gives it, by page path: its arXiv day, else its first dated digest's ("" if none)."""
    days = {}
    for p in json.loads((site / "data" / "papers.json").read_text(encoding="utf-8")):
        listed = [d for d in p["digests"] if re.fullmatch(r"\d{4}-\d\d-\d\d", d)]
        days["/paper-digest/" + p["url"]] = p["published"] or min(listed, default="")
    return days


def _votes(tab) -> list[int]:
    """The upvotes each shown result says (-1 where it shows none), read off the page as a reader sees them."""
    texts = tab.locator("#search-page-results > li").evaluate_all(
        "items => items.map(li => { const v = li.querySelector('.upvotes'); return v ? v.textContent : ''; })")
    return [int(re.sub(r"\D", "", t)) if t else -1 for t in texts]


def _shown(tab) -> list[str]:
    return tab.locator("#search-page-results > li a.title").evaluate_all("links => links.map(a => new URL(a.href).pathname)")


def _answered(tab, order: str, count: int | None = None) -> None:
    tab.locator(f"#search-page-results[data-query={json.dumps(QUERY)}][data-order={order}] > li").first.wait_for()
    if count:
        tab.wait_for_function(f"document.querySelectorAll('#search-page-results > li').length >= {count}")


def test_most_upvoted_sorts_every_result_keeps_it_in_the_url_and_across_a_reload(browser, api_site):
    context, tab, errors = watched_tab(browser)
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(urlparse(request.url).path))
    with http_server(api_site.parent) as url:
        page = f"{url}/paper-digest/search/?q={quote(QUERY)}"
        # Every result, in relevance order (n asks for all of them): the oracle for what "most upvoted" must show.
        tab.goto(page + "&n=100000")
        _answered(tab, "relevance")
        every = _votes(tab)
        assert len(every) > 100 and max(every) > 0 and min(every) == -1  # more than a page; counted and uncounted papers
        # No sort asked: the ranking as the search gives it, and no fact file loaded.
        fetched.clear()
        tab.goto(page)
        _answered(tab, "relevance")
        assert _shown(tab)[:10] == ["/paper-digest/" + u for u in ranked(api_site / "search", [QUERY])[0]["urls"]]
        assert not any("/search/facts/" in path for path in fetched)
        # Picked from the keyboard: every result re-sorted, the first page shown, the choice in the URL.
        tab.locator("#search-page-results-sort a[data-order=upvotes]").focus()
        tab.keyboard.press("Enter")
        _answered(tab, "upvotes")
        shown = _votes(tab)
        assert shown == sorted(every, reverse=True)[: len(shown)] and len(shown) == 50
        assert parse_qs(urlparse(tab.url).query) == {"q": [QUERY], "sort": ["upvotes"]}
        assert tab.locator("#search-page-results-sort a[aria-current=page]").text_content() == "most upvoted"
        assert sum("/search/facts/" in path for path in fetched) == 1  # the upvotes, fetched once the reader asked
        # "Show more" goes on in that order.
        tab.locator("#search-page-results-more").click()
        _answered(tab, "upvotes", 100)
        assert _votes(tab) == sorted(every, reverse=True)[:100]
        # A reload (or a shared link) keeps the order.
        first = _shown(tab)[:50]
        tab.reload()
        _answered(tab, "upvotes")
        assert _shown(tab)[:50] == first and _votes(tab) == sorted(every, reverse=True)[: len(_votes(tab))]
        # Back to relevance: the ranking again, sort gone from the URL.
        tab.locator("#search-page-results-sort a[data-order=relevance]").click()
        _answered(tab, "relevance")
        assert _shown(tab)[:10] == ["/paper-digest/" + u for u in ranked(api_site / "search", [QUERY])[0]["urls"]]
        assert "sort" not in parse_qs(urlparse(tab.url).query)
        # Newest: every result by its day, latest first, undated last.
        tab.goto(page + "&sort=newest&n=100000")
        _answered(tab, "newest")
        days, everyone = _days(api_site), _shown(tab)
        assert len(everyone) == len(every)
        shown_days = [days[path] or "0000" for path in everyone]
        assert shown_days == sorted(shown_days, reverse=True) and shown_days[0] > "2025-07"
    violations = tab.evaluate("window.__cspViolations || []")
    context.close()
    assert errors == [] and violations == []


@pytest.mark.parametrize("scheme", ("light", "dark"))
def test_the_sorted_search_page_has_no_axe_violations(browser, api_site, scheme):
    """The sort links and the upvote counts (contrast, names, landmarks), on a page where both show."""
    from .test_accessibility import AXE, audit

    with http_server(api_site.parent) as url:
        found, _ = audit(browser, AXE, f"{url}/paper-digest/", {"search, most upvoted": f"search/?q={QUERY}&sort=upvotes"}, scheme)
    assert found == {}
