"""axe-core (from npm, pinned in package-lock.json) audits the served seed site in Chromium, light and dark."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = ("light", "dark")


def _pages(seed_build: Path) -> dict[str, str]:
    """The page kinds the issue names, plus a long topic's compact view; site-relative URLs."""
    papers = json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))
    paper = next(p for p in papers if p["title"].startswith("LoRA"))
    topics = sorted((p for p in (seed_build / "topics").iterdir() if p.is_dir()), key=lambda p: -(p / "index.html").stat().st_size)
    digest = sorted(p.name for p in (seed_build / "digests").iterdir() if p.is_dir())[0]
    longest = max((p for p in (seed_build / "digests").iterdir() if p.is_dir()), key=lambda p: (p / "index.html").stat().st_size).name
    return {
        "home": "",
        "topics index": "topics/",
        "topic": f"topics/{paper['topics'][0]}/",
        "area": f"areas/{paper['area']}/",
        "long topic, compact view": f"topics/{topics[0].name}/#compact",
        "paper": paper["url"],
        "digest": f"digests/{digest}/",
        "long digest, the rest opened": f"digests/{longest}/#open",
        "search results": "search/?q=diffusion",
    }


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing; run `npm ci`")
    return AXE


# A desktop, and a phone: the narrow topic map, the one-row header.
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def audit(
    browser, axe_script: Path, root: str, pages: dict[str, str], scheme: str, device: str = "desktop"
) -> tuple[dict[str, list[str]], set[str]]:
    """axe-core's violations on each page (name -> site-relative URL under `root`), and the body backgrounds seen.

    A URL ending in `#open` is audited with its long list opened ("Show the other N papers").
    """
    # bypass_csp lets the audit inject axe.min.js; the site itself never loads scripts from elsewhere.
    context = browser.new_context(color_scheme=scheme, bypass_csp=True, viewport=VIEWPORTS[device], is_mobile=device == "phone")
    found = {}
    backgrounds = set()
    try:
        tab = context.new_page()
        for name, url in pages.items():
            tab.goto(f"{root}{url}")
            if url.startswith("search/"):
                tab.wait_for_selector("#search-page-results li")
            if url.endswith("#open"):
                tab.locator("details.more summary").click()
            tab.add_script_tag(path=str(axe_script))
            result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            backgrounds.add(tab.evaluate("getComputedStyle(document.body).backgroundColor"))
            violations = [
                f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                for v in result["violations"]
            ]
            if violations:
                found[name] = violations
            assert result["testEngine"]["name"] == "axe-core" and len(result["passes"]) > 10  # the audit really ran
    finally:
        context.close()
    return found, backgrounds


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_pages_have_no_axe_violations(browser, served, seed_build, axe_script, scheme, device):
    found, backgrounds = audit(browser, axe_script, f"{served}/paper-digest/", _pages(seed_build), scheme, device)
    assert found == {}
    assert len(backgrounds) == 1  # one theme throughout


def test_the_two_schemes_really_differ(browser, served):
    colours = {}
    for scheme in SCHEMES:
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.goto(f"{served}/paper-digest/")
        colours[scheme] = tab.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        context.close()
    assert colours["light"] != colours["dark"]
    assert colours["light"][0] == "rgb(253, 253, 252)" and colours["dark"][0] == "rgb(22, 23, 26)"
