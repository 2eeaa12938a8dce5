"""``lendwatch report``: the monthly report, for one month or a range of months."""

from pathlib import Path

import click

from lendwatch.commands.options import MONTH_HELP, db_option, open_db, validate_month

FORMATS = ("md", "html", "pdf")


def parse_formats(ctx, param, value: str) -> set[str]:
    formats = {f.strip() for f in value.split(",") if f.strip()}
    unknown = formats - set(FORMATS)
    if unknown or not formats:
        raise click.BadParameter(f"{value!r}: expected a comma-separated list of {', '.join(FORMATS)}")
    return formats


@click.command()
@click.option("--month", callback=validate_month, help=MONTH_HELP)
@click.option("--from", "first", callback=validate_month, help="First month of a range, YYYY-MM (with --to).")
@click.option("--to", "last", callback=validate_month, help="Last month of a range, YYYY-MM (with --from).")
@click.option("--out", "out_dir", default=".", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the report.")
@click.option("--format", "formats", default="md,html", show_default=True, callback=parse_formats,
              help="Comma-separated formats: md, html, pdf (PDF needs WeasyPrint).")
@click.option("--terms", default="", metavar="A,B",
              help="With --from/--to: comma-separated words whose weekly attention the index charts.")
@db_option
def report(month, first, last, out_dir, formats, terms, db):
    """Write the monthly trend report (Markdown, HTML with charts, optionally PDF; tables as CSV).

    With --from/--to, writes every month's report and an index of the range: the trend, topic and
    outlet by month, weekly attention per topic and per --terms word, and before/after comparisons
    around the rules' effective dates.

    \b
    Examples:
      lendwatch report --month 2024-09 --out reports/
      lendwatch report --from 2024-07 --to 2024-10 --terms 爆通讯录,停息挂账 --out reports/
    """
    if month and (first or last):
        raise click.UsageError("give either --month or --from/--to, not both")
    if not month and not (first and last):
        raise click.UsageError("give --month YYYY-MM, or both --from YYYY-MM and --to YYYY-MM")
    if first and first > last:
        raise click.BadParameter(f"--from {first} is later than --to {last}; expected --from ≤ --to (YYYY-MM)",
                                 param_hint="'--from'")
    from reports.monthly import build
    from reports.pdf import PdfError
    from reports.series import build_range

    engine = open_db(db, read_only=True)
    try:
        words = tuple(t.strip() for t in terms.split(",") if t.strip())
        paths = (build(engine, month, out_dir, formats) if month
                 else build_range(engine, first, last, out_dir, formats, words))
    except PdfError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in paths:
        click.echo(str(path))
