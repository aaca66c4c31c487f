"""Which URLs from the data may become links: absolute http(s) ones only."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]")  # white space (as str.isspace) and control characters


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host and no white space or control characters, else None.

    Only such URLs from the data become links: `javascript:`, `data:` and relative URLs never do.
    """
    if not isinstance(url, str) or not url or _UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and host else None
