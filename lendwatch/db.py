"""The database connection every stage shares: name it, open it, bring its schema up to date.

``connect`` opens and never changes the schema; ``migrate`` (run once by the CLI, before a
stage) creates or upgrades it; ``read_only`` opens it so that nothing can be written. Each
stage keeps its own SQL (``crawler.store``, ``analysis.runner``, ``reports.*``).
"""

import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from lendwatch import migrations

DEFAULT_DB = "sqlite:///lendwatch.db"


class StoreError(Exception):
    """The database URL or file cannot be used."""


def resolve_url(value: str | None) -> str:
    """The database URL from an option, else ``LENDWATCH_DB``, else ./lendwatch.db.

    A plain path (no ``://``) is taken as an SQLite file.
    """
    value = value or os.environ.get("LENDWATCH_DB") or DEFAULT_DB
    if "://" not in value:
        value = f"sqlite:///{Path(value).expanduser()}"
    return value


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def connect(value: str | None = None) -> Engine:
    """Open the database named by ``value`` (an SQLite file is created if missing); the schema is
    left as found: call :func:`migrate` before writing to a new or older database."""
    url_text = resolve_url(value)
    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise StoreError(f"bad database URL {url_text!r}: {exc}") from exc
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot use database URL {url_text!r}: {exc}") from exc
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> str:
    """Create or upgrade the schema to this lendwatch's newest revision; returns it.

    Raises :class:`lendwatch.migrations.SchemaError` for a database newer than this code.
    """
    return migrations.upgrade(engine)


def read_only(value: str | None = None) -> Engine:
    """An engine that cannot write: SQLite opened with ``mode=ro``, others in read-only transactions."""
    url = make_url(resolve_url(value))
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValueError("read-only access needs a database file, not an in-memory database")
        path = Path(url.database).resolve()
        if not path.exists():
            raise FileNotFoundError(f"no database at {path}")
        return create_engine(f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true")
    if url.get_backend_name() == "postgresql":
        return create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
    return create_engine(url)
