"""Queries for the monthly report: database rows in, plain dicts and lists out.

SQLAlchemy Core only, with string comparisons on ``published_at`` (ISO-8601 in
Asia/Shanghai), so the same code runs on SQLite and PostgreSQL. Counting over many
months is done in SQL; only one month's rows (and short text prefixes) reach Python.
"""

from urllib.parse import urlsplit

from sqlalchemy import Engine, String, and_, case, cast, func, select

from lendwatch import display, schema
from lendwatch.vocabulary import month_span, shift_month

SAMPLE_HOSTS = {"127.0.0.1", "localhost", "::1"}
LEAD_CHARS = 400  # enough for a lead paragraph: what happened, and the words of the month


def _range(first: str, last: str | None = None) -> tuple[str, str]:
    """Lower (inclusive) and upper (exclusive) ``published_at`` bounds of months first..last."""
    return f"{first}-01", f"{shift_month(last or first, 1)}-01"


def outlet(row: dict) -> str:
    """The outlet (媒体名) of an article row, in display form (:func:`lendwatch.display.outlet_name`)."""
    return display.outlet_name(row)


def is_sample(row: dict) -> bool:
    """Whether an article row comes from the sample site (``extra.sample`` or a loopback host)."""
    extra = row.get("extra") or {}
    if isinstance(extra, dict) and extra.get("sample"):
        return True
    return (urlsplit(row["url"]).hostname or "") in SAMPLE_HOSTS


def month_articles(engine: Engine, month: str, detail: bool = True) -> list[dict]:
    """Every article published in ``month`` with its analysis (``analysed`` False when none).

    ``detail`` adds entities, evidence and the first characters of the text (``lead``).
    Sorted by publication time then id, so every later step is deterministic.
    """
    a, n, c = schema.articles, schema.analyses, schema.complaints
    low, high = _range(month)
    columns = [a.c.id, a.c.url, a.c.source, a.c.title, a.c.published_at, a.c.author, a.c.extra, c.c.platform,
               n.c.article_id, n.c.model_version, n.c.lexicon_version, n.c.relevant, n.c.topics,
               n.c.sentiment, n.c.p_negative, n.c.story_id]
    if detail:
        columns += [n.c.entities, n.c.evidence, func.substr(a.c.text, 1, LEAD_CHARS).label("lead")]
    query = (select(*columns).select_from(a.outerjoin(n, n.c.article_id == a.c.id)
                                          .outerjoin(c, c.c.article_id == a.c.id))
             .where(a.c.published_at >= low, a.c.published_at < high)
             .order_by(a.c.published_at, a.c.id))
    rows = []
    with engine.connect() as conn:
        for record in conn.execute(query):
            row = dict(record._mapping)
            analysed = row.pop("article_id") is not None
            row.update(
                analysed=analysed,
                relevant=bool(row["relevant"]) if analysed else False,
                topics=list(row["topics"] or []),
                entities=dict(row.get("entities") or {}),
                evidence=dict(row.get("evidence") or {}),
                extra=row["extra"] if isinstance(row["extra"], dict) else {},
                lead=row.get("lead") or "",
                p_negative=float(row["p_negative"]) if analysed else None,
                story_id=row["story_id"] if row["story_id"] is not None else row["id"],
                title_original=row["title"] or "",
                date=row["published_at"][:10],
            )
            row["outlet"] = outlet(row)
            row["title"] = display.title(row["title"], row["outlet"])
            row["sample"] = is_sample(row)
            rows.append(row)
    return rows


def relevant_leads(engine: Engine, month: str, chars: int, stride: int = 1) -> list[dict]:
    """Id, title and first ``chars`` characters of the relevant articles of ``month`` (for word counts),
    in display form (Simplified, no pinyin glosses).

    ``stride`` > 1 keeps only the articles whose id is a multiple of it (a deterministic sample).
    """
    a, n = schema.articles, schema.analyses
    low, high = _range(month)
    query = (select(a.c.id, a.c.title, func.substr(a.c.text, 1, chars).label("lead"))
             .select_from(a.join(n, n.c.article_id == a.c.id))
             .where(a.c.published_at >= low, a.c.published_at < high, n.c.relevant.is_(True))
             .order_by(a.c.id))
    if stride > 1:
        query = query.where(a.c.id % stride == 0)
    with engine.connect() as conn:
        return [dict(r._mapping, title=display.title(r.title), lead=display.text(r.lead), month=month)
                for r in conn.execute(query)]


def texts(engine: Engine, ids: list[int]) -> dict[int, str]:
    """Full texts of a few articles, by id."""
    if not ids:
        return {}
    a = schema.articles
    with engine.connect() as conn:
        return {i: t for i, t in conn.execute(select(a.c.id, a.c.text).where(a.c.id.in_(sorted(set(ids)))))}


def rules_with_dates(engine: Engine, first: str, last: str) -> list[dict]:
    """Relevant ``regulation`` articles of months first..last whose text may name a start date (…日起…)."""
    a, n = schema.articles, schema.analyses
    low, high = _range(first, last)
    query = (select(a.c.id, a.c.url, a.c.title, a.c.published_at, a.c.extra, a.c.text, n.c.story_id)
             .select_from(a.join(n, n.c.article_id == a.c.id))
             .where(a.c.published_at >= low, a.c.published_at < high, n.c.relevant.is_(True),
                    cast(n.c.topics, String).like('%"regulation"%'),
                    a.c.text.like("%日起%"))  # one cheap filter; reports.policy reads the dates
             .order_by(a.c.published_at, a.c.id))
    with engine.connect() as conn:
        return [dict(r._mapping, title=display.title(r.title)) for r in conn.execute(query)]


def monthly_counts(engine: Engine, first: str, last: str) -> dict[str, dict]:
    """Per month of first..last: articles, relevant, negative (relevant) and distinct stories."""
    a, n = schema.articles, schema.analyses
    low, high = _range(first, last)
    month = func.substr(a.c.published_at, 1, 7).label("month")
    relevant = n.c.relevant.is_(True)
    query = (select(month, func.count(a.c.id),
                    func.sum(case((relevant, 1), else_=0)),
                    func.sum(case((and_(relevant, n.c.sentiment == "negative"), 1), else_=0)),
                    func.count(func.distinct(case((relevant, func.coalesce(n.c.story_id, a.c.id))))))
             .select_from(a.outerjoin(n, n.c.article_id == a.c.id))
             .where(a.c.published_at >= low, a.c.published_at < high)
             .group_by(month))
    with engine.connect() as conn:
        found = {m: {"total": t, "relevant": r or 0, "negative": g or 0, "stories": s or 0}
                 for m, t, r, g, s in conn.execute(query)}
    empty = {"total": 0, "relevant": 0, "negative": 0, "stories": 0}
    return {m: dict(found.get(m, empty), month=m) for m in month_span(first, last)}


def month_topics(engine: Engine, first: str, last: str) -> dict[str, list[list[str]]]:
    """The topic lists of relevant articles, per month of first..last (for month-on-month trends)."""
    a, n = schema.articles, schema.analyses
    low, high = _range(first, last)
    query = (select(func.substr(a.c.published_at, 1, 7), n.c.topics)
             .select_from(a.join(n, n.c.article_id == a.c.id))
             .where(a.c.published_at >= low, a.c.published_at < high, n.c.relevant.is_(True)))
    out: dict[str, list[list[str]]] = {m: [] for m in month_span(first, last)}
    with engine.connect() as conn:
        for month, topics in conn.execute(query):
            out[month].append(list(topics or []))
    return out


def month_complaints(engine: Engine, month: str) -> list[dict]:
    """Complaint records filed in ``month`` (by ``filed_at``, else the article's publication time);
    ``outlet`` is the platform's name (黑猫投诉)."""
    a, c = schema.articles, schema.complaints
    low, high = _range(month)
    when = func.coalesce(c.c.filed_at, a.c.published_at)
    query = (select(c.c.article_id.label("id"), c.c.platform, c.c.complaint_id, c.c.company, c.c.issue,
                    c.c.appeal, c.c.amount, c.c.status, when.label("filed_at"), a.c.url, a.c.title)
             .select_from(c.join(a, a.c.id == c.c.article_id))
             .where(when >= low, when < high)
             .order_by(when, c.c.article_id))
    with engine.connect() as conn:
        return [dict(r._mapping, outlet=display.outlet_name(r._mapping)) for r in conn.execute(query)]


def source_catalogue(engine: Engine) -> list[dict]:
    """Every source: kind, URL, articles stored in all, and the first and last publication time."""
    a, s = schema.articles, schema.sources
    counts = (select(a.c.source, func.count(a.c.id).label("articles"),
                     func.min(a.c.published_at).label("first"), func.max(a.c.published_at).label("last"))
              .group_by(a.c.source).subquery())
    with engine.connect() as conn:
        known = {r.name: dict(kind=r.kind, url=r.url) for r in conn.execute(select(s.c.name, s.c.kind, s.c.url))}
        rows = {r.source: dict(r._mapping) for r in conn.execute(select(counts))}
    names = sorted(set(known) | set(rows))
    return [{"source": name, "kind": known.get(name, {}).get("kind", "—"), "url": known.get(name, {}).get("url", ""),
             "articles": rows.get(name, {}).get("articles", 0),
             "first": (rows.get(name, {}).get("first") or "")[:10],
             "last": (rows.get(name, {}).get("last") or "")[:10]} for name in names]


def snapshot(engine: Engine) -> dict:
    """What the database held when the report was built (deterministic for a given database)."""
    a, n, c, runs = schema.articles, schema.analyses, schema.complaints, schema.crawl_runs
    with engine.connect() as conn:
        articles, first, last = conn.execute(
            select(func.count(a.c.id), func.min(a.c.published_at), func.max(a.c.published_at))).one()
        undated = conn.execute(
            select(func.count(a.c.id)).where(a.c.published_at.is_(None))).scalar()
        analyses, analysed_last = conn.execute(
            select(func.count(n.c.article_id), func.max(n.c.analyzed_at))).one()
        complaints = conn.execute(select(func.count(c.c.article_id))).scalar()
        crawls, crawled_last = conn.execute(
            select(func.count(runs.c.id), func.max(func.coalesce(runs.c.finished_at, runs.c.started_at)))).one()
    return {
        "articles": articles or 0,
        "undated": undated or 0,
        "first_published": first,
        "last_published": last,
        "analyses": analyses or 0,
        "last_analyzed": analysed_last,
        "complaints": complaints or 0,
        "crawls": crawls or 0,
        "last_crawl": crawled_last,
    }


def model_confusion(engine: Engine) -> tuple[dict[str, list[int]], str]:
    """The recorded models' confusion counts (class → ``[tp, fn, fp, tn]``, :mod:`analysis.confusion`)
    and the note of where they were measured; empty when no model recorded them."""
    t = schema.models
    with engine.connect() as conn:
        found = conn.execute(select(t.c.metrics).order_by(t.c.name)).scalars().all()
    confusion, measured_on = {}, ""
    for metrics in found:
        if isinstance(metrics, dict) and isinstance(metrics.get("confusion"), dict):
            confusion |= metrics["confusion"]
            measured_on = metrics.get("confusion_on") or measured_on
    return confusion, measured_on
