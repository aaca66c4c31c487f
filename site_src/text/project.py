"""This tool's own name, declared once: the distribution on PyPI (pyproject.toml's `name` must match it).

`paper-digest` on PyPI belongs to an unrelated project, so a new site's workflows that installed it would run a
stranger's code; `papers-digest-site` had no release when chosen (`pip index versions papers-digest-site`:
no matching distribution, 2026-12-04). Feeds name it as their generator, fetch in its User-Agent.
"""

DISTRIBUTION = "papers-digest-site"
