"""PostgreSQL full-text search for browse: every CJK character a token, as in the SQLite index.

``lendwatch_spaced(text)`` spaces out CJK characters (``reports.browse.search.spaced``), so the
``simple`` parser makes each one a lexeme with its position, and a query's characters become a
phrase (``催 <-> 收``): a word matches exactly where its substring occurs. Title and text have an
index each (a phrase never spans the two). SQLite databases are left alone (their index is the
browse index file).

Revision ID: 0006
"""

from alembic import op

revision = "0006"
down_revision = "0005"

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE FUNCTION lendwatch_spaced(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
        AS $$ SELECT regexp_replace(value, '([{CJK}])', ' \\1 ', 'g') $$""")
    for column in ("title", "text"):
        op.execute(f"CREATE INDEX articles_{column}_fulltext ON articles "
                   f"USING gin (to_tsvector('simple', lendwatch_spaced({column})))")
