"""Sentiment of an article, seen from the borrower's and the public's side.

``score(text) -> Sentiment`` with a label (negative / neutral / positive), a calibrated
``p_negative`` and, for negative texts, up to three of its most negative sentences as evidence.
``features(text) -> TextFeatures`` gives the text's n-grams in the model's vocabulary once, for
``score(text, features)`` and for other heads over the same vocabulary (``analysis.relevance_text``).

Model (``analysis/models/sentiment.npz``, built by ``analysis.train_sentiment``): one shared
character 1-3-gram TF-IDF space (sublinear tf, l2 norm per chunk) with two linear heads:

* negative-vs-not: NB-weighted logistic regression, trained on finnsp + bdci2019news;
* positive-vs-neutral (for texts that are not negative): logistic regression on bdci2019news.

A text is split into sentence spans, and consecutive spans into chunks of up to 300 characters
(about the length of a finnsp training text). Each chunk gets a negative logit; the
length-weighted mean of the 3 most negative chunks and the length-weighted mean of all chunks
go through a Platt-style calibrator fitted on out-of-fold predictions, so a long article is
scored on the scale of the training texts instead of saturating. Evidence: the sentences with
the highest negative logits. The file holds only numpy arrays
(vocabulary as UTF-8 bytes), loaded with ``allow_pickle=False``: no pickle, no version warnings.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analysis.sentiment_text import NGRAM_RANGE, has_chinese, normalize_spans, sentence_spans
from lendwatch.vocabulary import SENTIMENTS

SENTIMENT_VERSION = "charnb-lr-3"

MODEL_PATH = Path(__file__).resolve().parent / "models" / "sentiment.npz"

MAX_CHARS = 20_000  # only the first 20,000 characters are scored
MAX_SPANS = 400  # and at most 400 sentence spans of them
CHUNK_CHARS = 300  # sentences are grouped into chunks of about a training text's length
TOP_K = 3  # chunks averaged for the "most negative part" feature
EVIDENCE_K = 3
NEUTRAL_P = 0.5  # p_negative given to empty or non-Chinese text
# p_negative is kept inside [P_MIN, 1 - P_MIN]: on validation the surest bin is right ~97% of
# the time, so certainty beyond 99.5% would be extrapolation (long, repetitive texts).
P_MIN = 0.005

LABELS = tuple(SENTIMENTS)


@dataclass
class TextFeatures:
    """A text's sentence spans and the vocabulary ids of its n-grams, with the span each is in."""

    text: str
    spans: list[tuple[int, int]]
    ids: np.ndarray
    owner: np.ndarray


@dataclass
class Sentiment:
    label: str
    p_negative: float
    evidence: list[str] = field(default_factory=list)


class SentimentModel:
    """The shipped arrays plus the scoring arithmetic (pure numpy, no scikit-learn)."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self._keys = _vocabulary_keys(bytes(arrays["vocab"]).decode("utf-8"))
        self._digest = hashlib.sha256(bytes(arrays["vocab"])).hexdigest()[:16]
        self.vocab_size = sum(len(ids) for _keys, ids in self._keys.values())
        self.idf = np.asarray(arrays["idf"], dtype=np.float64)
        self.w_neg = np.asarray(arrays["w_neg"], dtype=np.float64)
        self.w_pos = np.asarray(arrays["w_pos"], dtype=np.float64)
        params = json.loads(bytes(arrays["params"]).decode("utf-8"))
        self.params = params
        self.b_neg = float(params["b_neg"])
        self.b_pos = float(params["b_pos"])
        self.cal = [float(x) for x in params["calibrator"]]  # a (doc), c (top-k), d (bias)
        self.t_neg = float(params["t_neg"])
        self.t_pos = float(params["t_pos"])

    @property
    def vocab_digest(self) -> str:
        """Identifies the vocabulary, so heads trained over it can check they still fit."""
        return self._digest

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> "SentimentModel":
        with np.load(path, allow_pickle=False) as f:
            return cls({k: f[k] for k in f.files})

    # -- features -------------------------------------------------------------------
    def _span_features(self, text: str):
        """Spans, and the vocabulary ids of the text's n-grams with the span each is in (in no
        particular order: every use counts them)."""
        spans = sentence_spans(text, MAX_CHARS)[:MAX_SPANS]
        empty = np.zeros(0, dtype=np.int64)
        if not spans:
            return spans, empty, empty
        # spans joined by NUL: no vocabulary entry holds a NUL, so n-grams across spans never match
        joined = normalize_spans(text, spans).encode("utf-32-le", "surrogatepass")
        cp = np.frombuffer(joined, dtype=np.uint32).astype(np.int64)
        pos_owner = np.cumsum(cp == 0)
        lo, hi = NGRAM_RANGE
        all_ids, all_owner = [], []
        for n in range(lo, hi + 1):
            if n not in self._keys or len(cp) < n:
                continue
            key = cp[: len(cp) - n + 1].copy()
            for j in range(1, n):
                key = (key << 21) | cp[j : len(cp) - n + 1 + j]
            # searching sorted keys walks the vocabulary in order: a third faster than in text order
            order = np.argsort(key)
            key = key[order]
            vocab_keys, vocab_ids = self._keys[n]
            at = np.searchsorted(vocab_keys, key)
            at[at == len(vocab_keys)] = 0
            hit = vocab_keys[at] == key
            all_ids.append(vocab_ids[at[hit]])
            all_owner.append(pos_owner[order[hit]])
        if not all_ids:
            return spans, empty, empty
        return spans, np.concatenate(all_ids), np.concatenate(all_owner)

    def _tfidf_dots(self, groups: np.ndarray, ids: np.ndarray, n_groups: int, weights):
        """For each group: (tf-idf . w) / ||tf-idf|| for each w in weights (sklearn's maths)."""
        v_size = len(self.idf)
        keys, counts = np.unique(groups * v_size + ids, return_counts=True)
        g = keys // v_size
        f = keys % v_size
        val = (1.0 + np.log(counts)) * self.idf[f]
        norm = np.sqrt(np.bincount(g, weights=val * val, minlength=n_groups))
        norm[norm == 0] = 1.0
        return [np.bincount(g, weights=val * w[f], minlength=n_groups) / norm for w in weights]

    def logits(self, text: str) -> "RawScores":
        """Per-sentence negative logits, chunk-level aggregates and the positive-vs-neutral logit."""
        return self._raw(*self._span_features(text))

    def _raw(self, spans, ids, owner, spans_needed: bool = True, pos_needed: bool = True) -> "RawScores":
        """``spans_needed`` / ``pos_needed`` False skip the per-sentence logits / the positive logit
        (left empty / NaN) when the caller does not need them."""
        n = len(spans)
        if n == 0:
            return RawScores(spans, np.zeros(0), self.b_neg, self.b_neg, self.b_pos)
        chunk_of = _chunk_ids(spans)
        n_chunks = int(chunk_of[-1]) + 1
        span_neg = np.zeros(0)
        if spans_needed:
            (span_neg,) = self._tfidf_dots(owner, ids, n, [self.w_neg])
            span_neg = span_neg + self.b_neg
        z_pos = float("nan")
        if n_chunks == 1:  # the chunk is the whole text: one pass for both heads
            chunk_neg, doc_pos = self._tfidf_dots(np.zeros_like(ids), ids, 1, [self.w_neg, self.w_pos])
            z_pos = float(doc_pos[0] + self.b_pos)
        else:
            (chunk_neg,) = self._tfidf_dots(chunk_of[owner], ids, n_chunks, [self.w_neg])
            if pos_needed:
                (doc_pos,) = self._tfidf_dots(np.zeros_like(ids), ids, 1, [self.w_pos])
                z_pos = float(doc_pos[0] + self.b_pos)
        chunk_neg = chunk_neg + self.b_neg
        lengths = np.bincount(chunk_of, weights=[e - s for s, e in spans], minlength=n_chunks)
        order = np.argsort(-chunk_neg, kind="stable")[:TOP_K]
        z_top = float(np.dot(lengths[order], chunk_neg[order]) / lengths[order].sum())
        z_mean = float(np.dot(lengths, chunk_neg) / lengths.sum())
        return RawScores(spans, span_neg, z_top, z_mean, z_pos)

    def calibrated(self, z_top: float, z_mean: float) -> float:
        a, c, d = self.cal
        return min(max(_sigmoid(a * z_top + c * z_mean + d), P_MIN), 1.0 - P_MIN)

    def _evidence(self, text: str, spans, ids, owner) -> list[str]:
        """Up to EVIDENCE_K of the most negative sentences, quoted from the text."""
        (span_neg,) = self._tfidf_dots(owner, ids, len(spans), [self.w_neg])
        span_neg = span_neg + self.b_neg
        evidence: list[str] = []
        for i in np.argsort(-span_neg, kind="stable"):
            if len(evidence) == EVIDENCE_K or (span_neg[i] <= 0 and evidence):
                break
            sentence = text[spans[i][0] : spans[i][1]].strip()
            if sentence and sentence not in evidence:
                evidence.append(sentence)
        return evidence

    # -- public ---------------------------------------------------------------------
    def features(self, text: str) -> TextFeatures:
        """The n-grams of ``text`` (its first MAX_CHARS characters) in this model's vocabulary."""
        if not text or not has_chinese(text[:MAX_CHARS]):
            empty = np.zeros(0, dtype=np.int64)
            return TextFeatures(text or "", [], empty, empty)
        return TextFeatures(text, *self._span_features(text))

    def doc_logits(self, f: TextFeatures, weights: list[np.ndarray]) -> list[float]:
        """The whole text's l2-normalised tf-idf vector dotted with each of ``weights``."""
        return [float(v[0]) for v in self._tfidf_dots(np.zeros_like(f.ids), f.ids, 1, weights)]

    def span_logits(self, f: TextFeatures, weights: np.ndarray) -> np.ndarray:
        """Each sentence span's l2-normalised tf-idf vector dotted with ``weights``."""
        return self._tfidf_dots(f.owner, f.ids, len(f.spans), [weights])[0]

    def score(self, text: str, features: TextFeatures | None = None) -> Sentiment:
        """``features``: ``self.features(text)`` when the caller has it already."""
        f = features if features is not None and features.text == text else self.features(text)
        spans, ids, owner = f.spans, f.ids, f.owner
        if not spans:
            return Sentiment("neutral", NEUTRAL_P, [])
        raw = self._raw(spans, ids, owner, spans_needed=False, pos_needed=False)
        p_neg = self.calibrated(raw.z_top, raw.z_mean)
        if p_neg >= self.t_neg:
            return Sentiment("negative", p_neg, self._evidence(text, spans, ids, owner))
        z_pos = raw.z_pos
        if math.isnan(z_pos):
            (doc_pos,) = self._tfidf_dots(np.zeros_like(ids), ids, 1, [self.w_pos])
            z_pos = float(doc_pos[0] + self.b_pos)
        label = "positive" if _sigmoid(z_pos) >= self.t_pos else "neutral"
        return Sentiment(label, p_neg, [])


@dataclass
class RawScores:
    spans: list[tuple[int, int]]
    span_neg: np.ndarray  # negative logit of each sentence span (for evidence)
    z_top: float  # length-weighted mean of the TOP_K most negative chunks
    z_mean: float  # length-weighted mean over all chunks
    z_pos: float  # positive-vs-neutral logit of the whole text


def _vocabulary_keys(vocab: str) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per n-gram length n: the sorted integer keys of the vocabulary's n-grams, and their ids.

    n-gram lookup without Python strings: an n-gram of code points c0..c(n-1) is the integer
    sum(c_i << 21 * (n-1-i)) (code points < 2**21, so a 3-gram fits in 63 bits), searched with numpy.
    ``vocab`` holds the n-grams in id order, separated by NUL.
    """
    cp = np.frombuffer(vocab.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    cuts = np.flatnonzero(cp == 0)
    starts = np.concatenate(([0], cuts + 1))
    lengths = np.concatenate((cuts, [len(cp)])) - starts
    out = {}
    for n in np.unique(lengths).tolist():
        ids = np.flatnonzero(lengths == n)
        keys = np.zeros(len(ids), dtype=np.int64)
        for j in range(n):
            keys = (keys << 21) | cp[starts[ids] + j]
        order = np.argsort(keys, kind="stable")
        out[n] = (keys[order], ids[order])
    return out


def _chunk_ids(spans: list[tuple[int, int]]) -> np.ndarray:
    """Chunk id per sentence span: consecutive spans grouped up to CHUNK_CHARS characters."""
    out = np.zeros(len(spans), dtype=np.int64)
    chunk, size = 0, 0
    for i, (s, e) in enumerate(spans):
        if size and size + (e - s) > CHUNK_CHARS:
            chunk, size = chunk + 1, 0
        out[i] = chunk
        size += e - s
    return out


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


_model: SentimentModel | None = None
_lock = threading.Lock()


def get_model() -> SentimentModel:
    """The shipped model, loaded on first use and cached."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = SentimentModel.load(MODEL_PATH)
    return _model


def score(text: str, features: TextFeatures | None = None) -> Sentiment:
    """Label, calibrated p_negative and evidence sentences for one text (``features``: from
    :func:`features` of the same text, to avoid computing them twice)."""
    return get_model().score(text or "", features)


def features(text: str) -> TextFeatures:
    """The text's n-grams in the shipped model's vocabulary."""
    return get_model().features(text or "")
