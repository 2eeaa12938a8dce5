"""Crawl benchmark: ``scrapy bench`` and a full lendwatch crawl, measured in one run on this machine.

The lendwatch crawl fetches, extracts and stores (SQLite) the generated articles of the sample
site's bulk replica (:mod:`lendwatch.sandbox.replicas.bulk`, list pages linking ~1,500-character
Chinese articles) with the settings a user would give a local site. Each crawl runs in its own
process; its peak RSS is read with ``os.wait4`` (that child's ``ru_maxrss``).

    python bench/crawl_bench.py                     # scrapy bench, then 1,000 and 10,000 pages
    python bench/crawl_bench.py --pages 2000 --profile /tmp/crawl.prof

Exit code 1 when a crawl loses pages or the pages/min ratio is below ``--target``.
"""

import argparse
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CRAWL_SETTINGS = "[crawl]\ndelay = 0\nconcurrency = 16\nautothrottle = false\nallow_private = true\n"
CRAWLED = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")


def scrapy_bench(seconds: int) -> dict:
    """Run ``scrapy bench`` (its own local server) outside any project; its pages/min."""
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
                                cwd=folder, capture_output=True, text=True, timeout=seconds + 120)
    log = result.stderr
    rates = [int(r) for _, r in CRAWLED.findall(log)][1:]  # the first line is at start-up
    pages = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if result.returncode or not (pages and elapsed):
        raise SystemExit(f"scrapy bench failed (exit {result.returncode}):\n{log[-2000:]}")
    pages, elapsed = int(pages.group(1)), float(elapsed.group(1))
    return {"pages": pages, "seconds": round(elapsed, 2), "pages_per_min": round(pages / elapsed * 60),
            "logstats_pages_per_min": rates}


def crawl_child(sources: str, db: str) -> None:
    """In the child process: one crawl through the real runner; prints its timing as JSON."""
    from crawler.runner import crawl
    from crawler.config import load_sources
    from lendwatch import db as database

    config = load_sources(sources)
    engine = database.connect(db)
    database.migrate(engine)
    started = time.perf_counter()
    _, results = crawl(engine, config, quiet=True)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "counts": {k: v.as_dict() for k, v in results.items()}}))


def lendwatch_crawl(base_url: str, pages: int, folder: Path, profile: str | None) -> dict:
    """A full crawl of ``pages`` generated articles in a child process; rate, peak RSS, counts."""
    from lendwatch.sandbox.replicas.bulk import listing_source

    sources, db = folder / f"bulk-{pages}.toml", folder / f"bulk-{pages}.db"
    sources.write_text(CRAWL_SETTINGS + listing_source(base_url, pages), encoding="utf-8")
    python = [sys.executable] + (["-m", "cProfile", "-o", profile] if profile else [])
    out, err = folder / f"bulk-{pages}.out", folder / f"bulk-{pages}.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([*python, __file__, "--child", str(sources), str(db)],
                                stdout=stdout, stderr=stderr, cwd=Path(__file__).resolve().parent.parent)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"crawl of {pages} pages failed (exit {proc.returncode}):\n{err.read_text()[-2000:]}")
    report = json.loads(out.read_text().strip().splitlines()[-1])
    with sqlite3.connect(db) as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
    fetched = report["counts"]["bulk"]["fetched"]
    return {"articles": pages, "stored": articles, "fetched": fetched, "seconds": round(report["seconds"], 2),
            "pages_per_min": round(fetched / report["seconds"] * 60),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "counts": report["counts"]["bulk"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000],
                        help="generated articles per crawl (one crawl each; default 1000 10000)")
    parser.add_argument("--scrapy-seconds", type=int, default=10, help="how long scrapy bench runs")
    parser.add_argument("--target", type=float, default=0.5, help="lowest acceptable pages/min ratio")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the (last) crawl into FILE")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    parser.add_argument("--child", nargs=2, metavar=("SOURCES", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        crawl_child(*args.child)
        return 0

    from lendwatch.sandbox.server import SampleSite

    figures = {"runs": []}
    ok = True
    with tempfile.TemporaryDirectory() as folder, SampleSite() as site:
        for pages in args.pages:
            # scrapy bench right before each crawl: the machine is shared, its load changes
            reference = scrapy_bench(args.scrapy_seconds)
            print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; scrapy bench: "
                  f"{reference['pages']} pages in {reference['seconds']} s = {reference['pages_per_min']} pages/min",
                  flush=True)
            profile = args.profile if args.profile and pages == args.pages[-1] else None
            run = lendwatch_crawl(site.base_url, pages, Path(folder), profile)
            run["ratio"] = round(run["pages_per_min"] / reference["pages_per_min"], 2)
            ok &= run["stored"] == pages and run["ratio"] >= args.target
            figures["runs"].append({"scrapy_bench": reference, "lendwatch": run})
            print(f"lendwatch {pages:>6} articles: {run['fetched']} pages in {run['seconds']} s "
                  f"= {run['pages_per_min']} pages/min (ratio {run['ratio']}), stored {run['stored']}, "
                  f"CPU {run['cpu_seconds']} s, peak RSS {run['peak_rss_mb']} MB", flush=True)
    figures["machine"] = {"cpus": os.cpu_count(), "load_average": os.getloadavg(),
                          "children_max_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
