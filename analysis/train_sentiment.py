"""Rebuild the shipped sentiment model from ``../shared/data/sentiment/*.csv`` and our own labels.

``train(data_dir, out_dir, seed=13, own=OWN_FILE) -> dict`` is deterministic for a given seed and data:

1. finnsp_train.csv and bdci2019news_train.csv are read from ``data_dir`` (never copied);
   each is split 80/20 by near-duplicate groups (seeded), the 20% being the validation split.
   ``own`` (``analysis/data/sentiment_own.jsonl``: texts written and labelled by the team by
   TOPICS.md's sentiment rule) carries its own ``split`` field. ``collection``
   (``tests/fixtures/labels/collection_texts.jsonl``: our labels of real collection-side texts, kept by
   key, texts read from ``../shared``) gives its ``train`` split only, divided 80/20 like the public
   files; its ``holdout`` split is never read.
2. On the training parts: one character 1-3-gram TF-IDF space (min_df 2, sublinear tf); a
   negative-vs-not NB-weighted logistic regression on all three sets; a positive-vs-neutral
   logistic regression on the rows labelled positive/neutral (bdci2019news and our own).
   Our own rows weigh ``OWN_WEIGHT`` times a public row (chosen on the validation splits).
3. A calibrator (logistic regression on the top-3 and the mean chunk logits) and
   the positive threshold are fitted on 5-fold out-of-fold predictions of the training parts.
4. The model is scored on the validation splits with the same code as ``analysis.sentiment``;
   SnowNLP (shipped, and retrained on the finnsp 80%) is scored on the same texts.

The shipped model is the one fitted on the training parts, so the validation figures describe it exactly.
"""

from __future__ import annotations

import csv
import json
import random
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

from analysis.evaluate import sentiment_figures
from analysis.sentiment import SENTIMENT_VERSION, SentimentModel, _sigmoid
from analysis.sentiment_text import analyze, normalize
from lendwatch.vocabulary import SENTIMENTS

SETS = ("finnsp", "bdci2019news")  # the public files the shipped model is trained on
OWN_SET = "own"
OWN_FILE = Path(__file__).resolve().parent / "data" / "sentiment_own.jsonl"
OWN_WEIGHT = 4.0  # weight of one of our own rows against one public row (chosen on validation)
COLLECTION_SET = "collection"
COLLECTION_FILE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "labels" / "collection_texts.jsonl"
COLLECTION_WEIGHT = 8.0  # weight of one real collection-side row (chosen on validation, see models/README.md)
MODEL_FILE = "sentiment.npz"
SNOWNLP_FILE = "snownlp_finnsp.marshal"  # snownlp appends ".3" under Python 3
MAX_MODEL_BYTES = 2_000_000

C_NEG = 8.0
C_POS = 4.0
NB_ALPHA = 0.5
MIN_DF = 2
N_FOLDS = 5
VALID_FRACTION = 0.2


class TrainingError(RuntimeError):
    """Training data missing or unusable."""


# -- data -------------------------------------------------------------------------------
def read_set(data_dir: Path, name: str) -> list[dict]:
    path = Path(data_dir) / f"{name}_train.csv"
    if not path.is_file():
        raise TrainingError(f"{path}: training file missing")
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if (r.get("text") or "").strip()]
    for n, r in enumerate(rows):
        if r.get("label") not in ("0", "1"):
            raise TrainingError(f"{path}: row {n + 2}: label must be 0 or 1, got {r.get('label')!r}")
    return rows


def read_own(path: Path) -> list[dict]:
    """Our own labelled texts: JSON Lines with ``text``, ``sentiment`` and ``split`` (train|validation)."""
    path = Path(path)
    if not path.is_file():
        raise TrainingError(f"{path}: own labels missing")
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                text, label, split = str(obj["text"]), obj["sentiment"], obj["split"]
            except (ValueError, KeyError, TypeError) as exc:
                raise TrainingError(f"{path}:{n}: expected an object with text, sentiment, split: {exc}") from exc
            if label not in SENTIMENTS or split not in ("train", "validation"):
                raise TrainingError(f"{path}:{n}: sentiment must be negative|neutral|positive and split "
                                    f"train|validation, got {label!r}, {split!r}")
            rows.append({"text": text, "label3": label, "valid": split == "validation"})
    return rows


def read_collection(path: Path) -> list[dict]:
    """The ``train`` split of our keyed labels of real texts, joined to their texts (title, newline,
    text, as the tagger reads them); empty when the texts are not on this machine."""
    from analysis.evaluate_topics import load_items
    from analysis.keyed_labels import MissingTexts

    try:
        items = load_items(path, "train")
    except MissingTexts:
        return []
    return [{"text": f"{r['title']}\n{r['text']}" if r.get("title") else r["text"], "label3": r["sentiment"]}
            for r in items]


def near_duplicate_groups(texts: list[str], k: int = 12, share: float = 0.5) -> list[int]:
    """Group id per text: texts sharing >= ``share`` of their sampled k-char shingles are joined."""
    parent = list(range(len(texts)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    sigs: list[set[int]] = []
    index: dict[int, list[int]] = {}
    for i, text in enumerate(texts):
        t = "".join(ch for ch in normalize(text) if ch.isalnum())
        sig = {zlib.crc32(t[j : j + k].encode("utf-8")) for j in range(max(1, len(t) - k + 1))}
        sig = {h for h in sig if h % 4 == 0} or sig
        sigs.append(sig)
        for h in sig:
            index.setdefault(h, []).append(i)
    for i, sig in enumerate(sigs):
        shared: Counter = Counter()
        for h in sig:
            for j in index[h]:
                if j < i:
                    shared[j] += 1
        for j, n in shared.items():
            if n >= share * min(len(sig), len(sigs[j])):
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(texts))]


def assign_folds(groups: list[int], n_folds: int, seed: int) -> np.ndarray:
    keys = sorted(set(groups))
    random.Random(seed).shuffle(keys)
    fold_of = {g: i % n_folds for i, g in enumerate(keys)}
    return np.array([fold_of[g] for g in groups], dtype=np.int64)


# -- fitting ----------------------------------------------------------------------------
def fit_arrays(tokens: list[list[str]], y_neg: np.ndarray, y_pos: np.ndarray, weight: np.ndarray) -> dict:
    """Vocabulary, idf and the two heads, as the arrays the scorer reads.

    ``y_pos``: 1 positive, 0 neutral, -1 not used by the positive head; ``weight``: per row.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=lambda toks: toks, sublinear_tf=True, min_df=MIN_DF)
    X = vec.fit_transform(tokens)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)

    present = (X > 0).astype(np.float64).T.tocsr()
    pos_count = present @ (weight * (y_neg == 1)) + NB_ALPHA
    neg_count = present @ (weight * (y_neg == 0)) + NB_ALPHA
    ratio = np.log((pos_count / pos_count.sum()) / (neg_count / neg_count.sum()))
    neg_head = LogisticRegression(C=C_NEG, class_weight="balanced", max_iter=5000)
    neg_head.fit(X.multiply(ratio).tocsr(), y_neg, sample_weight=weight)

    w_pos = np.zeros(len(vocab))
    b_pos = -1.0
    used = y_pos >= 0
    if used.sum() and len(set(y_pos[used])) == 2:
        pos_head = LogisticRegression(C=C_POS, class_weight="balanced", max_iter=5000)
        pos_head.fit(X[used], y_pos[used], sample_weight=weight[used])
        w_pos, b_pos = pos_head.coef_[0], float(pos_head.intercept_[0])

    params = {"b_neg": float(neg_head.intercept_[0]), "b_pos": b_pos,
              "calibrator": [1.0, 0.0, 0.0], "t_neg": 0.5, "t_pos": 0.5}
    return {
        "vocab": np.frombuffer("\x00".join(vocab).encode("utf-8"), dtype=np.uint8),
        "idf": vec.idf_.astype(np.float32),
        "w_neg": (neg_head.coef_[0] * ratio).astype(np.float32),
        "w_pos": np.asarray(w_pos, dtype=np.float32),
        "params": params,
    }


def to_model(arrays: dict) -> SentimentModel:
    packed = dict(arrays)
    packed["params"] = np.frombuffer(json.dumps(arrays["params"], sort_keys=True).encode("utf-8"), dtype=np.uint8)
    return SentimentModel(packed)


def save_model(arrays: dict, path: Path, meta: dict) -> None:
    params = dict(arrays["params"], meta=meta)
    np.savez_compressed(
        path,
        vocab=arrays["vocab"],
        idf=arrays["idf"],
        w_neg=arrays["w_neg"],
        w_pos=arrays["w_pos"],
        params=np.frombuffer(json.dumps(params, sort_keys=True, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    )


def raw_scores(model: SentimentModel, texts: list[str]) -> np.ndarray:
    """Per text: top-k chunk negative logit, mean chunk negative logit, positive-vs-neutral logit."""
    out = np.zeros((len(texts), 3))
    for i, text in enumerate(texts):
        raw = model.logits(text)
        out[i] = (raw.z_top, raw.z_mean, raw.z_pos)
    return out


def fit_calibrator(z: np.ndarray, y_neg: np.ndarray, weight: np.ndarray) -> list[float]:
    from sklearn.linear_model import LogisticRegression

    cal = LogisticRegression(C=100.0, max_iter=1000).fit(z[:, :2], y_neg, sample_weight=weight)
    return [float(cal.coef_[0][0]), float(cal.coef_[0][1]), float(cal.intercept_[0])]


def tune_t_pos(p_neg: np.ndarray, z_pos: np.ndarray, label3: list[str], domain: list[str], t_neg: float) -> float:
    """The positive threshold that maximises the mean over domains of the three-class macro-F1."""
    from sklearn.metrics import f1_score

    domains = sorted(set(domain))
    at = {d: np.flatnonzero(np.asarray(domain) == d) for d in domains}
    truth = np.asarray(label3, dtype=object)
    best = (-1.0, 0.5)
    for t in np.round(np.arange(0.2, 0.91, 0.025), 3):
        pred = np.array(["negative" if pn >= t_neg else ("positive" if _sigmoid(zp) >= t else "neutral")
                         for pn, zp in zip(p_neg, z_pos)], dtype=object)
        f1 = np.mean([f1_score(truth[i], pred[i], average="macro", labels=list(SENTIMENTS),
                               zero_division=0) for i in at.values()])
        if f1 > best[0] + 1e-9:
            best = (f1, float(t))
    return best[1]


def predict(model: SentimentModel, texts: list[str]) -> tuple[list[str], list[float]]:
    results = [model.score(t) for t in texts]
    return [r.label for r in results], [r.p_negative for r in results]


# -- SnowNLP comparison -----------------------------------------------------------------
def snownlp_figures(train_texts: list[str], train_neg: np.ndarray, valid: dict, out_dir: Path) -> dict:
    """SnowNLP shipped and retrained on the finnsp training part, scored on the validation texts."""
    from snownlp import SnowNLP
    from snownlp.sentiment import Sentiment as SnowSentiment

    t0 = time.perf_counter()
    clf = SnowSentiment()
    clf.train([t for t, n in zip(train_texts, train_neg) if n], [t for t, n in zip(train_texts, train_neg) if not n])
    target = Path(out_dir) / SNOWNLP_FILE
    clf.save(str(target))
    saved = Path(str(target) + ".3")
    size = saved.stat().st_size
    kept = size < MAX_MODEL_BYTES
    if not kept:
        saved.unlink()
    out: dict = {"retrained_file": saved.name if kept else None, "retrained_file_bytes": size,
                 "train_seconds": round(time.perf_counter() - t0, 1)}
    for name, (texts, neg) in valid.items():
        p_shipped = [1.0 - SnowNLP(t).sentiments for t in texts]
        p_retrained = [1.0 - clf.classify(t) for t in texts]
        for tag, p in (("shipped", p_shipped), ("retrained_finnsp", p_retrained)):
            fig = sentiment_figures(neg, [None] * len(neg), ["negative" if x >= 0.5 else "neutral" for x in p], p)
            out[f"{name}/{tag}"] = {k: fig[k] for k in ("n", "neg_vs_not_macro_f1", "roc_auc")}
    return out


# -- entry point ------------------------------------------------------------------------
L3 = {"neg": "negative", "neu": "neutral", "pos": "positive"}


def _rows(data_dir: Path, own: Path | None, seed: int, collection: Path | None = None) -> tuple[list[dict], dict]:
    """Every training and validation row (text, negative, label3, domain, valid, fold, weight)."""
    rows: list[dict] = []
    files: dict = {}
    for k, name in enumerate(SETS):
        found = read_set(data_dir, name)
        groups = near_duplicate_groups([r["text"] for r in found])
        valid = assign_folds(groups, N_FOLDS * 5, seed + k) < 5  # 25 buckets: 5 validation, 20 training
        inner = assign_folds(groups, N_FOLDS, seed + 100 + k)
        files[name] = {"rows": len(found), "groups": len(set(groups)),
                       "valid_rows": int(valid.sum()), "train_rows": int((~valid).sum())}
        rows += [{"text": r["text"], "negative": r["label"] == "0", "label3": L3.get((r.get("label3") or "").strip()),
                  "domain": name, "valid": bool(v), "fold": int(f), "weight": 1.0}
                 for r, v, f in zip(found, valid, inner)]
    if own is not None:
        found = read_own(own)
        inner = assign_folds(list(range(len(found))), N_FOLDS, seed + 200)
        files[OWN_SET] = {"file": Path(own).name, "rows": len(found), "weight": OWN_WEIGHT,
                          "valid_rows": sum(r["valid"] for r in found),
                          "train_rows": sum(not r["valid"] for r in found)}
        rows += [{"text": r["text"], "negative": r["label3"] == "negative", "label3": r["label3"],
                  "domain": OWN_SET, "valid": r["valid"], "fold": int(f), "weight": OWN_WEIGHT}
                 for r, f in zip(found, inner)]
    found = read_collection(collection) if collection is not None else []
    if found:
        groups = near_duplicate_groups([r["text"] for r in found])
        valid = assign_folds(groups, N_FOLDS * 5, seed + 300) < 5
        inner = assign_folds(groups, N_FOLDS, seed + 400)
        files[COLLECTION_SET] = {"file": Path(collection).name, "split": "train", "rows": len(found),
                                 "weight": COLLECTION_WEIGHT, "valid_rows": int(valid.sum()),
                                 "train_rows": int((~valid).sum())}
        rows += [{"text": r["text"], "negative": r["label3"] == "negative", "label3": r["label3"],
                  "domain": COLLECTION_SET, "valid": bool(v), "fold": int(f), "weight": COLLECTION_WEIGHT}
                 for r, v, f in zip(found, valid, inner)]
    return rows, files


def train(data_dir: Path, out_dir: Path, seed: int = 13, snownlp: bool = True,
          own: Path | None = OWN_FILE, collection: Path | None = None) -> dict:
    """Rebuild ``out_dir/sentiment.npz`` from ``data_dir`` (and ``own``, and ``collection``'s train split
    when its texts are here); return the validation figures."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    t_start = time.perf_counter()
    rows, files = _rows(data_dir, own, seed, collection)
    texts = [r["text"] for r in rows]
    label3 = [r["label3"] for r in rows]
    domain = [r["domain"] for r in rows]
    y = np.array([int(r["negative"]) for r in rows])
    valid = np.array([r["valid"] for r in rows])
    fold = np.array([r["fold"] for r in rows])
    weight = np.array([r["weight"] for r in rows])
    # the positive head learns from the sets that label positives in numbers (bdci2019news, own); the
    # collection-side texts have 4 positive rows and many neutral adverts, so they train the negative head only
    y_pos = np.array([-1 if d == COLLECTION_SET else 1 if l == "positive" else 0 if l == "neutral" else -1
                      for l, d in zip(label3, domain)])
    tokens = [analyze(t) for t in texts]
    train_idx = np.flatnonzero(~valid)

    # out-of-fold raw scores on the training part, for the calibrator and the positive threshold
    oof = np.zeros((len(texts), 3))
    for f in range(N_FOLDS):
        fit_idx = train_idx[fold[train_idx] != f]
        held = train_idx[fold[train_idx] == f]
        if len(held) == 0 or len(set(y[fit_idx])) < 2:
            continue
        arrays = fit_arrays([tokens[i] for i in fit_idx], y[fit_idx], y_pos[fit_idx], weight[fit_idx])
        oof[held] = raw_scores(to_model(arrays), [texts[i] for i in held])

    arrays = fit_arrays([tokens[i] for i in train_idx], y[train_idx], y_pos[train_idx], weight[train_idx])
    cal = fit_calibrator(oof[train_idx], y[train_idx], weight[train_idx])
    arrays["params"]["calibrator"] = cal
    p_oof = np.array([_sigmoid(cal[0] * a + cal[1] * b + cal[2]) for a, b, _ in oof])
    three = np.flatnonzero((y_pos >= 0) & ~valid)  # t_pos: where the positive head learns
    if len(three):
        arrays["params"]["t_pos"] = tune_t_pos(p_oof[three], oof[three, 2], [label3[i] for i in three],
                                               [domain[i] for i in three], 0.5)
    model = to_model(arrays)

    figures: dict = {"version": SENTIMENT_VERSION, "seed": seed, "files": files,
                     "features": len(arrays["idf"]), "params": dict(arrays["params"]), "validation": {}}
    valid_texts = {}
    for name in files:
        idx = [i for i in np.flatnonzero(valid) if domain[i] == name]
        vt = [texts[i] for i in idx]
        pred, p = predict(model, vt)
        figures["validation"][name] = sentiment_figures(
            [bool(y[i]) for i in idx], [label3[i] for i in idx], pred, p)
        valid_texts[name] = (vt, [bool(y[i]) for i in idx])

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_FILE
    save_model(arrays, path, {"version": SENTIMENT_VERSION, "seed": seed, "files": files,
                              "validation": figures["validation"]})
    figures["model_file"] = str(path)
    figures["model_bytes"] = path.stat().st_size
    if figures["model_bytes"] >= MAX_MODEL_BYTES:
        raise TrainingError(f"{path}: {figures['model_bytes']} bytes, over the {MAX_MODEL_BYTES} limit")

    if snownlp:
        finnsp_train = [i for i in train_idx if domain[i] == "finnsp"]
        figures["snownlp"] = snownlp_figures(
            [texts[i] for i in finnsp_train], y[finnsp_train].astype(bool), valid_texts, out_dir)
    figures["seconds"] = round(time.perf_counter() - t_start, 1)
    return figures


if __name__ == "__main__":  # pragma: no cover
    import sys

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/sentiment")
    print(json.dumps(train(root, Path(__file__).resolve().parent / "models", collection=COLLECTION_FILE),
                     indent=2, ensure_ascii=False))
