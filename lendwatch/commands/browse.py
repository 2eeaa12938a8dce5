"""``lendwatch browse``: the read-only browsing site for journalists."""

from pathlib import Path

import click

from lendwatch import store
from lendwatch.commands.options import db_option


@click.command()
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but 127.0.0.1 exposes the site to the network.")
@click.option("--index", "index_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Search index file [default: beside the database, NAME.browse.sqlite].")
@click.option("--reports", "reports_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of monthly reports to list [default: the database's folder].")
@click.option("--no-update", is_flag=True, help="Serve the index as it is, without bringing it up to date.")
@db_option
def browse(port, host, index_path, reports_dir, no_update, db):
    """Search and filter everything collected in a browser (read-only).

    Brings the search index (its own file) up to date, then serves until interrupted.

    \b
    Example:
      lendwatch browse --db lendwatch-demo/lendwatch.db   # then open http://127.0.0.1:8765/
    """
    from reports.browse import index
    from reports.browse.app import BrowseApp, readonly_engine
    from reports.browse.server import make

    url = store.resolve_url(db)
    try:
        engine = readonly_engine(url)
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    index_path = index_path or index.default_path(url)
    if not no_update or not index_path.exists():
        summary = index.update(engine, index_path)
        click.echo(f"search index {index_path}: {summary.added} added, {summary.updated} updated, "
                   f"{summary.removed} removed, {summary.unchanged} unchanged")
    if reports_dir is None and engine.url.get_backend_name() == "sqlite":
        reports_dir = Path(engine.url.database.removeprefix("file:").split("?")[0]).parent
    app = BrowseApp(engine, index_path, reports_dir, bind=f"{host}:{port}")
    app.warm()
    server = make(app, host, port)
    click.echo(f"browsing site (read-only) at http://{host}:{server.server_port}/ — Ctrl-C to stop", err=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [browse]
