"""What every lendwatch spider shares: its source config, the article callback, error counting."""

from datetime import datetime

from scrapy import Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract import EXTRACTION_VERSION, ExtractError, extract
from crawler.items import PageItem
from crawler.urls import canonical_url
from lendwatch.records import ArticleRecord, PageRecord


def original_url(response) -> str:
    """The URL that was asked for, before redirects: the key incremental crawls skip by."""
    return (response.meta.get("redirect_urls") or [response.url])[0]


def header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def charset_of(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=", 1)[1].split(";")[0].strip() or None
    return None


class SourceSpider(Spider):
    """A spider for one configured source; ``source`` is its validated config as a dict.

    Every request it makes carries ``on_error``, so each page that finally fails
    is counted once, by reason, in ``lendwatch/errors/<reason>``.
    """

    name = "lendwatch"

    def __init__(self, source: dict, **kwargs):
        super().__init__(name=source["name"], **kwargs)
        self.source = source
        self.start_urls = [source["url"]] if source.get("url") else list(source.get("urls") or [])

    def on_error(self, failure):
        if failure.check(HttpError):
            reason = f"http-{failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            return  # skipped on purpose (already stored, robots.txt): counted elsewhere
        else:
            reason = failure.type.__name__
        url = failure.request.url if hasattr(failure, "request") else "?"
        self.logger.warning("failed %s: %s", url, reason)
        self.crawler.stats.inc_value(f"lendwatch/errors/{reason}")

    def parse_article(self, response, fallback_title: str | None = None,
                      fallback_date: datetime | None = None):
        """Extract one article page; pages without an article are stored and counted as dropped."""
        key = canonical_url(original_url(response))
        content_type = header(response, "Content-Type")
        page = PageRecord(url=response.url, canonical_url=key, source=self.name,
                          status=response.status, body=response.body, content_type=content_type)
        try:
            found = extract(response.body, url=response.url, declared_encoding=charset_of(content_type))
        except ExtractError as exc:
            self.logger.info("dropped %s: %s", response.url, exc.reason)
            yield PageItem(page=page, drop_reason=exc.reason)
            return
        page.encoding = found.encoding
        yield PageItem(page=page, article=ArticleRecord(
            canonical_url=key, url=response.url, source=self.name, text=found.text,
            title=found.title or fallback_title, published_at=found.published_at or fallback_date,
            author=found.author, extraction_version=EXTRACTION_VERSION))
