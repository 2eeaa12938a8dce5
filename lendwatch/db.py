"""The database connection every stage shares: name it, open it, bring its schema up to date.

``connect`` opens and never changes the schema; ``migrate`` (run once by the CLI, before a
stage) creates or upgrades it; ``read_only`` opens it so that nothing can be written;
``check_file`` refuses, before SQLite sees it, a path that cannot be the database asked for.
Each stage keeps its own SQL (``crawler.store``, ``analysis.runner``, ``reports.*``).
"""

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from lendwatch import migrations

DEFAULT_DB = "sqlite:///lendwatch.db"
SQLITE_HEADER = b"SQLite format 3\x00"


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


def sqlite_file(value: str | None) -> Path | None:
    """The file of an SQLite database URL or path; None for another backend or an in-memory database."""
    try:
        url = make_url(resolve_url(value))
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().absolute()


def writable(path: Path) -> bool:
    """True when ``path`` (a file, or the folder it would be created in) can be written."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def check_file(value: str | None, must_exist: bool, write: bool) -> None:
    """Raise :class:`StoreError`, naming the path, when the SQLite file of ``value`` is a folder,
    not an SQLite database, missing while ``must_exist``, or not writable while ``write``."""
    path = sqlite_file(value)
    if path is None:
        return
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    if not path.exists():
        if must_exist:
            raise StoreError(f"{path}: no database here (mistyped?); make one with "
                             f"`lendwatch crawl --db {path}` or `lendwatch sample --db {path}`")
    else:
        try:
            with path.open("rb") as stream:
                head = stream.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror})") from exc
        if head and head != SQLITE_HEADER:
            raise StoreError(f"{path}: not an SQLite database")
    if write and not writable(path):
        raise StoreError(f"{path}: cannot be written (read-only file, folder or medium); "
                         "only report, export and browse can read it there")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _engine(url, **kwargs) -> Engine:
    try:
        return create_engine(url, **kwargs)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        shown = url if isinstance(url, str) else url.render_as_string(hide_password=True)
        raise StoreError(f"cannot use database URL {shown!r}: {exc}") from exc


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
    engine = _engine(url)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> str:
    """Create or upgrade the schema to this lendwatch's newest revision; returns it.

    Raises :class:`lendwatch.migrations.SchemaError` for a database newer than this code.
    """
    return migrations.upgrade(engine)


def read_only(value: str | None = None) -> Engine:
    """An engine that cannot write: SQLite opened with ``mode=ro``, others in read-only transactions.

    An SQLite file on read-only media (or in a folder we cannot write) is opened ``immutable``:
    SQLite then needs no ``-shm`` file beside it, which it could not create there.
    """
    url_text = resolve_url(value)
    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise StoreError(f"bad database URL {url_text!r}: {exc}") from exc
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValueError("read-only access needs a database file, not an in-memory database")
        path = Path(url.database).resolve()
        check_file(value, must_exist=True, write=False)
        frozen = "&immutable=1" if not writable(path) else ""
        return _engine(f"sqlite:///file:{quote(str(path))}?mode=ro{frozen}&uri=true")
    if url.get_backend_name() == "postgresql":
        return _engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
    return _engine(url)


@contextmanager
def scratch_database(server: str, prefix: str = "lendwatch_scratch"):
    """The URL of a new, empty database on the PostgreSQL server ``server`` (a URL), dropped with its
    connections on leaving: for tests and benchmarks."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
