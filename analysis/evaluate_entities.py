"""Evaluate the lenders and platforms :func:`analysis.entities.entities` names against labelled texts.

``evaluate_lenders(path)`` reads JSON Lines with ``text`` (or ``key`` and ``source``, our labels of
``../shared`` texts joined by :mod:`analysis.keyed_labels`) and ``lenders``: every lending platform,
app or lender the text names. Names are compared after mapping gazetteer aliases to their canonical
names; a mention is one name in one text. Precision is over the names found, recall over the names
labelled; a name found only in part (金盒子 for 杭州金盒子) counts as both a false and a missed name.

    python -m analysis.evaluate_entities tests/fixtures/labels/lender_mentions.jsonl -v
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis.keyed_labels import attach_texts


def load(path: str | Path) -> list[dict]:
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return attach_texts(rows, path)


def evaluate_lenders(path: str | Path) -> dict:
    from analysis.entities import entities
    from analysis.lexicon import load as load_lexicon
    from analysis.normalize import normalize

    canon = load_lexicon().gazetteer["lender"]
    tp = fp = fn = 0
    errors = []
    for row in load(path):
        text = normalize(row["text"])
        found = entities(text)
        got = set(found["lenders"])
        want = {canon.get(n, n) for n in (normalize(x) for x in row["lenders"])}
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        if got != want:
            rules = {e["name"]: e["rule"] for e in found["lender_evidence"]}
            errors.append({"id": row.get("id") or row.get("key"), "extra": {n: rules.get(n) for n in sorted(got - want)},
                           "missed": sorted(want - got)})
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"path": str(path), "mentions": tp + fn, "found": tp + fp,
            "tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "errors": errors}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Score the lenders and platforms found against labelled texts.")
    ap.add_argument("path", help="JSONL with text (or key and source) and lenders")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the texts with errors")
    args = ap.parse_args(argv)
    try:
        result = evaluate_lenders(args.path)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    errors = result.pop("errors")
    print(json.dumps(result, ensure_ascii=False))
    if args.verbose:
        for e in errors:
            print(json.dumps(e, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
