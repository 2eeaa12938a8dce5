"""``lendwatch report``: the monthly report."""

from pathlib import Path

import click

from lendwatch import store
from lendwatch.commands.options import MONTH_HELP, db_option, validate_month

FORMATS = ("md", "html")


def parse_formats(ctx, param, value: str) -> set[str]:
    formats = {f.strip() for f in value.split(",") if f.strip()}
    unknown = formats - set(FORMATS)
    if unknown or not formats:
        raise click.BadParameter(f"{value!r}: expected a comma-separated list of {', '.join(FORMATS)}")
    return formats


@click.command()
@click.option("--month", required=True, callback=validate_month, help=MONTH_HELP)
@click.option("--out", "out_dir", default=".", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the report.")
@click.option("--format", "formats", default="md,html", show_default=True, callback=parse_formats,
              help="Comma-separated formats: md, html.")
@db_option
def report(month, out_dir, formats, db):
    """Write the monthly trend report (Markdown and HTML with charts).

    \b
    Example:
      lendwatch report --month 2024-09 --out reports/
    """
    from reports.monthly import build

    for path in build(store.connect(db), month, out_dir, formats):
        click.echo(str(path))
