"""Options shared by several commands."""

import click

from lendwatch.vocabulary import MONTH_FORM, is_month

db_option = click.option(
    "--db", "db", envvar="LENDWATCH_DB", default=None, metavar="URL",
    help="SQLAlchemy URL or SQLite path [env LENDWATCH_DB; default ./lendwatch.db].")

MONTH_HELP = "Month as YYYY-MM."


def validate_month(ctx, param, value):
    """Click callback: YYYY-MM with a real month, or a usage error naming the form."""
    if value is None:
        return None
    if not is_month(value):
        raise click.BadParameter(f"{value!r} is not a month; expected {MONTH_FORM}")
    return value
