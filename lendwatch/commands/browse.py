"""``lendwatch browse`` and ``lendwatch site``: the read-only browsing site for journalists, served or static."""

from pathlib import Path

import click

from lendwatch import db as database
from lendwatch import migrations
from lendwatch.commands.options import db_option, read_only_db


def _open(db, index_path, reports_dir, update: bool):
    """The read-only engine, the search index (brought up to date unless ``update`` is false) and the reports folder."""
    from reports.browse import index

    engine = read_only_db(db)
    try:
        migrations.check_ours(engine)
    except migrations.SchemaError as exc:
        raise migrations.SchemaError(f"数据库 {database.resolve_url(db)} 不能浏览（{exc}）：请升级 lendwatch 后再浏览") from exc
    index_path = index_path or index.default_path(database.resolve_url(db))
    if update or not index_path.exists():
        summary = index.update(engine, index_path)
        click.echo(f"search index {index_path}: {summary.added} added, {summary.updated} updated, "
                   f"{summary.removed} removed, {summary.unchanged} unchanged")
    if reports_dir is None and engine.url.get_backend_name() == "sqlite":
        reports_dir = Path(engine.url.database.removeprefix("file:").split("?")[0]).parent
    return engine, index_path, reports_dir


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
    from reports.browse.app import BrowseApp
    from reports.browse.server import is_loopback, make

    if not is_loopback(host):
        click.secho(f"警告：--host {host} 不是本机回环地址，网络上的其他机器也能打开这个站点（没有登录保护）。"
                    "只在本机使用请去掉 --host。", err=True, fg="red", bold=True)
    engine, index_path, reports_dir = _open(db, index_path, reports_dir, update=not no_update)
    app = BrowseApp(engine, index_path, reports_dir, bind=f"{host}:{port}")
    app.warm()
    server = make(app, host, port)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"browsing site (read-only) at http://{shown}:{server.server_port}/ — Ctrl-C to stop", err=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command()
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the site into (new, empty, or an earlier export).")
@click.option("--index", "index_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Search index file [default: beside the database, NAME.browse.sqlite].")
@click.option("--reports", "reports_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of monthly reports to copy in [default: the database's folder].")
@click.option("--snapshots/--no-snapshots", default=True, show_default=True,
              help="Include each article's stored page (sandboxed) or leave it out with a note.")
@db_option
def site(out, index_path, reports_dir, snapshots, db):
    """Write the browsing site as static files, publishable without a server.

    Relative links only (works from file:// too); a page per article and per story, lists by
    month, topic, source and sentiment (50 a page, each with a CSV), the monthly reports, and a
    title search in the browser. Same database, same files; unchanged files are not rewritten.

    \b
    Example:
      lendwatch site --db lendwatch-demo/lendwatch.db --out lendwatch-site   # then open lendwatch-site/index.html
    """
    from reports.browse.static import SiteError, build

    engine, index_path, reports_dir = _open(db, index_path, reports_dir, update=True)
    try:
        summary = build(engine, index_path, out, reports_dir, snapshots=snapshots)
    except SiteError as exc:
        raise click.BadParameter(str(exc), param_hint="--out") from exc
    click.echo(f"static site {out}: {summary.files} files ({summary.bytes / 1e6:.1f} MB), {summary.written} written, "
               f"{summary.unchanged} unchanged, {summary.removed} removed; {summary.articles} articles, "
               f"{summary.snapshots} snapshots, {summary.list_pages} list pages, {summary.stories} stories, "
               f"{summary.reports} reports")
    if summary.snapshots_unreadable:
        click.echo(f"{summary.snapshots_unreadable} snapshots unreadable (left out, noted on their pages)", err=True)


COMMANDS = [browse, site]
