"""Schema upgrades: an ordered list of steps from version 1 to SCHEMA_VERSION.

Version 1 creates every table with the columns that carry no ``since`` mark.
Each later version N creates the tables marked ``since: N`` and adds the
columns marked ``since: N`` to existing tables. A database that is newer than
this code is refused rather than touched.
"""

from sqlalchemy import Engine, MetaData, Table, inspect, select, text
from sqlalchemy.schema import CreateColumn

from lendwatch import schema


class SchemaError(Exception):
    """The database cannot be opened by this version of lendwatch."""


def _since(item) -> int:
    return int(item.info.get("since", 1))


def _table_at(table: Table, version: int, target: MetaData) -> Table:
    """A copy of ``table`` holding only the columns that exist at ``version``."""
    columns = [c._copy() for c in table.columns if _since(c) <= version]
    return Table(table.name, target, *columns)


def _create_tables(conn, version: int) -> None:
    frozen = MetaData()
    tables = [
        _table_at(t, version, frozen)
        for t in schema.metadata.sorted_tables
        if _since(t) == version
    ]
    frozen.create_all(conn, tables=tables)


def _add_columns(conn, version: int) -> None:
    existing = inspect(conn)
    for table in schema.metadata.sorted_tables:
        if _since(table) >= version:
            continue
        have = {c["name"] for c in existing.get_columns(table.name)}
        for column in table.columns:
            if _since(column) == version and column.name not in have:
                ddl = CreateColumn(column).compile(dialect=conn.dialect)
                conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))


def current_version(engine: Engine) -> int:
    """The schema version stored in the database, 0 for an empty database."""
    if not inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as conn:
        return conn.execute(select(schema.schema_version.c.version)).scalar() or 0


def check_ours(engine: Engine) -> int:
    """The schema version, after refusing a database that holds tables but none of lendwatch's
    (another program's SQLite file must not be migrated)."""
    found = current_version(engine)
    if found == 0:
        tables = inspect(engine).get_table_names()
        if tables:
            raise SchemaError(f"{engine.url.render_as_string(hide_password=True)}: not a lendwatch "
                              f"database (it holds tables {', '.join(sorted(tables)[:5])}); "
                              "refusing to change it")
    return found


def upgrade(engine: Engine, to: int = schema.SCHEMA_VERSION) -> int:
    """Bring the database to version ``to``, one transaction per step."""
    found = check_ours(engine)
    if found > schema.SCHEMA_VERSION:
        raise SchemaError(
            f"database schema version {found} is newer than this lendwatch "
            f"understands ({schema.SCHEMA_VERSION}); upgrade lendwatch"
        )
    for version in range(found + 1, to + 1):
        with engine.begin() as conn:
            _create_tables(conn, version)
            if version > 1:
                _add_columns(conn, version)
            conn.execute(schema.schema_version.delete())
            conn.execute(schema.schema_version.insert().values(version=version))
    return max(found, to)
