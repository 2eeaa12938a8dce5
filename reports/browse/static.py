"""The browsing site as static files (``lendwatch site``), publishable on any static host or from ``file://``.

Links are relative; each page carries its Content-Security-Policy in a ``<meta>``: no scripts,
except the search page's one script of our own, which reads titles and outlets from
``search-index.js`` and writes them as text. Fields are escaped as on the server and only
http(s) URLs become links. Snapshots are rewritten as UTF-8 behind a CSP that blocks scripts
and outside requests. The same database gives the same bytes; files whose bytes did not change
are left alone, and files an earlier export wrote that are no longer part of it are removed
(the export lists its files in ``.lendwatch-site``; a non-empty folder without it is refused).
"""

import hashlib
import json
import re
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote

from markupsafe import escape
from sqlalchemy import Engine, select

from lendwatch import atomic, schema
from lendwatch.vocabulary import SENTIMENTS, is_month, month_label, topic_label
from reports.browse import queries
from reports.browse.app import (REPORT_CSP, REPORT_NAME, article_query, article_view, base_tag, csv_bytes,
                                environment)
from reports.filters import LABELS, STORIES, Filters, link_figures

MANIFEST = ".lendwatch-site"
PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'"
SNAPSHOT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri http: https:"
LISTS = {kind: LABELS[kind] for kind in ("month", "topic", "source", "sentiment")}
TEMPLATES = Path(__file__).parent.parent / "templates"


class SiteError(Exception):
    """The export cannot be written where it was asked to go."""


@dataclass
class SiteSummary:
    files: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    bytes: int = 0
    articles: int = 0
    snapshots: int = 0
    snapshots_unreadable: int = 0
    list_pages: int = 0
    stories: int = 0
    reports: int = 0


def slug(value: str) -> str:
    """A file name for a list value: itself when plain ASCII, else a readable part and a hash."""
    plain = re.sub(r"[^A-Za-z0-9_-]+", "_", value).strip("_")[:60]
    return plain if plain == value else f"{plain or 'v'}-{hashlib.sha1(value.encode()).hexdigest()[:10]}"


class _Output:
    """Writes files under ``out`` when their bytes changed; removes what the last export wrote and this one did not."""

    def __init__(self, out: Path, summary: SiteSummary):
        self.out, self.summary, self.names = Path(out), summary, set()
        manifest = self.out / MANIFEST
        if self.out.exists() and not self.out.is_dir():
            raise SiteError(f"{self.out} is a file, not a folder")
        if self.out.is_dir() and any(self.out.iterdir()) and not manifest.is_file():
            raise SiteError(f"{self.out} is not empty and holds no earlier export ({MANIFEST}); "
                            "choose an empty or new folder")
        self.previous = set(manifest.read_text(encoding="utf-8").split("\n")) - {""} if manifest.is_file() else set()

    def write(self, name: str, data: bytes) -> None:
        path = self.out / name
        self.names.add(name)
        self.summary.files += 1
        self.summary.bytes += len(data)
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            self.summary.unchanged += 1
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, data)
        self.summary.written += 1

    def finish(self) -> None:
        for name in sorted(self.previous - self.names):
            path = self.out / name
            if not Path(name).is_absolute() and ".." not in Path(name).parts and path.is_file():
                path.unlink()
                self.summary.removed += 1
        atomic.write_text(self.out / MANIFEST, "".join(n + "\n" for n in sorted(self.names)))


def _filters(kind: str, value: str) -> Filters:
    if kind == "topic":
        return Filters(tags=(("topic", value),))
    return Filters(**{kind: value})


def _list_values(index: sqlite3.Connection) -> dict[str, list[str]]:
    months = [m for (m,) in index.execute("SELECT DISTINCT substr(published_at, 1, 7) FROM docs "
                                          "WHERE published_at IS NOT NULL ORDER BY 1 DESC") if is_month(m)]
    column = lambda sql: [v for (v,) in index.execute(sql) if v]  # noqa: E731
    return {"month": months,
            "topic": column("SELECT DISTINCT value FROM tags WHERE kind = 'topic' ORDER BY 1"),
            "source": column("SELECT DISTINCT source FROM docs ORDER BY 1"),
            "sentiment": column("SELECT DISTINCT sentiment FROM docs ORDER BY 1")}


def snapshot_page(body: bytes, encoding: str | None, content_type: str | None, url: str | None = None) -> bytes:
    """A stored raw page as a UTF-8 file that runs no script and fetches nothing (CSP first thing in it);
    its relative links lead to the original site (a ``<base>`` of its http(s) ``url``)."""
    try:
        text = body.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    if "html" not in (content_type or "text/html"):
        text = f"<pre>{escape(text)}</pre>"
    head = (f'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{SNAPSHOT_CSP}">'
            f'{base_tag(url)}\n')
    return (head + text).encode("utf-8", errors="replace")


def static_figures(html: bytes, lists: dict[tuple[str, str], str]) -> bytes:
    """A report's figures linked to the static list of exactly their filter, else left on their appendix."""
    def target(query: str) -> str | None:
        if query.startswith(STORIES):
            return None  # no static list of stories by month
        params = parse_qs(query)
        if len(params) == 1:
            (kind, values), = params.items()
            path = lists.get((kind, values[0])) if len(values) == 1 else None
            if path:
                return "../" + path
        return None
    return link_figures(html, target)


def _report_with_csp(html: bytes) -> bytes:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}">'.encode()
    return html.replace(b"<head>", b"<head>\n" + meta, 1)


def build(engine: Engine, index_path: Path, out: Path, reports_dir: Path | None = None,
          snapshots: bool = True) -> SiteSummary:
    """Write the static site for the database (``engine``) and its up-to-date search index into ``out``."""
    summary = SiteSummary()
    output = _Output(out, summary)
    index = sqlite3.connect(f"file:{quote(str(Path(index_path).resolve()))}?mode=ro", uri=True)
    try:
        total = index.execute("SELECT count(*) FROM docs").fetchone()[0]
        values = _list_values(index)
        paths = {(kind, v): f"{kind}/{slug(v)}.html" for kind, vs in values.items() for v in vs}
        env = environment(csp=PAGE_CSP, total=total, page_size=queries.PAGE_SIZE,
                          list_path=lambda kind, value: paths.get((kind, value)))

        def render(name: str, template: str, **context) -> None:
            root = "../" * name.count("/")
            output.write(name, env.get_template(f"browse-static-{template}.html.j2")
                         .render(root=root, **context).encode("utf-8"))

        counts = {kind: [] for kind in LISTS}
        for (kind, value), path in paths.items():
            counts[kind].append((value, _write_list(render, output, index, kind, value, path, summary)))
        counts["topic"].sort(key=lambda vc: (-vc[1], vc[0]))
        counts["source"].sort(key=lambda vc: (-vc[1], vc[0]))
        months = index.execute("SELECT substr(published_at, 1, 7) AS m, count(*), sum(relevant) FROM docs "
                               "GROUP BY 1 HAVING m IS NOT NULL ORDER BY 1 DESC").fetchall()
        months = [m for m in months if ("month", m[0]) in paths]
        undated = index.execute("SELECT count(*) FROM docs WHERE published_at IS NULL").fetchone()[0]

        docs, stories, origins = {}, {}, {}
        for row in queries.iter_all(index, Filters(sort="oldest")):
            docs[row["id"]] = (row["outlet"], row["reach"])
            origins.setdefault(row["story_id"], row)
            if row["reach"] > 1:
                stories.setdefault(row["story_id"], []).append(row)
        for story_id, rows in sorted(stories.items()):
            render(f"story/{story_id}.html", "story", story_id=story_id, rows=rows)
            output.write(f"story/{story_id}.csv", csv_bytes(rows))
            summary.stories += 1

        stored = _write_snapshots(engine, output, summary) if snapshots else set()
        with engine.connect() as conn:
            result = conn.execution_options(yield_per=500).execute(article_query().order_by(schema.articles.c.id))
            for record in result:
                art = dict(record._mapping)
                view = article_view(art, docs.get(art["id"]), origins.get(art["story_id"]))
                render(f"article/{art['id']}.html", "article", snapshot=art["id"] in stored, **view)
                summary.articles += 1
        del docs, origins, stories

        search_rows = [[r["id"], (r["published_at"] or "")[:10], r["title"] or "", r["outlet"] or ""]
                       for r in queries.iter_all(index, Filters())]
        output.write("search-index.js", ("window.LENDWATCH_INDEX = " + json.dumps(
            search_rows, ensure_ascii=False, separators=(",", ":")) + ";\n").encode("utf-8"))
        del search_rows
    finally:
        index.close()

    reports = _write_reports(output, reports_dir, paths, summary)
    render("index.html", "home", months=months, undated=undated, lists=counts, reports=reports)
    render("search.html", "search")
    output.write("browse.css", (TEMPLATES / "browse.css").read_bytes())
    output.write("search.js", (TEMPLATES / "browse-search.js").read_bytes())
    output.finish()
    return summary


def _write_list(render, output: _Output, index, kind: str, value: str, path: str, summary: SiteSummary) -> int:
    """A list's pages (``X.html``, ``X.2.html``, …) and CSV (``X.csv``); returns its article count."""
    rows = list(queries.iter_all(index, _filters(kind, value)))
    size = queries.PAGE_SIZE
    pages = max(1, -(-len(rows) // size))
    stem = path.removesuffix(".html")
    page_name = lambda n: Path(stem).name + (".html" if n == 1 else f".{n}.html")  # noqa: E731
    shown = {"topic": topic_label, "sentiment": lambda v: SENTIMENTS.get(v, v), "month": month_label}.get(
        kind, str)(value)
    for n in range(1, pages + 1):
        render(f"{stem}.html" if n == 1 else f"{stem}.{n}.html", "list", heading=f"{LISTS[kind]}：{shown}",
               rows=rows[(n - 1) * size:n * size], count=len(rows), page=n, pages=pages, page_name=page_name,
               csv=Path(stem).name + ".csv")
        summary.list_pages += 1
    output.write(f"{stem}.csv", csv_bytes(rows))
    return len(rows)


def _write_snapshots(engine: Engine, output: _Output, summary: SiteSummary) -> set[int]:
    a, p = schema.articles, schema.pages
    stored = set()
    query = (select(a.c.id, a.c.url, p.c.body, p.c.encoding, p.c.content_type)
             .select_from(a.join(p, p.c.id == a.c.page_id)).order_by(a.c.id))
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=200).execute(query):
            try:
                body = zlib.decompress(row.body)
            except zlib.error:
                summary.snapshots_unreadable += 1  # its article page says the snapshot is not exported
                continue
            output.write(f"article/{row.id}.snapshot.html", snapshot_page(body, row.encoding, row.content_type, row.url))
            stored.add(row.id)
            summary.snapshots += 1
    return stored


def _write_reports(output: _Output, reports_dir: Path | None, paths: dict, summary: SiteSummary) -> list[str]:
    """Copy the monthly reports (HTML and their figure files) with figures linked to the static lists."""
    if not reports_dir or not Path(reports_dir).is_dir():
        return []
    names = sorted((p.name for p in Path(reports_dir).glob("report-*.html") if REPORT_NAME.fullmatch(p.name)),
                   reverse=True)
    for name in names:
        html = (Path(reports_dir) / name).read_bytes()
        output.write(f"reports/{name}", _report_with_csp(static_figures(html, paths)))
        files = Path(reports_dir) / name.replace(".html", "-files")
        for path in sorted(files.glob("*")) if files.is_dir() else []:
            if REPORT_NAME.fullmatch(f"{files.name}/{path.name}"):
                output.write(f"reports/{files.name}/{path.name}", path.read_bytes())
        summary.reports += 1
    return names
