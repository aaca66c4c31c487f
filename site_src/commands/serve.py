"""Preview: serve build/ on 127.0.0.1 under the base URL's path, as GitHub Pages would, rebuilding on changes.

A slow or stalled client is cut off after REQUEST_TIMEOUT seconds (it would hold a thread for ever), the
listen backlog is large enough for a browser's burst of requests, and a path that cannot name a file
(a NUL byte) is answered 400. It does not build (the CLI's rebuild callback does).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from watchfiles import watch

from site_src.errors import DigestError
from site_src.topics.lock import LOCK_NAME


REQUEST_TIMEOUT = 10  # seconds a client may take to send its request, or to read a block of the answer
BACKLOG = 128  # connections waiting to be accepted (socketserver's default of 5 overflows under a page's burst)


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a site folder under base_path; like GitHub Pages, a missing file gets 404.html with status 404."""

    base_path = "/"
    timeout = REQUEST_TIMEOUT

    def do_GET(self) -> None:
        if not self._refuse_bad_path() and not self._redirect_to_base():
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._refuse_bad_path() and not self._redirect_to_base():
            super().do_HEAD()

    def _refuse_bad_path(self) -> bool:
        if "\0" not in unquote(urlsplit(self.path).path):
            return False
        self.send_error(400, "Bad request: the path holds a NUL byte")
        return True

    def _redirect_to_base(self) -> bool:
        path = urlsplit(self.path).path
        if self.base_path == "/" or path not in ("/", self.base_path.rstrip("/")):
            return False
        self.send_response(302)
        self.send_header("Location", self.base_path)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if not url_path.startswith(self.base_path):
            return str(Path(self.directory) / ".no-such-file")
        return super().translate_path("/" + url_path[len(self.base_path) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a preview: always show the latest build
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # quiet: the curator wants build messages, not a request log


class PreviewServer(ThreadingHTTPServer):
    request_queue_size = BACKLOG

    def handle_error(self, request, client_address) -> None:
        """One line, not a traceback: a client that hung up or sent nonsense is no news."""
        kind, error = sys.exc_info()[:2]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"serve: error answering {client_address[0]}: {kind.__name__}: {error}", file=sys.stderr)


def make_server(out_dir: Path, base_path: str = "/", port: int = 8000) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1:port (0: any free port) serving out_dir under base_path."""
    handler = type("Handler", (SiteHandler,), {"base_path": base_path})
    return PreviewServer(("127.0.0.1", port), partial(handler, directory=str(out_dir.absolute())))


def watch_and_rebuild(
    folders: list[Path], rebuild: Callable[[], None], stop: threading.Event, on_error: Callable[[str], None]
) -> None:
    """Call rebuild after each batch of changes in folders, until stop is set; a failed rebuild keeps the old site."""
    # The build writes content/topics.lock.json itself: that change must not start another build.
    def not_the_lock(_change, path: str) -> bool:
        return Path(path).name not in (LOCK_NAME, f".{LOCK_NAME}.new")

    for _changes in watch(*folders, stop_event=stop, raise_interrupt=False, watch_filter=not_the_lock):
        try:
            rebuild()
        except DigestError as error:
            on_error(f"error: {error} (still serving the previous build)")


def listen(out_dir: Path, base_path: str, port: int) -> ThreadingHTTPServer:
    """make_server, with a port already taken as an error the curator can act on."""
    try:
        return make_server(out_dir, base_path, port)
    except OSError as error:
        raise DigestError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}; pick another --port (0: any free one)") from None


def serve(
    server: ThreadingHTTPServer,
    url: str,
    out_dir: Path,
    watched: list[Path],
    rebuild: Callable[[], None],
    on_message: Callable[[str], None] = print,
) -> None:
    """Serve (a server from listen, at url) until interrupted, rebuilding whenever a watched folder changes."""
    stop = threading.Event()
    folders = [folder for folder in watched if folder.is_dir()]
    watcher = threading.Thread(target=watch_and_rebuild, args=(folders, rebuild, stop, on_message), daemon=True)
    watcher.start()
    on_message(f"serving {out_dir} at {url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=5)


def run(content: Path, out: Path, public, port: int) -> None:
    """`digest serve`: build with drafts for the preview's own address, serve OUT, rebuild on every change."""
    import click

    from site_src.build import build
    from site_src.config import SiteConfig
    from site_src.errors import printable

    base_path = SiteConfig(base_url=public.url).base_path
    server = listen(out, base_path, port)
    host, bound = server.server_address[:2]
    local = f"http://{host}:{bound}{base_path}"
    published = f"; published, {public.url} from {public.source}" if public.url else ""
    click.echo(f"base URL: {local} (the preview's own address{published})")

    def rebuild() -> None:
        report = build(content, out, base_url=local, on_warning=lambda w: click.echo(printable(f"warning: {w}"), err=True),
                       drafts=True, wait=True, on_wait=lambda message: click.echo(printable(message), err=True))
        click.echo(f"built {out}: {report.pages} pages in {report.seconds:.2f}s")

    try:
        rebuild()
    except DigestError as error:
        if not out.is_dir():
            server.server_close()
            raise
        click.echo(printable(f"error: {error} (serving the previous build)"), err=True)
    watched = [content, content.absolute().parent / "templates"]
    serve(server, local, out, watched, rebuild, on_message=lambda line: click.echo(printable(line), err=line.startswith("error")))
