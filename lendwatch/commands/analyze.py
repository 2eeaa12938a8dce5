"""``lendwatch analyze`` (the database stage) and ``lendwatch tag`` (JSON Lines in, out)."""

import json
import sys

import click

from lendwatch.commands.options import db_option, open_db


@click.command()
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(0, 64),
              help="Worker processes (0: one per core).")
@db_option
@click.pass_context
def analyze(ctx, jobs, db):
    """Tag every article that has no analysis at the current model versions.

    Relevance, topics, sentiment, entities and story groups; only new or
    changed articles are tagged, or all when a model version changed.

    \b
    Example:
      lendwatch analyze --jobs 0
    """
    from analysis.runner import analyze as run_analyze

    summary = run_analyze(open_db(db, create=False), jobs=jobs)
    click.echo(f"analysed {summary.analyzed}, already up to date {summary.up_to_date}, "
               f"failed {len(summary.failed)}, stories {summary.stories}")
    for article_id, error in summary.failed.items():
        click.echo(f"  article {article_id}: {error}", err=True)
    if summary.failed:
        ctx.exit(1)


@click.command()
@click.argument("file", type=click.File("rb"), default="-")
@click.pass_context
def tag(ctx, file):
    """Tag JSON Lines (each with `text`, optional `title`), streaming.

    Writes each record back with `relevant`, `topics`, `sentiment`,
    `p_negative` and `entities` (lenders and platforms with how each was
    found, regulators, courts, laws, document numbers, regions) added; other
    keys are kept. A line that is not a JSON object
    with a `text` string is reported on stderr and skipped (exit code 1).

    \b
    Example:
      lendwatch export --format jsonl | lendwatch tag > tagged.jsonl
    """
    from analysis.tagger import tag as tag_text

    failed = 0
    for number, line in enumerate(file, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError("expected a JSON object with a string `text`")
            json.dumps(record, ensure_ascii=False).encode("utf-8")  # a lone surrogate cannot be written
        except RecursionError:
            click.echo(f"line {number}: nested too deeply", err=True)
            failed += 1
            continue
        except ValueError as exc:  # UnicodeError and JSONDecodeError too
            click.echo(f"line {number}: {str(exc)[:200]}", err=True)
            failed += 1
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else None
        tags = tag_text(record["text"], title)
        record.update(relevant=tags.relevant, topics=tags.topics, sentiment=tags.sentiment,
                      p_negative=round(float(tags.p_negative), 4), entities=tags.entities)
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    if failed:
        ctx.exit(1)
