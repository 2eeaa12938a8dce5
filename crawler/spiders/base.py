"""What every lendwatch spider shares: its source config, the article callback, error counting,
and the incremental checks (already stored, older than ``--since``).

Source-specific spiders parse their own pages or JSON and call :meth:`SourceSpider.article_item`;
pages without a source-specific parser go through :meth:`SourceSpider.parse_article` (the generic
extractor). Spiders only parse: no database calls, no analysis.
"""

from collections.abc import Set as AbstractSet
from datetime import datetime

from lxml import html as lxml_html
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import stats
from crawler.bounds import failure_reason
from crawler.config import SourceBase, kind_of
from crawler.extract import EXTRACTION_VERSION, ExtractError, Hints, extract
from crawler.extract.hints import date_extra
from crawler.extract.html import collapse
from crawler.items import PageItem
from crawler.pdf import is_pdf, pdf_text
from crawler.safety import link_problem
from crawler.urls import canonical_url
from lendwatch.records import SHANGHAI, ArticleRecord, PageRecord


ARTICLE = "lendwatch_article"  # request.meta flag: an article page (skipped when already stored)


class NotModified(IgnoreRequest):
    """A list page that answered 304 to its validators: nothing new there since the last crawl."""


def original_url(response) -> str:
    """The URL that was asked for, before redirects: the key incremental crawls skip by."""
    return (response.meta.get("redirect_urls") or [response.url])[0]


def header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def plain(text) -> str:
    """A search answer's title or name without its highlight markup (``<font>``, ``<em>``,
    ``<span class="code-red">``), whitespace collapsed; '' for no text."""
    if not isinstance(text, str) or not text.strip():
        return ""
    return collapse(lxml_html.fromstring(f"<div>{text}</div>").text_content())


def charset_of(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=", 1)[1].split(";")[0].strip() or None
    return None


class SourceSpider(Spider):
    """A spider for one configured source; ``source`` is its validated ``source_model``.

    A subclass that is a kind sets ``kind`` and ``source_model`` (whose ``kind`` literal must
    match). Every request it makes carries ``on_error``, so each page that finally fails
    is counted once, by reason, in ``lendwatch/errors/<reason>``. ``known_urls``
    (canonical URLs already stored) and ``unsettled_urls`` (those stored by runs that did not
    finish, see :mod:`crawler.runs`) are filled when the spider opens.
    """

    name = "lendwatch"
    kind: str
    source_model: type[SourceBase] = SourceBase

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "kind" in vars(cls) and kind_of(cls.source_model) != cls.kind:
            raise TypeError(f"{cls.__qualname__}: kind {cls.kind!r} but source_model "
                            f"{cls.source_model.__qualname__} is kind {kind_of(cls.source_model)!r}")

    def __init__(self, source: SourceBase | dict, since: datetime | None = None, **kwargs):
        if not isinstance(source, self.source_model):  # a dict (tests, scrapy crawl -a): validated here
            source = self.source_model.model_validate({"kind": self.kind, **dict(source)})
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.since = since.replace(tzinfo=since.tzinfo or SHANGHAI) if since else None
        self.start_urls = source.start_urls
        self.known_urls: AbstractSet[str] = frozenset()
        self.unsettled_urls: AbstractSet[str] = frozenset()

    # --- incremental checks ------------------------------------------------

    def is_known(self, url: str) -> bool:
        """True when the article at ``url`` is already stored."""
        return canonical_url(url) in self.known_urls

    def too_old(self, published: datetime | None) -> bool:
        """True when ``published`` is before ``--since`` (undated items are never too old)."""
        if self.since is None or published is None:
            return False
        if published.tzinfo is None:
            published = published.replace(tzinfo=SHANGHAI)
        return published < self.since

    def keep_paging(self, items: list[tuple[str, datetime | None]]) -> bool:
        """Whether to fetch the next list page after one holding ``(url, published)`` items.

        Stops once a page holds only too-old items or items stored by a finished run (lists are
        newest first); items stored by an interrupted run do not stop it, so paging resumes.
        """
        if not items:
            return False
        fresh = [url for url, published in items if not self.too_old(published)
                 and (not self.is_known(url) or canonical_url(url) in self.unsettled_urls)]
        if not fresh:
            self.crawler.stats.inc_value(stats.LISTS_STOPPED_KNOWN)
        return bool(fresh)

    # --- requests and items -------------------------------------------------

    def absolute(self, response, href: str | None) -> str | None:
        """``href`` made absolute against the page, or None when there is none or it cannot be
        (``http://[::1``; counted as ``bad-url``)."""
        if not href or not href.strip():
            return None
        try:
            return response.urljoin(href.strip())
        except ValueError:
            self.crawler.stats.inc_value(stats.dropped("bad-url"))
            return None

    def request(self, url: str | None, callback, **kwargs) -> Request | None:
        """A request for ``url`` with the spider's errback, or None (counted by reason) when the
        link cannot be requested (``javascript:``, ``mailto:``, ``file:``, a malformed URL), so one
        bad link never stops the rest of a page. Scrapy ignores a yielded None."""
        problem = link_problem(url) if url else "bad-url"
        if problem is None:
            try:
                return Request(url, callback=callback, errback=kwargs.pop("errback", self.on_error),
                               **kwargs)
            except ValueError:
                problem = "bad-url"
        self.crawler.stats.inc_value(stats.dropped(problem))
        self.logger.info("skipped link %.200s: %s", url, problem)
        return None

    def article_request(self, url: str, callback=None, **kwargs) -> Request | None:
        """A request for one article page, flagged ``ARTICLE`` in its meta so that the middleware
        skips it when already stored."""
        meta = {**kwargs.pop("meta", {}), ARTICLE: True}
        return self.request(url, callback or self.parse_article, meta=meta, **kwargs)

    def on_error(self, failure):
        bound = failure_reason(failure, stopping=not self.crawler.crawling)
        if bound:
            self.logger.warning("dropped %s: %s", getattr(failure, "request", None), bound)
            self.crawler.stats.inc_value(stats.dropped(bound))
            return
        if failure.check(HttpError):
            reason = f"http-{failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            return  # skipped on purpose (already stored, robots.txt): counted elsewhere
        else:
            reason = failure.type.__name__
        url = failure.request.url if hasattr(failure, "request") else "?"
        self.logger.warning("failed %s: %s", url, reason)
        self.crawler.stats.inc_value(stats.error(reason))

    def page_record(self, response) -> PageRecord:
        """The raw page, keyed by the canonical form of the URL asked for."""
        return PageRecord(url=response.url, canonical_url=canonical_url(original_url(response)),
                          source=self.name, status=response.status, body=response.body,
                          content_type=header(response, "Content-Type"))

    def article_item(self, response, *, text: str, title: str | None, published_at: datetime | None,
                     author: str | None = None, extra: dict | None = None,
                     version: str = EXTRACTION_VERSION, url: str | None = None,
                     key: str | None = None) -> PageItem:
        """An item for an article parsed by a source-specific parser.

        ``url`` names the article when it differs from the response (e.g. a JSON API
        whose human page is elsewhere); the raw response is stored under that key, or under
        ``key`` when the article is known by another page (a PDF notice by its listing's page).
        """
        page = self.page_record(response)
        if url or key:
            page.canonical_url = canonical_url(key or url)
        return PageItem(page=page, article=ArticleRecord(
            canonical_url=page.canonical_url, url=url or response.url, source=self.name, text=text,
            title=title, published_at=published_at, author=author, extra=extra or {},
            extraction_version=version))

    def dropped_item(self, response, reason: str) -> PageItem:
        """An item for a page that held no article (stored raw, counted by reason)."""
        self.logger.info("dropped %s: %s", response.url, reason)
        return PageItem(page=self.page_record(response), drop_reason=reason)

    def pdf_item(self, response, *, title: str | None, published_at: datetime | None,
                 author: str | None = None, extra: dict | None = None, key: str | None = None) -> PageItem:
        """An article whose text is the PDF ``response`` (stored under the PDF's URL), or the PDF
        dropped by reason (``pdf-no-text``: a scan; ``bad-pdf``)."""
        try:
            text = pdf_text(response.body)
        except ExtractError as exc:
            item = self.dropped_item(response, exc.reason)
            item.page.canonical_url = canonical_url(key) if key else item.page.canonical_url
            return item  # stored under its key: a scan is not asked for again
        return self.article_item(response, text=text, title=title, published_at=published_at, author=author,
                                 extra={**(extra or {}), "format": "pdf"}, url=response.url, key=key)

    hint_source: str | None = None  # "feed" / "sitemap": the linking title and date outrank the page's

    def parse_article(self, response, fallback_title: str | None = None,
                      fallback_date: datetime | None = None, extra: dict | None = None):
        """Extract one article page with the generic extractor. With a ``hint_source`` the title and
        date of the feed item or sitemap entry win over the page's; otherwise they fill gaps. A PDF
        goes to :meth:`pdf_item`."""
        if is_pdf(response.body, header(response, "Content-Type")):
            yield self.pdf_item(response, title=fallback_title, published_at=fallback_date, extra=extra)
            return
        page = self.page_record(response)
        hints = Hints(fallback_title, fallback_date, self.hint_source) \
            if self.hint_source and (fallback_title or fallback_date) else None
        try:
            found = extract(response.body, url=response.url,
                            declared_encoding=charset_of(page.content_type), hints=hints)
        except ExtractError as exc:
            yield self.dropped_item(response, exc.reason)
            return
        page.encoding = found.encoding
        yield PageItem(page=page, article=ArticleRecord(
            canonical_url=page.canonical_url, url=response.url, source=self.name, text=found.text,
            title=found.title or fallback_title, published_at=found.published_at or fallback_date,
            author=found.author, extra={**(extra or {}), **date_extra(hints, found.page_published_at)},
            extraction_version=EXTRACTION_VERSION,
            date_source=found.date_source if found.published_at or not fallback_date else "feed"))
