"""The sources file: valid files load; every mistake exits 2 naming file, source and key."""

import pytest

from crawler.config import ConfigError, default_sources_path, load_sources
from tests.conftest import run_cli

GOOD = """
[[sources]]
name = "feed"
kind = "rss"
url = "http://127.0.0.1:9/feed.xml"

[[sources]]
name = "lists"
kind = "listing"
url = "http://127.0.0.1:9/list.html"
allow = '/a/\\d+\\.html$'
next = "a.next"
"""


def write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_default_file_is_valid():
    config = load_sources(default_sources_path())
    from crawler.kinds import spiders

    kinds = {s.kind for s in config.sources}
    assert kinds and kinds <= set(spiders()), kinds - set(spiders())  # every shipped kind has its spider
    assert "网贷催收" in config.keywords


def test_good_file_and_only(tmp_path):
    config = load_sources(write(tmp_path, GOOD), only=["lists"])
    assert [s.name for s in config.sources] == ["lists"]
    assert config.sources[0].max_pages == 20
    assert config.crawl.concurrency == 2


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace('kind = "rss"', 'kind = "rsss"'), ["'feed'", "'kind'", "unknown kind 'rsss'", "rss, listing, sitemap"]),
    (GOOD.replace("allow = '/a/\\d+\\.html$'\n", ""), ["'lists'", "'allow'", "Field required"]),
    (GOOD.replace("allow = '/a/\\d+\\.html$'", "allow = '(unclosed'"), ["'lists'", "'allow'", "regular expression"]),
    (GOOD.replace('url = "http://127.0.0.1:9/feed.xml"', ""), ["'feed'", "needs `url` or `urls`"]),
    (GOOD.replace('url = "http://127.0.0.1:9/feed.xml"', 'url = "ftp://x/feed"'), ["'feed'", "'url'", "http(s) URL"]),
    (GOOD.replace('next = "a.next"', 'next = "a.next"\nmaxpages = 3'), ["'lists'", "unknown key 'maxpages'"]),
    (GOOD.replace('name = "lists"', 'name = "feed"'), ["duplicate source name", "feed"]),
    ("[[sources]\nname=", ["not valid TOML"]),
])
def test_mistakes_name_file_source_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, message


def test_unknown_only_name(tmp_path):
    with pytest.raises(ConfigError, match="--only names no configured source: nope"):
        load_sources(write(tmp_path, GOOD), only=["nope"])


def test_cli_exits_2_before_any_request(tmp_path, sample_site):
    bad = GOOD.replace("http://127.0.0.1:9", sample_site.base_url).replace('kind = "rss"', 'kind = "atom"')
    path = write(tmp_path, bad)
    result = run_cli("crawl", "--sources", path, "--db", tmp_path / "x.db", "--quiet")
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr and "'kind'" in result.stderr and "'atom'" in result.stderr
    assert sample_site.hits == {}
