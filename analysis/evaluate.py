"""Evaluation of the analysis models on labeled files.

``evaluate_sentiment(path, split=None)`` scores a labeled CSV (``text,label,label3`` as in
``../shared/data/sentiment``), JSONL (``text``, ``sentiment``; rows with a ``key`` instead of a text are
our labels of ``../shared`` texts, joined by :mod:`analysis.keyed_labels`; ``split`` keeps the rows of
one split) or a folder of sample-site articles (``lendwatch/sandbox/articles``) with the shipped
sentiment model.
Topics and relevance are scored by ``analysis.evaluate_topics.evaluate_topics``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Sequence

import numpy as np

from lendwatch.vocabulary import SENTIMENTS

LABEL3 = {"neg": "negative", "neu": "neutral", "pos": "positive",
          "negative": "negative", "neutral": "neutral", "positive": "positive"}


class EvaluationError(ValueError):
    """A labeled file that cannot be evaluated (missing, unknown format, bad rows)."""


def read_labeled(path: Path | str, split: str | None = None) -> list[tuple[str, bool, str | None]]:
    """Rows of (text, is_negative, three-class label or None) from a CSV or JSONL file (only the rows
    of ``split`` when given), or a folder of sample-site articles (``*.md`` with TOML front matter
    holding ``sentiment``)."""
    from analysis.keyed_labels import MissingTexts, attach_texts

    path = Path(path)
    if path.is_dir():
        return _read_articles(path)
    if not path.is_file():
        raise EvaluationError(f"{path}: no such file")
    rows: list[tuple[str, bool, str | None]] = []
    if path.suffix.lower() in (".jsonl", ".json"):
        objs = []
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    raise EvaluationError(f"{path}:{n}: {exc}") from exc
                if split is None or obj.get("split") == split:
                    objs.append((n, obj))
        try:
            joined = attach_texts([obj for _, obj in objs], path)
        except MissingTexts as exc:
            raise EvaluationError(str(exc)) from exc
        for (n, _), obj in zip(objs, joined):
            try:
                label = LABEL3[str(obj["sentiment"]).strip().lower()]
                title = str(obj.get("title") or "").strip()
                rows.append((f"{title}\n{obj['text']}" if title else str(obj["text"]), label == "negative", label))
            except KeyError as exc:
                raise EvaluationError(
                    f"{path}:{n}: expected an object with 'text' (or 'key' and 'source') and 'sentiment' "
                    f"(negative|neutral|positive): {exc}"
                ) from exc
        return rows
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or "text" not in reader.fieldnames or not (
            {"label", "label3"} & set(reader.fieldnames)
        ):
            raise EvaluationError(f"{path}: expected CSV columns text,label,label3")
        for n, row in enumerate(reader, 2):
            l3 = LABEL3.get((row.get("label3") or "").strip().lower())
            raw = (row.get("label") or "").strip()
            if raw in ("0", "1"):
                negative = raw == "0"
            elif (row.get("label3") or "").strip().lower() in ("neg", "nonneg", "negative"):
                negative = row["label3"].strip().lower() in ("neg", "negative")
            elif l3 is not None:
                negative = l3 == "negative"
            else:
                raise EvaluationError(f"{path}:{n}: label must be 0/1 or label3 neg/neu/pos/nonneg")
            rows.append((row["text"], negative, l3))
    return rows


def _read_articles(folder: Path) -> list[tuple[str, bool, str | None]]:
    import tomllib

    rows: list[tuple[str, bool, str | None]] = []
    for md in sorted(folder.glob("*.md")):
        parts = md.read_text(encoding="utf-8").split("+++", 2)
        if len(parts) < 3 or parts[0].strip():
            raise EvaluationError(f"{md}: expected TOML front matter between +++ lines")
        try:
            meta = tomllib.loads(parts[1])
        except tomllib.TOMLDecodeError as exc:
            raise EvaluationError(f"{md}: front matter: {exc}") from exc
        label = LABEL3.get(str(meta.get("sentiment", "")).strip().lower())
        if label is None:
            continue  # not labelled for sentiment
        title = str(meta.get("title") or "").strip()
        body = parts[2].strip()
        rows.append((f"{title}\n{body}" if title else body, label == "negative", label))
    if not rows:
        raise EvaluationError(f"{folder}: no *.md articles with a sentiment label")
    return rows


def sentiment_figures(
    is_negative: Sequence[bool],
    label3: Sequence[str | None],
    predicted: Sequence[str],
    p_negative: Sequence[float],
) -> dict:
    """Accuracy and macro-F1 (three-class where every row has a three-class label), negative-vs-not
    macro-F1, ROC-AUC of p_negative and its Brier score (calibration)."""
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    y_neg = np.asarray(is_negative, dtype=bool)
    pred_neg = np.asarray([p == "negative" for p in predicted], dtype=bool)
    out: dict = {"n": int(len(y_neg)), "negative_share": round(float(y_neg.mean()), 4) if len(y_neg) else None}
    three = len(label3) > 0 and all(l is not None for l in label3)
    if three:
        out["accuracy"] = round(float(accuracy_score(label3, predicted)), 4)
        out["macro_f1"] = round(float(f1_score(label3, predicted, average="macro",
                                               labels=list(SENTIMENTS), zero_division=0)), 4)
        per_class = f1_score(label3, predicted, average=None, labels=list(SENTIMENTS), zero_division=0)
        out["f1_per_class"] = {k: round(float(v), 4) for k, v in zip(SENTIMENTS, per_class)}
    else:
        out["accuracy"] = round(float(accuracy_score(y_neg, pred_neg)), 4)
        out["macro_f1"] = None
    out["three_class"] = three
    out["neg_vs_not_accuracy"] = round(float(accuracy_score(y_neg, pred_neg)), 4)
    out["neg_vs_not_macro_f1"] = round(float(f1_score(y_neg, pred_neg, average="macro", zero_division=0)), 4)
    out["roc_auc"] = (
        round(float(roc_auc_score(y_neg, np.asarray(p_negative, dtype=float))), 4)
        if 0 < y_neg.sum() < len(y_neg) else None
    )
    p = np.asarray(p_negative, dtype=float)
    out["brier"] = round(float(np.mean((p - y_neg) ** 2)), 4) if len(p) else None
    return out


def evaluate_sentiment(path: Path | str, split: str | None = None) -> dict:
    """Figures of the shipped sentiment model on a labeled CSV or JSONL file (one ``split`` of it)."""
    from analysis.sentiment import SENTIMENT_VERSION, score

    rows = read_labeled(path, split)
    if not rows:
        raise EvaluationError(f"{path}: no labeled rows")
    results = [score(text) for text, _, _ in rows]
    figures = sentiment_figures(
        [neg for _, neg, _ in rows], [l3 for _, _, l3 in rows],
        [r.label for r in results], [r.p_negative for r in results],
    )
    figures["model"] = SENTIMENT_VERSION
    figures["file"] = str(path) + (f" [{split}]" if split else "")
    return figures
