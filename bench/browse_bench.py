"""Benchmark of the browsing site at scale: N synthetic articles, medians of search and filter answers.

Builds ``bench/out/browse-N.db`` (articles from shuffled sample-article paragraphs, sample data) with
analyses, builds the search index, then times each list URL inside the WSGI app (server side) and
the first page over HTTP (and in headless Chromium when /usr/bin/chromium exists).

    python bench/browse_bench.py --articles 100000
    python bench/browse_bench.py --articles 100000 --site   # time and size of the static export instead
    python bench/browse_bench.py --articles 100000 --db postgresql+psycopg://postgres@127.0.0.1/browse100k

With ``--db`` the articles go to that (empty, existing) PostgreSQL database instead, with their
search rows (``article_search``), and the lists search with PostgreSQL's search; a database that
already holds articles is used as it is.
"""

import argparse
import random
import statistics
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

from sqlalchemy import func, insert, select

from lendwatch import schema
from lendwatch.db import connect, migrate, read_only
from lendwatch.records import SHANGHAI, sha256
from lendwatch.searchtext import search_row
from lendwatch.sandbox.articles import load
from reports.browse import index
from reports.browse.app import BrowseApp
from reports.browse.server import make

URLS = ["/articles", "/articles?q=" + quote("催收"), "/articles?q=" + quote("催收 新规") + "&month=2024-09",
        "/articles?q=" + quote('"十项禁止性行为"'), "/articles?month=2024-09&topic=regulation",
        "/articles?relevant=1&sentiment=negative&sort=reach", "/articles?region=" + quote("北京市"),
        "/articles?from=2024-03-01&to=2024-03-31&source=sample-people", "/articles?topic=privacy&page=20",
        "/articles?q=" + quote("網貸"), "/articles?q=" + quote("催收 -新规"), "/articles?q=" + quote("新规 OR 协商还款"),
        "/stories?q=" + quote("爆通讯录") + "&month=2024-09", "/stories?sort=reach&relevant=1"]
REGIONS = ["北京市", "上海市", "广东省", "浙江省", "杭州市", "成都市", "河北省"]


def build_db(url: str, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    samples = load()
    engine = connect(url)
    migrate(engine)
    postgresql = engine.dialect.name == "postgresql"
    start = datetime(2023, 1, 1, tzinfo=SHANGHAI)
    now = "2024-12-31T00:00:00+00:00"
    for batch in range(0, count, 2000):
        articles, analyses = [], []
        for i in range(batch + 1, min(count, batch + 2000) + 1):
            sample = rng.choice(samples)
            paragraphs = list(sample.paragraphs)
            rng.shuffle(paragraphs)
            text = "\n".join(paragraphs)
            url = f"http://127.0.0.1:9/bench/{i}.html"
            published = start + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            articles.append({"id": i, "canonical_url": url, "url": url, "source": f"sample-{sample.site}",
                             "title": sample.title, "published_at": published.isoformat(timespec="seconds"),
                             "author": sample.outlet, "text": text, "text_hash": sha256(text),
                             "extraction_version": "bench", "first_seen_at": now, "updated_at": now,
                             "extra": {"sample": True}})
            analyses.append({"article_id": i, "model_version": "bench", "lexicon_version": "bench",
                             "text_hash": "bench", "relevant": sample.relevant, "topics": list(sample.topics),
                             "sentiment": sample.sentiment, "p_negative": rng.random(),
                             "entities": {"regions": rng.sample(REGIONS, 2)}, "evidence": {},
                             "story_id": max(1, i - rng.randrange(3)), "analyzed_at": now})
        with engine.begin() as conn:
            conn.execute(insert(schema.articles), articles)
            conn.execute(insert(schema.analyses), analyses)
            if postgresql:
                conn.execute(insert(schema.article_search), [search_row(a["id"], a["title"], a["text"])
                                                             for a in articles])
    engine.dispose()


def article_count(url: str) -> int:
    engine = connect(url)
    migrate(engine)
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).select_from(schema.articles)).scalar()
    engine.dispose()
    return found


def time_app(app, url: str, repeat: int) -> tuple[float, float]:
    """Seconds for the first answer and the median of ``repeat`` answers to ``url`` inside the app."""
    path, _, query = url.partition("?")
    times = []
    for _ in range(repeat):
        environ = {"PATH_INFO": path, "QUERY_STRING": query}
        setup_testing_defaults(environ)
        started = time.perf_counter()
        body = b"".join(app(environ, lambda status, headers: None))
        times.append(time.perf_counter() - started)
        assert b'id="total"' in body, url
    return times[0], statistics.median(times)


def time_site(engine, index_path: Path, out: Path) -> None:
    """Build the static export twice (the second run finds every file unchanged); print times and sizes."""
    import shutil

    from reports.browse import static

    shutil.rmtree(out, ignore_errors=True)
    for run in ("first", "again"):
        started = time.perf_counter()
        summary = static.build(engine, index_path, out)
        print(f"static export ({run}): {time.perf_counter() - started:.1f} s, {summary}")
    on_disk = sum(p.stat().st_blocks * 512 for p in out.rglob("*") if p.is_file())
    print(f"on disk: {on_disk / 1e6:.0f} MB in {sum(1 for p in out.rglob('*') if p.is_file())} files; by folder:")
    for folder in sorted(p for p in out.iterdir()):
        files = [folder] if folder.is_file() else [p for p in folder.rglob("*") if p.is_file()]
        print(f"  {folder.name:<16} {len(files):>7} files {sum(p.stat().st_size for p in files) / 1e6:9.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--site", action="store_true", help="time the static export (lendwatch site) instead")
    parser.add_argument("--db", help="an empty PostgreSQL database's URL (default: a SQLite file in --out)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{args.out / f'browse-{args.articles}.db'}"
    if not article_count(url):
        started = time.perf_counter()
        build_db(url, args.articles)
        print(f"built {url} ({args.articles} articles) in {time.perf_counter() - started:.1f} s")
    engine = read_only(url)
    index_path = (args.out / f"browse-pg-{args.articles}.browse.sqlite" if args.db else index.default_path(url))
    started = time.perf_counter()
    summary = index.update(engine, index_path)
    print(f"index update: {summary} in {time.perf_counter() - started:.1f} s "
          f"({index_path.stat().st_size / 1e6:.0f} MB)")
    if args.site:
        time_site(engine, index_path, args.out / f"site-{args.articles}")
        return
    app = BrowseApp(engine, index_path)
    started = time.perf_counter()
    app.warm()
    print(f"columns read into memory (once, at server start) in {1000 * (time.perf_counter() - started):.0f} ms")
    print(f"{'first ms':>9} {'median ms':>10}  url (server side, {args.repeat} runs each)")
    for url in URLS:
        first, median = time_app(app, url, args.repeat)
        print(f"{1000 * first:9.1f} {1000 * median:10.1f}  {url}")
    server = make(app, "127.0.0.1", 0, quiet=True)
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    for url in ("/", "/articles"):
        started = time.perf_counter()
        urllib.request.urlopen(base + url).read()
        print(f"first load over HTTP {url}: {1000 * (time.perf_counter() - started):.0f} ms")
    if Path("/usr/bin/chromium").exists():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"])
            page = browser.new_page()
            for url in ("/articles", "/articles?q=" + quote("催收 新规")):
                started = time.perf_counter()
                page.goto(base + url, wait_until="load")
                print(f"Chromium load {url}: {1000 * (time.perf_counter() - started):.0f} ms")
            browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
