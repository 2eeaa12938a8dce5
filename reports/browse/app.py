"""The browsing site: a read-only WSGI application over the database and its search index.

Everything shown comes from the web and is untrusted: templates autoescape, only http(s) URLs
become links, stored snapshots are served sandboxed (no scripts, no outside requests), and every
page carries a Content-Security-Policy without scripts. Only GET and HEAD are answered; a query
string may come percent-encoded or as raw UTF-8. Lists come as articles (``/articles``), as
stories (``/stories``) and as Atom feeds of either (``/articles.atom``, ``/stories.atom``).
"""

import re
import sqlite3
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from sqlalchemy import Engine, select

from lendwatch import display, schema
from lendwatch.vocabulary import ENTITIES, MONTH, SENTIMENTS, TOPICS, month_label, topic_label
from reports import tables
from reports.browse import columns, feeds, pgsearch, queries
from reports.browse.search import QueryError, highlight, snippet, term_pattern
from reports.filters import LABELS, FilterError, Filters, list_path
from reports.filters import link_figures as _link_figures

PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")
SNAPSHOT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'"
REPORT_NAME = re.compile(rf"report-{MONTH.pattern}(\.html|\.md|-files/[\w.-]+\.(png|csv))")
CSV_COLUMNS = tables.ARTICLE_COLUMNS + ("reach", "sample")


def query_params(environ) -> dict[str, list[str]]:
    """The request's parameters; a raw UTF-8 query string (WSGI hands it over as Latin-1) is read as UTF-8."""
    query = environ.get("QUERY_STRING", "")
    try:
        query = query.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return parse_qs(query, keep_blank_values=False)


def base_tag(url: str | None) -> str:
    """A ``<base>`` pointing a snapshot's relative links at its original page ("" when it is not http(s))."""
    url = http_url(url)
    return f'<base href="{escape(quote(url, safe=":/?#[]@!$&()*+,;=%~"))}">' if url else ""


def http_url(url: str | None) -> str | None:
    """The URL when it is http(s) and so may be a link; None otherwise."""
    if not url or any(c in url for c in "\r\n\t") or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return None
    return url.strip()


def environment(**globals) -> Environment:
    """The browse templates' Jinja environment (autoescaping, labels, ``http_url``), with ``globals``."""
    env = Environment(loader=PackageLoader("reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    labels = {"topic_label": topic_label, "sentiment_label": lambda c: SENTIMENTS.get(c or "", c or "—")}
    env.filters.update(labels, http_url=http_url, xml_text=feeds.xml_text,
                       day=lambda iso: (iso or "")[:10] or "（无日期）")
    env.globals.update(labels, TOPICS=TOPICS, SENTIMENTS=SENTIMENTS, month_label=month_label, **globals)
    return env


def chip(param: str, value: str) -> str:
    """An active filter in words, e.g. ``话题：监管政策``, ``月份：2024年9月``."""
    if param == "relevant":
        return "仅相关"
    shown = {"topic": topic_label, "sentiment": lambda v: SENTIMENTS.get(v, v), "month": month_label}
    return f"{LABELS.get(param, param)}：{shown.get(param, str)(value)}"


def csv_bytes(rows) -> bytes:
    """List rows as CSV by the convention of :mod:`reports.tables` (``title`` as published)."""
    return tables.csv_records(CSV_COLUMNS, (dict(r, title=r["title_original"], title_display=r["title"],
                                                 topics=(r["topics"] or "").split()) for r in rows))


def csv_disposition(f: Filters) -> str:
    """The download name of a list's CSV, saying what it holds: ``articles-month-2024-09-topic-regulation.csv``
    (``filename*`` keeps Chinese values; the plain ``filename`` has them as ``_``)."""
    slug = "-".join(f"{k}-{v}" for k, v in f.params(page=1, sort="date"))[:120] or "all"
    name = "articles-" + re.sub(r'[\\/:*?"<>|\s]+', "_", slug) + ".csv"
    fallback = re.sub(r"[^\w.-]", "_", name, flags=re.ASCII)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def article_query():
    """The select of articles with their analyses that an article page shows (add a ``where``)."""
    a, n = schema.articles, schema.analyses
    return (select(a, n.c.relevant, n.c.topics, n.c.sentiment, n.c.p_negative, n.c.entities, n.c.evidence,
                   n.c.story_id, n.c.model_version).select_from(a.outerjoin(n, n.c.article_id == a.c.id)))


def article_view(art: dict, doc: tuple | None, origin: dict | None) -> dict:
    """The article template's context from its row, its index ``(outlet, reach)`` and its story's origin."""
    art["outlet"], art["reach"] = doc if doc else (display.outlet_name(art), 1)
    art["title_display"] = display.title(art["title"], art["outlet"])
    evidence = art["evidence"] or {}
    shown: set[str] = set()
    topics = []
    for code in art["topics"] or []:
        found = evidence.get("topics", {}).get(code) or {}
        sentences = [s for s in dict.fromkeys(found.get("sentences", [])) if s not in shown]
        shown.update(sentences)
        topics.append({"code": code, "label": topic_label(code), "sentences": sentences,
                       "terms": list(dict.fromkeys(filter(None, map(plain_term, found.get("terms", [])))))})
    marks = [(s, topic_label(c)) for c in art["topics"] or []
             for s in ((evidence.get("topics", {}).get(c) or {}).get("sentences", []))]
    marks += [(s, "情感：" + SENTIMENTS.get(art["sentiment"], "")) for s in evidence.get("sentiment") or []]
    marks += [(s, "相关性") for s in (evidence.get("relevant") or {}).get("sentences", [])]
    entities = [(label, param, values) for key, (param, label) in ENTITIES.items()
                if (values := (art["entities"] or {}).get(key))]
    return {"a": art, "origin": origin if origin and origin["id"] != art["id"] else None, "topics": topics,
            "entities": entities,
            "paragraphs": [mark_evidence(p, marks) for p in (art["text"] or "").split("\n") if p.strip()],
            "sentiment_sentences": list(dict.fromkeys(evidence.get("sentiment") or [])),
            "title_html": mark_evidence(art["title_display"], marks),
            "title_original": original if (original := (art["title"] or "").strip()) != art["title_display"] else ""}


def plain_term(term: str) -> str:
    """An evidence term in words: a rule ``[催收+亲友/同事]`` → ``催收＋亲友或同事``, ``p2p_context:平台`` → ``平台``."""
    term = str(term).strip()
    rule = re.fullmatch(r"\[(.+)\]", term)
    if rule:
        return "＋".join("或".join(p.strip() for p in part.split("/")) for part in rule.group(1).split("+"))
    return term.rpartition(":")[2].strip()



class NotFound(Exception):
    pass


class BrowseApp:
    """``BrowseApp(engine, index_path, reports_dir, bind)`` is a WSGI application."""

    def __init__(self, engine: Engine, index_path: Path, reports_dir: Path | None = None, bind: str = ""):
        self.engine, self.index_path, self.bind = engine, Path(index_path), bind
        self.reports_dir = Path(reports_dir) if reports_dir else None
        self.columns = columns.Cache(self.index_path, queries.SORTS)
        self.fulltext = pgsearch.fulltext(engine)  # PostgreSQL searches its own text; SQLite the index's FTS5
        self.env = environment(bind=bind, chip=chip)

    def warm(self) -> None:
        """Read the index's columns now, so that the first list is as fast as the rest."""
        with self._index() as index:
            self.columns.get(index)

    # --- plumbing ------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        params = query_params(environ)
        try:
            if method not in ("GET", "HEAD"):
                status, headers, body = self._page("error.html", "405 Method Not Allowed",
                                                   message="本站只读：只接受 GET 请求。")
                headers.append(("Allow", "GET, HEAD"))
            else:
                status, headers, body = self._route(path, params, environ)
        except NotFound as exc:
            status, headers, body = self._page("error.html", "404 Not Found", message=f"没有找到：{exc}")
        except (FilterError, QueryError) as exc:
            status, headers, body = self._page("error.html", "400 Bad Request", message=f"参数有误：{exc}")
        headers += [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
        if not any(h[0] == "Content-Security-Policy" for h in headers):
            headers.append(("Content-Security-Policy", PAGE_CSP))
        headers.append(("Content-Length", str(len(body))))  # also for HEAD, which sends no body
        start_response(status, headers)
        return [b""] if method == "HEAD" else [body]

    def _page(self, template: str, status: str = "200 OK", **context):
        html = self.env.get_template("browse-" + template + ".j2").render(**context)
        return status, [("Content-Type", "text/html; charset=utf-8")], html.encode("utf-8")

    def _index(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{quote(str(self.index_path.resolve()))}?mode=ro", uri=True)

    def _route(self, path: str, params: dict, environ: dict):
        if path == "/":
            return self.home()
        if path == "/articles":
            return self.articles(Filters.parse(params))
        if path == "/stories":
            return self.stories(Filters.parse(params))
        if path in ("/articles.atom", "/stories.atom"):
            return self.feed(path[1:-5], Filters.parse(params), feeds.site_url(environ))
        if path == "/articles.csv":
            return self.articles_csv(Filters.parse(params))
        if path == "/browse.css":
            css = (Path(__file__).parent.parent / "templates" / "browse.css").read_bytes()
            return "200 OK", [("Content-Type", "text/css; charset=utf-8")], css
        if path == "/reports":
            return self._page("reports.html", reports=self._report_names())
        match = re.fullmatch(r"/(article|story)/(\d{1,12})(/snapshot)?", path)
        if match and match.group(1) == "article":
            article_id = int(match.group(2))
            return self.snapshot(article_id) if match.group(3) else self.article(article_id, params)
        if match and not match.group(3) and int(match.group(2)) > 0:
            return self.story(int(match.group(2)))
        if path.startswith("/reports/"):
            return self.report_file(path[len("/reports/"):])
        raise NotFound(path if len(path) <= 80 else path[:80] + "…")

    # --- pages ---------------------------------------------------------------

    def home(self):
        with self._index() as index:
            months = index.execute("SELECT substr(published_at, 1, 7) AS m, count(*), sum(relevant) FROM docs "
                                   "GROUP BY 1 HAVING m IS NOT NULL ORDER BY 1 DESC").fetchall()
            total = index.execute("SELECT count(*) FROM docs").fetchone()[0]
        return self._page("home.html", months=months, total=total, reports=self._report_names())

    def articles(self, f: Filters):
        with self._index() as index:
            result = queries.search(index, f, self.columns.get(index), fulltext=self.fulltext)
        pattern = term_pattern(f.q) if f.q else None
        texts = self._texts([r["id"] for r in result.rows]) if f.q else {}
        for row in result.rows:
            row["title_html"] = highlight(row["title"] or "（无标题）", pattern)
            row["snippet"] = snippet(texts.get(row["id"], ""), pattern) if f.q else ""
        pages = max(1, -(-result.total // queries.PAGE_SIZE))
        return self._page("articles.html", f=f, result=result, pages=pages)

    def stories(self, f: Filters):
        with self._index() as index:
            result = queries.stories(index, f, self.fulltext)
            facets = queries.search(index, f, self.columns.get(index), fulltext=self.fulltext).facets
        pages = max(1, -(-result.total // queries.PAGE_SIZE))
        return self._page("stories.html", f=f, result=result, facets=facets, pages=pages)

    def feed(self, kind: str, f: Filters, site: str):
        """The first page of the article or story list ``f`` describes, newest first, as an Atom feed."""
        f = replace(f, sort="date", page=1)
        with self._index() as index:
            rows = (queries.search(index, f, self.columns.get(index), facets=False, fulltext=self.fulltext).rows
                    if kind == "articles" else queries.stories(index, f, self.fulltext).rows)
        body = feeds.atom(self.env, kind, f, rows, site)
        return "200 OK", [("Content-Type", "application/atom+xml; charset=utf-8")], body

    def articles_csv(self, f: Filters):
        with self._index() as index:
            body = csv_bytes(queries.iter_all(index, f, self.fulltext))
        return "200 OK", [("Content-Type", "text/csv; charset=utf-8"),
                          ("Content-Disposition", csv_disposition(f))], body

    def article(self, article_id: int, params: dict):
        with self.engine.connect() as conn:
            row = conn.execute(article_query().where(schema.articles.c.id == article_id)).first()
        if row is None:
            raise NotFound(f"文章 {article_id}")
        art = dict(row._mapping)
        with self._index() as index:
            doc = index.execute("SELECT outlet, reach FROM docs WHERE id = ?", (article_id,)).fetchone()
            origin = queries.story_origin(index, art["story_id"]) if art["story_id"] else None
        back = params.get("back", [""])[-1]
        return self._page("article.html", **article_view(art, doc, origin),
                          back=back if back.startswith("/articles") else "")

    def snapshot(self, article_id: int):
        a, p = schema.articles, schema.pages
        with self.engine.connect() as conn:
            row = conn.execute(select(p.c.body, p.c.encoding, p.c.content_type, a.c.url)
                               .select_from(a.join(p, p.c.id == a.c.page_id)).where(a.c.id == article_id)).first()
        if row is None:
            raise NotFound(f"文章 {article_id} 的快照")
        charset = row.encoding or "utf-8"
        kind = "text/html" if "html" in (row.content_type or "text/html") else "text/plain"
        return "200 OK", [("Content-Type", f"{kind}; charset={charset}"),
                          ("Content-Security-Policy", SNAPSHOT_CSP)], (base_tag(row.url).encode() if kind == "text/html" else b"") + zlib.decompress(row.body)

    def story(self, story_id: int):
        f = Filters(story=story_id, sort="oldest")
        with self._index() as index:
            rows = list(queries.iter_all(index, f))
            named = queries.story_tags(index, story_id)
        if not rows:
            raise NotFound(f"报道事件 {story_id}")
        return self._page("story.html", story_id=story_id, rows=rows, f=f, named=named, spread=spread(rows))

    def report_file(self, name: str):
        if not self.reports_dir or not REPORT_NAME.fullmatch(name) or not (self.reports_dir / name).is_file():
            raise NotFound(f"报告 {name}")
        kinds = {".html": "text/html; charset=utf-8", ".md": "text/plain; charset=utf-8", ".png": "image/png",
                 ".csv": "text/csv; charset=utf-8"}
        body = (self.reports_dir / name).read_bytes()
        if name.endswith(".html"):
            body = link_figures(body)
        return "200 OK", [("Content-Type", kinds[Path(name).suffix]), ("Content-Security-Policy", REPORT_CSP)], body

    # --- helpers -------------------------------------------------------------

    def _texts(self, ids: list[int]) -> dict[int, str]:
        a = schema.articles
        with self.engine.connect() as conn:
            return dict(conn.execute(select(a.c.id, a.c.text).where(a.c.id.in_(ids))).all()) if ids else {}

    def _report_names(self) -> list[str]:
        if not self.reports_dir or not self.reports_dir.is_dir():
            return []
        return sorted((p.name for p in self.reports_dir.glob("report-*.html") if REPORT_NAME.fullmatch(p.name)),
                      reverse=True)


def spread(rows: list[dict]) -> dict:
    """How a story spread, from its articles (earliest first): per day its outlets and the running total,
    and the bars of a small chart of articles a day (``x``, ``width``, ``height`` within 300×60)."""
    days: dict[str, list[str]] = {}
    for row in rows:
        if row["published_at"]:
            days.setdefault(row["published_at"][:10], []).append(row["outlet"])
    timeline, running = [], 0
    for day, outlets in days.items():
        running += len(outlets)
        timeline.append({"day": day, "outlets": list(dict.fromkeys(outlets)), "count": len(outlets),
                         "total": running})
    if not timeline:
        return {"timeline": [], "bars": [], "span": 0}
    first = date.fromisoformat(timeline[0]["day"])
    span = (date.fromisoformat(timeline[-1]["day"]) - first).days + 1
    most = max(t["count"] for t in timeline)
    step = 300 / span
    bars = [{"x": round((date.fromisoformat(t["day"]) - first).days * step, 1), "width": round(max(step * 0.8, 1), 1),
             "height": round(56 * t["count"] / most, 1), "label": f"{t['day']}：{t['count']} 篇"} for t in timeline]
    return {"timeline": timeline, "bars": bars, "span": span}


def link_figures(html: bytes) -> bytes:
    """A report's figures (``<span class="fig" data-browse="…"><a class="n" …>``) linked to their lists.

    The report file links each number to its appendix; served here, the number opens the
    filtered list ``/articles?…`` that its ``data-browse`` attribute names (same-site only).
    """
    return _link_figures(html, list_path)


def mark_evidence(text: str, marks: list[tuple[str, str]]) -> Markup:
    """Escaped text with each evidence sentence found in it in ``<mark title="labels">``."""
    spans = []
    for sentence, label in marks:
        sentence = sentence.strip()
        start = text.find(sentence) if len(sentence) >= 2 else -1
        while start >= 0:
            spans.append((start, start + len(sentence), label))
            start = text.find(sentence, start + len(sentence))
    spans.sort()
    merged: list[list] = []
    for start, end, label in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if label not in merged[-1][2]:
                merged[-1][2].append(label)
        else:
            merged.append([start, end, [label]])
    out, pos = [], 0
    for start, end, labels in merged:
        out += [escape(text[pos:start]), Markup('<mark class="ev" title="%s">') % "、".join(labels),
                escape(text[start:end]), Markup("</mark>")]
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)
