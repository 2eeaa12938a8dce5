"""Requests per source on an unchanged re-crawl of the sample site (``lendwatch demo``'s sources).

Crawls the sample site three times into one fresh SQLite file, each crawl in its own process
(Scrapy's reactor runs once), and prints per source the requests each crawl sent as the sample
server saw them, ``robots.txt`` aside (fetched once per source and crawl). Nothing changes between
the crawls. The second crawl still reaches what the first could not (pages behind a one-time
challenge or captcha, whose lists therefore kept no validators); the third is the steady state.

    PYTHONPATH=. python bench/recrawl_bench.py [--json out.json]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from lendwatch.commands.sample import demo_sources
from lendwatch.sandbox.replicas.tousu import SAMPLE_COOKIE, SAMPLE_COOKIE_ENV
from lendwatch.sandbox.server import SampleSite

SOURCE_OF = {"chinanews": "sample-chinanews", "people": "sample-people", "gov": "sample-gov",
             "farm": "sample-farm", "nfra": "sample-nfra", "pbc": "sample-pbc", "thepaper": "sample-thepaper",
             "tousu": "sample-tousu", "baidu": "sample-baidu"}


def crawl(sources: Path, db: Path) -> None:
    env = {"PYTHONPATH": str(Path(__file__).resolve().parent.parent), SAMPLE_COOKIE_ENV: SAMPLE_COOKIE}
    result = subprocess.run([sys.executable, "-m", "lendwatch", "crawl", "--sources", str(sources),
                             "--db", str(db), "--quiet"], capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=600)
    if result.returncode not in (0, 1):
        raise SystemExit(f"crawl failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    print(result.stdout, file=sys.stderr)


def per_source(seen: list[tuple[str, dict]]) -> tuple[Counter, int]:
    """Requests by source (by the path's first segment) and the robots.txt requests."""
    counts = Counter()
    robots = 0
    for path, _ in seen:
        if path == "/robots.txt":
            robots += 1
            continue
        counts[SOURCE_OF.get(path.strip("/").split("/")[0], path)] += 1
    return counts, robots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, SampleSite() as site:
        sources, db = Path(folder) / "sources.toml", Path(folder) / "lendwatch.db"
        sources.write_text(demo_sources(site.base_url), encoding="utf-8")
        crawls = []
        for _ in range(3):
            site.requests_seen.clear()
            crawl(sources, db)
            crawls.append(per_source(site.requests_seen))
    print(f"{'source':<18} {'1st crawl':>9} {'2nd':>5} {'3rd':>5}   (robots.txt aside: "
          f"{crawls[-1][1]} on the 3rd, one per source)")
    for name in SOURCE_OF.values():
        print(f"{name:<18} {crawls[0][0][name]:>9} {crawls[1][0][name]:>5} {crawls[2][0][name]:>5}")
    if args.json:
        args.json.write_text(json.dumps([{"requests": counts, "robots": robots} for counts, robots in crawls],
                                        indent=1))


if __name__ == "__main__":
    main()
