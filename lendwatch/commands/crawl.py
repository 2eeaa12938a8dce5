"""``lendwatch crawl`` and ``lendwatch reextract``: the crawler stage."""

from pathlib import Path

import click

from crawler.config import load_sources
from lendwatch.commands.options import db_option, open_db


@click.command()
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sources file (TOML) replacing the shipped default.")
@click.option("--only", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Skip articles published before this day (YYYY-MM-DD, Asia/Shanghai).")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@click.option("--redis", default=None, metavar="URL",
              help="Share the queue and duplicate filter with other workers through this Redis "
                   "(replaces [crawl] redis).")
@db_option
@click.pass_context
def crawl(ctx, sources_file, only, since, quiet, redis, db):
    """Crawl the configured sources; store every page and article.

    Prints a per-source summary: pages fetched, articles new and updated,
    already known, dropped by reason, errors by reason. Exit code 1 when
    some pages failed.

    \b
    Example:
      lendwatch crawl --sources my-sources.toml --only chinanews --since 2024-09-01
      lendwatch crawl --redis redis://10.0.0.5:6379/0   # one of N workers
    """
    from crawler.runner import crawl as run_crawl, format_summary

    config = load_sources(sources_file, list(only))
    if redis:
        if not redis.startswith(("redis://", "rediss://")):
            raise click.BadParameter(f"{redis!r} is not a Redis URL (redis://HOST:PORT/DB)", param_hint="--redis")
        config.crawl.redis = redis
    engine = open_db(db)  # a bad database fails here, before any request
    _, results = run_crawl(engine, config, quiet=quiet, since=since)
    click.echo(format_summary(results))
    if any(c.errors for c in results.values()):
        ctx.exit(1)


@click.command()
@click.option("--source", default=None, metavar="NAME", help="Only pages of this source.")
@db_option
@click.pass_context
def reextract(ctx, source, db):
    """Re-run extraction on stored pages, without fetching anything.

    \b
    Example:
      lendwatch reextract --source chinanews
    """
    from crawler import store
    from crawler.extract import EXTRACTION_VERSION, ExtractError, extract
    from lendwatch.records import ArticleRecord

    engine = open_db(db)
    outcomes: dict[str, int] = {}
    for page in store.iter_pages(engine, source):
        try:
            found = extract(page["body"], url=page["url"])
        except ExtractError as exc:
            outcome = f"dropped ({exc.reason})"
        else:
            outcome = store.save_article(engine, ArticleRecord(
                canonical_url=page["canonical_url"], url=page["url"], source=page["source"],
                text=found.text, title=found.title, published_at=found.published_at,
                author=found.author, extraction_version=EXTRACTION_VERSION), page_id=page["id"])
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) or "no stored pages")
