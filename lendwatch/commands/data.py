"""``lendwatch export`` (articles out) and ``lendwatch extract`` (saved HTML files in)."""

import json
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from lendwatch import atomic
from lendwatch.commands.options import MONTH_HELP, db_option, open_db, validate_month


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--month", callback=validate_month, help=MONTH_HELP)
@click.option("--relevant-only", is_flag=True, help="Only articles analysed as relevant.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output (needed for parquet).")
@db_option
def export(fmt, month, relevant_only, out_file, db):
    """Export articles, with their analysis, as JSON Lines, CSV or Parquet.

    Columns (README "Files: CSV and JSON Lines"): id, published_at, source, outlet, title,
    title_display, url, relevant, topics, sentiment, p_negative, story_id, author, entities,
    model_version, text.

    \b
    Example:
      lendwatch export --format csv --month 2024-09 --relevant-only --out articles-2024-09-relevant.csv
    """
    from reports.export import EXPORT_COLUMNS, article_rows
    from reports.tables import csv_lines, jsonl_line

    if fmt == "parquet" and not out_file:
        raise click.UsageError("--format parquet writes a file: give --out FILE.parquet")
    engine = open_db(db, read_only=True)
    relevant = True if relevant_only else None
    if fmt == "parquet":
        from lendwatch.frames import Desk

        frame = Desk(engine).articles(month=month, relevant=relevant, text=True)
        with atomic.Staged() as staged:
            frame.to_parquet(staged.path(out_file), engine="pyarrow", index=False)
        return
    rows = article_rows(engine, month, relevant=relevant)
    with atomic.open_bytes(out_file) if out_file else nullcontext(sys.stdout.buffer) as stream:
        if fmt == "csv":
            stream.write("\ufeff".encode())
            for line in csv_lines([EXPORT_COLUMNS, *([r[c] for c in EXPORT_COLUMNS] for r in rows)]):
                stream.write(line.encode("utf-8"))
        else:
            for row in rows:
                stream.write(jsonl_line(row).encode("utf-8"))


@click.command()
@click.option("--url", default=None, help="The URL the pages came from (helps relative dates and links).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def extract(ctx, url, files):
    """Extract articles from saved HTML files: one JSON line per file, in order.

    Each line: {"input", "title", "published_at", "date_source", "author", "text"}; a file with
    no article gets "text": "" and an "error" key, and the exit code is 1.

    \b
    Example:
      lendwatch extract saved/page1.html saved/page2.html
    """
    from crawler.extract.cli_contract import extract_files

    records, code = extract_files(list(files), url)
    for record in records:
        click.echo(json.dumps(record, ensure_ascii=False))
    ctx.exit(code)
