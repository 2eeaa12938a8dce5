"""Options shared by several commands."""

import click

from lendwatch.vocabulary import MONTH_FORM, is_month

db_option = click.option(
    "--db", "db", envvar="LENDWATCH_DB", default=None, metavar="URL",
    help="SQLAlchemy URL or SQLite path [env LENDWATCH_DB; default ./lendwatch.db].")

MONTH_HELP = "Month as YYYY-MM."


def open_db(db: str | None, read_only: bool = False, create: bool | None = None):
    """The command's database, its schema created or upgraded here, once, before any stage runs;
    its name goes to stderr.

    With ``read_only`` the command reads through an engine that cannot write, and a database
    already at the newest schema revision is never opened for writing (so read-only media work).
    Only with ``create`` (default: not ``read_only``) may the database be missing. A folder, a
    file that is not SQLite, another program's SQLite file or an unwritable file for a writing
    command is a usage error (exit 2) naming the path. The engine is disposed when the command ends.
    """
    from lendwatch import db as database, migrations

    create = not read_only if create is None else create
    if read_only:
        engine = read_only_db(db)
        if migrations.check_ours(engine) == migrations.head():
            return engine
        engine.dispose()  # an older schema: upgraded once, through a writable engine
    else:
        _announce(db)
    database.check_file(db, must_exist=not create, write=True)
    path = database.sqlite_file(db)
    if not read_only and path and path.exists():  # refused before connect() turns on WAL
        probe = database.read_only(db)
        try:
            migrations.check_ours(probe)
        finally:
            probe.dispose()
    engine = database.connect(db)
    click.get_current_context().call_on_close(engine.dispose)
    database.migrate(engine)
    if not read_only:
        return engine
    engine.dispose()
    return read_only_db(db, quiet=True)


def read_only_db(db: str | None, quiet: bool = False):
    """An engine on the command's database that cannot write (no migration), disposed when the
    command ends; the database must exist."""
    from lendwatch import db as database

    if not quiet:
        _announce(db)
    try:
        engine = database.read_only(db)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.get_current_context().call_on_close(engine.dispose)
    return engine


def _announce(db: str | None) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from lendwatch import db as database

    path = database.sqlite_file(db)
    try:
        shown = str(path) if path else make_url(database.resolve_url(db)).render_as_string(hide_password=True)
    except ArgumentError:  # a bad URL is reported when it is opened
        shown = database.resolve_url(db)
    click.echo(f"database: {shown}", err=True)


def validate_month(ctx, param, value):
    """Click callback: YYYY-MM with a real month, or a usage error naming the form."""
    if value is None:
        return None
    if not is_month(value):
        raise click.BadParameter(f"{value!r} is not a month; expected {MONTH_FORM}")
    return value
