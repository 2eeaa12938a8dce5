"""Browser-test fixtures: the browsing site and an "original" site on 127.0.0.1, and headless Chromium."""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browse_fixture import build

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


class _Original(BaseHTTPRequestHandler):
    """Stands in for the publishers' sites: a page naming the article number (sample data)."""

    def do_GET(self):  # noqa: N802 - http.server's name
        body = f"<html><body><h1>原文页面 {self.path}</h1><p>SAMPLE DATA</p></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    from lendwatch.db import read_only
    from reports import monthly
    from reports.browse.app import BrowseApp
    from reports.browse.server import make

    original = ThreadingHTTPServer(("127.0.0.1", 0), _Original)
    original_base = _serve(original)
    folder = tmp_path_factory.mktemp("browser")
    built = build(folder, original_base)
    engine = read_only(f"sqlite:///{built['db']}")
    monthly.build(engine, "2024-09", folder, {"html"})  # the real report of the sample data
    app = BrowseApp(engine, built["index"], folder, bind="127.0.0.1")
    server = make(app, "127.0.0.1", 0, quiet=True)
    yield {**built, "base": _serve(server), "original_base": original_base}
    server.shutdown()
    original.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("LENDWATCH_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing but LENDWATCH_REQUIRE_BROWSER is set (CI)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"), full_page=True)
    context.close()
    assert dialogs == [], f"a script ran: {dialogs}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.fixture(scope="session")
def static_site(site):
    """The static export of the same database and report, opened from ``file://``."""
    from lendwatch.db import read_only
    from reports.browse import static

    out = site["db"].parent / "static"
    static.build(read_only(f"sqlite:///{site['db']}"), site["index"], out, site["db"].parent)
    return {**site, "out": out, "home": out.resolve().as_uri() + "/index.html"}
