"""The README's first command: `lendwatch demo` crawls the sample site, analyses, reports."""

import re
import socket
import sqlite3

from lendwatch.sandbox.articles import load
from tests.conftest import run_cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_end_to_end(tmp_path):
    out = tmp_path / "demo"
    port = free_port()  # the same port twice: the sample articles keep their URLs
    result = run_cli("demo", "--out", out, "--port", port, "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    db = out / "lendwatch.db"
    report_md = out / "report-2024-09.md"
    report_html = out / "report-2024-09.html"
    assert f"report: {report_md}" in result.stdout and f"database: {db}" in result.stdout
    with sqlite3.connect(db) as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        analysed = conn.execute("select count(*) from analyses").fetchone()[0]
        september = conn.execute(
            "select count(*) from articles where published_at like '2024-09%'").fetchone()[0]
        sources = {r[0] for r in conn.execute("select distinct source from articles")}
    assert articles == analysed
    assert articles >= len(load()) - 30  # replicas still landing serve the rest
    assert all(s.startswith("sample-") for s in sources)
    text = report_md.read_text(encoding="utf-8")
    assert "2024年9月" in text
    assert re.search(rf"\b{september}\b", text), "the month's article count appears in the report"
    html = report_html.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and 'src="http' not in html
    # re-running the demo into the same folder stores nothing twice
    again = run_cli("demo", "--out", out, "--port", port, "--quiet")
    assert again.returncode == 0, again.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == articles
        assert conn.execute("select count(*) from analyses").fetchone()[0] == analysed
    assert "analysed 0 articles" in again.stdout
