"""Articles with their analysis, stories and complaints, as rows: ``lendwatch export`` and the pandas
API (:mod:`lendwatch.frames`) read them here."""

from sqlalchemy import Engine, func, select

from lendwatch import display, schema
from reports.tables import ARTICLE_COLUMNS

EXPORT_COLUMNS = ARTICLE_COLUMNS + ("date_source", "author", "entities", "model_version", "text")
COMPLAINT_COLUMNS = ("id", "platform", "outlet", "complaint_id", "company", "issue", "appeal", "amount", "status",
                     "filed_at", "title", "title_display", "url")


def article_rows(engine: Engine, month: str | None = None, since: str | None = None, until: str | None = None,
                 relevant: bool | None = None, source: str | None = None, text: bool = True):
    """One dict per article (``EXPORT_COLUMNS``; analysis keys None until analysed), oldest first.

    ``month`` is ``YYYY-MM``; ``since``/``until`` are dates ``YYYY-MM-DD`` (inclusive); ``relevant``
    True keeps the relevant articles, False the others; ``text`` False leaves the text out.
    """
    a, n, c = schema.articles, schema.analyses, schema.complaints
    columns = [a.c.id, a.c.published_at, a.c.source, a.c.title, a.c.url, a.c.date_source, a.c.author, a.c.extra,
               c.c.platform, n.c.relevant, n.c.topics, n.c.sentiment, n.c.p_negative, n.c.story_id, n.c.entities,
               n.c.model_version]
    query = (select(*columns, *([a.c.text] if text else []))
             .select_from(a.outerjoin(n, n.c.article_id == a.c.id).outerjoin(c, c.c.article_id == a.c.id))
             .order_by(a.c.published_at, a.c.id))
    if month:
        query = query.where(a.c.published_at.like(f"{month}%"))
    if since:
        query = query.where(a.c.published_at >= since)
    if until:
        query = query.where(func.substr(a.c.published_at, 1, 10) <= until)
    if relevant is not None:
        query = query.where(n.c.relevant.is_(bool(relevant)))
    if source:
        query = query.where(a.c.source == source)
    with engine.connect() as conn:
        for record in conn.execute(query):
            row = dict(record._mapping)
            row["outlet"] = display.outlet_name(row)
            row["title_display"] = display.title(row["title"], row["outlet"])
            row.pop("extra"), row.pop("platform")
            if row["relevant"] is not None:
                row["relevant"] = bool(row["relevant"])
            yield {k: row.get(k) for k in EXPORT_COLUMNS if text or k != "text"}


def complaint_rows(engine: Engine):
    """One dict per complaint record (``COMPLAINT_COLUMNS``; ``id`` is its article's), by filing time."""
    a, c = schema.articles, schema.complaints
    when = func.coalesce(c.c.filed_at, a.c.published_at)
    query = (select(c.c.article_id.label("id"), c.c.platform, c.c.complaint_id, c.c.company, c.c.issue,
                    c.c.appeal, c.c.amount, c.c.status, when.label("filed_at"), a.c.title, a.c.url)
             .select_from(c.join(a, a.c.id == c.c.article_id)).order_by(when, c.c.article_id))
    with engine.connect() as conn:
        for record in conn.execute(query):
            row = dict(record._mapping)
            row["outlet"] = display.outlet_name(row)
            row["title_display"] = display.title(row["title"], row["outlet"])
            yield {k: row[k] for k in COMPLAINT_COLUMNS}
