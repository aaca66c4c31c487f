"""The site's public URL and where it came from: --base-url or DIGEST_BASE_URL, site.yaml, or the git `origin` remote.

A clone of a GitHub repository is published by its Pages workflow at `https://USER.github.io/REPO/` (or
`https://USER.github.io/` for the repository named `USER.github.io`), so `make site` on a fresh clone can write
feeds without anyone typing the URL. This module only finds the URL; the build decides what it is used for.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from site_src.config import SiteConfig

# https://github.com/USER/REPO(.git), git@github.com:USER/REPO.git, ssh://git@github.com/USER/REPO.git, git://...
_GITHUB_REMOTE = re.compile(
    r"^(?:(?:https?|git|ssh)://(?:[^@/]+@)?github\.com(?::\d+)?/|[^@/]+@github\.com:)"
    r"(?P<user>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BaseUrl:
    url: str | None
    source: str  # where it came from, in words: "--base-url", "content/site.yaml", "the git remote origin (...)"

    def describe(self) -> str:
        """The summary line: `base URL: https://you.github.io/digest/ (from the git remote origin ...)`."""
        if self.url is None:
            return f"base URL: none ({self.source}): no feeds, sitemap or canonical links"
        return f"base URL: {self.url} (from {self.source})"


def github_repository(remote: str) -> tuple[str, str] | None:
    """(user, repository) of a GitHub remote URL, or None for any other remote."""
    match = _GITHUB_REMOTE.match(remote.strip())
    return (match["user"], match["repo"]) if match else None


def pages_url(user: str, repo: str) -> str:
    """GitHub Pages' address of a repository."""
    user = user.lower()
    if repo.lower() == f"{user}.github.io":
        return f"https://{user}.github.io/"
    return f"https://{user}.github.io/{repo}/"


def origin_remote(project_dir: Path) -> str | None:
    """The URL of the `origin` remote of the git repository holding project_dir, or None (no git, no repository, no origin)."""
    try:
        result = subprocess.run(
            ["git", "config", "--get", "remote.origin.url"],
            cwd=project_dir, capture_output=True, text=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    remote = result.stdout.strip() if result.returncode == 0 else ""
    return remote or None


def find_base_url(option: str | None, option_source: str, config: SiteConfig, project_dir: Path) -> BaseUrl:
    """The base URL a build uses: the option (named option_source), else site.yaml's, else the origin remote's Pages URL."""
    if option:
        return BaseUrl(config.with_base_url(option).base_url, option_source)
    if config.base_url:
        return BaseUrl(config.base_url, str(config.source) if config.source else "site.yaml")
    remote = origin_remote(project_dir)
    repository = github_repository(remote) if remote else None
    if repository:  # named without the rest of the remote URL, which may carry a token
        return BaseUrl(pages_url(*repository), "the git remote origin, github.com/{}/{}".format(*repository))
    why = "the git remote origin is not on GitHub" if remote else "no git remote origin"
    return BaseUrl(None, f"no --base-url, no base_url in site.yaml, {why}")
