"""Screenshots for the README: build the seed site, serve it under /paper-digest/, photograph it in Chromium.

    python scripts/screenshots.py [--out docs]      (or: make screenshots)

Writes docs/screenshot-<page>-<phone|desktop>.png for the home page, the topics index (its map), a topic, a paper and search results,
docs/screenshot-home.png (desktop, as the README's first picture) and docs/screenshot-home-dark.png.
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
        "topic": f"topics/{paper['topics'][0]}/",
        "paper": paper["url"],
        "search": f"search/?q={QUERY}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from site_src.build import build

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp)
        build(ROOT / "content", top / "paper-digest", lock=False)
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(top)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/paper-digest/"
        shots = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for device, viewport in VIEWPORTS.items():
                for scheme in ("light", "dark") if device == "desktop" else ("light",):
                    context = browser.new_context(
                        viewport=viewport, color_scheme=scheme, is_mobile=device == "phone", has_touch=device == "phone"
                    )
                    page = context.new_page()
                    for name, url in pick_pages(top / "paper-digest").items():
                        if scheme == "dark" and name != "home":
                            continue
                        page.goto(base + url)
                        if name == "search":
                            page.wait_for_selector("#search-page-results li")
                        suffix = "-dark" if scheme == "dark" else f"-{device}"
                        path = args.out / f"screenshot-{name}{suffix}.png"
                        page.screenshot(path=str(path))
                        shots.append(path)
                    context.close()
            browser.close()
        server.shutdown()
        server.server_close()
    shutil.copyfile(args.out / "screenshot-home-desktop.png", args.out / "screenshot-home.png")
    for path in shots:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
