"""Screenshots for the README: build the seed site, serve it under /paper-digest/, photograph it in Chromium.

    python scripts/screenshots.py [--out docs]      (or: make screenshots)

Writes docs/screenshot-<page>-<phone|desktop>.png for the home page, the topics index (its map), an area, a topic, a paper and
search results,
docs/screenshot-home.png (desktop, as the README's first picture), docs/screenshot-home-dark.png (desktop) and
docs/screenshot-topics-dark-phone.png; and, from the seed site with a curation file (curation_text),
docs/screenshot-curated-home.png (the curator's picks) and docs/screenshot-curated-paper.png (a paper with a
curator's note). `--only curated` makes just those two. From four real API days (tests/fixtures/reading):
docs/screenshot-top-week.png (a top papers page) and docs/screenshot-sorted-topic.png (a topic, most upvoted
first); `--only reading` makes just those two.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
QUERY = "diffusion"
DARK = {"desktop": ("home",), "phone": ("topics",)}  # also photographed in the dark theme


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def pick_pages(site: Path) -> dict[str, str]:
    """Site-relative URLs to photograph: a paper that has topics and related papers, and its first topic."""
    papers = json.loads((site / "data" / "papers.json").read_text(encoding="utf-8"))
    paper = next(p for p in papers if p["title"].startswith("LoRA")) if any(
        p["title"].startswith("LoRA") for p in papers
    ) else next(p for p in papers if p["topics"] and p["related"])
    return {
        "home": "",
        "topics": "topics/",  # the topic map
        "area": f"areas/{paper['area']}/",
        "topic": f"topics/{paper['topics'][0]}/",
        "paper": paper["url"],
        "search": f"search/?q={QUERY}",
    }


def curation_text(site: Path, dumps: Path) -> str:
    """A curation file for the seed site: a note on the paper photographed, three picks, its topic renamed, a digest introduced."""
    from site_src.text.slugs import slugify

    papers = json.loads((site / "data" / "papers.json").read_text(encoding="utf-8"))
    paper = next(p for p in papers if p["url"] == pick_pages(site)["paper"])
    picks = [paper["slug"]] + [p["slug"] for p in papers if p["related"] and p["slug"] != paper["slug"]][:2]
    dump = next(d.name for d in sorted(dumps.iterdir()) if slugify(d.stem) == paper["digests"][0])
    return f"""\
topics:
  {paper["topics"][0]}:
    label: Low-rank adaptation
papers:
  {paper["slug"]}:
    note: "The paper that made fine-tuning a large model fit on **one GPU**: read it before any of its many follow-ups."
digests:
  {dump}:
    intro: "A week of *efficient fine-tuning*: LoRA and the papers that build on it."
featured: [{", ".join(picks)}]
"""


def curated_site(top: Path, plain: Path) -> Path:
    """The seed site built again with curation_text as content/curation.yaml, beside the plain one."""
    from site_src.build import build

    content = top / "curated-content"
    shutil.copytree(ROOT / "content", content)
    (content / "curation.yaml").write_text(curation_text(plain, content / "dumps"), encoding="utf-8")
    build(content, top / "curated" / "paper-digest", lock=False)
    return top / "curated" / "paper-digest"


def reading_site(top: Path) -> dict[str, Path]:
    """The four real API days built under top/reading/paper-digest/; the pages to photograph, by picture name."""
    from site_src.build import build

    content = top / "reading-content" / "dumps"
    content.mkdir(parents=True)
    for day in sorted((ROOT / "tests" / "fixtures" / "reading").glob("*.json")):
        shutil.copy(day, content / day.name)
    (content.parent / "site.yaml").write_text("title: Daily Papers\n", encoding="utf-8")
    site = top / "reading" / "paper-digest"
    build(content.parent, site, base_url="https://example.org/paper-digest/", lock=False)
    sorted_topic = max(site.glob("topics/*/by-upvotes/index.html"), key=lambda p: (p.stat().st_size, p.as_posix()))
    return {"top-week": "top/week/", "sorted-topic": sorted_topic.parent.relative_to(site).as_posix() + "/"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--only", choices=["curated", "reading"], help="make only the two pictures of the curated site, or of the API days")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from site_src.build import build

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp)
        build(ROOT / "content", top / "paper-digest", lock=False)
        curated = curated_site(top, top / "paper-digest")
        reading = reading_site(top)
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(top)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/paper-digest/"
        shots = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport=VIEWPORTS["desktop"])
            page = context.new_page()
            for name, url in reading.items() if args.only != "curated" else ():
                page.goto(f"{base}../reading/paper-digest/{url}")
                path = args.out / f"screenshot-{name}.png"
                page.screenshot(path=str(path))
                shots.append(path)
            for name, url in (("home", ""), ("paper", pick_pages(curated)["paper"])) if args.only != "reading" else ():
                page.goto(f"{base}../curated/paper-digest/{url}")
                path = args.out / f"screenshot-curated-{name}.png"
                page.screenshot(path=str(path))
                shots.append(path)
            context.close()
            for device, viewport in VIEWPORTS.items() if not args.only else ():
                for scheme in ("light", "dark"):
                    context = browser.new_context(
                        viewport=viewport, color_scheme=scheme, is_mobile=device == "phone", has_touch=device == "phone"
                    )
                    page = context.new_page()
                    for name, url in pick_pages(top / "paper-digest").items():
                        if scheme == "dark" and name not in DARK[device]:
                            continue
                        page.goto(base + url)
                        if name == "search":
                            page.wait_for_selector("#search-page-results li")
                        suffix = f"-{device}" if scheme == "light" else "-dark" if device == "desktop" else f"-dark-{device}"
                        path = args.out / f"screenshot-{name}{suffix}.png"
                        page.screenshot(path=str(path))
                        shots.append(path)
                    context.close()
            browser.close()
        server.shutdown()
        server.server_close()
    if not args.only:
        shutil.copyfile(args.out / "screenshot-home-desktop.png", args.out / "screenshot-home.png")
    for path in shots:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
