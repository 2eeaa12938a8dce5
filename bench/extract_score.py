#!/usr/bin/env python3
"""Score `lendwatch extract` on one or more folders of saved pages with hand-checked truth.

Scores exactly like ../shared/tools/score_extract.py (same normalisation, same metrics, same speed
figure: wall time of one `lendwatch extract` run over every page, --repeat times), over several
folders at once, with figures per folder and for all pages together.

Usage:
  python bench/extract_score.py DATA_DIR... [--split all|dev|holdout] [--holdout FILE]
                                [--cmd "lendwatch extract"] [--repeat 3] [--vs-trafilatura]
                                [--min-full 0.92 --min-title 0.95 --min-date 0.97 --min-speed-ratio 1.5] [-v]

A DATA_DIR holds pages/*.html and the truth of its pages: DATA_DIR/truth.jsonl, or, for folders
whose truth is ours (the pages stay in ../shared), bench/extract/<folder name>.truth.jsonl.
Truth rows: file, title, date (YYYY-MM-DD or null), date_alt (optional list), body_start,
body_end, not_body (list), encoding (optional). When bench/extract/<folder name>.manifest.tsv
exists, every page's sha256 must match it (the truth was written for those bytes). --split dev
drops the pages listed in the folder's holdout file (bench/extract/<folder name>.holdout.txt, else
bench/extract/holdout.txt, or --holdout FILE for every folder), --split holdout keeps only them.
Exit 1 when a --min-* bound is missed, 2 on a missing folder, truth file or changed page, else 0.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import shlex
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
METRICS = ("title", "date", "start", "end", "clean", "full")
_META_CHARSET = re.compile(rb'<meta[^>]+charset\s*=\s*["\']?\s*([A-Za-z0-9_\-]+)', re.I)


def norm(text) -> str:
    """HTML-unescaped, NFKC, all whitespace removed (as score_extract.py compares)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", html.unescape(str(text)))
    return re.sub(r"\s+", "", text)


def norm_date(value) -> str | None:
    if not value:
        return None
    found = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", str(value))
    if not found:
        return None
    y, m, d = (int(x) for x in found.groups())
    return f"{y:04d}-{m:02d}-{d:02d}"


def score(truth: dict, out: dict) -> tuple[dict, list[str]]:
    body = norm(out.get("text"))
    row = {"title": norm(out.get("title")) == norm(truth["title"])}
    if truth.get("date"):
        got = norm_date(out.get("published_at"))
        row["date"] = got is not None and (got == truth["date"] or got in (truth.get("date_alt") or []))
    row["start"] = norm(truth["body_start"]) in body
    row["end"] = norm(truth["body_end"]) in body
    leaks = [x for x in truth.get("not_body", []) if norm(x) in body]
    row["clean"] = not leaks
    row["full"] = row["start"] and row["end"] and row["clean"]
    return row, leaks


def truth_file(folder: Path) -> Path:
    own = folder / "truth.jsonl"
    return own if own.exists() else HERE / "extract" / f"{folder.name}.truth.jsonl"


class DataError(Exception):
    """A folder, truth file or page that cannot be scored as given."""


def holdout_names(folder: Path, override: Path | None) -> set[str]:
    own = HERE / "extract" / f"{folder.name}.holdout.txt"
    path = override or (own if own.exists() else HERE / "extract" / "holdout.txt")
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def manifest_sha256(folder: Path) -> dict[str, str]:
    """file name -> sha256 from bench/extract/<folder>.manifest.tsv (empty when there is none)."""
    path = HERE / "extract" / f"{folder.name}.manifest.tsv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {Path(r["file"]).name: r["sha256"] for r in csv.DictReader(fh, delimiter="\t")}


def load(folders: list[Path], split: str, holdout_file: Path | None) -> list[tuple[str, dict, Path]]:
    """(folder name, truth row, page path) for every page in the split, folder by folder."""
    pages = []
    for folder in folders:
        truth = truth_file(folder)
        if not (folder / "pages").is_dir() or not truth.exists():
            raise DataError(f"{folder}: expected {folder / 'pages'}/ and truth in {truth}")
        holdout = holdout_names(folder, holdout_file)
        sums = manifest_sha256(folder)
        for number, line in enumerate(truth.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            page = folder / "pages" / row["file"]
            if not page.exists():
                raise DataError(f"{truth}:{number}: page {page} is missing")
            if sums and hashlib.sha256(page.read_bytes()).hexdigest() != sums.get(row["file"]):
                raise DataError(f"{page}: sha256 differs from {folder.name}.manifest.tsv "
                                "(the truth was written for other bytes)")
            held = row["file"] in holdout
            if split == "all" or (split == "holdout") == held:
                pages.append((folder.name, row, page))
    return pages


def figures(rows: list[dict]) -> dict[str, float]:
    return {k: statistics.mean(r[k] for r in rows if k in r) for k in METRICS
            if any(k in r for r in rows)}


def decode(raw: bytes, known: str | None = None) -> str:
    found = _META_CHARSET.search(raw[:4096])
    encoding = known or (found.group(1).decode().lower() if found else "utf-8")
    if encoding in ("gb2312", "gbk", "x-gbk"):
        encoding = "gb18030"
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return raw.decode("utf-8", errors="replace")


def time_trafilatura(pages: list[tuple[str, dict, Path]], repeat: int) -> float:
    """trafilatura's pages/s on the same pages, each decoded beforehand (its truth encoding if known)."""
    import trafilatura
    docs = [decode(p.read_bytes(), row.get("encoding")) for _, row, p in pages]
    trafilatura.bare_extraction(docs[0], with_metadata=True)
    start = time.perf_counter()
    for _ in range(repeat):
        for doc in docs:
            trafilatura.bare_extraction(doc, with_metadata=True, include_comments=False)
    return len(docs) * repeat / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", type=Path)
    parser.add_argument("--split", choices=("all", "dev", "holdout"), default="all")
    parser.add_argument("--holdout", type=Path, help="one holdout list for every folder")
    parser.add_argument("--cmd", default="lendwatch extract")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--vs-trafilatura", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    for key in ("full", "title", "date", "speed-ratio"):
        parser.add_argument(f"--min-{key}", type=float)
    args = parser.parse_args()
    try:
        pages = load(args.data, args.split, args.holdout)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    paths = [p for _, _, p in pages]
    argv = shlex.split(args.cmd) + [str(p) for p in paths] * args.repeat
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - start
    outs = [json.loads(line) for line in proc.stdout.splitlines() if line.strip().startswith("{")]
    if len(outs) != len(paths) * args.repeat:
        print(proc.stderr[-2000:], file=sys.stderr)
        print(f"expected {len(paths) * args.repeat} JSON lines, got {len(outs)}")
        return 1
    by_folder: dict[str, list[dict]] = {}
    for (folder, truth, _), out in zip(pages, outs):
        row, leaks = score(truth, out)
        by_folder.setdefault(folder, []).append(row)
        if args.verbose and not all(row.values()):
            bad = ",".join(k for k, v in row.items() if not v)
            print(f"{folder}/{truth['file']}: {bad} title={out.get('title')!r} "
                  f"date={out.get('published_at')!r} leaks={leaks}")
    every = [r for rows in by_folder.values() for r in rows]
    for folder, rows in by_folder.items():
        print(f"{folder}: " + " ".join(f"{k}={v:.0%}" for k, v in figures(rows).items()) + f" (n={len(rows)})")
    figs = figures(every)
    speed = len(outs) / wall
    line = f"all [{args.split}]: " + " ".join(f"{k}={v:.0%}" for k, v in figs.items()) \
        + f" pages/s={speed:.1f} (n={len(every)})"
    if args.vs_trafilatura:
        theirs = time_trafilatura(pages, args.repeat)
        figs["speed-ratio"] = speed / theirs
        line += f" trafilatura_pages/s={theirs:.1f} ratio={speed / theirs:.2f}"
    ok = True
    for key in ("full", "title", "date", "speed-ratio"):
        bound = getattr(args, "min_" + key.replace("-", "_"))
        if bound is not None and figs.get(key, 0) < bound:
            ok = False
            line += f" | {key} below {bound}"
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
