"""Kind ``tousu``: 黑猫投诉's signed feed (and search) APIs, then each complaint's page.

Each complaint becomes one article (title; text = the complaint body plus its key fields;
author = the complainant's name; published_at = the filing date; url = the desktop page)
carrying ``extra["complaint"]``, which the store writes to the ``complaints`` table.
HTTP 456 is the site's ban: the source stops for this run (closed with reason ``banned-456``);
a 403 is backed off and retried like a 429. Search answers highlight the terms in titles and
company names (``<span class="code-red">``), stripped here; ``main.status`` may be a number
(1/3/4/6/7/8), never stored as the status (the complaint page's words are). The search API needs
a logged-in Weibo session: cookies ``SUB`` and ``SUBP`` from the environment variable the source's
``cookie_env`` names, and a Referer of the site's search page; without them the answer is the
login page, counted as ``errors/search-login-required``.
"""

import hashlib
import json
import random
import re
import string
import time
from datetime import datetime
from typing import Literal
from urllib.parse import quote, urlencode

from pydantic import Field
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import settings as defaults, stats
from crawler.config import SingleUrlSource
from crawler.extract import parse_date
from crawler.spiders.base import SourceSpider, plain
from lendwatch.records import SHANGHAI, to_local_iso

PLATFORM = "heimao"
BAN_STATUS = 456
COMPLAINT_ID = re.compile(r"/complaint/view/(\d+)")
FIELD_LABELS = ("投诉对象", "投诉问题", "投诉要求", "涉诉金额", "投诉进度")
SALT = "$d6eb7ff91ee257475%"  # the public constant of the site's own JavaScript


class TousuSource(SingleUrlSource):
    """``url`` is the site root; every feed type is paged up to ``max_pages`` (the site keeps ~50).

    ``keywords`` (none by default) also queries the search API, which on the real site needs a
    logged-in Weibo session (``SUB``, ``SUBP`` cookies in the variable ``cookie_env`` names); the
    file's keywords are not used here.
    ``min_delay`` floors the crawl delay: the site bans (HTTP 456) above ~40–50 requests a minute.
    """

    kind: Literal["tousu"]
    url: str | None = "https://tousu.sina.com.cn"
    feed_types: list[int] = Field(default_factory=lambda: [1, 2, 3], min_length=1)
    field: int | None = Field(default=None, ge=1, description="industry id, e.g. 48 = 金融支付")
    keywords: list[str] = Field(default_factory=list)
    salt: str = Field(default=SALT, min_length=1)
    page_size: int = Field(default=10, ge=1, le=50)
    max_pages: int = Field(default=50, ge=1, le=1000)
    min_delay: float = Field(default=2.0, ge=0, le=600)


def signature(salt: str, *values) -> str:
    """The site's request signature: sha256 of the salt and values, sorted as strings and joined."""
    return hashlib.sha256("".join(sorted([salt, *map(str, values)])).encode("utf-8")).hexdigest()


def signed_query(salt: str, page_size: int, page: int, *, feed_type: int | None = None,
                 keyword: str | None = None) -> dict:
    """Query parameters of one feed (``feed_type``) or search (``keyword``) API call."""
    ts = str(int(time.time() * 1000))
    rs = "".join(random.choices(string.digits + string.ascii_letters, k=16))
    own = {"type": feed_type} if keyword is None else {"keywords": keyword}
    sig = signature(salt, page_size, ts, next(iter(own.values())), page, rs)
    return {"ts": ts, "rs": rs, "signature": sig, **own, "page_size": page_size, "page": page}


def desktop_root(url: str) -> str:
    """The site root with the mobile host ``tousu.sina.cn`` mapped to ``tousu.sina.com.cn``."""
    return re.sub(r"^(https?://)tousu\.sina\.cn(?=/|$)", r"\1tousu.sina.com.cn", url.rstrip("/"))


def complaint_url(root: str, link: str) -> str | None:
    """The canonical desktop page of the complaint that ``link`` (any host, any query) names."""
    found = COMPLAINT_ID.search(link or "")
    return f"{desktop_root(root)}/complaint/view/{found.group(1)}/" if found else None


def parse_amount(text: str | None) -> float | None:
    """``"1,280.50元"`` → 1280.5, ``"1.2万元"`` → 12000.0; None when no number is given."""
    found = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(万)?", text or "")
    if not found:
        return None
    value = float(found.group(1).replace(",", ""))
    return value * 10000 if found.group(2) else value


def api_payload(body: bytes) -> dict:
    """The JSON object of an API answer, JSONP wrapper or not; ValueError when there is none."""
    text = body.decode("utf-8", errors="replace").strip()
    wrapped = re.match(r"(?:try\s*\{\s*)?[\w$.]+\s*\(\s*", text)  # callback( … )
    found, _ = json.JSONDecoder().raw_decode(text, wrapped.end() if wrapped else 0)
    if not isinstance(found, dict):
        raise ValueError("not a JSON object")
    return found


def _text(selection) -> str:
    return re.sub(r"\s+", " ", "".join(selection.xpath("string(.)").getall())).strip()


def _local_iso(text: str | None) -> str | None:
    return to_local_iso(parse_date(text)) if text else None


def clean(main: dict) -> dict:
    """An API entry's ``main`` with the search highlights stripped and a numeric status dropped."""
    main = {**main, **{key: plain(main[key]) for key in ("title", "cotitle", "summary") if key in main}}
    if str(main.get("status", "")).strip().isdigit() or isinstance(main.get("status"), (int, float)):
        main["status"] = None  # a code (1/3/4/6/7/8) whose words only the complaint page gives
    return main


class TousuSpider(SourceSpider):
    """Pages each feed type (and each keyword, if set) while it holds new complaints."""

    kind = "tousu"
    source_model = TousuSource
    custom_settings = {"RETRY_HTTP_CODES": [*defaults.RETRY_HTTP_CODES, 403]}  # 403: slow down, as 429

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        floor = spider.source.min_delay
        for key in ("DOWNLOAD_DELAY", "AUTOTHROTTLE_START_DELAY"):
            if crawler.settings.getfloat(key) < floor:
                crawler.settings.set(key, floor, priority="cmdline")
        return spider

    def __init__(self, source, **kwargs):
        super().__init__(source, **kwargs)
        self.root = self.source.url.rstrip("/")
        self.seen: set[str] = set()

    async def start(self):
        for feed_type in self.source.feed_types:
            yield self.api_request(1, feed_type=feed_type)
        if self.source.keywords and not self.source.cookie_env:
            self.logger.warning("source %s: search needs a logged-in session; set cookie_env to the name of "
                                "an environment variable holding its SUB and SUBP cookies", self.name)
        for keyword in self.source.keywords:
            yield self.api_request(1, keyword=keyword)

    def api_request(self, page: int, *, feed_type: int | None = None,
                    keyword: str | None = None) -> Request:
        query = signed_query(self.source.salt, self.source.page_size, page,
                             feed_type=feed_type, keyword=keyword)
        path = "/api/index/feed" if keyword is None else "/api/index/s"
        if keyword is None and self.source.field:
            query["field"] = self.source.field
        headers = {} if keyword is None else {"Referer": f"{self.root}/index/search/?keywords={quote(keyword)}&t=1"}
        return Request(f"{self.root}{path}?{urlencode(query)}", callback=self.parse_api,
                       errback=self.on_error, headers=headers,
                       cb_kwargs={"page": page, "feed_type": feed_type, "keyword": keyword})

    def parse_api(self, response, page: int, feed_type: int | None, keyword: str | None):
        try:
            result = api_payload(response.body)["result"]
            code = result["status"]["code"]
        except (ValueError, KeyError, TypeError):
            reason = "search-login-required" if keyword is not None else "bad-api-answer"
            self.logger.warning("not an API answer at %s (%s)", response.url,
                                "the login page: the search cookies are missing or expired"
                                if keyword is not None else "a login or error page?")
            self.crawler.stats.inc_value(stats.error(reason))
            return
        if code != 0:
            self.logger.warning("API refused %s: %s %s", response.url, code, result["status"].get("msg"))
            self.crawler.stats.inc_value(stats.error(f"api-code-{code}"))
            return
        data = result.get("data") or {}
        listed = []
        for entry in data.get("lists") or []:
            main = clean(entry.get("main") or {})
            url = complaint_url(self.root, main.get("url") or f"/complaint/view/{main.get('sn', '')}")
            if url is None:
                self.crawler.stats.inc_value(stats.dropped("no-complaint-id"))
                continue
            published = (datetime.fromtimestamp(int(main["timestamp"]), SHANGHAI)
                         if str(main.get("timestamp", "")).isdigit() else None)
            listed.append((url, published))
            yield from self.detail_request(url, published, main)
        last = int((data.get("pager") or {}).get("page_amount") or page)
        if page < min(last, self.source.max_pages) and self.keep_paging(listed):
            yield self.api_request(page + 1, feed_type=feed_type, keyword=keyword)

    def detail_request(self, url: str, published: datetime | None, main: dict):
        """The complaint page, unless this run already asked for it, it is stored, or too old."""
        if url in self.seen:
            return
        self.seen.add(url)
        if self.is_known(url):
            self.crawler.stats.inc_value(stats.SKIPPED_KNOWN)
        elif self.too_old(published):
            self.crawler.stats.inc_value(stats.dropped("before-since"))
        else:
            yield self.request(url, self.parse_complaint,
                               cb_kwargs={"main": main, "listed_at": published})

    def parse_complaint(self, response, main: dict, listed_at: datetime | None):
        rows = {}
        for li in response.css("ul.ts-q-list > li"):
            label = _text(li.css("label")).rstrip(":：").strip()
            rows[label] = _text(li).removeprefix(_text(li.css("label"))).strip()
        title = _text(response.css("div.ts-d-question h1.article")) or main.get("title")
        if not rows or not title:
            yield self.dropped_item(response, "not-a-complaint")
            return
        steps = [{"date": _local_iso(_text(item.css("span.u-date"))),
                  "actor": _text(item.css("span.u-name")), "status": _text(item.css("span.u-status"))}
                 for item in response.css("div.ts-d-steplist div.ts-d-item")]
        filed = parse_date(_text(response.css("div.ts-q-user span.u-date"))) or listed_at
        body = [_text(p) for p in response.css("div.ts-reply")[:1].css("p")]
        status = _text(response.css("ul.ts-q-list > li b")[-1:]) or rows.get("投诉进度") or main.get("status")
        complaint = {
            "platform": PLATFORM,
            "complaint_id": rows.get("投诉编号") or COMPLAINT_ID.search(response.url).group(1),
            "company": rows.get("投诉对象") or main.get("cotitle"),
            "issue": rows.get("投诉问题") or main.get("issue"),
            "appeal": rows.get("投诉要求") or main.get("appeal"),
            "amount": parse_amount(rows.get("涉诉金额")),
            "status": status,
            "filed_at": to_local_iso(filed),
            "timeline": steps,
        }
        fields = [f"{label}：{rows[label]}" for label in FIELD_LABELS if rows.get(label)]
        text = "\n".join([p for p in body if p] + fields)
        yield self.article_item(response, text=text, title=title, published_at=filed,
                                author=_text(response.css("div.ts-q-user span.u-name")) or None,
                                extra={"complaint": complaint, **({"summary": main["summary"]} if main.get("summary") else {})})

    def on_error(self, failure):
        super().on_error(failure)
        if failure.check(HttpError) and failure.value.response.status == BAN_STATUS:
            self.logger.error("%s: HTTP 456 from %s: the site has banned this crawler; source stopped "
                              "for this run (wait 10–30 minutes and crawl slower)", self.name,
                              failure.request.url)
            raise CloseSpider(f"banned-{BAN_STATUS}")
