"""Replica ``pbc``: the PBoC 新闻发布 list (TRS pages) and article pages for the sample articles
with ``site = "pbc"``, in the real URL shapes under ``/pbc``.

One article a list page, so the two articles make two pages (``index.html``, ``11040-2.html``),
paged by the real pager's ``jumpTo(this,'N','n','…/11040-%1.html')``; article ids are 7-digit
numbers (as on the live site since 2025), never times; ``文章来源`` is filled by a script.
The newest article's first request answers the WZWS JavaScript challenge page instead.
Every page carries the sample banner.
"""

from base64 import b64encode
from html import escape

from lendwatch.sandbox.articles import SampleArticle, load
from lendwatch.sandbox.replicas.base import Page, Replica, Request
from lendwatch.sandbox.site import BANNER, _env

LIST_DIR = "/pbc/goutongjiaoliu/113456/113469/"
PER_PAGE = 1
MODULE = 11040  # the TRS module id in later list pages' names


def samples() -> list[SampleArticle]:
    """The pbc sample articles, newest first."""
    return sorted((a for a in load() if a.site == "pbc"), key=lambda a: a.published, reverse=True)


def article_path(a: SampleArticle) -> str:
    return f"{LIST_DIR}{5860000 + a.number * 7919 % 10000}/index.html"


def list_path(n: int) -> str:
    return f"{LIST_DIR}index.html" if n == 1 else f"{LIST_DIR}{MODULE}-{n}.html"


def challenge_page(path: str) -> Page:
    """A WZWS-style challenge: a script that would compute ``/WZWSREL…?wzwschallenge=…``."""
    target = b64encode(path.encode()).decode()
    script = (f'var dynamicurl="{path}";var wzwschallenge="{b64encode(b"sample").decode()}";'
              f'var wzwschallengex="";function HXXTTKKLLPPP5(){{return wzwschallenge.length;}}'
              f'window.location="/WZWSREL{target}?wzwschallenge="+btoa(String(HXXTTKKLLPPP5()));')
    html = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
            f"<div class=\"sample-banner\">{escape(BANNER)}</div>"
            f"<noscript>请开启JavaScript并刷新该页.</noscript>"
            f"<script type=\"text/javascript\">{script}</script></body></html>")
    return Page(200, "text/html; charset=utf-8", html.encode())


SOURCES = """
[[sources]]
name = "sample-pbc"
kind = "pbc"
url = "{base}/pbc/goutongjiaoliu/113456/113469/index.html"
max_pages = 10
"""


class PbcReplica(Replica):
    prefix = "/pbc/"
    kind = "pbc"
    sources = SOURCES

    def __init__(self, base_url: str):
        super().__init__(base_url)
        env = _env()
        articles = samples()
        self.challenged = article_path(articles[0])  # its first request gets the challenge
        chunks = [articles[i:i + PER_PAGE] for i in range(0, len(articles), PER_PAGE)]
        self.pages: dict[str, str] = {}
        for n, chunk in enumerate(chunks, start=1):
            items = [{"url": article_path(a), "title": a.title, "date": f"{a.published:%Y-%m-%d}",
                      "short": a.title if len(a.title) <= 20 else a.title[:20] + "..."} for a in chunk]
            self.pages[list_path(n)] = env.get_template("pbc/list.html").render(
                banner=BANNER, items=items, page=n, pages=len(chunks), pager=f"{LIST_DIR}{MODULE}-%1.html")
        for a in articles:
            self.pages[article_path(a)] = env.get_template("pbc/detail.html").render(banner=BANNER, a=a)

    def handle(self, request: Request) -> Page | None:
        if request.path == self.challenged and request.hits == 1:
            return challenge_page(request.path)
        html = self.pages.get(request.path)
        return Page(200, "text/html; charset=utf-8", html.encode()) if html else None
