"""``lendwatch sandbox``, ``lendwatch demo`` and ``lendwatch run``: whole jobs."""

import os
import time
from datetime import datetime
from pathlib import Path

import click

from crawler.config import load_sources
from lendwatch.commands.options import MONTH_HELP, db_option, open_db, validate_month
from lendwatch.records import SHANGHAI

DEMO_MONTH = "2024-09"


def demo_sources(base_url: str) -> str:
    """A sources file for the sample site: the same spider kinds as the real sources."""
    from lendwatch.sandbox.replicas import sources_toml

    return f"""# Sources for lendwatch's sample site (sample data written by the lendwatch team).
# The site is local, so the crawl need not be slow: no delay, more requests at once,
# and requests to 127.0.0.1 allowed (real sources never need this).
[crawl]
delay = 0
concurrency = 8
autothrottle = false
allow_private = true

[[sources]]
name = "sample-chinanews"
kind = "chinanews"
urls = ["{base_url}/chinanews/rss/finance.xml", "{base_url}/chinanews/rss/society.xml"]
scroll = ["{base_url}/chinanews/scroll-news/news1.html"]
max_pages = 10

[[sources]]
name = "sample-people"
kind = "people"
urls = ["{base_url}/people/GB/1004/", "{base_url}/people/rss/finance.xml"]
max_pages = 10

[[sources]]
name = "sample-gov"
kind = "sitemap"
url = "{base_url}/gov/sitemap.xml"
allow = "/gov/zwgk/"

[[sources]]
name = "sample-farm"
kind = "listing"
url = "{base_url}/farm/list_1.html"
allow = '/farm/article/\\d+\\.html$'
next = 'list_\\d+\\.html$'
max_pages = 50

""" + sources_toml(base_url)


@click.command()
@click.option("--port", default=8642, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
def sandbox(port, host):
    """Serve the sample site until interrupted (Ctrl-C).

    \b
    Example:
      lendwatch sandbox --port 8642   # then open http://127.0.0.1:8642/
    """
    from lendwatch.sandbox.server import SampleSite

    site = SampleSite(host, port)
    click.echo(f"sample site (sample data) at {site.base_url}/ — Ctrl-C to stop")
    try:
        site.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        site.server_close()


def _pipeline(db_url: str, sources_file: Path | None, month: str, out_dir: Path,
              quiet: bool) -> tuple[dict, list[Path]]:
    """Crawl, analyse, report: the work of ``run`` and ``demo``."""
    from analysis.runner import analyze
    from crawler.runner import crawl as run_crawl, format_summary, stopped_sources
    from reports.monthly import build

    engine = open_db(db_url)
    config = load_sources(sources_file)
    _, results = run_crawl(engine, config, quiet=quiet)
    click.echo(format_summary(results))
    if stopped_sources(results, [s.name for s in config.sources]):  # SIGTERM or Ctrl-C: stop here
        raise click.ClickException("crawl interrupted; the next run resumes it")
    summary = analyze(engine, jobs=1)
    click.echo(f"analysed {summary.analyzed} articles ({len(summary.failed)} failed), "
               f"{summary.stories} stories")
    return results, build(engine, month, out_dir, {"md", "html"})


DEMO_PORT = 8642


def _start_sample_site(port: int):
    """The sample site on ``port``, or on a free port (with a notice) when that one is taken.

    A fixed port keeps the sample articles' URLs stable, so re-running the demo into
    the same folder finds them already stored.
    """
    from lendwatch.sandbox.server import SampleSite

    try:
        return SampleSite("127.0.0.1", port).start()
    except OSError:
        site = SampleSite("127.0.0.1", 0).start()
        click.echo(f"port {port} is in use; serving the sample site on {site.base_url} instead "
                   f"(its articles get new URLs, so a database from earlier runs will hold them twice)",
                   err=True)
        return site


@click.command()
@click.option("--out", "out_dir", default="lendwatch-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the database and report.")
@click.option("--port", default=DEMO_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port for the sample site on 127.0.0.1.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def demo(out_dir, port, quiet):
    """Serve the sample site, crawl it, analyse, and write the September 2024 report.

    Everything stays on 127.0.0.1. The database is left at OUT/lendwatch.db.

    \b
    Example:
      lendwatch demo --out ./lendwatch-demo
    """
    from lendwatch.sandbox.replicas.tousu import SAMPLE_COOKIE, SAMPLE_COOKIE_ENV

    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault(SAMPLE_COOKIE_ENV, SAMPLE_COOKIE)  # the sample 黑猫投诉's search session
    with _start_sample_site(port) as site:
        sources_file = out_dir / "sources.toml"
        sources_file.write_text(demo_sources(site.base_url), encoding="utf-8")
        click.echo(f"sample site (sample data written by the lendwatch team) at {site.base_url}/")
        _, paths = _pipeline(str(out_dir / "lendwatch.db"), sources_file, DEMO_MONTH, out_dir, quiet)
    click.echo(f"database: {out_dir / 'lendwatch.db'}")
    for path in paths:
        click.echo(f"report: {path}")
    click.echo(f"done in {time.monotonic() - started:.1f} s")


@click.command()
@click.option("--month", callback=validate_month, help=MONTH_HELP + " Default: the current month.")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sources file (TOML) replacing the shipped default.")
@click.option("--out", "out_dir", default="reports", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the report.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display (for cron).")
@click.option("--alerts", "alerts_file", envvar="LENDWATCH_ALERTS", type=click.Path(dir_okay=False, path_type=Path),
              help="Alerts file: after the report, send the digests of new stories (lendwatch alert) "
                   "[env LENDWATCH_ALERTS].")
@db_option
@click.pass_context
def run(ctx, month, sources_file, out_dir, quiet, alerts_file, db):
    """Crawl, analyse and report in one go: the command to schedule.

    With --alerts, it then sends the digests of new stories (see lendwatch alert).

    \b
    Example (crontab: every day at 06:30):
      30 6 * * * cd /srv/lendwatch && lendwatch run --quiet --db data/lendwatch.db
    """
    month = month or datetime.now(SHANGHAI).strftime("%Y-%m")
    results, paths = _pipeline(db, sources_file, month, out_dir, quiet)
    for path in paths:
        click.echo(f"report: {path}")
    alerts_ok = True
    if alerts_file:
        from lendwatch.commands.alert import run_alerts

        alerts_ok = run_alerts(open_db(db), db, alerts_file)
    if any(c.errors for c in results.values()) or not alerts_ok:
        ctx.exit(1)
