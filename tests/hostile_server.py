"""A hand-made hostile server on 127.0.0.1: endless body, gzip bomb, redirect loop and endless
redirect chain, a page of 100k links, ``file://`` and ``ftp://`` links, and a link that makes a
backtracking regex run for ever. Used by tests/test_crawl_bounds.py and to measure the crawl."""

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOMB = gzip.compress(b"\0" * (256 * 1024 * 1024), 9)  # 256 MiB of zeros in about 250 KB
ARTICLE = ("<html><head><title>好文章</title></head><body><article><h1>好文章</h1>"
           + "<p>" + "网贷催收的新规定出台，各地开始执行并接受监督。" * 20 + "</p></article></body></html>")
LINKS = 100_000
EVIL = "/a/" + "a" * 40 + "!"  # (a+)+$ backtracks 2^40 times on this with Python's re


def list_page() -> str:
    links = ["/a/endless", "/a/bomb", "/a/loop1", "/a/chain/0", "/a/good", EVIL,
             "file:///etc/passwd", "ftp://127.0.0.1:1/a/x", "javascript:alert(1)"]
    return ("<html><body>" + "".join(f'<a href="{u}">x</a>' for u in links)
            + '<a class="next" href="/links.html">next</a></body></html>')


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body=b"", **headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Transfer_Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        self.server.paths.append(path)
        html = "text/html; charset=utf-8"
        if path == "/robots.txt":
            self.send(404)
        elif path == "/list.html":
            self.send(200, list_page().encode(), Content_Type=html)
        elif path == "/links.html":
            body = "".join(f'<a href="/a/x/{i}">{i}</a>' for i in range(LINKS))
            self.send(200, f"<html><body>{body}</body></html>".encode(), Content_Type=html)
        elif path == "/a/endless":
            self.send_response(200)
            self.send_header("Content-Type", html)
            self.end_headers()  # no length: the body ends when the connection does
            chunk = b"<p>" + b"x" * 65536 + b"</p>"
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                return
        elif path == "/a/bomb":
            self.send(200, BOMB, Content_Type=html, Content_Encoding="gzip")
        elif path == "/a/loop1":
            self.send(302, Location="/a/loop2")
        elif path == "/a/loop2":
            self.send(302, Location="/a/loop1")
        elif path.startswith("/a/chain/"):
            self.send(302, Location=f"/a/chain/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path.startswith("/a/"):
            self.send(200, ARTICLE.encode(), Content_Type=html)
        else:
            self.send(404)


class HostileServer:
    """``with HostileServer() as server: server.base_url``."""

    def __enter__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.paths = self.paths = []  # every path asked for, in order
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":  # serve until killed, printing the base URL (for measuring by hand)
    import time

    with HostileServer() as server:
        print(server.base_url, flush=True)
        while True:
            time.sleep(3600)
