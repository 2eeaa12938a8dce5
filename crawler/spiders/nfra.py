"""Kind ``nfra``: the NFRA CMS's JSON. List pages per column itemId, then one document per row.

Each request goes to the dynamic ``/cbircweb`` endpoint first and, when that fails (an HTTP
error, a page that is not JSON, JSON of another shape, an ``rptCode`` other than 200), to the
static mirror under ``/cn/static/data`` (``static_fallback``). Lists are asked 18 rows a page
(``pageSize=18``, as every public client does: the static mirror exists for that size only).
Articles are keyed by their human page (``ItemDetail.html?docId=..``), so a document already
stored is never requested again. A notice published only as a PDF (an empty ``docClob``, the
file in ``pdfFileUrl`` or ``attachmentInfoVOList``) is fetched and its text stored as the
article, under the PDF's URL (``pdf-no-text`` when the PDF is a scan without a text layer).
"""

import json
from datetime import datetime
from urllib.parse import urljoin
from typing import Literal

from pydantic import Field, field_validator
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import stats
from crawler.config import SingleUrlSource
from crawler.extract.html import block_lines, parse, strip_non_text
from crawler.spiders.base import SourceSpider
from lendwatch.records import SHANGHAI

LIST = {False: "{root}/cbircweb/DocInfo/SelectDocByItemIdAndChild?itemId={item}&pageSize={size}&pageIndex={page}",
        True: "{root}/cn/static/data/DocInfo/SelectDocByItemIdAndChild/"
              "data_itemId={item},pageIndex={page},pageSize={size}.json"}
DOC = {False: "{root}/cbircweb/DocInfo/SelectByDocId?docId={doc}",
       True: "{root}/cn/static/data/DocInfo/SelectByDocId/data_docId={doc}.json"}
HUMAN = "{root}/cn/view/pages/ItemDetail.html?docId={doc}&itemId={item}&generaltype=0"
DEFAULT_ITEMS = [915, 916, 925, 926, 931, 4097]
PAGE_SIZE = 18  # the only size the static mirror holds


class NfraSource(SingleUrlSource):
    """``url`` is the site root; ``items`` the column itemIds (监管动态 915, 行政处罚 931, ...)."""

    kind: Literal["nfra"]
    url: str | None = "https://www.nfra.gov.cn"
    items: list[int] = Field(default_factory=lambda: list(DEFAULT_ITEMS), min_length=1)
    page_size: int = Field(default=PAGE_SIZE, description="fixed: 18 rows a list page")
    max_pages: int = Field(default=10, ge=1, le=10000, description="list pages per itemId")
    static_fallback: bool = True

    @field_validator("page_size")
    @classmethod
    def _eighteen(cls, value):
        if value != PAGE_SIZE:
            raise ValueError(f"expected {PAGE_SIZE}: the CMS's static mirror holds lists of 18 rows only, so "
                             f"another size breaks the fallback (leave the key out)")
        return value

    @field_validator("items")
    @classmethod
    def _positive(cls, value):
        if any(item <= 0 for item in value):
            raise ValueError("expected positive itemIds")
        return value


class BadResponse(ValueError):
    """A response that is not the CMS's JSON; ``reason`` is a slug (``not-json``, ``bad-shape``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def payload(body: bytes, *keys: str) -> dict:
    """The ``data`` object of a CMS response, checked to hold ``keys`` and, when the answer
    carries one, an ``rptCode`` of 200."""
    try:
        found = json.loads(body)
    except ValueError:
        raise BadResponse("not-json") from None
    code = found.get("rptCode", 200) if isinstance(found, dict) else 200
    if str(code) != "200":
        raise BadResponse(f"rpt-code-{code}")
    data = found.get("data") if isinstance(found, dict) else None
    if not isinstance(data, dict) or any(key not in data for key in keys):
        raise BadResponse("bad-shape")
    return data


def cms_time(value) -> datetime | None:
    """``2024-09-13 10:00:00`` (or a bare date) as Asia/Shanghai time."""
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(value).strip(), fmt).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    return None


def clob_text(clob: str) -> str:
    """The text of a ``docClob``: a line per paragraph, a line per table row (cells joined by `` | ``)."""
    if not clob or not clob.strip():
        return ""
    root = parse(clob)
    strip_non_text(root)
    body = root.find("body")
    return "\n".join(block_lines(body if body is not None else root))


def pdf_link(data: dict) -> str | None:
    """The PDF of a notice: ``pdfFileUrl``, else the first PDF of ``attachmentInfoVOList``."""
    if isinstance(data.get("pdfFileUrl"), str) and data["pdfFileUrl"].strip():
        return data["pdfFileUrl"].strip()
    for attachment in data.get("attachmentInfoVOList") or []:
        if not isinstance(attachment, dict):
            continue
        link = next((attachment[k] for k in ("fileUrl", "attachmentUrl", "url", "filePath")
                     if isinstance(attachment.get(k), str) and attachment[k].strip()), None)
        name = str(attachment.get("fileName") or attachment.get("name") or link or "")
        if link and (name.lower().endswith(".pdf") or link.lower().split("?")[0].endswith(".pdf")):
            return link.strip()
    return None


def failure_reason(failure) -> str:
    if failure.check(HttpError):
        return f"http-{failure.value.response.status}"
    return failure.type.__name__


class NfraSpider(SourceSpider):
    """Options: ``items`` (column itemIds), ``page_size``, ``max_pages`` per column, ``static_fallback``."""

    kind = "nfra"
    source_model = NfraSource

    def __init__(self, source, **kwargs):
        super().__init__(source, **kwargs)
        self.root = self.source.url.rstrip("/")
        self.headers = {"Referer": f"{self.root}/cn/view/pages/ItemList.html"}
        self.seen_docs: set[str] = set()

    async def start(self):
        for item in self.source.items:
            yield self.list_request(item, 1)

    # --- requests -----------------------------------------------------------

    def _request(self, url: str, callback, args: dict) -> Request:
        # the dynamic endpoint is not retried when the static mirror can stand in
        retry = args["static"] or not self.source.static_fallback
        return Request(url, callback=callback, errback=self.failed, cb_kwargs=args,
                       headers=self.headers, meta={"dont_retry": not retry})

    def list_request(self, item: int, page: int, static: bool = False) -> Request:
        url = LIST[static].format(root=self.root, item=item, size=self.source.page_size, page=page)
        return self._request(url, self.parse_list, {"item": item, "page": page, "static": static})

    def doc_request(self, doc: str, human: str, column: str | None, static: bool = False) -> Request:
        url = DOC[static].format(root=self.root, doc=doc)
        return self._request(url, self.parse_doc,
                             {"doc": doc, "human": human, "column": column, "static": static})

    def retry_static(self, request, reason: str) -> Request | None:
        """The static-mirror twin of a failed dynamic request, or None (counted as an error)."""
        args = request.cb_kwargs
        if args["static"] or not self.source.static_fallback:
            self.logger.warning("failed %s: %s", request.url, reason)
            self.crawler.stats.inc_value(stats.error(reason))
            return None
        self.logger.warning("dynamic %s failed (%s): trying the static mirror", request.url, reason)
        self.crawler.stats.inc_value(stats.static_fallback(reason))
        if "doc" in args:
            return self.doc_request(args["doc"], args["human"], args["column"], static=True)
        return self.list_request(args["item"], args["page"], static=True)

    def failed(self, failure):
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return None  # skipped on purpose (robots.txt): counted by Scrapy
        return self.retry_static(failure.request, failure_reason(failure))

    # --- callbacks ----------------------------------------------------------

    def parse_list(self, response, item: int, page: int, static: bool):
        try:
            data = payload(response.body, "rows")
            if not isinstance(data["rows"], list):
                raise BadResponse("bad-shape")
        except BadResponse as exc:
            again = self.retry_static(response.request, exc.reason)
            if again:
                yield again
            return
        entries = []
        for row in data["rows"]:
            if not isinstance(row, dict) or not row.get("docId"):
                self.logger.warning("list %s: a row without docId", response.url)
                self.crawler.stats.inc_value(stats.error("bad-shape"))
                continue
            doc, published = str(row["docId"]), cms_time(row.get("publishDate"))
            human = HUMAN.format(root=self.root, doc=doc, item=row.get("itemId") or item)
            entries.append((human, published))
            if doc in self.seen_docs:  # listed in two columns
                continue
            self.seen_docs.add(doc)
            if self.is_known(human):
                self.crawler.stats.inc_value(stats.SKIPPED_KNOWN)
            elif self.too_old(published):
                self.crawler.stats.inc_value(stats.dropped("before-since"))
            else:
                yield self.doc_request(doc, human, row.get("itemName"))
        total = data.get("total")
        more = page * self.source.page_size < total if isinstance(total, int) \
            else len(entries) >= self.source.page_size
        if more and page < self.source.max_pages and self.keep_paging(entries):
            yield self.list_request(item, page + 1)

    def parse_doc(self, response, doc: str, human: str, column: str | None, static: bool):
        try:
            data = payload(response.body, "docClob")
            if not isinstance(data["docClob"], (str, type(None))):
                raise BadResponse("bad-shape")
        except BadResponse as exc:
            again = self.retry_static(response.request, exc.reason)
            if again:
                yield again
            return
        issuer = (data.get("docSource") or data.get("agencyTypeName") or "").strip() or None
        extra = {"doc_number": (data.get("documentNo") or "").strip(), "issuer": issuer, "column": column}
        fields = {"author": issuer, "title": (data.get("docTitle") or "").strip() or None,
                  "published_at": cms_time(data.get("publishDate")), "extra": {k: v for k, v in extra.items() if v}}
        text = clob_text(data["docClob"] or "")
        pdf = None if text else pdf_link(data)
        if pdf:  # published only as a PDF: its text is the article, known by the human page
            link = f"{self.root}{pdf}" if pdf.startswith("/") else urljoin(f"{self.root}/", pdf)  # site paths: under url
            yield self.request(link, self.parse_pdf,
                               cb_kwargs={"human": human, "fields": fields})
            return
        yield self.article_item(response, text=text, url=human, **fields)

    def parse_pdf(self, response, human: str, fields: dict):
        yield self.pdf_item(response, key=human, **fields)
