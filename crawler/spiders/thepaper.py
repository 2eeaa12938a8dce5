"""Kind ``thepaper``: 澎湃新闻 keyword search (``POST {url}/search/web/news``), then each
article's ``script#__NEXT_DATA__`` JSON at ``{detail_url}/newsDetail_forward_{contId}``.

Keywords are searched one after another, so an article found by several is fetched once and
stored with all of them (``extra["keywords"]``). Videos and other ``contType != 0`` entries
(``dropped/not-text``; on a page ``contType`` sits on ``detailData``) and paywalled ones
(``dropped/paywalled``) are skipped, counted once each; live pages (``detailData.liveDetail``) and
specials (``detailData.specialDetail.specialInfo``), which hold no article, are dropped as ``live``
and ``special``. A search answered ``code`` 99998 (系统繁忙) is asked again after ``busy_pause``
seconds, up to ``busy_retries`` times, then counted (``errors/busy-99998``) and the next keyword goes on.
"""

import asyncio
import json
from datetime import datetime
from typing import Literal

from lxml import html as lxml_html
from pydantic import Field, field_validator
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import JsonRequest

from crawler import stats
from crawler.config import SourceBase
from crawler.extract import parse_date
from crawler.extract.html import collapse
from crawler.spiders.base import SourceSpider, plain
from lendwatch.records import SHANGHAI

VERSION = "thepaper-1"
BUSY = 99998  # 系统繁忙: the API is overloaded, not the query wrong


class ThepaperSource(SourceBase):
    """``url``: the API root; ``detail_url``: the site root of ``newsDetail_forward_{contId}`` pages;
    ``keywords``: search terms (default: the file's ``keywords``)."""

    kind: Literal["thepaper"]
    url: str | None = "https://api.thepaper.cn"
    detail_url: str = "https://www.thepaper.cn"
    keywords: list[str] | None = Field(default=None, min_length=1)
    page_size: int = Field(default=20, ge=1, le=50)
    max_pages: int = Field(default=5, ge=1, le=100)
    busy_retries: int = Field(default=3, ge=0, le=10, description="asks again after a 99998 reply")
    busy_pause: float = Field(default=10.0, ge=0, le=600, description="seconds before asking again")

    @field_validator("detail_url")
    @classmethod
    def _http_detail_url(cls, value):
        return cls._http_url(value)


def paragraphs(content: str) -> list[str]:
    """The text of a ``content`` HTML fragment, a paragraph a line."""
    root = lxml_html.fromstring(f"<div>{content or ''}</div>")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = root.cssselect("p") or [root]
    return [line for block in blocks for line in map(collapse, block.text_content().split("\n")) if line]


LAYOUTS = (("liveDetail", "live"), ("specialDetail", "special"))  # detailData keys of pages that are no article


def skip_reason(entry: dict) -> str | None:
    """Why a search entry or content detail is no article to store, or None."""
    if str(entry.get("contType", 0)) != "0":
        return "not-text"
    if entry.get("isPaid"):
        return "paywalled"
    return None


def from_ms(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1000, SHANGHAI)
    except (TypeError, ValueError, OverflowError):
        return None


class ThepaperSpider(SourceSpider):
    kind = "thepaper"
    source_model = ThepaperSource

    def __init__(self, source, **kwargs):
        super().__init__(source, **kwargs)
        self.api = self.source.url.rstrip("/")
        self.detail_root = self.source.detail_url.rstrip("/")
        self.keywords = self.source.keywords or []
        self.found: dict[str, list[str]] = {}  # contId -> keywords that found it
        self.skipped: set[str] = set()

    def detail_url(self, cont_id: str) -> str:
        return f"{self.detail_root}/newsDetail_forward_{cont_id}"

    async def start(self):
        if not self.keywords:
            self.logger.warning("source %s has no keywords to search", self.name)
            self.crawler.stats.inc_value(stats.error("no-keywords"))
            return
        yield self.search_request(0, 1)

    def search_request(self, index: int, page: int) -> JsonRequest:
        data = {"word": self.keywords[index], "orderType": 3, "pageNum": page, "pageSize": self.source.page_size,
                "searchType": 1}
        # as a browser on the site asks (public clients send it too), unless the source names its own
        referer = {} if any(k.lower() == "referer" for k in self.source.headers) else {"Referer": f"{self.detail_root}/"}
        return JsonRequest(f"{self.api}/search/web/news", data=data, callback=self.parse_search,
                           errback=self.search_failed, cb_kwargs={"index": index, "page": page}, headers=referer)

    def search_failed(self, failure):
        """Count the failure, then go on with the next keyword."""
        self.on_error(failure)
        yield from self.next_search(failure.request.cb_kwargs["index"])

    def next_search(self, index: int):
        """The next keyword's first page; after the last keyword, the articles found."""
        if index + 1 < len(self.keywords):
            yield self.search_request(index + 1, 1)
            return
        for cont_id, keywords in self.found.items():
            url = self.detail_url(cont_id)
            if self.is_known(url):
                self.crawler.stats.inc_value(stats.SKIPPED_KNOWN)
                continue
            yield self.article_request(url, callback=self.parse_detail, cb_kwargs={"keywords": keywords})

    def skip(self, cont_id: str, reason: str) -> None:
        """Count a search entry that is no article to fetch, once however many searches find it."""
        if cont_id not in self.skipped:
            self.skipped.add(cont_id)
            self.crawler.stats.inc_value(stats.dropped(reason))

    async def parse_search(self, response, index: int, page: int):
        try:
            answer = json.loads(response.text)
        except ValueError:
            answer = None
        busy = isinstance(answer, dict) and str(answer.get("code")) == str(BUSY)
        for request in await self.busy(response, index, page) if busy else \
                self.search_entries(answer, index, page):
            yield request

    async def busy(self, response, index: int, page: int) -> list:
        """A 99998 reply: ask again after a pause; when retries run out, count it and go on."""
        word = self.keywords[index]
        again = get_retry_request(response.request, spider=self, reason=f"busy-{BUSY}",
                                  max_retry_times=self.source.busy_retries)
        if again is not None:
            self.logger.info("search %s page %d: 系统繁忙 (%d); asking again in %.0f s", word, page, BUSY,
                             self.source.busy_pause)
            self.crawler.stats.inc_value(stats.retried(f"busy-{BUSY}"))
            await asyncio.sleep(self.source.busy_pause)
            return [again]
        self.logger.warning("search %s page %d: still 系统繁忙 (%d) after %d tries; going on", word, page,
                            BUSY, self.source.busy_retries + 1)
        self.crawler.stats.inc_value(stats.error(f"busy-{BUSY}"))
        return list(self.next_search(index))

    def search_entries(self, answer, index: int, page: int):
        try:
            data = answer["data"]
            entries = list(data["list"])
        except (ValueError, KeyError, TypeError) as exc:
            self.logger.warning("search %s page %d: unexpected answer (%r)", self.keywords[index], page, exc)
            self.crawler.stats.inc_value(stats.error("bad-search"))
            yield from self.next_search(index)
            return
        articles = []  # (url, published) of the entries that are articles, for keep_paging
        for entry in entries:
            cont_id, published = str(entry.get("contId") or ""), from_ms(entry.get("pubTimeLong"))
            reason = skip_reason(entry) if cont_id else "no-cont-id"
            if not reason:
                articles.append((self.detail_url(cont_id), published))
                reason = "before-since" if self.too_old(published) else None
            if reason:
                self.skip(cont_id, reason)
                continue
            keywords = self.found.setdefault(cont_id, [])
            if self.keywords[index] not in keywords:
                keywords.append(self.keywords[index])
        more = data.get("hasNext", len(entries) >= self.source.page_size) and page < self.source.max_pages
        if more and (self.keep_paging(articles) if articles else entries):
            yield self.search_request(index, page + 1)
        else:
            yield from self.next_search(index)

    def parse_detail(self, response, keywords: list[str]):
        script = response.css("script#__NEXT_DATA__::text").get()
        try:
            data = json.loads(script)["props"]["pageProps"]["detailData"]
        except (TypeError, ValueError, KeyError):
            data = None
        layout = next((name for key, name in LAYOUTS if isinstance(data, dict) and data.get(key)), None)
        if layout:
            yield self.dropped_item(response, layout)
            return
        detail = data.get("contentDetail") if isinstance(data, dict) else None
        if not isinstance(detail, dict):
            yield self.dropped_item(response, "no-next-data")
            return
        reason = skip_reason(data) or skip_reason(detail)
        if reason:
            yield self.dropped_item(response, reason)
            return
        published = parse_date(detail.get("publishTime") or "") or from_ms(detail.get("pubTimeLong"))
        extra = {"keywords": keywords, "tags": [t["tag"] for t in detail.get("tagList") or [] if t.get("tag")],
                 "column": (detail.get("nodeInfo") or {}).get("name"),
                 "outlet": detail.get("source") or "澎湃新闻"}
        yield self.article_item(response, text="\n".join(paragraphs(detail.get("content"))),
                                title=plain(detail.get("name")) or None, published_at=published,
                                author=detail.get("author") or None, extra=extra, version=VERSION)
