"""The one pipeline: validate and store each page with its article, in one transaction."""

from scrapy.exceptions import DropItem, NotConfigured

from crawler import stats, store


def spider_too_old(crawler, published) -> bool:
    spider = crawler.spider
    return bool(spider is not None and hasattr(spider, "too_old") and spider.too_old(published))


class StorePipeline:
    """Stores pages and articles; counts outcomes in the crawl stats (``lendwatch/<outcome>``).

    Writes through the run's one engine (``LENDWATCH_ENGINE``); whoever opened it (the CLI) disposes it.
    """

    def __init__(self, crawler, engine, run_id: int | None):
        self.crawler = crawler
        self.engine = engine
        self.run_id = run_id
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        engine = crawler.settings.get("LENDWATCH_ENGINE")
        if engine is None:
            raise NotConfigured("LENDWATCH_ENGINE is not set")
        return cls(crawler, engine, crawler.settings.getint("LENDWATCH_RUN_ID") or None)

    def process_item(self, item):
        if item.article is not None and not item.article.text.strip():
            item.article, item.drop_reason = None, item.drop_reason or "empty-text"
        if item.article is not None and spider_too_old(self.crawler, item.article.published_at):
            self.stats.inc_value(stats.dropped("before-since"))
            raise DropItem(f"{item.page.url}: published before --since")
        outcome = store.save_page(self.engine, item.page, item.article, self.run_id)
        if item.article is None:
            reason = item.drop_reason or "no-article"
            self.stats.inc_value(stats.dropped(reason))
            raise DropItem(f"{item.page.url}: {reason}")
        self.stats.inc_value(stats.outcome(outcome))
        return item
