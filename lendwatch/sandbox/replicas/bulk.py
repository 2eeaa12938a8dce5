"""Synthetic pages for benchmarks and politeness tests (sample data, generated; off by default).

- ``/bulk/<n>/list_<k>.html``: list page ``k`` of a site with ``n`` articles (``PER_PAGE`` a page,
  ``a.next`` to the next one);
- ``/bulk/<n>/a/<i>.html``: article ``i``, about 1,500 characters of generated Chinese;
- ``/bulk/retry/list.html``: links to the retry paths below, one each (see ``RETRY_LINKS``);
- ``/bulk/retry/429-<s>/<name>.html``: 429 with ``Retry-After: <s>`` (seconds) once, then the article;
- ``/bulk/retry/429-date/<name>.html``: 429 with ``Retry-After`` as an HTTP date 2 s ahead, once;
- ``/bulk/retry/503x<k>/<name>.html``: 503 (no ``Retry-After``) ``k`` times, then the article.

``SOURCES`` is empty: ``lendwatch demo`` never crawls these; the benchmark and the tests
point a ``listing`` source at them (see :func:`listing_source`).
"""

import html
import random
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from lendwatch.sandbox.replicas.base import Page, Replica, Request
from lendwatch.sandbox.site import BANNER

PER_PAGE = 50
MAX_ARTICLES = 1_000_000
RETRY_LINKS = ("/bulk/retry/429-1/a.html", "/bulk/retry/503x2/b.html", "/bulk/retry/429-date/c.html",
               "/bulk/retry/429-120/e.html", "/bulk/retry/503x9/d.html")
EPOCH = datetime(2024, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))

# Phrases written by the lendwatch team for generated sample text.
PHRASES = (
    "记者近日走访了多家网贷平台的客服中心", "不少借款人反映逾期后频繁接到催收电话", "有受访者称亲友也收到了催收短信",
    "律师提醒借款人保留通话录音和短信截图", "监管部门要求平台规范委外催收行为", "催收人员不得冒充公检法机关",
    "部分平台已上线协商还款通道", "业内人士认为行业整顿仍需持续推进", "借款人可以通过正规渠道投诉维权",
    "消费者应当理性借贷量入为出", "一些中介以停息挂账为名收取高额服务费", "专家建议完善个人信息保护制度",
    "地方金融管理部门开展专项检查", "多名用户在投诉平台留言求助", "催收外包公司被要求建立录音质检制度",
    "警方提示警惕以征信修复为名的诈骗", "平台表示将加强对合作机构的管理", "法院审理了一起软暴力催收案件",
    "借款合同中的综合年化成本应当明示", "高校开展防范校园网贷宣传教育", "一位受访者说自己曾一天接到几十个电话",
    "行业协会发布了催收行为自律公约", "有关部门通报了一批违规催收典型案例", "部分借款人通过调解组织达成分期方案",
)


def article_text(i: int) -> tuple[str, list[str]]:
    """The title and paragraphs of generated article ``i`` (same every time)."""
    rng = random.Random(i)
    title = f"批量样例文章第{i}号：{rng.choice(PHRASES)}"
    paragraphs = []
    for _ in range(8):
        sentences = [rng.choice(PHRASES) for _ in range(rng.randint(10, 13))]
        paragraphs.append("，".join(sentences) + "。")
    return title, paragraphs


def published(i: int) -> datetime:
    return EPOCH + timedelta(hours=i)


def _html(title: str, body: str) -> Page:
    return Page(200, "text/html; charset=utf-8", (
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><meta name='robots' content='noindex'></head><body>"
        f"<div class='sample-banner' role='note'>{BANNER}</div>{body}"
        f"<div class='footer'>{BANNER}</div></body></html>").encode("utf-8"))


def article_page(i: int) -> Page:
    title, paragraphs = article_text(i)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return _html(f"{title}-示例批量站", (
        f"<div class='article'><h1>{title}</h1><div class='info'>{published(i):%Y年%m月%d日 %H:%M}"
        f"　来源：示例批量站</div><div class='content'>{body}</div></div>"
        f"<div class='share'>分享到：微信 微博</div>"))


def list_page(n: int, k: int) -> Page | None:
    first = (k - 1) * PER_PAGE + 1
    if k < 1 or first > n:
        return None
    items = "".join(f"<li><a href='/bulk/{n}/a/{i}.html'>{html.escape(article_text(i)[0])}</a></li>"
                    for i in range(first, min(first + PER_PAGE, n + 1)))
    more = f"<a class='next' href='/bulk/{n}/list_{k + 1}.html'>下一页</a>" if first + PER_PAGE <= n else ""
    return _html(f"批量样例列表第{k}页", f"<ul class='list'>{items}</ul><div class='page'>{more}</div>")


def _busy(retry_after: str) -> Page:
    return Page(429, "text/plain; charset=utf-8", "请求过多，请稍后再试 (sample site)".encode(),
                headers={"Retry-After": retry_after})


def _retry_page(spec: str, name: str, hits: int) -> Page | None:
    """The answer for ``/bulk/retry/<spec>/<name>.html`` on its ``hits``-th request."""
    article = article_page(sum(map(ord, name)) % 1000 + 1)
    if match := re.fullmatch(r"429-(\d+)", spec):
        return _busy(match.group(1)) if hits == 1 else article
    if spec == "429-date":
        when = datetime.now(timezone.utc) + timedelta(seconds=2)
        return _busy(format_datetime(when, usegmt=True)) if hits == 1 else article
    if match := re.fullmatch(r"503x(\d+)", spec):
        return Page(503, "text/plain; charset=utf-8", "服务暂不可用 (sample site)".encode()) \
            if hits <= int(match.group(1)) else article
    return None


SOURCES = ""


class BulkReplica(Replica):
    prefix = "/bulk/"
    kind = "listing"
    sources = SOURCES

    def handle(self, request: Request) -> Page | None:
        if request.path == "/bulk/retry/list.html":
            return _html("重试样例列表", "".join(f"<p><a href='{link}'>{link}</a></p>" for link in RETRY_LINKS))
        if match := re.fullmatch(r"/bulk/retry/([\w-]+)/(\w+)\.html", request.path):
            return _retry_page(match.group(1), match.group(2), request.hits)
        if match := re.fullmatch(r"/bulk/(\d+)/list_(\d+)\.html", request.path):
            n = int(match.group(1))
            return list_page(n, int(match.group(2))) if n <= MAX_ARTICLES else None
        if match := re.fullmatch(r"/bulk/(\d+)/a/(\d+)\.html", request.path):
            n, i = int(match.group(1)), int(match.group(2))
            return article_page(i) if 1 <= i <= n <= MAX_ARTICLES else None
        return None


def listing_source(base_url: str, n: int, name: str = "bulk") -> str:
    """A ``[[sources]]`` table crawling the ``n`` generated articles."""
    return f"""
[[sources]]
name = "{name}"
kind = "listing"
url = "{base_url}/bulk/{n}/list_1.html"
allow = '/bulk/{n}/a/\\d+\\.html$'
next = "a.next"
max_pages = {max(1, -(-n // PER_PAGE))}
"""
