"""The shipped tagger's confusion counts on our real labelled holdouts, for correcting the report's shares.

The report corrects each headline share (relevant, negative, each topic) for the classifier's measured
errors (:mod:`reports.quantify`). The errors are measured here, on the holdout splits of our labels of
real texts (:data:`HOLDOUTS`; texts joined from ``../shared`` at run time), never trained or tuned on:

- ``relevant``: every holdout text;
- ``negative`` and ``topic:<code>``: the texts labelled relevant (the report's shares of negative and
  of each topic are shares of the relevant articles).

Each class gets ``[tp, fn, fp, tn]``. They are written into ``analysis/models/metrics.json`` (in each
model's ``metrics``, as ``confusion`` with ``confusion_on``), which the analysis stage copies into the
database, so a report reads them from there. Re-measure after retraining:

    python -m analysis.confusion --write
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from analysis.evaluate_topics import load_items
from lendwatch.vocabulary import TOPIC_CODES

LABELS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "labels"
HOLDOUTS = (("collection_texts.jsonl", "holdout"), ("finnsp_topics.jsonl", "holdout"),
            ("collection_texts_holdout2.jsonl", "holdout2"))  # (label file, split)
METRICS = Path(__file__).resolve().parent / "models" / "metrics.json"
CONFUSION_ON = ("本项目人工标注、未用于训练或调参的真实文本留出集（网贷新闻、借贷帖子、判决书与投诉等 {n} 篇，"
                "其中相关 {relevant} 篇；负面与各话题的误判率只在相关文本上测量）")


def _cell(truth: bool, predicted: bool) -> int:
    return (0 if predicted else 1) if truth else (2 if predicted else 3)


def measure(items: list[dict] | None = None) -> dict[str, list[int]]:
    """``{class: [tp, fn, fp, tn]}`` of the tagger on ``items`` (the real holdouts by default)."""
    from analysis.tagger import tag

    if items is None:
        items = [it for name, split in HOLDOUTS for it in load_items(LABELS / name, split=split)]
    counts = {name: [0, 0, 0, 0] for name in ("relevant", "negative", *(f"topic:{t}" for t in TOPIC_CODES))}
    for it in items:
        tags = tag(it["text"], it.get("title"))
        counts["relevant"][_cell(bool(it["relevant"]), tags.relevant)] += 1
        if not it["relevant"]:
            continue
        counts["negative"][_cell(it.get("sentiment") == "negative", tags.sentiment == "negative")] += 1
        gold, found = set(it.get("topics") or []), set(tags.topics) if tags.relevant else set()
        for t in TOPIC_CODES:
            counts[f"topic:{t}"][_cell(t in gold, t in found)] += 1
    return counts


def write(counts: dict[str, list[int]], path: Path = METRICS) -> None:
    """Store ``counts`` with the model each class belongs to (sentiment: ``negative``; topics: the rest)."""
    figures = json.loads(path.read_text(encoding="utf-8"))
    on = CONFUSION_ON.format(n=sum(counts["relevant"]), relevant=sum(counts["negative"]))
    figures["sentiment"]["metrics"] |= {"confusion": {"negative": counts["negative"]}, "confusion_on": on}
    figures["topics"]["metrics"] |= {"confusion": {k: v for k, v in counts.items() if k != "negative"},
                                     "confusion_on": on}
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"store the counts in {METRICS.name}")
    args = parser.parse_args(argv)
    counts = measure()
    print(json.dumps(counts, ensure_ascii=False))
    if args.write:
        write(counts)


if __name__ == "__main__":
    main()
