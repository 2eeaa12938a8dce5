"""Time one month's report on synthetic databases of 10k, 100k (and 1M) articles.

Usage::

    python bench/report_bench.py                 # 10k and 100k articles
    python bench/report_bench.py --sizes 10000 100000 1000000
    python bench/report_bench.py --sizes 1000000 --pg postgresql+psycopg://postgres@127.0.0.1/postgres

Databases are generated in a temporary folder (never in the repository) with
executemany; each report is built in a fresh subprocess, which prints its wall time and
peak memory (``ru_maxrss``), so the generator's memory does not count. With ``--pg SERVER``
the same rows are also copied (``COPY``) into a new database on that PostgreSQL server
(dropped after) and the report timed there too.
"""

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lendwatch.db import scratch_database

MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
REPORT_MONTH = "2024-09"
TOPICS = ["violent_collection", "privacy", "regulation", "enforcement", "complaints", "delinquency",
          "debt_relief", "industry_tech", "illegal_lending", "anti_collection", "platform_risk",
          "borrower_wellbeing", "financial_education"]
WORDS = ("网贷 催收 逾期 借款人 暴力催收 爆通讯录 通讯录 亲友 骚扰 电话 短信 投诉 维权 监管 新规 通知 办法 金融监管总局 "
         "人民银行 警方 法院 判决 立案 罚款 协商还款 个性化分期 停息挂账 减免 外包 催收公司 机器人 高利贷 砍头息 "
         "套路贷 反催收 代理退息 债务优化 征信修复 平台 爆雷 心理压力 大学生 风险提示 消费者 利率 年化 合同 "
         "记者 调查 发现 表示 今年 近日 多名 部分 机构 消费金融 信用卡 现金贷 助贷 小额贷款 整改 约谈").split()
LENDERS = ["示例贷", "样例花", "演示借", "示范分期", "测试金融"]
REGIONS = ["杭州市", "合肥市", "郑州市", "成都市", "深圳市", "无锡市"]


def _text(rng: random.Random, chars: int = 600) -> str:
    out, n = [], 0
    while n < chars:
        sentence = "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) + "。"
        out.append(sentence)
        n += len(sentence)
    return "".join(out)


def generate(path: Path, n: int, seed: int = 7) -> None:
    """An SQLite database with ``n`` synthetic articles, their analyses and some complaints."""
    from lendwatch import db

    engine = db.connect(f"sqlite:///{path}")
    db.migrate(engine)  # the real schema, with its indexes
    engine.dispose()
    rng = random.Random(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    now = "2024-12-31T00:00:00+00:00"
    batch_a, batch_n, batch_c = [], [], []

    def flush():
        con.executemany("INSERT INTO articles (id, canonical_url, url, source, title, published_at, author, text, "
                        "text_hash, extraction_version, first_seen_at, updated_at, extra) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", batch_a)
        con.executemany("INSERT INTO analyses (article_id, model_version, lexicon_version, text_hash, relevant, "
                        "topics, sentiment, p_negative, entities, evidence, story_id, analyzed_at) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch_n)
        con.executemany("INSERT INTO complaints (article_id, platform, complaint_id, company, issue, appeal, amount, "
                        "status, filed_at, timeline) VALUES (?,?,?,?,?,?,?,?,?,?)", batch_c)
        batch_a.clear(), batch_n.clear(), batch_c.clear()

    for i in range(1, n + 1):
        month = MONTHS[i * len(MONTHS) // (n + 1)]
        day = rng.randint(1, 28)
        published = f"{month}-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+08:00"
        text = _text(rng)
        title = "".join(rng.choice(WORDS) for _ in range(5))
        relevant = rng.random() < 0.7
        topics = rng.sample(TOPICS, rng.randint(1, 3)) if relevant else []
        p_neg = rng.random()
        sentiment = "negative" if p_neg > 0.55 else "positive" if p_neg < 0.1 else "neutral"
        story = i - rng.randint(1, 20) if i > 20 and rng.random() < 0.2 else i
        extra = {"outlet": f"媒体{rng.randint(1, 60)}"}
        if "regulation" in topics and rng.random() < 0.2:
            extra.update(doc_number=f"示例发〔2024〕{i % 90}号", issuer="示例金融管理局")
        entities = {"lenders": rng.sample(LENDERS, rng.randint(0, 2)), "regulators": [], "courts": [], "laws": [],
                    "doc_numbers": [], "regions": rng.sample(REGIONS, 1)}
        evidence = {"sentiment": [text[:40]]}
        batch_a.append((i, f"https://example.org/a/{i}", f"https://example.org/a/{i}", f"src{i % 12}", title,
                        published, None, text, f"h{i}", "bench", now, now, json.dumps(extra, ensure_ascii=False)))
        batch_n.append((i, "bench-model", "bench-lexicon", f"h{i}", relevant, json.dumps(topics), sentiment, p_neg,
                        json.dumps(entities, ensure_ascii=False), json.dumps(evidence, ensure_ascii=False), story, now))
        if rng.random() < 0.05:
            batch_c.append((i, "heimao", f"c{i}", rng.choice(LENDERS), rng.choice(["暴力催收", "高息", "乱扣费"]), "退款",
                            rng.randint(100, 20000), rng.choice(["处理中", "已完成", None]), published, "[]"))
        if len(batch_a) >= 20000:
            flush()
    flush()
    con.commit()
    con.close()


TABLES = {
    "articles": "id, canonical_url, url, source, title, published_at, author, text, text_hash, extraction_version, "
                "first_seen_at, updated_at, extra",
    "analyses": "article_id, model_version, lexicon_version, text_hash, relevant, topics, sentiment, p_negative, "
                "entities, evidence, story_id, analyzed_at",
    "complaints": "article_id, platform, complaint_id, company, issue, appeal, amount, status, filed_at, timeline",
}


def copy_to_postgresql(db: Path, url: str) -> None:
    """The generated SQLite rows copied into the (empty) PostgreSQL database at ``url``."""
    import psycopg
    from sqlalchemy.engine import make_url

    from lendwatch import db as lendwatch_db

    engine = lendwatch_db.connect(url)
    lendwatch_db.migrate(engine)
    engine.dispose()
    source = sqlite3.connect(db)
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as pg:
        with pg.cursor() as cursor:
            for table, columns in TABLES.items():
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in source.execute(f"SELECT {columns} FROM {table}"):
                        copy.write_row(row)
            cursor.execute("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))")
            cursor.execute("ANALYZE")
    source.close()


def report(url: str, out: Path) -> dict:
    """Wall time and peak memory of one report on ``url``, built in a fresh process."""
    result = subprocess.run([sys.executable, __file__, "--measure", url, "--out", str(out)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(url: str, out: Path) -> None:
    """Build one report and print wall time and peak RSS (run in a fresh process)."""
    from lendwatch.db import read_only
    from reports.monthly import build

    engine = read_only(url)
    started = time.perf_counter()
    build(engine, REPORT_MONTH, out, {"md", "html"})
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak_mb)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pg", metavar="SERVER", help="also time the report on this PostgreSQL server's URL")
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure, args.out)
    with tempfile.TemporaryDirectory(prefix="lendwatch-bench-") as tmp:
        for n in args.sizes:
            db = Path(tmp) / f"bench-{n}.db"
            started = time.perf_counter()
            generate(db, n)
            made = time.perf_counter() - started
            figures = report(f"sqlite:///{db}", Path(tmp) / f"out-{n}")
            print(f"{n:>9,} articles: generated in {made:.1f} s; report {REPORT_MONTH}: "
                  f"{figures['seconds']:.2f} s, peak {figures['peak_mb']} MB (SQLite)", flush=True)
            if args.pg:
                with scratch_database(args.pg, "lendwatch_bench") as url:
                    started = time.perf_counter()
                    copy_to_postgresql(db, url)
                    made = time.perf_counter() - started
                    figures = report(url, Path(tmp) / f"out-pg-{n}")
                print(f"{n:>9,} articles: copied in {made:.1f} s; report {REPORT_MONTH}: "
                      f"{figures['seconds']:.2f} s, peak {figures['peak_mb']} MB (PostgreSQL)", flush=True)


if __name__ == "__main__":
    main()
