"""sitemap.xml and robots.txt: where search engines find every page, by its absolute URL."""

from __future__ import annotations

# Not xml.sax.saxutils.escape: it does the same to text, but importing it pulls in urllib.request (about 30 ms of
# every build's start-up, for a stage that takes 6 ms); html is imported by the feeds anyway.
from html import escape

from site_src.assemble import Site, site_pages, urls
from site_src.outputs.made import Made


def sitemap_files(site: Site) -> Made:
    """robots.txt always; sitemap.xml (and the robots.txt line naming it) only with a base URL, as sitemaps need absolute URLs."""
    base_url = site.config.base_url
    robots = "User-agent: *\nAllow: /\n"
    if not base_url:
        return Made({urls.ROBOTS: robots.encode("utf-8")})
    locations = [base_url + page.path for page in site_pages(site) if page.listed]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(url, quote=False)}</loc></url>" for url in locations]
    lines.append("</urlset>")
    return Made({
        urls.ROBOTS: f"{robots}Sitemap: {base_url}{urls.SITEMAP}\n".encode("utf-8"),
        urls.SITEMAP: ("\n".join(lines) + "\n").encode("utf-8"),
    })
