"""One bounded GET for `digest fetch`: a deadline for the whole request, a cap on the decoded body, redirects kept home.

httpx's timeout bounds each read, so a server that drips a byte every few seconds keeps a request open for
hours; and `response.content` decodes a gzip bomb or an endless chunked body into memory until the process
dies. Here the body is read raw and decoded in bounded steps (zlib's `max_length`), every step checks the
deadline, and each read may wait only for what is left of it. Redirects are followed by hand: on the same
host only (a redirect elsewhere is refused and its body never read or shown), at most MAX_REDIRECTS.
It does not retry or judge the answer's content (fetch does).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass

import httpx

MAX_REDIRECTS = 5  # the real API answers without any; a few allow for a moved host name


class TooSlow(Exception):
    """The request passed its deadline; fetch may try again."""


class Refused(Exception):
    """The answer is not read, for the reason given (too large, a bad encoding, a redirect elsewhere); no retry helps."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes  # decoded, at most the cap


def _decoder(encoding: str):
    """A zlib decompressor for the answer's Content-Encoding (None: as sent); anything else is refused."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise Refused(f"the answer is encoded as {encoding!r}, which fetch does not read")


def _too_large(cap: int) -> Refused:
    return Refused(f"the answer is larger than {cap:,} bytes, the most a build reads from a dump; not saved")


def _read_body(response: httpx.Response, cap: int, deadline: float) -> bytes:
    encoding = response.headers.get("content-encoding", "")
    decoder = _decoder(encoding)
    body, raw_bytes = bytearray(), 0
    try:
        for raw in response.iter_raw():
            if time.monotonic() > deadline:
                raise TooSlow()
            raw_bytes += len(raw)
            if raw_bytes > cap:  # an endless chunked body, or a compressed one past any sane ratio
                raise _too_large(cap)
            if decoder is None:
                body += raw
            else:
                body += decoder.decompress(raw, cap + 1 - len(body))  # never more than one byte past the cap
                if decoder.unconsumed_tail:
                    raise _too_large(cap)
            if len(body) > cap:
                raise _too_large(cap)
        if decoder is not None:
            body += decoder.flush()
            if not decoder.eof:
                raise Refused(f"the answer claims {encoding!r} encoding but its compressed body is cut short")
    except zlib.error:
        raise Refused(f"the answer claims {encoding!r} encoding but is not {encoding.strip().lower()} data") from None
    if len(body) > cap:
        raise _too_large(cap)
    return bytes(body)


def _same_host(a: httpx.URL, b: httpx.URL) -> bool:
    return a.host == b.host and b.scheme in ("http", "https") and (a.port == b.port or b.scheme == "https")


def get(client: httpx.Client, url: str, params: dict, seconds: float, cap: int) -> Answer:
    """GET url?params within `seconds` in all, with at most `cap` bytes of decoded body; TooSlow or Refused otherwise.

    httpx's own errors (a refused connection, a dropped one) pass through for the caller to retry.
    """
    deadline = time.monotonic() + seconds
    request = client.build_request("GET", url, params=params)
    for _ in range(MAX_REDIRECTS + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TooSlow()
        request.extensions["timeout"] = httpx.Timeout(left).as_dict()
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException:
            raise TooSlow() from None
        try:
            if response.has_redirect_location:
                target = request.url.join(response.headers["location"])
                if not _same_host(request.url, target):
                    raise Refused(f"HTTP {response.status_code}: redirected to another host ({target.host or target}); not followed")
                request = client.build_request("GET", target)
                continue
            body = _read_body(response, cap, deadline)
        except httpx.TimeoutException:
            raise TooSlow() from None
        finally:
            response.close()
        return Answer(response.status_code, response.headers, body)
    raise Refused(f"more than {MAX_REDIRECTS} redirects (a redirect loop?); not followed")
