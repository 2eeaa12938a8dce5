"""Evaluate relevance and topics against labelled texts.

``evaluate_topics(path)`` reads a JSONL file (``text``, optional ``title``, ``relevant``, ``topics``;
optional ``split`` selected with ``split=``; rows with a ``key`` instead of a text are our labels of
``../shared`` texts, joined by :mod:`analysis.keyed_labels`) or a folder of sample-site articles
(``lendwatch/sandbox/articles/*.md``: TOML front matter between ``+++`` lines, then the body) and
returns relevance precision / recall / F1, topics micro-F1 and per-topic precision / recall /
support.  Topic scores are computed over the items labelled relevant (a relevant item the tagger
rejects counts its topics as missed).

    python -m analysis.evaluate_topics tests/fixtures/labels/own_topics.jsonl --split holdout
    python -m analysis.evaluate_topics ../shared/data/topics-dev/dev_finnsp.jsonl -v
    python -m analysis.evaluate_topics tests/fixtures/labels/finnsp_topics.jsonl --split holdout --confidence high
    python -m analysis.evaluate_topics tests/fixtures/labels/finnsp_topics.jsonl --against tests/fixtures/labels/finnsp_topics_second.jsonl
    python -m analysis.evaluate_topics lendwatch/sandbox/articles
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from analysis.keyed_labels import attach_texts
from lendwatch.vocabulary import TOPIC_CODES


def load_items(path: str | Path, split: str | None = None, confidence: str | None = None) -> list[dict]:
    path = Path(path)
    items: list[dict] = []
    if path.is_dir():
        for md in sorted(path.glob("*.md")):
            raw = md.read_text(encoding="utf-8")
            parts = raw.split("+++", 2)
            if len(parts) < 3 or parts[0].strip():
                raise ValueError(f"{md}: expected TOML front matter between +++ lines")
            meta = tomllib.loads(parts[1])
            items.append(
                {
                    "id": md.name,
                    "title": meta.get("title"),
                    "text": parts[2].strip(),
                    "relevant": bool(meta.get("relevant", False)),
                    "topics": list(meta.get("topics", [])),
                }
            )
        return items
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if split and row.get("split") != split or confidence and row.get("confidence") != confidence:
                continue
            row.setdefault("id", row.get("key") or f"{path.name}:{lineno}")
            items.append(row)
    return attach_texts(items, path)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _tagger(item: dict) -> tuple[bool, list[str], str]:
    from analysis.tagger import tag

    tags = tag(item["text"], item.get("title"), with_sentiment=False)
    return tags.relevant, tags.topics, tags.evidence.get("relevant", {}).get("reason", "")


def evaluate_items(items: list[dict], predict=_tagger) -> dict:
    """Relevance and topic figures of ``predict(item) -> (relevant, topics, why)`` (the tagger by
    default) against the items' labels."""
    rel = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    per = {t: {"tp": 0, "fp": 0, "fn": 0} for t in TOPIC_CODES}
    errors = []
    for it in items:
        pred_relevant, pred, why = predict(it)
        gold = bool(it["relevant"])
        key = ("tp" if pred_relevant else "fn") if gold else ("fp" if pred_relevant else "tn")
        rel[key] += 1
        gold_topics = set(it.get("topics") or []) if gold else set()
        pred_topics = set(pred) if gold else set()
        for t in TOPIC_CODES:
            if t in pred_topics and t in gold_topics:
                per[t]["tp"] += 1
            elif t in pred_topics:
                per[t]["fp"] += 1
            elif t in gold_topics:
                per[t]["fn"] += 1
        if key in ("fp", "fn") or pred_topics != gold_topics:
            errors.append(
                {
                    "id": it.get("id"),
                    "relevance": key,
                    "missed": sorted(gold_topics - pred_topics),
                    "extra": sorted(pred_topics - gold_topics),
                    "why": why,
                }
            )
    p, r, f = _prf(rel["tp"], rel["fp"], rel["fn"])
    n = max(1, len(items))
    agree = (rel["tp"] + rel["tn"]) / n
    chance = ((rel["tp"] + rel["fp"]) * (rel["tp"] + rel["fn"]) + (rel["fn"] + rel["tn"]) * (rel["fp"] + rel["tn"])) / n**2
    kappa = (agree - chance) / (1 - chance) if chance < 1 else 1.0
    tp = sum(v["tp"] for v in per.values())
    fp = sum(v["fp"] for v in per.values())
    fn = sum(v["fn"] for v in per.values())
    mp, mr, mf = _prf(tp, fp, fn)
    per_topic = {}
    for t, v in per.items():
        tp_, fp_, fn_ = v["tp"], v["fp"], v["fn"]
        pp, rr, ff = _prf(tp_, fp_, fn_)
        per_topic[t] = {"precision": pp, "recall": rr, "f1": ff, "support": tp_ + fn_, "predicted": tp_ + fp_}
    return {
        "n": len(items),
        "relevance": {"precision": p, "recall": r, "f1": f, "kappa": kappa, **rel},
        "topics": {"micro_precision": mp, "micro_recall": mr, "micro_f1": mf, "tp": tp, "fp": fp, "fn": fn},
        "per_topic": per_topic,
        "errors": errors,
    }


def evaluate_topics(path: str | Path, split: str | None = None, confidence: str | None = None) -> dict:
    """Scores for the labelled items in ``path`` (JSONL or a folder of sample articles), optionally only
    those of one ``split`` and one label ``confidence`` (high / low)."""
    result = evaluate_items(load_items(path, split, confidence))
    result["path"] = str(path) + "".join(f" [{v}]" for v in (split, confidence) if v)
    return result


def agreement(path: str | Path, other: str | Path, split: str | None = None,
              confidence: str | None = None) -> dict:
    """A second annotator's labels (``other``, JSONL matched by ``key`` or ``id``) scored against ``path``'s,
    on the items both label: the figures a tagger could hope for where people disagree."""
    def ident(row: dict) -> str:
        return row.get("key") or row["id"]

    second: dict[str, dict] = {}
    with Path(other).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                second[ident(row)] = row

    def answer(item: dict) -> tuple[bool, list[str], str]:
        row = second[ident(item)]
        return bool(row["relevant"]), row.get("topics") or [], ""

    common = [it for it in load_items(path, split, confidence) if ident(it) in second]
    result = evaluate_items(common, answer)
    result["path"] = f"{other} against {path}" + "".join(f" [{v}]" for v in (split, confidence) if v)
    return result


def format_report(result: dict, verbose: bool = False) -> str:
    r, t = result["relevance"], result["topics"]
    lines = [
        f"{result.get('path', '')}  n={result['n']}",
        f"relevance  P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} kappa={r['kappa']:.3f}  "
        f"(tp={r['tp']} fp={r['fp']} fn={r['fn']} tn={r['tn']})",
        f"topics     micro P={t['micro_precision']:.3f} R={t['micro_recall']:.3f} F1={t['micro_f1']:.3f}  "
        f"(tp={t['tp']} fp={t['fp']} fn={t['fn']})",
        f"{'topic':<20} {'P':>6} {'R':>6} {'F1':>6} {'support':>8} {'pred':>5}",
    ]
    for code, v in result["per_topic"].items():
        if v["support"] or v["predicted"]:
            lines.append(
                f"{code:<20} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['support']:8d} {v['predicted']:5d}"
            )
    if verbose:
        lines.append("errors:")
        for e in result["errors"]:
            lines.append(f"  {e['id']}: rel={e['relevance']} missed={e['missed']} extra={e['extra']} {e['why']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Score the tagger's relevance and topics on labelled texts.")
    ap.add_argument("path", help="JSONL with text/title/relevant/topics, or a folder of sample .md articles")
    ap.add_argument("--split", help="only rows whose 'split' field equals this (e.g. tune, holdout)")
    ap.add_argument("--confidence", choices=("high", "low"), help="only rows whose label confidence is this")
    ap.add_argument("--against", metavar="OTHER", help="score a second annotator's labels in OTHER instead of the tagger")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misclassified items")
    args = ap.parse_args(argv)
    try:
        if args.against:
            result = agreement(args.path, args.against, args.split, args.confidence)
        else:
            result = evaluate_topics(args.path, args.split, args.confidence)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(result, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
