"""``lendwatch alert``: saved searches that send a digest of new stories by e-mail or webhook."""

import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import click

from lendwatch import db as database
from lendwatch.commands.options import db_option, open_db

ALERTS_HELP = "Alerts file (TOML, [[alerts]]) [env LENDWATCH_ALERTS]."


def run_alerts(engine, db: str | None, alerts_file: Path, dry_run: bool = False, now: datetime | None = None) -> bool:
    """Bring the search index up to date, run every alert, echo what happened; False when a send failed."""
    from reports import alerts
    from reports.browse import index

    config = alerts.load(alerts_file)
    index_path = index.default_path(database.resolve_url(db))
    index.update(engine, index_path)
    with sqlite3.connect(f"file:{quote(str(index_path.resolve()))}?mode=ro", uri=True) as conn:
        outcomes = alerts.run(engine, conn, config, dry_run=dry_run, now=now)
    ok = True
    for outcome, alert in zip(outcomes, config.alerts):
        if outcome.baseline:
            click.echo(f"alert {alert.name!r}: first run, {outcome.baseline} existing stories recorded "
                       f"as its baseline (not sent)")
        elif not outcome.triggered:
            click.echo(f"alert {alert.name!r}: nothing to send ({len(outcome.stories)} new stories)")
        elif dry_run:
            click.echo(f"alert {alert.name!r} (dry run, not sent):")
            click.echo(alerts.digest_text(alerts.digest(config, alert, outcome.stories)))
        elif outcome.sent:
            click.echo(f"alert {alert.name!r}: sent {len(outcome.stories)} stories "
                       f"to {alert.webhook or ', '.join(alert.email)}")
        else:
            ok = False
            click.echo(f"alert {alert.name!r}: sending failed ({outcome.error}); "
                       f"its {len(outcome.stories)} stories are retried next run", err=True)
    return ok


@click.command()
@click.option("--alerts", "alerts_file", required=True, envvar="LENDWATCH_ALERTS",
              type=click.Path(dir_okay=False, path_type=Path), help=ALERTS_HELP)
@click.option("--dry-run", is_flag=True, help="Print the digests instead of sending them; record nothing.")
@click.option("--now", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d"]),
              help="The time to judge spike windows by (replays and tests) [default: now].")
@db_option
@click.pass_context
def alert(ctx, alerts_file, dry_run, now, db):
    """Send a digest of the new stories each saved search finds (e-mail or webhook).

    A story is sent once; the first run of an alert records what exists as its baseline; a failed
    send is retried next run (exit 1).

    \b
    Example:
      LENDWATCH_SMTP_PASSWORD=… lendwatch alert --alerts alerts.toml --db data/lendwatch.db
    """
    engine = open_db(db)
    if now is not None and now.tzinfo is None:
        from lendwatch.records import SHANGHAI

        now = now.replace(tzinfo=SHANGHAI)
    if not run_alerts(engine, db, alerts_file, dry_run=dry_run, now=now):
        ctx.exit(1)
