"""Team-scale benchmark on PostgreSQL: crawl workers sharing Redis, analysis workers sharing the work.

1. **Crawl**: the sample site's bulk replica (``--pages`` generated articles) crawled into a fresh
   PostgreSQL database by 1 ``lendwatch crawl`` without Redis, then by 1, 2 and 4 workers sharing
   Redis (``--redis``), started together; wall time from the first start to the last exit, pages
   fetched (the site's own request count), duplicates (article pages fetched more than once) and
   articles stored.
2. **Analysis**: ``--articles`` generated articles (``bench/analysis_bench.py``'s texts) analysed by
   1 and by 2 ``lendwatch analyze`` processes started together on a fresh PostgreSQL database.

    python bench/team_bench.py                          # 10,000 pages; 2,000 articles
    python bench/team_bench.py --pages 2000 --articles 500 --json /tmp/team.json

Needs the PostgreSQL server of ``LENDWATCH_TEST_PG`` and the Redis of ``LENDWATCH_TEST_REDIS``
(defaults: the local ones). Exit code 1 when a crawl stores fewer articles than generated, fetches
an article twice, or an article is analysed twice.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from lendwatch.db import scratch_database  # noqa: E402 - the checkout's package, not an installed one
PG = os.environ.get("LENDWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("LENDWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")
CRAWL = "[crawl]\ndelay = 0\nconcurrency = 16\nautothrottle = false\nallow_private = true\n"


def scalar(url: str, sql: str):
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


def run_together(commands: list[list[str]], env: dict) -> tuple[float, list[str]]:
    """Start every command at once; seconds until the last exits, and their outputs."""
    started = time.perf_counter()
    procs = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]
    outputs = [p.communicate() for p in procs]
    seconds = time.perf_counter() - started
    for p, (out, err) in zip(procs, outputs):
        if p.returncode not in (0, 1):
            raise SystemExit(f"{p.args} failed (exit {p.returncode}):\n{err[-2000:]}")
    return seconds, [out for out, _ in outputs]


def crawl(site, pages: int, workers: int, redis: bool) -> dict:
    from lendwatch import db
    from lendwatch.sandbox.replicas.bulk import listing_source

    name = f"bench-{uuid.uuid4().hex[:6]}"
    sources = Path(f"/tmp/{name}.toml")
    sources.write_text(CRAWL + (f'redis = "{REDIS}"\n' if redis else "")
                       + listing_source(site.base_url, pages, name=name), encoding="utf-8")
    with scratch_database(PG, "lendwatch_bench") as url:
        engine = db.connect(url)
        db.migrate(engine)  # once, as a deployment does before starting workers
        engine.dispose()
        site.hits.clear()
        command = [sys.executable, "-m", "lendwatch", "crawl", "--quiet", "--sources", str(sources), "--db", url]
        seconds, _ = run_together([command] * workers, dict(os.environ))
        stored = scalar(url, "select count(distinct canonical_url) from articles")
        rows = scalar(url, "select count(*) from articles")
    sources.unlink()
    if redis:
        import redis as client

        server = client.Redis.from_url(REDIS)
        for key in server.scan_iter(f"lendwatch:{name}:*"):
            server.delete(key)
    articles = {p: n for p, n in site.hits.items() if f"/bulk/{pages}/a/" in p}
    fetched = sum(site.hits.values())
    return {"workers": workers, "redis": redis, "seconds": round(seconds, 1), "pages": fetched,
            "pages_per_min": round(fetched / seconds * 60), "stored": stored, "rows": rows,
            "duplicate_fetches": sum(n - 1 for n in articles.values())}


def analysis(articles: int, workers: int) -> dict:
    from bench.analysis_bench import make_articles
    from lendwatch import db, schema
    from lendwatch.records import now_utc, sha256

    with scratch_database(PG, "lendwatch_bench") as url:
        engine = db.connect(url)
        db.migrate(engine)
        now = now_utc()
        with engine.begin() as conn:
            conn.execute(insert(schema.articles), [
                {"canonical_url": f"https://bench.invalid/{i}", "url": f"https://bench.invalid/{i}",
                 "source": "bench", "title": title, "published_at": f"2024-09-{1 + i % 28:02d}T08:00:00+08:00",
                 "text": body, "text_hash": sha256(body), "extraction_version": "bench",
                 "first_seen_at": now, "updated_at": now}
                for i, (title, body) in enumerate(make_articles(articles, 1500))])
        engine.dispose()
        command = [sys.executable, "-m", "lendwatch", "analyze", "--db", url]
        seconds, outputs = run_together([command] * workers, dict(os.environ))
        analysed = [int(out.split()[1].rstrip(",")) for out in outputs]
        stored = scalar(url, "select count(*) from analyses")
    return {"workers": workers, "seconds": round(seconds, 1), "articles_per_s": round(articles / seconds, 1),
            "analysed_by_worker": analysed, "stored": stored, "twice": sum(analysed) - articles}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10000, help="generated articles to crawl")
    parser.add_argument("--articles", type=int, default=2000, help="generated articles to analyse")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    from lendwatch.sandbox.server import SampleSite

    figures = {"cpus": os.cpu_count(), "crawl": [], "analysis": []}
    ok = True
    with SampleSite() as site:
        for workers, redis in ((1, False), (1, True), (2, True), (4, True)):
            run = crawl(site, args.pages, workers, redis)
            ok &= run["stored"] == run["rows"] == args.pages and run["duplicate_fetches"] == 0
            figures["crawl"].append(run)
            print(f"crawl {workers} worker(s){' sharing Redis' if redis else ', no Redis'}: {run['pages']} pages "
                  f"in {run['seconds']} s = {run['pages_per_min']} pages/min; stored {run['stored']}, "
                  f"duplicate fetches {run['duplicate_fetches']} (load {os.getloadavg()[0]:.1f})", flush=True)
    for workers in (1, 2):
        run = analysis(args.articles, workers)
        ok &= run["stored"] == args.articles and run["twice"] == 0
        figures["analysis"].append(run)
        print(f"analysis {workers} worker(s): {args.articles} articles in {run['seconds']} s = "
              f"{run['articles_per_s']}/s, by worker {run['analysed_by_worker']} (load {os.getloadavg()[0]:.1f})",
              flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
