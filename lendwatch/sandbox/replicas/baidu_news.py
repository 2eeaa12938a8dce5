"""Replica of Baidu News search: result pages whose links redirect to the sample news sites.

``/baidu/s?wd=…&pn=…`` lists the sample articles (chinanews, people, gov, farm) whose title or
text holds every term of ``wd``, newest first (``rtt=1``: by article number), ten a page, in the
three shapes of live result pages, by position: a block whose link is ``/baidu/link?url=<token>``
(a 302 to the article, or for every other token a 200 page that refreshes to it and holds a
decoy ``URL=`` in a script); a block with hashed class names whose ``mu`` attribute and link
name the publisher's page directly; and a block whose ``<!--s-data:{…}-->`` JSON holds the
direct ``titleUrl``, ``sourceName`` and ``dispTime`` while its visible link still goes through
``/baidu/link``. Times are fixed strings, some relative ("3小时前"). The first request for ``CAPTCHA_KEYWORD`` gets the 百度安全验证 page.
Every request is logged in ``calls`` (path, query, Referer) for the tests.
"""

import base64
import json
from html import escape
from urllib.parse import urlencode

from lendwatch.sandbox.articles import load
from lendwatch.sandbox.replicas.base import Page, Replica, Request
from lendwatch.sandbox.site import BANNER, SITE_NAMES, article_path

CAPTCHA_KEYWORD = "爆通讯录"
RELATIVE_TIMES = ("3小时前", "昨天 08:15")  # shown for the first two results of a first page
PER_PAGE = 10


def token(keyword: str, path: str) -> str:
    return base64.urlsafe_b64encode(f"{keyword}|{path}".encode()).decode().rstrip("=")


def untoken(value: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split("|", 1)[1]
    except (ValueError, IndexError):
        return None


def matches(keyword: str, rtt: str) -> list:
    terms = keyword.split()
    found = [a for a in load() if a.site in SITE_NAMES and terms
             and all(t in f"{a.title}\n{a.text}" for t in terms)]
    if rtt == "1":
        return sorted(found, key=lambda a: a.number)
    return sorted(found, key=lambda a: a.published, reverse=True)


SOURCES = """
[[sources]]
name = "sample-baidu-news"
kind = "baidu_news"
url = "{base}/baidu/s"
keywords = ["暴力催收", "爆通讯录"]
captcha_pause = 0.2
"""


class BaiduNewsReplica(Replica):
    prefix = "/baidu/"
    kind = "baidu_news"
    sources = SOURCES

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.calls: list[tuple[str, dict, str | None]] = []
        self.captcha_shown = False

    def handle(self, request: Request) -> Page | None:
        self.calls.append((request.path, dict(request.query), request.headers.get("Referer")))
        if request.path == "/baidu/link":
            path = untoken(request.query.get("url", ""))
            if path is None:
                return None
            target = f"{self.base_url}{path}"
            if len(request.query["url"]) % 2:  # the refresh page some links answer
                return self.html(f"<script>var URL='{self.base_url}/baidu/decoy.html';</script>"
                                 f"<meta http-equiv=\"refresh\" content=\"0;URL='{escape(target)}'\">", "")
            return Page(302, "text/html; charset=utf-8", b"", headers={"Location": target})
        if request.path != "/baidu/s":
            return None
        keyword = request.query.get("wd") or request.query.get("word") or ""
        if keyword == CAPTCHA_KEYWORD and not self.captcha_shown:
            self.captcha_shown = True
            return self.html("<title>百度安全验证</title>", "<div class='timeout-title'>百度安全验证</div>"
                             "<p>网络不给力，请稍后重试</p><p>请输入验证码</p>")
        return self.results(keyword, request.query)

    def results(self, keyword: str, query: dict) -> Page:
        pn = int(query.get("pn", "0")) if query.get("pn", "0").isdigit() else 0
        found = matches(keyword, query.get("rtt", "4"))
        rows = []
        for i, a in enumerate(found[pn:pn + PER_PAGE]):
            when = RELATIVE_TIMES[i] if pn == 0 and i < len(RELATIVE_TIMES) else \
                f"{a.published.year}年{a.published.month}月{a.published.day}日"
            title = escape(a.title).replace(escape(keyword.split()[0]), f"<em>{escape(keyword.split()[0])}</em>")
            via, direct = f"/baidu/link?url={token(keyword, article_path(a))}", f"{self.base_url}{article_path(a)}"
            source = escape(SITE_NAMES[a.site])
            summary = f'<span class="c-font-normal c-color-text">{escape(a.paragraphs[0][:80])}…</span>'
            if i % 3 == 0:  # the classic block, linked through /baidu/link
                rows.append(
                    f'<div class="result-op c-container xpath-log new-pmd" srcid="200" tpl="news-normal">'
                    f'<div class="c-row"><h3 class="news-title_1YtI1"><a href="{via}" target="_blank">{title}</a></h3>'
                    f'<div class="c-row c-gap-top-small"><div class="news-source_Xj4Dv">'
                    f'<span class="c-color-gray c-font-normal c-gap-right">{source}</span>'
                    f'<span class="c-color-gray2 c-font-normal">{when}</span></div>{summary}</div></div></div>')
            elif i % 3 == 1:  # hashed class names; mu and the link name the publisher's page
                rows.append(
                    f'<div class="result-op c-container _9c2f1a" mu="{escape(direct)}" tpl="news-normal">'
                    f'<h3 class="t_3kQ9e"><a href="{escape(direct)}" target="_blank">{title}</a></h3>'
                    f'<div class="s_8Hn2p"><span class="a_1xQ7r">{source}</span><span class="b_5Zp0w">{when}</span>'
                    f'</div>{summary}</div>')
            else:  # the s-data JSON holds the direct URL; the visible link still goes through /baidu/link
                data = json.dumps({"title": title, "titleUrl": direct, "sourceName": SITE_NAMES[a.site],
                                   "dispTime": when, "newsSource": "news"}, ensure_ascii=False)
                rows.append(
                    f'<div class="result-op c-container _7aa0b3" tpl="news-normal"><!--s-data:{data}-->'
                    f'<h3 class="t_3kQ9e"><a href="{via}" target="_blank">{title}</a></h3>'
                    f'<div class="s_8Hn2p"><span class="a_1xQ7r">{source}</span><span class="b_5Zp0w">{when}</span>'
                    f'</div>{summary}</div>')
        more = ""
        if pn + PER_PAGE < len(found):
            more = (f'<div id="page"><a class="n" href="/baidu/s?{escape(urlencode({**query, "pn": pn + PER_PAGE}))}">'
                    f'下一页 &gt;</a></div>')
        return self.html(f"<title>{escape(keyword)}_百度搜索（样例）</title>",
                         f'<div id="content_left">{"".join(rows)}</div>{more}')

    @staticmethod
    def html(head: str, body: str) -> Page:
        return Page(200, "text/html; charset=utf-8", (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>"
            f"<div class='sample-banner'>{BANNER}</div>{body}</body></html>").encode("utf-8"))
