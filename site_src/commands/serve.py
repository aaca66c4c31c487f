"""Preview: serve build/ on 127.0.0.1 under the base URL's path, as GitHub Pages would, rebuilding on changes.

A slow or stalled client is cut off after REQUEST_TIMEOUT seconds (it would hold a thread for ever), the
listen backlog is large enough for a browser's burst of requests, and a path that cannot name a file
(a NUL byte) is answered 400. Only files inside the site folder are served (never through a link out of it),
and a folder without index.html is a 404, never a listing. Each HTML page served gets one script,
live_reload.js, which polls STATUS_PATH: the page reloads after each rebuild and shows a failed build's
error; the built files never hold it. A rebuild runs on one thread, woken by the watcher or by a build
of another base URL found in the folder (`digest build` into the folder being previewed); any error in
it is reported and the watching goes on. It does not build (the CLI's rebuild callback does).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from watchfiles import watch

from site_src.errors import DigestError
from site_src.files.write import MARKER, built_for
from site_src.files.safe_write import is_staging_name
from site_src.topics.lock import LOCK_NAME


REQUEST_TIMEOUT = 10  # seconds a client may take to send its request, or to read a block of the answer
BACKLOG = 128  # connections waiting to be accepted (socketserver's default of 5 overflows under a page's burst)
STATUS_PATH = "/__digest__/status"  # {"generation": builds so far, "error": the last build's error or null}
SCRIPT_PATH = "/__digest__/live-reload.js"
_SCRIPT = (Path(__file__).resolve().parent / "live_reload.js").read_bytes()
_TAG = f'<script src="{SCRIPT_PATH}" defer></script>'.encode()


class Preview:
    """What the open pages poll: how many builds have finished, and the last one's error; and the rebuild queue."""

    def __init__(self, out_dir: Path, base_url: str | None = None):
        self.out_dir = out_dir
        self.base_url = base_url  # the preview's own: a build for another one is rebuilt
        self.generation = 0
        self.error: str | None = None
        self.wanted = threading.Event()
        self._marker_seen: tuple | None = None
        self._guard = threading.Lock()

    def finished(self, error: str | None) -> None:
        with self._guard:
            self.generation += 1
            self.error = error
            self._marker_seen = self._marker_stamp()

    def status(self) -> bytes:
        with self._guard:
            return json.dumps({"generation": self.generation, "error": self.error}).encode()

    def _marker_stamp(self) -> tuple | None:
        try:
            stat = os.stat(self.out_dir / MARKER)
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns

    def replaced_by_another_build(self) -> str | None:
        """The base URL of a build made into out_dir by someone else for another base URL (once per such build)."""
        if self.base_url is None:
            return None
        stamp = self._marker_stamp()
        with self._guard:
            if stamp is None or stamp == self._marker_seen:
                return None
            self._marker_seen = stamp
        recorded, built = built_for(self.out_dir)
        return built if recorded and built != self.base_url else None


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a site folder under base_path; like GitHub Pages, a missing file gets 404.html with status 404."""

    base_path = "/"
    timeout = REQUEST_TIMEOUT
    preview: Preview | None = None

    def do_GET(self) -> None:
        if self._refuse_bad_path() or self._redirect_to_base() or self._live_reload():
            return
        path = self.translate_path(self.path)
        if os.path.isdir(path) and not urlsplit(self.path).path.endswith("/"):
            super().do_GET()  # the redirect to the folder's own URL
        elif self.preview and os.path.basename(self._page(path)).endswith(".html") and os.path.isfile(self._page(path)):
            self._send(200, "text/html; charset=utf-8", self._with_script(Path(self._page(path)).read_bytes()))
        else:
            super().do_GET()

    def _page(self, path: str) -> str:
        return os.path.join(path, "index.html") if os.path.isdir(path) else path

    def _live_reload(self) -> bool:
        path = urlsplit(self.path).path
        if self.preview is None or path not in (STATUS_PATH, SCRIPT_PATH):
            return False
        if path == SCRIPT_PATH:
            self._send(200, "text/javascript; charset=utf-8", _SCRIPT)
            return True
        other = self.preview.replaced_by_another_build()
        if other is not None:
            print(f"serve: {self.directory} was rebuilt for {other}; rebuilding the preview for {self.preview.base_url}",
                  file=sys.stderr)
            self.preview.wanted.set()
        self._send(200, "application/json", self.preview.status())
        return True

    def _with_script(self, body: bytes) -> bytes:
        end = body.rfind(b"</body>")
        return body[:end] + _TAG + body[end:] if end >= 0 else body + _TAG

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path):
        self.send_error(404, "Not found")  # like GitHub Pages: a folder without index.html is no page
        return None

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
        missing = str(Path(self.directory) / ".no-such-file")
        if not url_path.startswith(self.base_path):
            return missing
        path = super().translate_path("/" + url_path[len(self.base_path) :])
        root = os.path.realpath(self.directory)
        real = os.path.realpath(path)
        return path if real == root or real.startswith(root + os.sep) else missing  # never through a link out of it

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self._send(404, "text/html; charset=utf-8", self._with_script(body) if self.preview else body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a preview: always show the latest build
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # quiet: the curator wants build messages, not a request log


class PreviewServer(ThreadingHTTPServer):
    request_queue_size = BACKLOG
    preview: Preview | None = None

    def handle_error(self, request, client_address) -> None:
        """One line, not a traceback: a client that hung up or sent nonsense is no news."""
        kind, error = sys.exc_info()[:2]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"serve: error answering {client_address[0]}: {kind.__name__}: {error}", file=sys.stderr)


def make_server(out_dir: Path, base_path: str = "/", port: int = 8000, preview: Preview | None = None) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1:port (0: any free port) serving out_dir under base_path; with preview, live reload."""
    handler = type("Handler", (SiteHandler,), {"base_path": base_path, "preview": preview})
    server = PreviewServer(("127.0.0.1", port), partial(handler, directory=str(out_dir.absolute())))
    server.preview = preview
    return server


def watch_and_rebuild(folders: list[Path], wanted: threading.Event, stop: threading.Event, on_error: Callable[[str], None]) -> None:
    """Set `wanted` after each batch of changes in folders, until stop is set; an error in watching is reported, then watching goes on."""
    # The build writes content/topics.lock.json itself (through a staging name): that must not start another build.
    def not_the_lock(_change, path: str) -> bool:
        name = Path(path).name
        return name != LOCK_NAME and not is_staging_name(name, LOCK_NAME)

    while not stop.is_set():
        try:
            for _changes in watch(*folders, stop_event=stop, raise_interrupt=False, watch_filter=not_the_lock):
                wanted.set()
        except Exception as error:  # a folder removed, too many watches: say so, and watch again
            on_error(f"error: watching {', '.join(map(str, folders))} failed: {type(error).__name__}: {error}; watching again")
            stop.wait(1)


def rebuild_when_wanted(preview: Preview, rebuild: Callable[[], None], stop: threading.Event, on_error: Callable[[str], None]) -> None:
    """Run rebuild each time preview.wanted is set, until stop is set; no error ends this thread."""
    while not stop.is_set():
        if not preview.wanted.wait(0.2):
            continue
        time.sleep(0.1)  # let a burst of saves settle into one build
        preview.wanted.clear()
        try:
            rebuild()
        except DigestError as error:
            preview.finished(str(error))
            on_error(f"error: {error} (still serving the previous build)")
        except Exception as error:  # our own bug, or the disk: reported here and in the page; the preview lives on
            preview.finished(f"{type(error).__name__}: {error}")
            on_error(f"error: the build failed: {type(error).__name__}: {error} (still serving the previous build)")
        else:
            preview.finished(None)


def listen(out_dir: Path, base_path: str, port: int, preview: Preview | None = None) -> ThreadingHTTPServer:
    """make_server, with a port already taken as an error the curator can act on."""
    try:
        return make_server(out_dir, base_path, port, preview)
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
    preview = getattr(server, "preview", None) or Preview(out_dir)
    watcher = threading.Thread(target=watch_and_rebuild, args=(folders, preview.wanted, stop, on_message), daemon=True)
    builder = threading.Thread(target=rebuild_when_wanted, args=(preview, rebuild, stop, on_message), daemon=True)
    watcher.start()
    builder.start()
    on_message(f"serving {out_dir} at {url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=5)
        builder.join(timeout=5)


def run(content: Path, out: Path, public, port: int) -> None:
    """`digest serve`: build with drafts for the preview's own address, serve OUT, rebuild on every change."""
    import click

    from site_src.build import build
    from site_src.config import SiteConfig
    from site_src.errors import printable

    base_path = SiteConfig(base_url=public.url).base_path
    preview = Preview(out)
    server = listen(out, base_path, port, preview)
    host, bound = server.server_address[:2]
    local = f"http://{host}:{bound}{base_path}"
    preview.base_url = local  # a build of OUT for any other base URL is rebuilt for this one
    published = f"; published, {public.url} from {public.source}" if public.url else ""
    click.echo(f"base URL: {local} (the preview's own address{published})")

    def rebuild() -> None:
        report = build(content, out, base_url=local, on_warning=lambda w: click.echo(printable(f"warning: {w}"), err=True),
                       drafts=True, wait=True, on_wait=lambda message: click.echo(printable(message), err=True), role="serve")
        click.echo(f"built {out}: {report.pages} pages in {report.seconds:.2f}s")

    try:
        rebuild()
        preview.finished(None)
    except DigestError as error:
        if not out.is_dir():
            server.server_close()
            raise
        preview.finished(str(error))
        click.echo(printable(f"error: {error} (serving the previous build)"), err=True)
    watched = [content, content.absolute().parent / "templates"]
    serve(server, local, out, watched, rebuild, on_message=lambda line: click.echo(printable(line), err=line.startswith("error")))
