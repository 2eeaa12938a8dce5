"""The database schema: every table the stages share, in SQLAlchemy Core.

The tables as the newest migration (``lendwatch/migrations/versions/``) leaves them; a change
here goes with a revision there (a test compares the two).
Tables in ``POSTGRESQL_ONLY`` exist on PostgreSQL alone (SQLite's search is the browse index file).
Times are ISO-8601 strings with an offset: ``published_at`` in Asia/Shanghai
(so a prefix such as ``2024-09`` selects a local month), system times in UTC.
"""

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    JSON,
)
from sqlalchemy.dialects.postgresql import ARRAY

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("url", Text, nullable=False),
    Column("config", JSON, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

crawl_runs = Table(
    "crawl_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("status", String(20), nullable=False),
    Column("sources", JSON, nullable=False),
    Column("counts", JSON, nullable=False),
)

pages = Table(
    "pages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("source", String(100), nullable=False, index=True),
    Column("run_id", Integer, ForeignKey("crawl_runs.id")),
    Column("fetched_at", String(40), nullable=False),
    Column("status", Integer, nullable=False),
    Column("content_type", String(200)),
    Column("content_hash", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("encoding", String(40)),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("source", String(100), nullable=False, index=True),
    Column("page_id", Integer, ForeignKey("pages.id")),
    Column("title", Text),
    Column("published_at", String(40), index=True),
    Column("author", Text),
    Column("text", Text, nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("extraction_version", String(40), nullable=False),
    Column("first_seen_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("extra", JSON),
    # where published_at came from: feed, sitemap, jsonld, meta, script, byline, url, relative, none
    Column("date_source", String(20)),
)

analyses = Table(
    "analyses",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("model_version", String(80), nullable=False),
    Column("lexicon_version", String(80), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("relevant", Boolean, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("sentiment", String(10), nullable=False),
    Column("p_negative", Float, nullable=False),
    Column("entities", JSON, nullable=False),
    Column("evidence", JSON),
    Column("minhash", LargeBinary),
    Column("story_id", Integer, index=True),
    Column("analyzed_at", String(40), nullable=False),
)

complaints = Table(
    "complaints",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("platform", String(40), nullable=False),
    Column("complaint_id", String(80), nullable=False),
    Column("company", Text),
    Column("issue", Text),
    Column("appeal", Text),
    Column("amount", Float),
    Column("status", String(40)),
    Column("filed_at", String(40)),
    Column("timeline", JSON, nullable=False),
    UniqueConstraint("platform", "complaint_id"),
)

models = Table(
    "models",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("version", String(80), nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("measured_on", Text),
    Column("recorded_at", String(40), nullable=False),
)

# --- PostgreSQL's search (lendwatch.searchtext): written with the article, in its transaction ------
article_search = Table(
    "article_search",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("stream", Text, nullable=False),  # title and text as search tokens, space-separated
    Column("lexemes", ARRAY(Text), nullable=False),  # every token and pair of neighbours, GIN-indexed
    Index("article_search_lexemes", "lexemes", postgresql_using="gin"),
)
POSTGRESQL_ONLY = {"article_search"}

# --- what each saved alert has seen and sent -----------------------------
alert_stories = Table(
    "alert_stories",
    metadata,
    Column("alert", String(200), primary_key=True),
    Column("story_id", Integer, primary_key=True),
    Column("seen_at", String(40), nullable=False),  # UTC, when a run first found the story
    Column("sent_at", String(40)),  # UTC, when its digest went out; NULL: not sent (yet)
    Column("baseline", Boolean, nullable=False, default=False),  # there before the alert's first run: never sent
)

# --- list pages' validators ----------------------------------------------------
list_validators = Table(
    "list_validators",  # a list page's ETag / Last-Modified, sent back so an unchanged list costs a 304
    metadata,
    Column("url", String(2000), primary_key=True),
    Column("source", String(100), nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("seen_at", String(40), nullable=False),
)
