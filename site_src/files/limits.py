"""The host's limits: how big the site is, and a warning as it nears what GitHub Pages serves.

GitHub Pages publishes a site of at most 1 GB, and a deployment that takes longer than 10 minutes is cut
off (docs.github.com, "GitHub Pages limits"). A paper page is about 7.6 KB and, with its BibTeX file and its
share of the search index, feeds, area and topic pages, papers.json and the For-you data, a paper costs about
27 KB of site, 29 KB as uploaded (34,000 generated papers: 913 MB, 992 MB uploaded; docs/publishing.md has where
the bytes go), so the limit is reached near 34,000 papers. The build warns from WARN_AT of the limit (about
27,000 papers), early enough to act: docs/publishing.md, "When the site outgrows GitHub Pages", says how. Other
hosts allow other sizes: `digest build --size-limit` (MB) sets the one warned about.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from site_src.errors import BuildWarning

PAGES_LIMIT = 1_000_000_000  # bytes: GitHub Pages' published-site limit, counted in decimal units to be safe
WARN_AT = 0.8  # of the limit: about 27,000 papers


BLOCK = 512  # a tar archive's block: Pages' upload is a tar, one header block per file and folder, each file padded


@dataclass(frozen=True)
class SiteSize:
    bytes: int  # the files' own bytes
    files: int
    uploaded: int  # as the Pages artifact (a tar) holds them: what its 1 GB limit is checked against

    def warning(self, out_dir: Path, limit: int = PAGES_LIMIT) -> BuildWarning | None:
        """A warning once the uploaded site passes WARN_AT of `limit`; None below."""
        if self.uploaded < WARN_AT * limit:
            return None
        return BuildWarning(
            f"the site is {self.uploaded / 1e6:,.0f} MB as uploaded in {self.files:,} files, {self.uploaded / limit:.0%} of the "
            f"{limit / 1e6:,.0f} MB the host serves (GitHub Pages: 1,000 MB); see docs/publishing.md, "
            "\"When the site outgrows GitHub Pages\"",
            out_dir,
        )


def site_size(files: dict[str, bytes], kept: frozenset[str], previous: Path) -> SiteSize:
    """The size of the site about to be written: the new files' bytes and the kept files' sizes in `previous`."""
    sizes = [len(data) for data in files.values()]
    for name in kept - files.keys():
        try:
            sizes.append(os.lstat(previous / name).st_size)
        except OSError:  # gone since it was judged keepable: the write stage says so
            pass
    names = files.keys() | kept
    folders: set[str] = set()
    for name in names:  # every folder above every file, each once
        head = name.rpartition("/")[0]
        while head and head not in folders:
            folders.add(head)
            head = head.rpartition("/")[0]
    uploaded = sum(-(-size // BLOCK) * BLOCK for size in sizes) + BLOCK * (len(sizes) + len(folders))
    return SiteSize(sum(sizes), len(names), uploaded)
