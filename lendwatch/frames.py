"""The database as pandas DataFrames: ``lendwatch.open(db)`` and its tables.

    import lendwatch
    desk = lendwatch.open("lendwatch.db")
    sept = desk.articles(month="2024-09", relevant=True)
    sept.sentiment.value_counts(normalize=True)

Columns are typed: ``published_at`` tz-aware (Asia/Shanghai), ``sentiment`` categorical (negative,
neutral, positive), ``topics`` and each entity kind (``lenders``, ``regulators``, …) lists,
``relevant`` a nullable boolean (missing until analysed). Rows follow the CSV/JSON Lines convention
of :mod:`reports.tables` (``id``, ``outlet``, ``title`` as published and ``title_display``).
"""

import pandas as pd
from sqlalchemy import Engine, select

from lendwatch import db as database
from lendwatch import schema
from lendwatch.records import SHANGHAI
from lendwatch.vocabulary import ENTITIES, SENTIMENTS
from reports.export import COMPLAINT_COLUMNS, EXPORT_COLUMNS, article_rows, complaint_rows

SENTIMENT_TYPE = pd.CategoricalDtype(list(SENTIMENTS), ordered=False)


def _times(values: pd.Series) -> pd.Series:
    """ISO-8601 strings with offsets → tz-aware Asia/Shanghai timestamps (NaT where missing)."""
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_convert(SHANGHAI.key)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Types of the columns an article or analysis frame may hold."""
    if "published_at" in frame:
        frame["published_at"] = _times(frame["published_at"])
    if "analyzed_at" in frame:
        frame["analyzed_at"] = _times(frame["analyzed_at"])
    if "sentiment" in frame:
        frame["sentiment"] = frame["sentiment"].astype(SENTIMENT_TYPE)
    if "relevant" in frame:
        frame["relevant"] = frame["relevant"].astype("boolean")
    if "topics" in frame:
        frame["topics"] = [list(t) if isinstance(t, list) else [] for t in frame["topics"]]
    if "entities" in frame:
        found = [e if isinstance(e, dict) else {} for e in frame.pop("entities")]
        for key in ENTITIES:
            frame[key] = [list(e.get(key) or []) for e in found]
    for column in ("story_id", "id", "article_id"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    if "p_negative" in frame:
        frame["p_negative"] = frame["p_negative"].astype("float64")
    return frame


class Desk:
    """A read-only database, table by table, as DataFrames (see the module docstring)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def articles(self, month: str | None = None, since: str | None = None, until: str | None = None,
                 relevant: bool | None = None, source: str | None = None, text: bool = False) -> pd.DataFrame:
        """Articles with their analysis, oldest first; ``since``/``until`` are dates (inclusive)."""
        rows = list(article_rows(self.engine, month, since, until, relevant, source, text=text))
        columns = [c for c in EXPORT_COLUMNS if text or c != "text"]
        return _typed(pd.DataFrame.from_records(rows, columns=columns))

    def stories(self, **filters) -> pd.DataFrame:
        """One row per story among ``articles(**filters)``: its first article's title and outlet, its
        size, first and last publication time, outlets and topics; largest first."""
        arts = self.articles(**filters)
        arts["story_id"] = arts["story_id"].fillna(arts["id"])
        arts["negative"] = (arts["sentiment"] == "negative").astype("int64")
        groups = arts.groupby("story_id", sort=False)
        frame = groups.agg(articles=("id", "size"), first_published=("published_at", "min"),
                           last_published=("published_at", "max"), negative=("negative", "sum"),
                           outlets=("outlet", lambda s: sorted(set(s))),
                           topics=("topics", lambda s: sorted({t for ts in s for t in ts})))
        first = groups[["title_display", "outlet"]].nth(0).set_index(arts.loc[groups.head(1).index, "story_id"])
        frame = first.join(frame).rename_axis("story_id").reset_index()
        frame = frame.astype({"story_id": "Int64", "articles": "int64"})
        columns = ["story_id", "title_display", "outlet", "articles", "first_published", "last_published",
                   "outlets", "topics", "negative"]
        return frame[columns].sort_values(["articles", "first_published"], ascending=[False, True], ignore_index=True)

    def complaints(self) -> pd.DataFrame:
        """Complaint records (``id`` is the article's; ``outlet`` the platform), by filing time."""
        frame = pd.DataFrame.from_records(list(complaint_rows(self.engine)), columns=COMPLAINT_COLUMNS)
        frame["filed_at"] = _times(frame["filed_at"])
        frame["amount"] = frame["amount"].astype("float64")
        return frame.astype({"id": "Int64"})

    def analyses(self) -> pd.DataFrame:
        """The analyses table as stored (one row per analysed article, ``id`` its article's)."""
        n = schema.analyses
        query = select(n.c.article_id.label("id"), n.c.model_version, n.c.lexicon_version, n.c.relevant,
                       n.c.topics, n.c.sentiment, n.c.p_negative, n.c.entities, n.c.story_id,
                       n.c.analyzed_at).order_by(n.c.article_id)
        with self.engine.connect() as conn:
            frame = pd.DataFrame.from_records([dict(r._mapping) for r in conn.execute(query)],
                                              columns=[c.name for c in query.selected_columns])
        return _typed(frame)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()


def open(db: str | None = None) -> Desk:  # noqa: A001 - the documented name, lendwatch.open
    """Open the database (a path or SQLAlchemy URL; default ``LENDWATCH_DB`` or ./lendwatch.db) read-only."""
    return Desk(database.read_only(db))
