"""The source kinds' registry: one module per kind (model beside spider), a kind defined twice refused."""

import importlib
import sys

import pytest
from scrapy.utils.test import get_crawler

from crawler.config import kind_of
from crawler.kinds import GENERIC, DuplicateKind, Registry, defined_in, spiders
from crawler.spiders.baidu_news import BaiduNewsSpider
from crawler.spiders.rss import RssSpider, RssSource
from lendwatch.sandbox.replicas import replicas


def test_each_kind_has_its_spider_and_model_in_one_module():
    assert list(spiders())[:3] == list(GENERIC)
    for kind, spider in spiders().items():
        assert spider.kind == kind == kind_of(spider.source_model)
        assert spider.source_model.__module__ == spider.__module__ == f"crawler.spiders.{kind}"


def test_replicas_are_found_by_kind():
    assert set(replicas()) <= set(spiders())
    assert replicas()["tousu"].__module__ == "lendwatch.sandbox.replicas.tousu"


def test_a_kind_defined_twice_is_refused():
    class AnotherRss(RssSpider):
        kind = "rss"

    with pytest.raises(DuplicateKind, match="kind 'rss' is defined twice: by crawler.spiders.rss.RssSpider"):
        Registry([*spiders().values(), AnotherRss])


def test_a_package_with_two_modules_of_one_kind_is_refused(tmp_path, monkeypatch):
    package = tmp_path / "twokinds"
    package.mkdir()
    (package / "__init__.py").write_text("class Kind:\n    pass\n", encoding="utf-8")
    for name in ("one", "two"):
        (package / f"{name}.py").write_text(f"from twokinds import Kind\n\nclass {name.title()}(Kind):\n"
                                            f"    kind = 'same'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("twokinds")
    try:
        with pytest.raises(DuplicateKind, match="'same' is defined twice: by twokinds.one.One and twokinds.two.Two"):
            Registry(defined_in(module, module.Kind))
    finally:
        for name in [n for n in sys.modules if n.startswith("twokinds")]:
            del sys.modules[name]


def test_a_spider_whose_model_names_another_kind_is_refused():
    with pytest.raises(TypeError, match="kind 'feed' but source_model RssSource is kind 'rss'"):
        type("FeedSpider", (RssSpider,), {"kind": "feed", "source_model": RssSource})


def test_the_spider_reads_the_validated_model():
    source = {"name": "b", "keywords": ["催收"]}
    spider = BaiduNewsSpider.from_crawler(get_crawler(BaiduNewsSpider), source=source)
    assert spider.source.captcha_pause == 20.0  # the model's default, not a second one in the spider
    assert spider.source.max_pages == 5 and spider.source.url == "https://www.baidu.com/s"
