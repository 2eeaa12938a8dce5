"""robots.txt policy and per-source request identity: obeyed unless a source says ``robots = "ignore"``
(then one warning per crawl), a source refused everything is ``blocked by robots.txt``; a source's
``user_agent``, ``headers`` and cookies from the environment variable its ``cookie_env`` names."""

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.config import ConfigError, default_sources_path, load_sources
from crawler.identity import IdentityMiddleware, parse_cookies
from crawler.spiders.listing import ListingSpider
from tests.conftest import local_sources, run_cli

PRIVATE = """
[[sources]]
name = "private"
kind = "listing"
url = "{base}/private/index.html"
allow = "/private/"
"""


def test_a_source_refused_everything_is_blocked_not_zero_articles(tmp_path, sample_site):
    sources = local_sources(tmp_path / "blocked.toml", PRIVATE, sample_site.base_url)
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "b.db", "--quiet")
    assert result.returncode == 1, result.stderr
    assert "private              blocked by robots.txt" in result.stdout
    assert not any(p.startswith("/private/") for p in sample_site.hits)
    assert "ignores robots.txt" not in result.stderr


def test_robots_ignore_is_explicit_and_warned_once(tmp_path, sample_site):
    sources = local_sources(tmp_path / "ignore.toml", PRIVATE + 'robots = "ignore"\n', sample_site.base_url)
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "i.db", "--quiet")
    assert sample_site.hits.get("/private/index.html") == 1  # asked, though robots.txt disallows it
    assert "/robots.txt" not in sample_site.hits
    assert result.stderr.count("warning: source private ignores robots.txt") == 1
    assert "blocked" not in result.stdout


def test_user_agent_headers_and_cookies_per_source(tmp_path, sample_site, monkeypatch):
    sources = local_sources(tmp_path / "id.toml", """
[[sources]]
name = "own"
kind = "listing"
url = "{base}/people/GB/1004/index.html"
allow = "/people/n1/"
max_pages = 1
user_agent = "lendwatch-test/1.0 (research)"
headers = { Referer = "{base}/people/", Accept-Language = "zh-CN" }
cookie_env = "LENDWATCH_TEST_COOKIES"
""", sample_site.base_url)
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "id.db", "--quiet",
                     env={"LENDWATCH_TEST_COOKIES": "SUB=abc; SUBP=def"})
    assert result.returncode in (0, 1), result.stderr
    assert sample_site.user_agents == {"lendwatch-test/1.0 (research)"}  # robots.txt asked with it too
    seen = [headers for _, headers in sample_site.requests_seen]
    assert all(h.get("Accept-Language") == "zh-CN" and h.get("Cookie") == "SUB=abc; SUBP=def" for h in seen), seen[:3]
    # the configured Referer where the request has none of its own (robots.txt, the start page)
    assert [h["Referer"] for h in seen[:2]] == [f"{sample_site.base_url}/people/"] * 2


def test_identity_middleware_on_a_request(monkeypatch):
    monkeypatch.setenv("SITE_COOKIE", "Cookie: a=1; b=2;")
    crawler = get_crawler(ListingSpider)
    crawler.spider = ListingSpider.from_crawler(crawler, source={
        "name": "s", "url": "https://news.example.cn/", "allow": "/a", "headers": {"Referer": "https://news.example.cn/"},
        "cookie_env": "SITE_COOKIE"})
    middleware = IdentityMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    request = Request("https://news.example.cn/a.html", headers={"Referer": "https://other.example/"},
                      cookies={"b": "own"})
    middleware.process_request(request)
    assert request.headers["Referer"] == b"https://other.example/"  # a request's own header wins
    assert request.cookies == [{"name": "a", "value": "1", "path": "/"}, {"name": "b", "value": "own"}]
    assert b"User-Agent" not in request.headers
    assert parse_cookies("SUB=x=y; ;SUBP=z") == {"SUB": "x=y", "SUBP": "z"}


@pytest.mark.parametrize("extra, message", [
    ('robots = "maybe"', "key 'robots'"),
    ('headers = { Cookie = "SUB=1" }', "cookie_env"),
    ('headers = { User-Agent = "x" }', "user_agent"),
    ('cookie_env = "not a name"', "key 'cookie_env'"),
])
def test_identity_keys_are_validated(tmp_path, extra, message):
    path = tmp_path / "bad.toml"
    path.write_text(f'[[sources]]\nname = "a"\nkind = "rss"\nurl = "https://a.example/feed"\n{extra}\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_sources(path)


def test_shipped_sources_obey_robots_and_leave_baidu_disabled_with_the_reason():
    shipped = load_sources(default_sources_path(), only=None)
    assert "baidu_news" not in {s.name for s in shipped.sources}
    assert all(s.robots == "obey" and not s.cookie_env for s in shipped.sources)
    text = default_sources_path().read_text(encoding="utf-8")
    assert "Disallow: /" in text.split('name = "baidu_news"')[0].rsplit("[[sources]]", 2)[-2]


def test_an_unchanged_list_costs_one_request(tmp_path, sample_site):
    """A re-crawl sends the list's ETag back; the 304 ends the list: one request, nothing parsed."""
    sources = local_sources(tmp_path / "farm.toml", """
[[sources]]
name = "farm"
kind = "listing"
url = "{base}/farm/list_1.html"
allow = "/farm/article/"
next = "a.next"
""", sample_site.base_url)
    db = tmp_path / "farm.db"
    first = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    before = dict(sample_site.hits)
    sample_site.requests_seen.clear()
    again = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert first.returncode in (0, 1) and again.returncode == 0, again.stdout + again.stderr
    asked = [path for path, _ in sample_site.requests_seen]
    assert asked == ["/robots.txt", "/farm/list_1.html"], asked
    assert sample_site.requests_seen[1][1]["If-None-Match"].startswith('"')
    assert "not-modified 1" in again.stdout
    assert {p: n for p, n in sample_site.hits.items() if p != "/farm/list_1.html" and p != "/robots.txt"} == \
        {p: n for p, n in before.items() if p != "/farm/list_1.html" and p != "/robots.txt"}
