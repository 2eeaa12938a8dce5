"""The search index: its own SQLite file, built from the database and brought up to date incrementally.

The database stays untouched (the site opens it read-only). The index holds, per article, the
fields lists filter and sort on (``docs``), its topics and entities (``tags``), the size of its
story (``reach``) and a contentless FTS5 table over the spaced-out title and text. New articles
are added; when an indexed article's text changed or it disappeared, or the index was written by
another version, the full-text part is rebuilt (contentless FTS5 cannot delete a row without its
old text); for a PostgreSQL database it is left empty (PostgreSQL searches its own text:
:mod:`reports.browse.pgsearch`). Titles and texts are indexed in their search form (Simplified, pinyin glosses out);
lists show the originals. ``stories`` holds each story's size, outlets and first and last
publication time, for the lists by story.
"""

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from lendwatch import display, schema
from lendwatch.searchtext import spaced
from lendwatch.vocabulary import ENTITIES
from reports.data import is_sample, outlet

INDEX_VERSION = "4"  # 3: full text in search form (Simplified, glosses out), punctuation a barrier; 4: title_original
BATCH = 500

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, published_at TEXT, source TEXT, outlet TEXT, title TEXT, title_original TEXT, url TEXT,
    analysed INTEGER, relevant INTEGER, topics TEXT, sentiment TEXT, p_negative REAL,
    story_id INTEGER, reach INTEGER, sample INTEGER, text_hash TEXT, stamp TEXT);
CREATE INDEX IF NOT EXISTS docs_date ON docs (published_at, id);
CREATE INDEX IF NOT EXISTS docs_source ON docs (source);
CREATE INDEX IF NOT EXISTS docs_outlet ON docs (outlet);
CREATE INDEX IF NOT EXISTS docs_story ON docs (story_id);
CREATE INDEX IF NOT EXISTS docs_reach ON docs (reach, published_at);
CREATE TABLE IF NOT EXISTS tags (kind TEXT, value TEXT, article_id INTEGER);
CREATE INDEX IF NOT EXISTS tags_value ON tags (kind, value, article_id);
CREATE INDEX IF NOT EXISTS tags_article ON tags (article_id, kind, value);
CREATE TABLE IF NOT EXISTS stories (
    story_id INTEGER PRIMARY KEY, articles INTEGER, outlets INTEGER, first TEXT, last TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, content='', tokenize='unicode61');
"""


@dataclass
class IndexSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    fulltext_rebuilt: bool = False


def default_path(db_url: str) -> Path:
    """``DIR/NAME.db`` → ``DIR/NAME.browse.sqlite``; non-file databases → ./lendwatch.browse.sqlite."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        return path.with_name(path.stem + ".browse.sqlite")
    return Path("lendwatch.browse.sqlite")


def _rows(engine: Engine):
    """Every article's listing fields and analysis (no text), as index rows."""
    a, n, c = schema.articles, schema.analyses, schema.complaints
    query = (select(a.c.id, a.c.url, a.c.source, a.c.title, a.c.published_at, a.c.author, a.c.extra,
                    a.c.text_hash, c.c.platform, n.c.article_id, n.c.relevant, n.c.topics, n.c.sentiment,
                    n.c.p_negative, n.c.entities, n.c.story_id, n.c.analyzed_at)
             .select_from(a.outerjoin(n, n.c.article_id == a.c.id).outerjoin(c, c.c.article_id == a.c.id)))
    with engine.connect() as conn:
        for record in conn.execute(query):
            row = dict(record._mapping)
            analysed = row["article_id"] is not None
            topics = list(row["topics"] or []) if analysed else []
            name = outlet(row)
            doc = {
                "id": row["id"], "published_at": row["published_at"], "source": row["source"],
                "outlet": name, "title": display.title(row["title"], name),
                "title_original": (row["title"] or "").strip(), "url": row["url"],
                "analysed": int(analysed), "relevant": int(bool(row["relevant"])), "topics": " ".join(topics),
                "sentiment": row["sentiment"], "p_negative": row["p_negative"],
                "story_id": row["story_id"] if row["story_id"] is not None else row["id"],
                "sample": int(is_sample(row)), "text_hash": row["text_hash"],
            }
            doc["stamp"] = json.dumps([doc["title"], doc["published_at"], doc["url"], doc["outlet"],
                                       row["analyzed_at"], doc["story_id"], INDEX_VERSION])
            tags = [("topic", t) for t in topics]
            for key, (kind, _label) in ENTITIES.items():
                tags += [(kind, str(v).strip()) for v in dict(row["entities"] or {}).get(key, []) if str(v).strip()]
            yield doc, list(dict.fromkeys(tags))


def _texts(engine: Engine, ids: list[int]) -> dict[int, tuple[str, str]]:
    a = schema.articles
    with engine.connect() as conn:
        return {r.id: (r.title or "", r.text or "")
                for r in conn.execute(select(a.c.id, a.c.title, a.c.text).where(a.c.id.in_(ids)))}


def _add_fulltext(index: sqlite3.Connection, engine: Engine, ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        texts = _texts(engine, chunk)
        index.executemany("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                          [(i, spaced(t), spaced(b)) for i, (t, b) in texts.items()])


def _version(index: sqlite3.Connection) -> str | None:
    """The index file's ``INDEX_VERSION`` (None for a new file)."""
    if not index.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
        return None
    found = index.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    return found[0] if found else "1"


def update(engine: Engine, path: Path) -> IndexSummary:
    """Bring the index file at ``path`` up to date with the database; return what changed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = IndexSummary()
    index = sqlite3.connect(path)
    try:
        if _version(index) not in (None, INDEX_VERSION):  # another layout: built again from scratch
            index.executescript("DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS tags; DROP TABLE IF EXISTS fts; "
                                "DROP TABLE IF EXISTS stories;")
        index.executescript(_DDL)
        known = dict(index.execute("SELECT id, stamp || '|' || text_hash FROM docs"))
        known_text = dict(index.execute("SELECT id, text_hash FROM docs"))
        seen, new_text = set(), []
        columns = None
        for doc, tags in _rows(engine):
            seen.add(doc["id"])
            if known.get(doc["id"]) == f"{doc['stamp']}|{doc['text_hash']}":
                summary.unchanged += 1
                continue
            columns = columns or list(doc)
            if doc["id"] in known:
                summary.updated += 1
                if known_text[doc["id"]] != doc["text_hash"]:
                    summary.fulltext_rebuilt = True
            else:
                summary.added += 1
                new_text.append(doc["id"])
            index.execute(f"INSERT OR REPLACE INTO docs ({', '.join(columns)}, reach) "
                          f"VALUES ({', '.join('?' * len(columns))}, 1)", [doc[c] for c in columns])
            index.execute("DELETE FROM tags WHERE article_id = ?", (doc["id"],))
            index.executemany("INSERT INTO tags (kind, value, article_id) VALUES (?, ?, ?)",
                              [(k, v, doc["id"]) for k, v in tags])
        gone = [i for i in known if i not in seen]
        summary.removed = len(gone)
        for i in gone:
            index.execute("DELETE FROM docs WHERE id = ?", (i,))
            index.execute("DELETE FROM tags WHERE article_id = ?", (i,))
        if gone:
            summary.fulltext_rebuilt = True
        if summary.fulltext_rebuilt:
            index.execute("INSERT INTO fts (fts) VALUES ('delete-all')")
            new_text = [i for (i,) in index.execute("SELECT id FROM docs ORDER BY id")]
        if engine.dialect.name != "postgresql":  # PostgreSQL searches its own text (pgsearch)
            _add_fulltext(index, engine, new_text)
        if summary.added or summary.updated or summary.removed or not index.execute(
                "SELECT 1 FROM stories LIMIT 1").fetchone():
            index.execute("UPDATE docs SET reach = (SELECT count(*) FROM docs s WHERE s.story_id = docs.story_id)")
            index.execute("DELETE FROM stories")
            index.execute("INSERT INTO stories SELECT story_id, count(*), count(DISTINCT outlet), min(published_at), "
                          "max(published_at) FROM docs GROUP BY story_id")
        index.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", (INDEX_VERSION,))
        index.commit()
    finally:
        index.close()
    return summary
