"""Analysis benchmark: the whole analysis stage against SnowNLP's sentiment alone, in one run.

Generates N articles of ``--chars`` characters (sentences of the team's sample-site articles,
shuffled with a fixed seed, so every article is different and none is a repost of another) in a
temporary SQLite database, then times :func:`analysis.runner.analyze` (normalise, segment,
relevance, topics, sentiment, entities, story signatures and grouping, database writes):

1. ``jobs=1`` and ``jobs=cpu_count`` on fresh copies of the database;
2. a re-run with nothing to do (incremental: 0 articles tagged);
3. a re-run after a model-version change (every analysis stale, ``jobs=cpu_count``);

and, in the same process, ``SnowNLP(text).sentiments`` alone on the same texts.

    python bench/analysis_bench.py                       # 2,000 articles of 1,500 characters
    python bench/analysis_bench.py --articles 500 --json /tmp/analysis.json
    python bench/analysis_bench.py --profile /tmp/analysis.prof   # cProfile of the jobs=1 run
    python bench/analysis_bench.py --articles 1000 --skip-snownlp  # quick iteration, no SnowNLP part

CPU seconds (this process and the pool's workers) are printed beside the wall-clock rates: on a shared
machine they are the steadier figure.

Exit code 1 when ``jobs=1`` is below ``--target`` articles/s or an article fails.
"""

import argparse
import cProfile
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "lendwatch" / "sandbox" / "articles"
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def sentences() -> list[str]:
    """Every sentence (8+ characters) of the sample articles' bodies."""
    out = []
    for md in sorted(ARTICLES.glob("*.md")):
        body = md.read_text(encoding="utf-8").split("+++", 2)[2]
        out += [s.strip() for s in SENTENCE.findall(body) if len(s.strip()) >= 8]
    return out


def make_articles(n: int, chars: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` (title, text) pairs: shuffled sample sentences, paragraphs of about 200 characters."""
    pool = sentences()
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        paragraphs, para, size = [], "", 0
        while size < chars:
            s = rng.choice(pool)
            para += s
            size += len(s)
            if len(para) >= 200:
                paragraphs.append(para)
                para = ""
        text = "\n".join(paragraphs + [para])[:chars]
        articles.append((f"样例文章 {i}：{rng.choice(pool)[:20]}", text))
    return articles


def build_db(path: Path, articles: list[tuple[str, str]]) -> None:
    from lendwatch import db, schema
    from lendwatch.records import now_utc, sha256

    engine = db.connect(f"sqlite:///{path}")
    db.migrate(engine)
    now = now_utc()
    rows = [{"canonical_url": f"https://bench.invalid/{i}", "url": f"https://bench.invalid/{i}",
             "source": "bench", "title": title, "published_at": f"2024-09-{1 + i % 28:02d}T08:00:00+08:00",
             "text": text, "text_hash": sha256(text), "extraction_version": "bench",
             "first_seen_at": now, "updated_at": now}
            for i, (title, text) in enumerate(articles)]
    with engine.begin() as conn:
        conn.execute(insert(schema.articles), rows)
    engine.dispose()  # closes the WAL, so the file can be copied


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_analyze(path: Path, jobs: int, profile: str | None = None) -> dict:
    from analysis.runner import analyze
    from lendwatch import db

    engine = db.connect(f"sqlite:///{path}")
    profiler = cProfile.Profile() if profile else None
    start, cpu = time.perf_counter(), cpu_seconds()
    if profiler:
        profiler.enable()
    summary = analyze(engine, jobs=jobs)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    engine.dispose()
    return {"jobs": jobs, "analyzed": summary.analyzed, "up_to_date": summary.up_to_date,
            "failed": len(summary.failed), "stories": summary.stories, "seconds": round(seconds, 3),
            "articles_per_s": round(summary.analyzed / seconds, 1) if summary.analyzed else None,
            "cpu_seconds": round(cpu, 2),
            "cpu_ms_per_article": round(1000 * cpu / summary.analyzed, 2) if summary.analyzed else None}


def snownlp_rate(articles: list[tuple[str, str]]) -> dict:
    from snownlp import SnowNLP

    SnowNLP("预热").sentiments  # loads its model
    start, cpu = time.perf_counter(), cpu_seconds()
    for title, text in articles:
        SnowNLP(f"{title}\n{text}").sentiments
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    return {"articles": len(articles), "seconds": round(seconds, 3),
            "articles_per_s": round(len(articles) / seconds, 1),
            "cpu_ms_per_article": round(1000 * cpu / len(articles), 2)}


def compare_snownlp(out: dict, articles: list[tuple[str, str]], jobs: int) -> None:
    """Time SnowNLP's sentiment on the same texts and add the ratios to ``out``."""
    out["snownlp_sentiments"] = snownlp_rate(articles)
    print(f"SnowNLP(text).sentiments alone: {out['snownlp_sentiments']}", flush=True)
    snow = out["snownlp_sentiments"]["articles_per_s"]
    out["ratio_serial_vs_snownlp"] = round(out["serial"]["articles_per_s"] / snow, 1)
    out["ratio_parallel_vs_snownlp"] = round(out["parallel"]["articles_per_s"] / snow, 1)
    print(f"whole analysis stage vs SnowNLP sentiment alone: x{out['ratio_serial_vs_snownlp']} (jobs=1), "
          f"x{out['ratio_parallel_vs_snownlp']} (jobs={jobs})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles to generate (default 2000)")
    parser.add_argument("--chars", type=int, default=1500, help="characters per article (default 1500)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers of the parallel run")
    parser.add_argument("--target", type=float, default=200.0, help="articles/s that jobs=1 must reach")
    parser.add_argument("--profile", help="write a cProfile of the jobs=1 run to this file")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--skip-snownlp", action="store_true",
                        help="leave out the SnowNLP comparison (about 3 minutes), for quick iterations")
    args = parser.parse_args()

    articles = make_articles(args.articles, args.chars)
    out: dict = {"articles": args.articles, "chars": args.chars, "cpu_count": os.cpu_count(),
                 "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base.sqlite"
        build_db(base, articles)
        runs = {}
        for jobs in (1, args.jobs):
            db = Path(folder) / f"jobs{jobs}.sqlite"
            shutil.copy(base, db)
            runs[jobs] = timed_analyze(db, jobs, args.profile if jobs == 1 else None)
            print(f"analyze jobs={jobs}: {runs[jobs]}", flush=True)
        out["serial"] = runs[1]
        out["parallel"] = runs[args.jobs]
        out["rerun_nothing_to_do"] = timed_analyze(db, 1)
        print(f"re-run, nothing changed: {out['rerun_nothing_to_do']}", flush=True)
        with sqlite3.connect(db) as conn:
            conn.execute("update analyses set model_version = 'previous-version'")
        out["rerun_version_change"] = timed_analyze(db, args.jobs)
        print(f"re-run after a version change: {out['rerun_version_change']}", flush=True)
    if not args.skip_snownlp:
        compare_snownlp(out, articles, args.jobs)
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average {out['load_average_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    failed = sum(out[k]["failed"] for k in ("serial", "parallel", "rerun_version_change"))
    ok = out["serial"]["articles_per_s"] >= args.target and not failed
    if not ok:
        print(f"target missed: jobs=1 {out['serial']['articles_per_s']} articles/s (target {args.target}), "
              f"failed {failed}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
