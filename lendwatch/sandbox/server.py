"""A small HTTP server for the sample site, on 127.0.0.1 by default."""

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lendwatch.sandbox import site
from lendwatch.sandbox.replicas import replicas
from lendwatch.sandbox.replicas.base import Page, Request


class SampleSite(ThreadingHTTPServer):
    """Serves the static pages of :mod:`lendwatch.sandbox.site` and the replicas' interfaces.

    Every GET answer carries an ``ETag``; a request whose ``If-None-Match`` matches gets a 304.

    Counts requests per path (``hits``) and remembers the User-Agents seen and every request's
    path and headers, in order (``requests_seen``).
    """

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.base_url = f"http://{host}:{self.server_address[1]}"
        self.pages = site.build(self.base_url)
        self.replicas = [replica(self.base_url) for replica in replicas().values()]
        self.flaky = site.flaky_path()
        self.hits: dict[str, int] = {}
        self.user_agents: set[str] = set()
        self.requests_seen: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> "SampleSite":
        """Serve in a background thread (once; starting again does nothing)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self.serve_forever, name="sample-site", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def respond(self, request: Request) -> Page:
        if request.path == self.flaky and request.hits == 1:
            return Page(500, "text/plain; charset=utf-8", "临时错误，请重试 (sample site)".encode())
        page = self.pages.get(request.path) if request.method == "GET" else None
        for replica in self.replicas:
            if page is None and request.path.startswith(replica.prefix):
                page = replica.handle(request)
        return page or Page(404, "text/html; charset=utf-8", (
            f"<html><body><div class='sample-banner'>{site.BANNER}</div>"
            f"<h1>404 页面不存在</h1></body></html>").encode())


class _Handler(BaseHTTPRequestHandler):
    server: SampleSite
    server_version = "lendwatch-sample-site"

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            hits = self.server.hits[path] = self.server.hits.get(path, 0) + 1
            self.server.user_agents.add(self.headers.get("User-Agent", ""))
            self.server.requests_seen.append((path, dict(self.headers.items())))
        request = Request.parse(method, self.path, body, dict(self.headers.items()), hits)
        page = self.server.respond(request)
        if page.delay:
            time.sleep(page.delay)
        etag = f'"{hashlib.sha1(page.body).hexdigest()[:16]}"'
        if method == "GET" and page.status == 200 and path != "/robots.txt":
            page = Page(page.status, page.content_type, page.body, {"ETag": etag, **page.headers})
            if self.headers.get("If-None-Match") == etag:  # unchanged since the client's copy
                page = Page(304, page.content_type, b"", {"ETag": etag})
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(page.body)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_POST(self):  # noqa: N802
        self._serve("POST")

    def log_message(self, format, *args):  # quiet: the crawler reports what happened
        pass
