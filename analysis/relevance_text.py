"""Relevance from the text itself: a second opinion beside the rules and the learned layer.

A logistic regression over the sentiment model's character n-gram vocabulary (the tf-idf vector of
:func:`analysis.sentiment.features`, computed once per text and shared with sentiment), trained by
``analysis.train_topics`` on the same labelled rows as the learned layer and stored in
``models/topics.npz`` (array ``text_w``; params ``text_bias``, ``text_cutoff``, ``text_vocab``). Real
posts often say what they are about in words no lexicon lists (a platform's name, a hashtag, 血汗钱),
and this head reads those. The tagger asks it only about texts the learned layer rejected; its evidence is
the sentences that raise its score most.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from analysis import sentiment

log = logging.getLogger(__name__)

EVIDENCE_K = 3


@dataclass
class TextHead:
    weights: np.ndarray  # one per entry of the sentiment vocabulary
    bias: float
    cutoff: float

    def decide(self, f: sentiment.TextFeatures) -> tuple[float, list[str]]:
        """p(relevant) of the text, and up to EVIDENCE_K sentences that raise it most."""
        if not f.spans:
            return 0.0, []
        model = sentiment.get_model()
        (z,) = model.doc_logits(f, [self.weights])
        p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z + self.bias))))
        per_span = model.span_logits(f, self.weights)
        sentences = []
        for i in np.argsort(-per_span, kind="stable")[:EVIDENCE_K]:
            s, e = f.spans[i]
            if per_span[i] > 0 and f.text[s:e].strip():
                sentences.append(f.text[s:e].strip())
        return p, sentences


def load_head(arrays, params: dict) -> TextHead | None:
    """The head stored in a topics.npz, or None when there is none or it was trained over another
    sentiment vocabulary (then it would read the wrong n-grams; retrain with ``lendwatch train-topics``)."""
    if "text_w" not in getattr(arrays, "files", arrays):
        return None
    if params.get("text_vocab") != sentiment.get_model().vocab_digest:
        log.warning("topics.npz: the text head was trained over another sentiment vocabulary; it is not used "
                    "until `lendwatch train-topics` is run again")
        return None
    return TextHead(np.asarray(arrays["text_w"], dtype=np.float64), float(params["text_bias"]),
                    float(params["text_cutoff"]))
