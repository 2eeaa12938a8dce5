"""``lendwatch crawl`` and ``lendwatch reextract``: the crawler stage."""

from datetime import datetime
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
    already known, dropped by reason, errors by reason; a source whose every
    request robots.txt refused is reported "blocked by robots.txt". Exit code 1
    when some pages failed, a source found no article or was blocked, or the
    crawl was interrupted (the next crawl resumes it).

    \b
    Example:
      lendwatch crawl --sources my-sources.toml --only chinanews --since 2024-09-01
      lendwatch crawl --redis redis://10.0.0.5:6379/0   # one of N workers
    """
    from crawler.runner import crawl as run_crawl, format_summary, problems

    config = load_sources(sources_file, list(only))
    if redis:
        if not redis.startswith(("redis://", "rediss://")):
            raise click.BadParameter(f"{redis!r} is not a Redis URL (redis://HOST:PORT/DB)", param_hint="--redis")
        config.crawl.redis = redis
    engine = open_db(db)  # a bad database fails here, before any request
    _, results = run_crawl(engine, config, quiet=quiet, since=since)
    click.echo(format_summary(results))
    found = problems(results, [s.name for s in config.sources])
    for line in found:
        click.echo(line, err=True)
    if found:
        ctx.exit(1)


@click.command()
@click.option("--source", default=None, metavar="NAME", help="Only pages of this source.")
@db_option
@click.pass_context
def reextract(ctx, source, db):
    """Re-run extraction on stored pages, without fetching anything.

    Relative dates resolve against each page's fetch time; a feed or sitemap date stored with the
    article still wins. Prints the outcomes and how many articles changed month (dated or not).

    \b
    Example:
      lendwatch reextract --source chinanews
    """
    from crawler import store
    from crawler.extract import EXTRACTION_VERSION, ExtractError, Hints, extract
    from crawler.extract.hints import date_extra
    from lendwatch.records import ArticleRecord, to_local_iso

    engine = open_db(db, create=False)
    outcomes: dict[str, int] = {}
    moved = 0
    for page in store.iter_pages(engine, source):
        old = store.stored_article(engine, page["canonical_url"])
        kept = {k: v for k, v in ((old.extra if old else None) or {}).items() if k != "page_published_at"}
        hints = Hints.from_extra(kept)
        try:
            found = extract(page["body"], url=page["url"], hints=hints,
                            reference_time=datetime.fromisoformat(page["fetched_at"]))
        except ExtractError as exc:
            outcome = f"dropped ({exc.reason})"
        else:
            outcome = store.save_article(engine, ArticleRecord(
                canonical_url=page["canonical_url"], url=page["url"], source=page["source"],
                text=found.text, title=found.title, published_at=found.published_at,
                author=found.author, extraction_version=EXTRACTION_VERSION, date_source=found.date_source,
                extra={**kept, **date_extra(hints, found.page_published_at)}), page_id=page["id"])
            if old is not None and (old.published_at or "")[:7] != (to_local_iso(found.published_at) or "")[:7]:
                moved += 1
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) or "no stored pages")
    click.echo(f"changed month: {moved}")


@click.command("check-sources")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sources file (TOML) replacing the shipped default.")
@click.option("--only", multiple=True, metavar="NAME", help="Check only this source (repeatable).")
@click.pass_context
def check_sources(ctx, sources_file, only):
    """Check that each enabled source still has the shape its spider expects.

    Politely fetches a list page or two and one article per source (robots.txt obeyed,
    nothing stored) and prints a table: ok, changed (what changed), blocked (why:
    robots.txt, captcha, WZWS, ban, login) or unreachable. Exit code 0 only when every
    source is ok.

    \b
    Example:
      lendwatch check-sources --only pbc_news
    """
    from crawler.check import check, format_table

    config = load_sources(sources_file, list(only))
    verdicts = check(config)
    click.echo(format_table(config, verdicts))
    if any(v.status != "ok" for v in verdicts.values()):
        ctx.exit(1)
