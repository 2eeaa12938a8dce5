"""Options shared by several commands."""

import click

db_option = click.option(
    "--db", "db", envvar="LENDWATCH_DB", default=None, metavar="URL",
    help="SQLAlchemy URL or SQLite path [env LENDWATCH_DB; default ./lendwatch.db].")

MONTH_HELP = "Month as YYYY-MM."


def validate_month(ctx, param, value):
    """Click callback: YYYY-MM with a real month, or a usage error naming the form."""
    import re

    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise click.BadParameter(f"{value!r} is not a month; expected YYYY-MM, e.g. 2024-09")
    return value
