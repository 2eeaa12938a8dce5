"""``lendwatch check-sources`` against the sample site's replicas: ok on each, blocked by robots.txt,
and a replica whose shape changed named as changed; the verdict rules on stats built here."""

from crawler.check import verdict
from lendwatch.commands.sample import demo_sources
from lendwatch.sandbox.replicas.pbc import PbcReplica, article_path, list_path, samples
from tests.conftest import local_sources, run_cli


def table(stdout: str) -> dict[str, tuple[str, str]]:
    return {line.split()[0]: (line.split()[2], " ".join(line.split()[3:])) for line in stdout.splitlines()[1:]}


def pbc(site) -> PbcReplica:
    return next(r for r in site.replicas if isinstance(r, PbcReplica))


def test_every_replica_is_ok(tmp_path, sample_site):
    path = tmp_path / "sources.toml"
    path.write_text(demo_sources(sample_site.base_url), encoding="utf-8")
    sample_site.hits[article_path(samples()[0])] = 1  # the WZWS demonstration already shown
    result = run_cli("check-sources", "--sources", path)
    rows = table(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(rows) == 9 and {status for status, _ in rows.values()} == {"ok"}
    assert rows["sample-baidu-news"][1] == "captcha page, then passed"
    assert rows["sample-nfra"][1] == "dynamic endpoint failed, static mirror answered"
    assert "lendwatch.db" not in {p.name for p in tmp_path.iterdir()}  # nothing stored where it ran


def test_a_changed_list_is_named_and_the_exit_code_says_so(tmp_path, sample_site):
    replica = pbc(sample_site)
    replica.pages[list_path(1)] = replica.pages[list_path(1)].replace("newslist_style", "list_style_v2")
    path = tmp_path / "sources.toml"
    path.write_text(demo_sources(sample_site.base_url), encoding="utf-8")
    result = run_cli("check-sources", "--sources", path, "--only", "sample-pbc")
    assert result.returncode == 1
    assert table(result.stdout) == {"sample-pbc": ("changed", "list page without article links (errors/bad-list)")}


def test_robots_txt_refusal_is_blocked(tmp_path, sample_site):
    sources = local_sources(tmp_path / "p.toml", """
[[sources]]
name = "private"
kind = "listing"
url = "{base}/private/index.html"
allow = "/private/"
""", sample_site.base_url)
    result = run_cli("check-sources", "--sources", sources)
    assert result.returncode == 1
    assert table(result.stdout) == {"private": ("blocked", "robots.txt disallows it")}


def test_verdict_rules():
    base = {"downloader/request_count": 3, "downloader/response_count": 3, "robotstxt/request_count": 1,
            "robotstxt/response_count": 1}
    assert verdict({**base, "lendwatch/new": 1}).status == "ok"
    assert verdict({**base, "lendwatch/errors/http-456": 1}).detail == "banned (HTTP 456)"
    assert verdict({**base, "lendwatch/fallback/generic": 1, "lendwatch/new": 1}).detail == \
        "article matched no template (fallback/generic)"
    assert verdict({**base, "lendwatch/errors/http-404": 1}).detail == "HTTP 404 (errors/http-404)"
    assert verdict({"downloader/request_count": 2, "downloader/response_count": 0,
                    "lendwatch/errors/DNSLookupError": 2}) .status == "unreachable"
