"""Options shared by several commands."""

import click

from lendwatch.vocabulary import MONTH_FORM, is_month

db_option = click.option(
    "--db", "db", envvar="LENDWATCH_DB", default=None, metavar="URL",
    help="SQLAlchemy URL or SQLite path [env LENDWATCH_DB; default ./lendwatch.db].")

MONTH_HELP = "Month as YYYY-MM."


def open_db(db: str | None, read_only: bool = False):
    """The command's database, its schema created or upgraded here, once, before any stage runs.

    With ``read_only`` the command then reads through an engine that cannot write. The engine is
    disposed when the command ends.
    """
    from lendwatch import db as database

    engine = database.connect(db)
    click.get_current_context().call_on_close(engine.dispose)
    database.migrate(engine)
    if not read_only:
        return engine
    engine.dispose()
    return read_only_db(db)


def read_only_db(db: str | None):
    """An engine on the command's database that cannot write (no migration), disposed when the command ends."""
    from lendwatch import db as database

    try:
        engine = database.read_only(db)
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.get_current_context().call_on_close(engine.dispose)
    return engine


def validate_month(ctx, param, value):
    """Click callback: YYYY-MM with a real month, or a usage error naming the form."""
    if value is None:
        return None
    if not is_month(value):
        raise click.BadParameter(f"{value!r} is not a month; expected {MONTH_FORM}")
    return value
