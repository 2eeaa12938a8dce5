"""``lendwatch export`` (articles out) and ``lendwatch extract`` (saved HTML files in)."""

import csv
import json
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from lendwatch import atomic
from lendwatch.commands.options import MONTH_HELP, db_option, open_db, validate_month


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--month", callback=validate_month, help=MONTH_HELP)
@click.option("--relevant-only", is_flag=True, help="Only articles analysed as relevant.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output.")
@db_option
def export(fmt, month, relevant_only, out_file, db):
    """Export articles, with their analysis, as JSON Lines or CSV.

    \b
    Example:
      lendwatch export --format csv --month 2024-09 --relevant-only --out sept.csv
    """
    from reports.export import ANALYSIS_KEYS, ARTICLE_KEYS, export_rows

    engine = open_db(db, read_only=True)
    with atomic.open_text(out_file, newline="") if out_file else nullcontext(sys.stdout) as stream:
        if fmt == "csv":
            writer = csv.DictWriter(stream, fieldnames=ARTICLE_KEYS + ANALYSIS_KEYS)
            writer.writeheader()
        for row in export_rows(engine, month, relevant_only):
            if fmt == "csv":
                row["topics"] = ";".join(row["topics"] or [])
                writer.writerow(row)
            else:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")


@click.command()
@click.option("--url", default=None, help="The URL the pages came from (helps relative dates and links).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def extract(ctx, url, files):
    """Extract articles from saved HTML files: one JSON line per file, in order.

    Each line: {"input", "title", "published_at", "author", "text"}; a file with
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
