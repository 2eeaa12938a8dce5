"""The browsing site: a read-only WSGI application over the database and its search index.

Everything shown comes from the web and is untrusted: templates autoescape, only http(s) URLs
become links, stored snapshots are served sandboxed (no scripts, no outside requests), and every
page carries a Content-Security-Policy without scripts. Only GET and HEAD are answered.
"""

import csv
import io
import re
import sqlite3
import zlib
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from sqlalchemy import Engine, select

from lendwatch import schema
from lendwatch.vocabulary import ENTITIES, MONTH, SENTIMENTS, TOPICS, month_label, topic_label
from reports.browse import columns, pgsearch, queries
from reports.browse.search import QueryError, highlight, snippet, term_pattern
from reports.filters import LABELS, FilterError, Filters
from reports.filters import link_figures as _link_figures

PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")
SNAPSHOT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'"
REPORT_NAME = re.compile(rf"report-{MONTH.pattern}(\.html|\.md|-files/[\w.-]+\.(png|csv))")
CSV_COLUMNS = ["id", "published_at", "source", "outlet", "title", "url", "relevant", "topics",
               "sentiment", "p_negative", "story_id", "reach", "sample"]


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
    env.filters.update(labels, http_url=http_url, day=lambda iso: (iso or "")[:10] or "（无日期）")
    env.globals.update(labels, TOPICS=TOPICS, SENTIMENTS=SENTIMENTS, month_label=month_label, **globals)
    return env


def chip(param: str, value: str) -> str:
    """An active filter in words, e.g. ``话题：监管政策``, ``月份：2024年9月``."""
    if param == "relevant":
        return "仅相关"
    shown = {"topic": topic_label, "sentiment": lambda v: SENTIMENTS.get(v, v), "month": month_label}
    return f"{LABELS.get(param, param)}：{shown.get(param, str)(value)}"


def csv_bytes(rows) -> bytes:
    """List rows as CSV (UTF-8 with BOM), cells safe from spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def article_query():
    """The select of articles with their analyses that an article page shows (add a ``where``)."""
    a, n = schema.articles, schema.analyses
    return (select(a, n.c.relevant, n.c.topics, n.c.sentiment, n.c.p_negative, n.c.entities, n.c.evidence,
                   n.c.story_id, n.c.model_version).select_from(a.outerjoin(n, n.c.article_id == a.c.id)))


def article_view(art: dict, doc: tuple | None, origin: dict | None) -> dict:
    """The article template's context from its row, its index ``(outlet, reach)`` and its story's origin."""
    art["outlet"], art["reach"] = doc if doc else (art["author"] or art["source"], 1)
    evidence = art["evidence"] or {}
    topics = [{"code": c, "label": topic_label(c),
               "terms": (evidence.get("topics", {}).get(c) or {}).get("terms", []),
               "sentences": (evidence.get("topics", {}).get(c) or {}).get("sentences", [])}
              for c in art["topics"] or []]
    marks = [(s, t["label"]) for t in topics for s in t["sentences"]]
    marks += [(s, "情感：" + SENTIMENTS.get(art["sentiment"], "")) for s in evidence.get("sentiment") or []]
    marks += [(s, "相关性") for s in (evidence.get("relevant") or {}).get("sentences", [])]
    entities = [(label, param, values) for key, (param, label) in ENTITIES.items()
                if (values := (art["entities"] or {}).get(key))]
    return {"a": art, "origin": origin if origin and origin["id"] != art["id"] else None, "topics": topics,
            "entities": entities,
            "paragraphs": [mark_evidence(p, marks) for p in (art["text"] or "").split("\n") if p.strip()],
            "sentiment_sentences": evidence.get("sentiment") or [],
            "title_html": mark_evidence(art["title"] or "（无标题）", marks)}


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class NotFound(Exception):
    pass


class BrowseApp:
    """``BrowseApp(engine, index_path, reports_dir, bind)`` is a WSGI application."""

    def __init__(self, engine: Engine, index_path: Path, reports_dir: Path | None = None, bind: str = ""):
        self.engine, self.index_path, self.bind = engine, Path(index_path), bind
        self.reports_dir = Path(reports_dir) if reports_dir else None
        self.columns = columns.Cache(self.index_path, queries.SORTS)
        self.fulltext = (partial(pgsearch.matching_ids, engine) if engine.dialect.name == "postgresql"
                         else None)  # PostgreSQL searches its own text; SQLite the index's FTS5
        self.env = environment(bind=bind, chip=chip)

    def warm(self) -> None:
        """Read the index's columns now, so that the first list is as fast as the rest."""
        with self._index() as index:
            self.columns.get(index)

    # --- plumbing ------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=False)
        try:
            if method not in ("GET", "HEAD"):
                status, headers, body = self._page("error.html", "405 Method Not Allowed",
                                                   message="本站只读（read-only）：只接受 GET 请求。")
                headers.append(("Allow", "GET, HEAD"))
            else:
                status, headers, body = self._route(path, params)
        except NotFound as exc:
            status, headers, body = self._page("error.html", "404 Not Found", message=f"没有找到：{exc}")
        except (FilterError, QueryError) as exc:
            status, headers, body = self._page("error.html", "400 Bad Request", message=f"参数有误：{exc}")
        headers += [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
        if not any(h[0] == "Content-Security-Policy" for h in headers):
            headers.append(("Content-Security-Policy", PAGE_CSP))
        start_response(status, headers)
        if method == "HEAD":
            return [b""]
        return body if isinstance(body, list) else [body]

    def _page(self, template: str, status: str = "200 OK", **context):
        html = self.env.get_template("browse-" + template + ".j2").render(**context)
        return status, [("Content-Type", "text/html; charset=utf-8")], html.encode("utf-8")

    def _index(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{quote(str(self.index_path.resolve()))}?mode=ro", uri=True)

    def _route(self, path: str, params: dict):
        if path == "/":
            return self.home()
        if path == "/articles":
            return self.articles(Filters.parse(params))
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
        if match and not match.group(3):
            return self.story(int(match.group(2)))
        if path.startswith("/reports/"):
            return self.report_file(path[len("/reports/"):])
        raise NotFound(path)

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

    def articles_csv(self, f: Filters):
        with self._index() as index:
            body = csv_bytes(queries.iter_all(index, f, self.fulltext))
        return "200 OK", [("Content-Type", "text/csv; charset=utf-8"),
                          ("Content-Disposition", 'attachment; filename="lendwatch-articles.csv"')], body

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
            row = conn.execute(select(p.c.body, p.c.encoding, p.c.content_type)
                               .select_from(a.join(p, p.c.id == a.c.page_id)).where(a.c.id == article_id)).first()
        if row is None:
            raise NotFound(f"文章 {article_id} 的快照")
        charset = row.encoding or "utf-8"
        kind = "text/html" if "html" in (row.content_type or "text/html") else "text/plain"
        return "200 OK", [("Content-Type", f"{kind}; charset={charset}"),
                          ("Content-Security-Policy", SNAPSHOT_CSP)], zlib.decompress(row.body)

    def story(self, story_id: int):
        f = Filters(story=story_id, sort="oldest")
        with self._index() as index:
            rows = list(queries.iter_all(index, f))
        if not rows:
            raise NotFound(f"报道事件 {story_id}")
        return self._page("story.html", story_id=story_id, rows=rows, f=f)

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


def link_figures(html: bytes) -> bytes:
    """A report's figures (``<span class="fig" data-browse="…"><a class="n" …>``) linked to their lists.

    The report file links each number to its appendix; served here, the number opens the
    filtered list ``/articles?…`` that its ``data-browse`` attribute names (same-site only).
    """
    return _link_figures(html, lambda query: "/articles?" + query)


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
