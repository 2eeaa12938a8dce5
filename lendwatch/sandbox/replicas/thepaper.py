"""澎湃新闻 (thepaper.cn): the keyword search API and ``newsDetail_forward_{contId}`` pages.

- ``POST /thepaper/search/web/news`` with JSON ``{"word", "pageNum", "pageSize", ...}``: results
  whose title or text holds every term of ``word``, newest first, terms highlighted with ``<font>``;
  a body without ``word`` gets HTTP 400.
- ``GET /thepaper/newsDetail_forward_{contId}``: the page with its ``script#__NEXT_DATA__`` JSON.

Beside the 12 ``thepaper`` sample articles the results hold a video (``contType`` 1) and a
paywalled article, and three entries whose search row tells nothing but whose page does: a live
page (``detailData.liveDetail``), a special (``detailData.specialDetail.specialInfo``) and a
photo set (``detailData.contType`` 2; as on the live site, ``contType`` sits on ``detailData``).
The first search for :data:`BUSY_KEYWORD` answers ``code`` 99998 (系统繁忙).
One detail page (:data:`SLOW_NUMBER`) answers after :data:`SLOW_SECONDS`.
Every answer carries the sample notice: a ``notice`` JSON field, or the page banner; never
inside ``content``.
"""

import json
import re
from datetime import datetime
from html import escape

from lendwatch.sandbox.articles import SampleArticle, load
from lendwatch.sandbox.replicas.base import Page, Replica, Request
from lendwatch.sandbox.site import BANNER

COLUMNS = ("财经", "法治", "社会")
TAGS = ("催收", "网贷", "借款", "骚扰", "714高炮", "个人信息")
SLOW_NUMBER, SLOW_SECONDS = 48, 2.0
BUSY_KEYWORD = "借款"
DETAIL = re.compile(r"^/thepaper/newsDetail_forward_(\d+)$")


def cont_id(number: int) -> str:
    """The ``contId`` of sample article (or extra item) ``number``."""
    return str(30000000 + number)


def column_of(a: SampleArticle) -> str:
    return COLUMNS[a.number % len(COLUMNS)]


def tags_of(a: SampleArticle) -> list[str]:
    return [t for t in TAGS if t in a.title + a.text]


def _extra(number: int, title: str, text: str, cont_type: int, paywalled: bool, layout: str | None = None) -> dict:
    """A result that is not a sample article (written by us): a video, a paywalled report, or a page
    whose ``layout`` (``live``, ``special``, ``photos``) only its detail page shows."""
    return {"number": number, "title": title, "paragraphs": [text], "cont_type": cont_type,
            "paywalled": paywalled, "published": datetime.fromisoformat("2024-09-20T09:00:00+08:00"),
            "author": "示例记者", "outlet": "示例视频", "column": "视频", "tags": [], "layout": layout}


EXTRAS = (
    _extra(900, "视频｜探访催收外包公司：一天拨出上千通电话（样例数据）",
           "本视频为 lendwatch 样例数据：记者探访一家催收外包公司，借款人反映被反复拨打电话。", 1, False),
    _extra(901, "深度｜网贷催收产业链调查（付费阅读，样例数据）",
           "本文为 lendwatch 样例数据中的付费文章，正文仅订阅用户可读：催收与借款人之间。", 0, True),
    _extra(902, "直播｜网贷催收新规发布会（样例数据）", "本直播为 lendwatch 样例数据：催收新规发布会实况。", 0, False, "live"),
    _extra(903, "专题｜催收乱象调查（样例数据）", "本专题为 lendwatch 样例数据：汇集催收报道。", 0, False, "special"),
    _extra(904, "图集｜催收短信长什么样（样例数据）", "本图集为 lendwatch 样例数据：催收短信截图。", 2, False, "photos"),
)


def _records() -> list[dict]:
    """Every searchable item as a plain record, newest first."""
    records = [{"number": a.number, "title": a.title, "paragraphs": list(a.paragraphs), "cont_type": 0,
                "paywalled": False, "published": a.published, "author": a.author, "outlet": a.outlet,
                "column": column_of(a), "tags": tags_of(a), "layout": None}
               for a in load() if a.site == "thepaper"]
    records += [dict(extra) for extra in EXTRAS]
    for record in records:
        record["cont_id"] = cont_id(record["number"])
    return sorted(records, key=lambda r: r["published"], reverse=True)


def _highlight(text: str, terms: list[str]) -> str:
    for term in terms:
        text = text.replace(term, f"<font color='#00a5eb'>{term}</font>")
    return text


def _json(data: dict, status: int = 200) -> Page:
    body = json.dumps({**data, "notice": BANNER}, ensure_ascii=False).encode("utf-8")
    return Page(status, "application/json; charset=utf-8", body)


SOURCES = """
[[sources]]
name = "sample-thepaper"
kind = "thepaper"
url = "{base}/thepaper"
detail_url = "{base}/thepaper"
keywords = ["催收", "借款"]
page_size = 5
max_pages = 10
busy_pause = 0.1
"""


class ThepaperReplica(Replica):
    prefix = "/thepaper"
    kind = "thepaper"
    sources = SOURCES

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.records = _records()
        self.by_id = {r["cont_id"]: r for r in self.records}
        self.busy_shown = False

    def handle(self, request: Request) -> Page | None:
        if request.method == "POST" and request.path == "/thepaper/search/web/news":
            return self.search(request)
        match = DETAIL.match(request.path)
        if request.method == "GET" and match and match.group(1) in self.by_id:
            return self.detail(self.by_id[match.group(1)])
        return None

    def search(self, request: Request) -> Page:
        try:
            query = json.loads(request.body or b"{}")
            word, page, size = str(query["word"]).strip(), int(query.get("pageNum", 1)), int(query.get("pageSize", 10))
        except (ValueError, KeyError, TypeError):
            return _json({"code": 400, "desc": "请求体须为 JSON，并带 word 字段"}, status=400)
        if word == BUSY_KEYWORD and not self.busy_shown:
            self.busy_shown = True
            return _json({"code": 99998, "desc": "系统繁忙，请稍后再试", "data": None})
        terms = word.split()
        found = [r for r in self.records
                 if terms and all(t in r["title"] + "".join(r["paragraphs"]) for t in terms)]
        chunk = found[(page - 1) * size:page * size]
        rows = [{"contId": r["cont_id"], "name": _highlight(r["title"], terms),
                 "summary": _highlight(r["paragraphs"][0][:80], terms),
                 "pubTime": f"{r['published']:%Y-%m-%d}", "pubTimeLong": int(r["published"].timestamp() * 1000),
                 "nodeInfo": {"name": r["column"]},
                 "isPaid": r["paywalled"], "praiseTimes": 0, "interactionNum": 0,
                 **({} if r["layout"] else {"contType": r["cont_type"]})}
                for r in chunk]
        return _json({"code": 200, "desc": "success", "data": {
            "list": rows, "total": len(found), "pageNum": page, "pageSize": size,
            "hasNext": page * size < len(found)}})

    def detail(self, r: dict) -> Page:
        paragraphs = r["paragraphs"][:1] if r["paywalled"] else r["paragraphs"]
        content = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        if r["number"] % 2 == 0:  # some articles carry an image, as real ones do
            content = content.replace("</p>", "</p><p><img src='/thepaper/img.png' alt=''></p>", 1)
        detail = {"contId": r["cont_id"], "name": r["title"], "content": content,
                  "publishTime": f"{r['published']:%Y-%m-%d %H:%M}",
                  "pubTimeLong": int(r["published"].timestamp() * 1000), "author": r["author"],
                  "source": r["outlet"], "tagList": [{"tag": t} for t in r["tags"]],
                  "nodeInfo": {"name": r["column"]}, "isPaid": r["paywalled"]}
        detail_data = {"contType": r["cont_type"], "contentDetail": detail}
        if r["layout"] == "live":
            detail_data = {"contType": r["cont_type"], "liveDetail": {"contId": r["cont_id"], "name": r["title"],
                                                                      "liveInfo": {"status": 2}}}
        elif r["layout"] == "special":
            detail_data = {"contType": r["cont_type"], "specialDetail": {"specialInfo": {
                "name": r["title"], "desc": r["paragraphs"][0]}, "specialList": []}}
        data = {"props": {"pageProps": {"notice": BANNER, "detailData": detail_data}},
                "page": "/detail/[contId]"}
        script = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        html = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(r['title'])}_澎湃新闻（样例）</title>"
                f"</head><body><div class='sample-banner'>{BANNER}</div><div id='__next'></div>"
                f"<script id='__NEXT_DATA__' type='application/json'>{script}</script></body></html>")
        delay = SLOW_SECONDS if r["number"] == SLOW_NUMBER else 0.0
        return Page(200, "text/html; charset=utf-8", html.encode("utf-8"), delay=delay)
