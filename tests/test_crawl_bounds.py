"""A hostile server cannot hang the crawl, exhaust its memory or drop pages silently: every case
ends in bounded time and is counted by reason; user patterns run in linear time (RE2)."""

import re
import time

import pytest

from tests.conftest import run_cli
from tests.hostile_server import HostileServer

SOURCES = """
[crawl]
allow_private = true
delay = 0
concurrency = 8
autothrottle = false
timeout = 20
max_links_per_page = {links}

[[sources]]
name = "hostile"
kind = "listing"
url = "{base}/list.html"
allow = '(a+)+$|/a/'
next = "a.next"
"""


@pytest.fixture
def hostile():
    with HostileServer() as server:
        yield server


def counts_of(summary: str, source: str) -> dict[str, int]:
    line = next(line for line in summary.splitlines() if line.startswith(source))
    return {k: int(v) for k, v in re.findall(r"([a-z][\w-]+) (\d+)", line.split("  ", 1)[1])}


def test_hostile_server_cases_are_bounded_and_counted(tmp_path, hostile):
    sources = tmp_path / "hostile.toml"
    sources.write_text(SOURCES.format(base=hostile.base_url, links=50), encoding="utf-8")
    started = time.monotonic()
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "h.db", "--quiet", timeout=120)
    assert time.monotonic() - started < 90, "bounded time"
    dropped = counts_of(result.stdout, "hostile")
    assert dropped["too-large"] == 1, result.stdout  # endless body
    assert dropped["decompression-bomb"] == 1
    assert dropped["redirect-loop"] == 1
    assert dropped["too-many-redirects"] == 1
    assert dropped["links-per-page"] == 100_000 - 50
    assert dropped["unsupported-scheme"] == 1  # ftp: (Scrapy's link extractor skips file: and javascript:)
    assert re.search(r"hostile\s+\d+\s+5[0-2]\s", result.stdout), result.stdout  # good, evil, 50 listed


def test_requests_per_source_are_capped(tmp_path, hostile):
    sources = tmp_path / "hostile.toml"
    sources.write_text(SOURCES.format(base=hostile.base_url, links=1_000_000)
                       .replace("[[sources]]", "max_requests_per_source = 3\n[[sources]]"),
                       encoding="utf-8")
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "h.db", "--quiet", timeout=120)
    dropped = counts_of(result.stdout, "hostile")
    assert dropped["requests-per-source"] == 7 - 3, result.stdout  # 6 article links and the next page
    assert "/links.html" not in hostile.paths


def test_a_pattern_re2_refuses_is_a_configuration_error(tmp_path, hostile):
    sources = tmp_path / "bad.toml"
    sources.write_text(SOURCES.format(base=hostile.base_url, links=50)
                       .replace("(a+)+$|/a/", r"(a)\1"), encoding="utf-8")
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "h.db", "--quiet")
    assert result.returncode == 2
    assert "source 'hostile'" in result.stderr and "'allow'" in result.stderr
    assert "RE2" in result.stderr and "Traceback" not in result.stderr


def test_a_source_that_finds_nothing_exits_non_zero(tmp_path, hostile):
    sources = tmp_path / "none.toml"
    sources.write_text(SOURCES.format(base=hostile.base_url, links=50).replace("/list.html", "/a/bomb"),
                       encoding="utf-8")
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "n.db", "--quiet")
    assert result.returncode == 1
    assert "no article from hostile" in result.stderr
    assert counts_of(result.stdout, "hostile") == {"decompression-bomb": 1}
