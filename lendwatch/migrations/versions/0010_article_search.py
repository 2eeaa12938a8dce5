"""PostgreSQL search stored per article, in the browse index's search form (``article_search``).

Revision 0006 computed the grams of every row's text at query time (a common word took seconds on a
few thousand articles) and without the search form (網貸 did not find 网贷). Now each article has a
row of ``lendwatch.searchtext``: its token stream and lexemes, the lexemes GIN-indexed. The writer
(``crawler.store``) writes the row with the article, in one transaction (the search form is OpenCC,
in Python: no trigger can compute it); a trigger deletes the row when an article's title or text
changes, so a writer that does not know of it leaves the article unfound rather than found by its
old text. Existing articles are filled here. SQLite databases are left alone.

Revision ID: 0010
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from lendwatch.searchtext import search_row

revision = "0010"
down_revision = "0009"
BATCH = 1000


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX articles_title_fulltext")
    op.execute("DROP INDEX articles_text_fulltext")
    op.execute("DROP FUNCTION lendwatch_grams(text)")
    table = op.create_table(
        "article_search",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("stream", sa.Text, nullable=False),
        sa.Column("lexemes", ARRAY(sa.Text), nullable=False),
    )
    op.execute("""
        CREATE FUNCTION lendwatch_search_stale() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM article_search WHERE article_id = NEW.id;
            RETURN NEW;
        END $$""")
    op.execute("""
        CREATE TRIGGER articles_search_stale AFTER UPDATE OF title, text ON articles FOR EACH ROW
        WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.text IS DISTINCT FROM NEW.text)
        EXECUTE FUNCTION lendwatch_search_stale()""")
    bind, last = op.get_bind(), 0
    while True:
        rows = bind.execute(sa.text("SELECT id, title, text FROM articles WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            break
        bind.execute(table.insert(), [search_row(r.id, r.title, r.text) for r in rows])
        last = rows[-1].id
    op.create_index("article_search_lexemes", "article_search", ["lexemes"], postgresql_using="gin")
