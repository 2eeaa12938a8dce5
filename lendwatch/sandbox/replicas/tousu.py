"""Replica of 黑猫投诉: the signed feed and search APIs and complaint pages, from ``complaints.toml``.

Signatures are checked as the real site does (a wrong one answers code 1, 签名错误).
Feed types: 1 every complaint, 2 those with a reply, 3 completed ones, all newest first;
type 9 is the ban demonstration: its page 1 answers, every later page is HTTP 456.
As on the live site, ``main.status`` is a number in feed answers (:data:`STATUS_CODES`), search
answers wrap the terms in titles and company names in ``<span class="code-red">``, and search
answers the login page unless the request carries ``SUB`` and ``SUBP`` cookies and a Referer
of the search page (:data:`SAMPLE_COOKIE_ENV` names the sample sources' cookie variable).
Every request is logged in ``calls`` (path and query) for the tests.
"""

import json
import math
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, select_autoescape

from crawler.spiders.tousu import SALT, signature
from lendwatch.records import SHANGHAI
from lendwatch.sandbox.replicas.base import Page, Replica, Request
from lendwatch.sandbox.site import BANNER

FEEDS = {
    1: lambda c: True,
    2: lambda c: c.status in ("已回复", "已完成"),
    3: lambda c: c.status == "已完成",
    9: lambda c: True,
}
BAN_FEED = 9
SIGN_ERROR = {"result": {"status": {"code": 1, "msg": "签名错误"}}}
STATUS_CODES = {"待分配": 1, "处理中": 3, "已回复": 4, "已完成": 6}  # the sample's own numbering
SAMPLE_COOKIE_ENV = "LENDWATCH_SAMPLE_TOUSU_COOKIE"
SAMPLE_COOKIE = "SUB=_2A25sample; SUBP=0033WrSXqPxfM725Ws9jqgMF55529P9D9Wsample"  # any SUB and SUBP pass


@dataclass(frozen=True)
class Complaint:
    """One sample complaint (sample data written by the lendwatch team)."""

    id: str
    title: str
    company: str
    issue: str
    appeal: str
    amount: float | None
    status: str
    user: str
    field: int
    body: tuple[str, ...]
    reply: str | None
    timeline: tuple[dict, ...]

    @property
    def filed(self) -> datetime:
        return self.timeline[0]["date"]

    @property
    def company_uid(self) -> int:
        return 5000000000 + sum(map(ord, self.company))


def _step(row: list[str], complaint: dict, index: int) -> dict:
    date, actor, status = row
    paragraphs = (complaint["body"] if index == 0
                  else [complaint["reply"]] if status == "商家已回复" and complaint.get("reply") else [])
    return {"date": datetime.strptime(date, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI),
            "actor": actor, "status": status, "paragraphs": tuple(paragraphs)}


@cache
def load() -> tuple[Complaint, ...]:
    """Every sample complaint, newest first."""
    text = (resources.files("lendwatch.sandbox") / "complaints.toml").read_text(encoding="utf-8")
    found = []
    for c in tomllib.loads(text)["complaints"]:
        steps = tuple(_step(row, c, i) for i, row in enumerate(c["timeline"]))
        found.append(Complaint(
            id=c["id"], title=c["title"], company=c["company"], issue=c["issue"], appeal=c["appeal"],
            amount=c.get("amount"), status=c["status"], user=c["user"], field=c["field"],
            body=tuple(c["body"]), reply=c.get("reply"), timeline=steps))
    return tuple(sorted(found, key=lambda c: c.filed, reverse=True))


SOURCES = """
[[sources]]
name = "sample-tousu"
kind = "tousu"
url = "{base}/tousu"
feed_types = [1, 2, 3]
field = 48
keywords = ["爆通讯录"]
cookie_env = "LENDWATCH_SAMPLE_TOUSU_COOKIE"
min_delay = 0
"""


class TousuReplica(Replica):
    prefix = "/tousu/"
    kind = "tousu"
    sources = SOURCES

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.root = f"{base_url}/tousu"
        self.calls: list[tuple[str, dict]] = []
        folder = str(resources.files("lendwatch.sandbox") / "templates" / "tousu")
        self.env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))

    def handle(self, request: Request) -> Page | None:
        self.calls.append((request.path, dict(request.query)))
        path = request.path.removeprefix("/tousu")
        if path in ("/api/index/feed", "/api/index/s"):
            return self.api(request, search=path.endswith("/s"))
        found = re.fullmatch(r"/complaint/view/(\d+)/?", path)
        complaint = next((c for c in load() if found and c.id == found.group(1)), None)
        if complaint is None:
            return None
        html = self.env.get_template("complaint.html").render(c=complaint, banner=BANNER, root=self.root)
        return Page(200, "text/html; charset=utf-8", html.encode("utf-8"))

    def api(self, request: Request, search: bool) -> Page:
        q = request.query
        own = q.get("keywords", "") if search else q.get("type", "")
        expected = signature(SALT, q.get("page_size", ""), q.get("ts", ""), own, q.get("page", ""),
                             q.get("rs", ""))
        if q.get("signature") != expected or not q.get("page", "").isdigit() \
                or not q.get("page_size", "").isdigit():
            return self.json(SIGN_ERROR, q.get("callback"))
        page, size = int(q["page"]), max(1, int(q["page_size"]))
        if search and not self.logged_in(request):
            return Page(200, "text/html; charset=utf-8", (
                f"<html><head><title>新浪通行证</title></head><body>{BANNER}<form action='https://login.sina.com.cn/sso/login.php'>"
                "请先登录</form></body></html>").encode("utf-8"))
        if search:
            terms = own.split()
            chosen = [c for c in load() if terms and all(
                t in f"{c.title} {c.company} {c.issue} {' '.join(c.body)}" for t in terms)]
        else:
            feed = FEEDS.get(int(own) if own.isdigit() else 0, lambda c: False)
            if own == str(BAN_FEED) and page > 1:
                return Page(456, "text/html; charset=utf-8",
                            f"<html><body>{BANNER}<p>访问过于频繁，请稍后再试</p></body></html>".encode())
            chosen = [c for c in load() if feed(c) and (not q.get("field") or str(c.field) == q["field"])]
        lists = [{"main": self.main(c, own.split() if search else None), "author": {"title": c.user}}
                 for c in chosen[(page - 1) * size:page * size]]
        pager = {"current": page, "page_amount": math.ceil(len(chosen) / size),
                 "item_count": len(chosen)}
        return self.json({"sample_notice": BANNER, "result": {
            "status": {"code": 0, "msg": ""}, "data": {"lists": lists, "pager": pager}}}, q.get("callback"))

    def logged_in(self, request: Request) -> bool:
        cookies = request.headers.get("Cookie", "")
        referer = request.headers.get("Referer", "")
        return all(re.search(rf"(^|;\s*){name}=[^;]+", cookies) for name in ("SUB", "SUBP")) \
            and referer.startswith(f"{self.root}/index/search/")

    def main(self, c: Complaint, terms: list[str] | None) -> dict:
        """A feed entry (``terms`` None: the status as a number) or a search entry (terms highlighted)."""
        host = self.base_url.split("://", 1)[1]

        def mark(text: str) -> str:
            for term in terms or []:
                text = text.replace(term, f'<span class="code-red">{term}</span>')
            return text

        return {"title": mark(c.title), "url": f"//{host}/tousu/complaint/view/{c.id}/", "cotitle": mark(c.company),
                "summary": mark(c.body[0][:60]), "appeal": c.appeal, "issue": c.issue,
                "status": c.status if terms is not None else STATUS_CODES.get(c.status, 8),
                "timestamp": str(int(c.filed.timestamp())), "field": c.field, "sn": c.id,
                "id": str(int(c.id) % 100000)}

    @staticmethod
    def json(data: dict, callback: str | None) -> Page:
        text = json.dumps(data, ensure_ascii=False)
        if callback:
            text = f"try{{{callback}({text});}}catch(e){{}};"
        return Page(200, "application/json; charset=utf-8", text.encode("utf-8"))
