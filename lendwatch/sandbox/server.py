"""A small HTTP server for the sample site, on 127.0.0.1 by default."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from lendwatch.sandbox import site


class SampleSite(ThreadingHTTPServer):
    """Serves :func:`lendwatch.sandbox.site.build`; counts requests per path."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.base_url = f"http://{host}:{self.server_address[1]}"
        self.pages = site.build(self.base_url)
        self.flaky = site.flaky_path()
        self.hits: dict[str, int] = {}
        self.user_agents: set[str] = set()
        self.lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> "SampleSite":
        """Serve in a background thread."""
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


class _Handler(BaseHTTPRequestHandler):
    server: SampleSite
    server_version = "lendwatch-sample-site"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        with self.server.lock:
            hits = self.server.hits[path] = self.server.hits.get(path, 0) + 1
            self.server.user_agents.add(self.headers.get("User-Agent", ""))
        page = self.server.pages.get(path)
        if path == self.server.flaky and hits == 1:
            self._send(500, "text/plain; charset=utf-8", "临时错误，请重试 (sample site)".encode())
        elif page is None:
            self._send(404, "text/html; charset=utf-8",
                       f"<html><body><div class='sample-banner'>{site.BANNER}</div>"
                       f"<h1>404 页面不存在</h1></body></html>".encode())
        else:
            self._send(page.status, page.content_type, page.body)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # quiet: the crawler reports what happened
        pass
