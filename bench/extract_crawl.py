#!/usr/bin/env python3
"""Real pages through a crawl: an RSS feed (items with the true title and date) served on 127.0.0.1
links every page of the given folders; `lendwatch crawl` fetches and stores them; each stored
article is scored like bench/extract_score.py (title, date, start, end, clean, full).

Usage:
  python bench/extract_crawl.py DATA_DIR... [--split all|dev|holdout] [--min-full 0.9]

Also counts articles dated on the crawl day although their truth says otherwise. Exit 1 when
--min-full is missed or such an article exists.
"""
from __future__ import annotations

import argparse
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_score import DataError, figures, load, score  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")


def feed(pages, base: str) -> bytes:
    items = []
    for folder, truth, _ in pages:
        when = f"<pubDate>{format_datetime(datetime.fromisoformat(truth['date']).replace(hour=12, tzinfo=SH))}</pubDate>" \
            if truth.get("date") else ""
        title = f"<title>{escape(truth['title'])}</title>" if truth.get("title") else ""
        items.append(f"<item>{title}<link>{base}/{folder}/{truth['file']}</link>{when}</item>")
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>real pages</title>"
            f"<link>{base}/</link>{''.join(items)}</channel></rss>").encode("utf-8")


def serve(pages) -> tuple[http.server.ThreadingHTTPServer, str]:
    files = {f"/{folder}/{truth['file']}": path for folder, truth, path in pages}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/feed.xml":
                body, kind = feed(pages, base), "application/rss+xml"
            elif self.path in files:
                body, kind = files[self.path].read_bytes(), "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", type=Path)
    parser.add_argument("--split", choices=("all", "dev", "holdout"), default="all")
    parser.add_argument("--holdout", type=Path, help="one holdout list for every folder")
    parser.add_argument("--min-full", type=float)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    try:
        pages = load(args.data, args.split, args.holdout)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    server, base = serve(pages)
    with tempfile.TemporaryDirectory() as tmp:
        sources, db = Path(tmp) / "sources.toml", Path(tmp) / "crawl.db"
        sources.write_text("[crawl]\nallow_private = true\ndelay = 0\nautothrottle = false\n\n"
                           f'[[sources]]\nname = "real"\nkind = "rss"\nurl = "{base}/feed.xml"\n', encoding="utf-8")
        crawl_day = datetime.now(SH).date().isoformat()
        subprocess.run([sys.executable, "-m", "lendwatch", "crawl", "--sources", str(sources), "--db", str(db),
                        "--quiet"], capture_output=True, text=True, env=os.environ)
        with sqlite3.connect(db) as conn:
            stored = {url: (title, published_at, text, source) for url, title, published_at, text, source in
                      conn.execute("select url, title, published_at, text, date_source from articles")}
    server.shutdown()
    rows, crawl_day_dated = [], 0
    for folder, truth, _ in pages:
        title, published_at, text, source = stored.get(f"{base}/{folder}/{truth['file']}", (None, None, "", None))
        row, leaks = score(truth, {"title": title, "published_at": published_at, "text": text})
        rows.append(row)
        if published_at and published_at.startswith(crawl_day) and truth.get("date") != crawl_day:
            crawl_day_dated += 1
        if args.verbose and not all(row.values()):
            print(f"{folder}/{truth['file']}: {','.join(k for k, v in row.items() if not v)} "
                  f"title={title!r} date={published_at!r} ({source}) leaks={leaks}")
    figs = figures(rows)
    print(f"crawl [{args.split}]: stored {len(stored)} of {len(pages)}; "
          + " ".join(f"{k}={v:.0%}" for k, v in figs.items()) + f"; dated on the crawl day: {crawl_day_dated}")
    return 1 if crawl_day_dated or (args.min_full is not None and figs["full"] < args.min_full) else 0


if __name__ == "__main__":
    sys.exit(main())
