"""The sample site's pages: four replicas built from the sample articles.

- ``chinanews``: RSS feeds (finance, society; they overlap), scroll list pages
  (``.dd_bt a``) and UTF-8 article pages in the site's three templates (new, old,
  legacy: see :func:`chinanews_template`).
- ``people``: a GBK channel page (``/people/GB/1004/``, also ``index.html``) paginated
  (the last page links back to the first), a GBK RSS feed, and GBK article pages, some
  with a charset declaration and some without.
- ``gov``: a sitemap index, monthly sitemaps and formal notices.
- ``farm``: a content farm in Traditional characters with boilerplate, paginated.

Also: robots.txt that forbids ``/private/``, a link to it, a dead link (404), an
emptied article page (no article), and one article that fails with 500 once.
"""

from email.utils import format_datetime
from importlib import resources

from jinja2 import Environment, FileSystemLoader, select_autoescape

from lendwatch.sandbox.articles import SampleArticle, load
from lendwatch.sandbox.replicas.base import Page

BANNER = "【样例数据】本站为 lendwatch 示例站点，文章均为虚构，仅供演示与测试"
SITE_NAMES = {"chinanews": "示例新闻网", "people": "示例人民网", "gov": "示例金融监管局",
              "farm": "示例网贷资讯站"}
PER_PAGE = 10
SOCIETY_TOPICS = {"violent_collection", "enforcement", "borrower_wellbeing", "complaints"}
FLAKY_NUMBER = 3  # this article answers 500 to its first request
PEOPLE_RSS_ITEMS = 15  # the people feed holds the newest articles only


def chinanews_template(a: SampleArticle) -> str:
    """Which chinanews template serves ``a``: ``old`` or ``legacy`` for some numbers, else ``new``."""
    return {1: "old", 2: "legacy"}.get(a.number % 5, "new")


def article_path(a: SampleArticle) -> str:
    d = a.published
    if a.site == "chinanews":
        return f"/chinanews/cj/{d:%Y}/{d:%m-%d}/{10000 + a.number}.shtml"
    if a.site == "people":
        return f"/people/n1/{d:%Y}/{d:%m%d}/c1004-{40000000 + a.number}.html"
    if a.site == "gov":
        return f"/gov/zwgk/{d:%Y}/{a.number:05d}.html"
    return f"/farm/article/{a.number:06d}.html"


def _env() -> Environment:
    folder = str(resources.files("lendwatch.sandbox") / "templates")
    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html", "xml"]),
                       keep_trailing_newline=True)


def _html(text: str, encoding: str = "utf-8", declare: bool = True) -> Page:
    content_type = f"text/html; charset={encoding}" if declare else "text/html"
    return Page(200, content_type, text.encode(encoding))


def _lists(env, site: str, heading: str, articles, path_of, loop_back: bool,
           extra_links=(), template: str = "list.html") -> dict[str, Page]:
    """Paginated list pages; ``path_of(n)`` names page n (1-based)."""
    pages = {}
    chunks = [articles[i:i + PER_PAGE] for i in range(0, len(articles), PER_PAGE)] or [[]]
    for n, chunk in enumerate(chunks, start=1):
        items = [{"url": article_path(a), "title": a.title, "date": f"{a.published:%Y-%m-%d}"}
                 for a in chunk]
        if n == 1:
            items += list(extra_links)
        last = n == len(chunks)
        next_url = path_of(1) if last and loop_back else (None if last else path_of(n + 1))
        html = env.get_template(template).render(
            site=site, site_name=SITE_NAMES[site], banner=BANNER, heading=heading, items=items, page=n,
            prev_url=path_of(n - 1) if n > 1 else None, next_url=next_url,
            charset="gbk" if site == "people" else "utf-8")
        encoding = "gbk" if site == "people" else "utf-8"
        pages[path_of(n)] = _html(html, encoding)
    return pages


def build(base: str) -> dict[str, Page]:
    """Every page of the sample site, keyed by path; ``base`` is the server's root URL."""
    env = _env()
    articles = load()
    by_site = {s: sorted((a for a in articles if a.site == s), key=lambda a: a.published, reverse=True)
               for s in SITE_NAMES}
    pages: dict[str, Page] = {}
    for site, group in by_site.items():
        for i, a in enumerate(group):
            related = [{"url": article_path(r), "title": r.title} for r in group[i + 1:i + 6]]
            common = dict(a=a, site=site, site_name=SITE_NAMES[site], banner=BANNER, related=related)
            if site == "people":  # body layouts by number (people.html); subsites' UTF-8 pages beside GBK
                encoding = "utf-8" if a.number % 4 == 2 else "gbk"
                declare = a.number % 3 != 0  # every third page carries no declaration at all
                html = env.get_template("people.html").render(
                    charset=("utf-8" if encoding == "utf-8" else "gb2312") if declare else None, **common)
                pages[article_path(a)] = _html(html, encoding, declare=False)
            else:
                name = site if site != "chinanews" or chinanews_template(a) == "new" \
                    else f"chinanews_{chinanews_template(a)}"
                pages[article_path(a)] = _html(env.get_template(f"{name}.html").render(
                    charset="utf-8", **common))

    def feed(items, title):
        rows = [{"title": a.title, "link": f"{base}{article_path(a)}?utm_source=rss&utm_medium=feed",
                 "summary": a.paragraphs[0][:120], "pubdate": format_datetime(a.published)}
                for a in items]
        xml = env.get_template("rss.xml").render(title=title, base=base, banner=BANNER, items=rows)
        return Page(200, "application/rss+xml; charset=utf-8", xml.encode("utf-8"))

    news = by_site["chinanews"]
    pages["/chinanews/rss/finance.xml"] = feed(news, "示例新闻网-财经新闻")
    pages["/chinanews/rss/society.xml"] = feed(
        [a for a in news if SOCIETY_TOPICS & set(a.topics)], "示例新闻网-社会新闻")

    pages.update(_lists(env, "chinanews", "滚动新闻", news, lambda n: f"/chinanews/scroll-news/news{n}.html",
                        loop_back=False, template="chinanews_scroll.html"))

    broken = [{"url": "/private/draft.html", "title": "内部稿件（robots.txt 禁止抓取）", "date": ""},
              {"url": "/people/n1/2024/0931/c1004-49999999.html", "title": "已删除的稿件", "date": ""}]
    pages.update(_lists(env, "people", "观点频道", by_site["people"],
                        lambda n: "/people/GB/1004/index.html" if n == 1 else f"/people/GB/1004/index{n}.html",
                        loop_back=True, extra_links=broken, template="people_list.html"))
    pages["/people/GB/1004/"] = pages["/people/GB/1004/index.html"]  # the channel's real URL shape
    rows = [{"title": a.title, "link": f"{base}{article_path(a)}", "summary": a.paragraphs[0][:120],
             "pubdate": format_datetime(a.published)} for a in by_site["people"][:PEOPLE_RSS_ITEMS]]
    xml = env.get_template("people_rss.xml").render(title="示例人民网-财经频道", base=base, banner=BANNER,
                                                    items=rows)
    pages["/people/rss/finance.xml"] = Page(200, "text/xml", xml.encode("gbk"))
    emptied = [{"url": "/farm/article/000000.html", "title": "文章已刪除", "date": ""}]
    pages.update(_lists(env, "farm", "網貸資訊", by_site["farm"], lambda n: f"/farm/list_{n}.html",
                        loop_back=False, extra_links=emptied))
    pages["/farm/article/000000.html"] = _html(
        f"<html><head><meta charset='utf-8'><title>提示</title></head><body>"
        f"<div class='sample-banner'>{BANNER}</div><p>該文章已被刪除。</p></body></html>")

    months = sorted({f"{a.published:%Y-%m}" for a in by_site["gov"]})
    index = env.get_template("sitemapindex.xml").render(
        banner=BANNER, sitemaps=[f"{base}/gov/sitemap-{m}.xml" for m in months])
    pages["/gov/sitemap.xml"] = Page(200, "application/xml", index.encode("utf-8"))
    for m in months:
        rows = [{"loc": f"{base}{article_path(a)}", "lastmod": f"{a.published:%Y-%m-%d}"}
                for a in by_site["gov"] if f"{a.published:%Y-%m}" == m]
        xml = env.get_template("sitemap.xml").render(banner=BANNER, items=rows)
        pages[f"/gov/sitemap-{m}.xml"] = Page(200, "application/xml", xml.encode("utf-8"))

    pages["/"] = _html(env.get_template("index.html").render(
        site="chinanews", site_name="lendwatch 示例站点", banner=BANNER, charset="utf-8"))
    pages["/robots.txt"] = Page(200, "text/plain; charset=utf-8", (
        f"# {BANNER}\nUser-agent: *\nDisallow: /private/\nSitemap: {base}/gov/sitemap.xml\n"
    ).encode("utf-8"))
    return pages


def flaky_path() -> str | None:
    """The article path that fails once with 500 before answering."""
    for a in load():
        if a.number == FLAKY_NUMBER:
            return article_path(a)
    return None
