"""PostgreSQL full-text search for browse: character unigrams and bigrams as lexemes.

``lendwatch_grams(text)`` is every CJK character and every pair of neighbours within a run of CJK
characters (separators such as punctuation and spaces removed first, as the SQLite index ignores
them; a Latin word or a number ends a run), plus the text's Latin words and numbers. A GIN index
over its ``simple`` tsvector answers a one- or two-character word exactly, from the index alone
(``reports.browse.pgsearch`` checks longer phrases against the text). Title and text have an index
each. SQLite databases are left alone (their index is the browse index file).

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
        CREATE FUNCTION lendwatch_grams(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT COST 10000 AS $$
        WITH runs AS (
            SELECT run FROM regexp_split_to_table(regexp_replace(value, '\\W+', '', 'g'), '[^{CJK}]+') AS run
            WHERE run <> '')
        SELECT concat_ws(' ',
            (SELECT string_agg(concat_ws(' ', regexp_replace(run, '(.)', '\\1 ', 'g'),
                               regexp_replace(run, '(..)', '\\1 ', 'g'),
                               regexp_replace(substr(run, 2), '(..)', '\\1 ', 'g')), ' ') FROM runs),
            regexp_replace(value, '[{CJK}]+', ' ', 'g'))
        $$""")
    for column in ("title", "text"):
        op.execute(f"CREATE INDEX articles_{column}_fulltext ON articles "
                   f"USING gin (to_tsvector('simple', lendwatch_grams({column})))")
