"""Where a hostile feed may send the crawler: only http(s), never local files, never private
addresses unless the sources file allows them."""

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from crawler.safety import SafeTargetMiddleware, is_public, link_problem
from tests.conftest import run_cli

PARAGRAPH = "近日，某地监管部门通报了多起网络借贷平台委托第三方机构暴力催收的案例，涉及骚扰借款人亲友、爆通讯录等行为。"
ARTICLE = ("<html><head><title>{title}</title></head><body><h1>{title}</h1>"
           "<p class='date'>2024-09-03 10:00</p>" + "".join(f"<p>{PARAGRAPH}第{i}段。</p>" for i in range(8))
           + "</body></html>")


def feed(base: str, links: list[str]) -> str:
    items = "".join(f"<item><title>条目{i}</title><link>{link}</link>"
                    f"<pubDate>Tue, 03 Sep 2024 02:00:00 GMT</pubDate></item>"
                    for i, link in enumerate(links))
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>"


class Hostile(ThreadingHTTPServer):
    """A feed whose items point at local files, other schemes, and redirects to them."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.hits: list[str] = []
        self.links = ["javascript:void(0)", "mailto:a@example.com", "file://localhost/etc/passwd",
                      "file:///etc/passwd", f"ftp://127.0.0.1:{self.server_address[1]}/x",
                      "data:text/html,<h1>x</h1>", "http://[::1", f"{self.base}/redirect-file",
                      f"{self.base}/refresh-file", f"{self.base}/a1.html"]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.hits.append(self.path)
        if self.path == "/feed.xml":
            self._send(200, "application/rss+xml", feed(self.server.base, self.server.links))
        elif self.path == "/redirect-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif self.path == "/refresh-file":
            self._send(200, "text/html", "<html><head><meta http-equiv='refresh' content='0;url=file:///etc/passwd'>"
                       "</head><body></body></html>")
        elif self.path == "/a1.html":
            self._send(200, "text/html; charset=utf-8", ARTICLE.format(title="监管通报暴力催收案例"))
        else:
            self._send(404, "text/plain", "no")

    def _send(self, status, content_type, text):
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hostile():
    server = Hostile()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def sources(tmp_path, base: str, allow_private: bool):
    path = tmp_path / "hostile.toml"
    path.write_text(f"""[crawl]
delay = 0
autothrottle = false
allow_private = {str(allow_private).lower()}
[[sources]]
name = "hostile"
kind = "rss"
url = "{base}/feed.xml"
""", encoding="utf-8")
    return path


def test_feed_links_to_local_files_and_other_schemes_are_refused_and_counted(tmp_path, hostile):
    db = tmp_path / "h.db"
    result = run_cli("crawl", "--sources", sources(tmp_path, hostile.base, True), "--db", db, "--quiet")
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("select url from pages")]
        articles = [r[0] for r in conn.execute("select url from articles")]
        leaked = conn.execute("select count(*) from articles where text like '%root:%'").fetchone()[0]
    assert articles == [f"{hostile.base}/a1.html"], (articles, result.stdout, result.stderr)
    assert all(u.startswith("http://127.0.0.1") for u in urls), urls
    assert leaked == 0
    summary = result.stdout
    assert "unsupported-scheme 6" in summary, summary  # 2 file, javascript, mailto, ftp, data
    assert "bad-url 1" in summary, summary  # http://[::1
    # a redirect and a meta refresh to file:// are new requests: refused the same way
    # Scrapy does not follow a redirect or meta refresh to file:// either
    assert "/redirect-file" in hostile.hits and "/refresh-file" in hostile.hits
    assert "http-302 1" in summary and "no-body 1" in summary
    assert "root:x:0:0" not in summary + result.stderr


def test_private_addresses_are_refused_unless_the_sources_file_allows_them(tmp_path, hostile):
    db = tmp_path / "p.db"
    result = run_cli("crawl", "--sources", sources(tmp_path, hostile.base, False), "--db", db, "--quiet")
    assert hostile.hits == []
    assert "private-address 1" in result.stdout, result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from pages").fetchone()[0] == 0


@pytest.mark.parametrize("address, public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.5.4", False),
    ("169.254.169.254", False), ("0.0.0.0", False), ("100.64.0.1", False), ("::1", False),
    ("fe80::1", False), ("fd00::1", False), ("::ffff:127.0.0.1", False),
    ("93.184.216.34", True), ("2606:4700::1111", True),
])
def test_public_addresses(address, public):
    assert is_public(address) is public


@pytest.mark.parametrize("url, problem", [
    ("https://www.pbc.gov.cn/a.html", None), ("HTTP://example.com/", None),
    ("file:///etc/passwd", "unsupported-scheme"), ("ftp://example.com/", "unsupported-scheme"),
    ("javascript:alert(1)", "unsupported-scheme"), ("s3://bucket/key", "unsupported-scheme"),
    ("http:///nohost", "bad-url"), ("http://example.com:99999/", "bad-url"),
])
def test_link_problem(url, problem):
    assert link_problem(url) == problem


@pytest.mark.parametrize("url", ["http://10.0.0.5/internal", "http://[::1]:8080/", "http://169.254.169.254/latest/"])
def test_middleware_refuses_private_targets_such_as_a_redirect_would_request(url):
    crawler = get_crawler(Spider, {"LENDWATCH_ALLOW_PRIVATE": False})
    crawler.spider = Spider("t")
    middleware = SafeTargetMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest):
        run(middleware.process_request(Request(url, meta={"redirect_urls": ["https://example.com/"]})))
    assert crawler.stats.get_value("lendwatch/dropped/private-address") == 1
    allowed = SafeTargetMiddleware.from_crawler(get_crawler(Spider, {"LENDWATCH_ALLOW_PRIVATE": True}))
    assert run(allowed.process_request(Request(url))) is None


def run(coroutine):
    """Run ``coroutine`` on its own loop in a thread (another test may leave a loop running here)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
