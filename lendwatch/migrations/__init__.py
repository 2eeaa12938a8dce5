"""Schema upgrades: Alembic, with hand-written revisions in ``versions/``.

``upgrade`` brings a database to the newest revision (or ``to``), each revision in its own
transaction, under a PostgreSQL advisory lock so that workers started together migrate once.
A database from before Alembic carries its version in ``schema_version`` (1 to 4); it is stamped
with the matching revision (``0001`` … ``0004``) and upgraded from there. A database at a revision
this code does not know (written by a newer lendwatch) is refused rather than touched.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect, text

HERE = Path(__file__).resolve().parent
LEGACY = {1: "0001", 2: "0002", 3: "0003", 4: "0004"}  # schema_version → revision
LOCK_KEY = 0x6C656E64  # "lend": the advisory lock PostgreSQL migrations hold


class SchemaError(Exception):
    """The database cannot be opened by this version of lendwatch."""


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this code knows."""
    return ScriptDirectory(str(HERE)).get_current_head()


def _legacy_version(conn) -> int | None:
    if not inspect(conn).has_table("schema_version"):
        return None
    return conn.execute(text("SELECT max(version) FROM schema_version")).scalar()


def current_revision(engine_or_conn) -> str | None:
    """The revision the database is at (``None``: empty), reading a pre-Alembic version too."""
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.connect() as conn:
            return current_revision(conn)
    found = MigrationContext.configure(engine_or_conn).get_current_revision()
    if found is None and (legacy := _legacy_version(engine_or_conn)):
        if legacy not in LEGACY:
            raise SchemaError(f"database schema version {legacy} is newer than this lendwatch "
                              f"understands; upgrade lendwatch")
        return LEGACY[legacy]
    return found


def check_ours(engine: Engine) -> str | None:
    """The database's revision, after refusing one this code cannot use: a revision it does not know
    (written by a newer lendwatch), or tables without any revision (another program's database,
    which must not be migrated)."""
    with engine.connect() as conn:
        found = current_revision(conn)
        if found is None:
            tables = inspect(conn).get_table_names()
            if tables:
                raise SchemaError(f"{engine.url.render_as_string(hide_password=True)}: not a lendwatch "
                                  f"database (it holds tables {', '.join(sorted(tables)[:5])}); "
                                  "refusing to change it")
            return None
        try:
            ScriptDirectory(str(HERE)).get_revision(found)
        except CommandError as exc:
            raise SchemaError(f"database schema revision {found} is newer than this lendwatch "
                              f"understands; upgrade lendwatch") from exc
    return found


def upgrade(engine: Engine, to: str = "head") -> str:
    """Bring the database to revision ``to``; returns the revision it is at."""
    with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
            conn.commit()
        try:
            return _upgrade(conn, to)
        finally:
            if postgres:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                conn.commit()


def _upgrade(conn, to: str) -> str:
    found = current_revision(conn)
    conn.commit()
    config = _config(conn)
    script = ScriptDirectory.from_config(config)
    try:
        found and script.get_revision(found)
    except CommandError as exc:
        raise SchemaError(f"database schema revision {found} is newer than this lendwatch "
                          f"understands; upgrade lendwatch") from exc
    if found and MigrationContext.configure(conn).get_current_revision() is None:
        command.stamp(config, found)  # from before Alembic: schema_version → its revision
    command.upgrade(config, to)
    conn.commit()
    return current_revision(conn)
