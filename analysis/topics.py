"""Topics: a weighted lexicon per topic (``data/topic_terms.tsv``), thresholds (``data/rules.toml``)
and the boundary rules of TOPICS.md that a lexicon alone cannot express; then a small learned layer
(``models/topics.npz``, built by ``analysis.train_topics``) that re-weighs what the rules found.

The learned layer is one logistic-regression head per topic plus one for relevance, over the same
sparse features (:func:`features`): the count of every lexicon term, and per topic the rule score
against its threshold, the rule's own decision, and what tells a main subject from a side mention in a
long article: its share and number of sentences, how early it first appears, whether it is in the title
or lead, and its share of all topic scores.  Each topic has its own cut-off, chosen by cross-validation.  Every decision keeps its evidence: the terms that drove it (rule weights, and for the
learned layer each term's contribution to the logit) and the sentences they were found in, so a
researcher can audit any count in a report.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from analysis import relevance_text
from analysis.lexicon import Doc, Hit, Lexicon, find
from lendwatch.vocabulary import TOPIC_CODES

TOPICS_RULES_VERSION = "3"
MODEL_PATH = Path(__file__).resolve().parent / "models" / "topics.npz"
RELEVANCE_HEAD = "relevant"

# Convention 1: `delinquency` is the borrower side.  When the platform itself fails to pay investors,
# these generic words describe the platform, so they do not count towards delinquency.
_PLATFORM_SIDE_GENERIC = {"逾期", "违约", "坏账", "负债", "拖欠"}
# `borrower_wellbeing` is about borrowers, not investors: in a platform-collapse story these count
# only when borrowers are named.
_BORROWER_MARKERS = ("借款人", "借钱", "欠款", "还不上", "还不起", "网贷", "催收", "校园贷", "持卡人", "负债")


_THIRD_PARTY = {"家人", "家属", "父母", "母亲", "同事", "领导", "亲友", "好友", "联系人", "第三人", "无关第三人"}
_THIRD_PARTY_BONUS = 2.5
THIRD_PARTY_KEY = "[催收+亲友/同事]"
# TOPICS.md: `complaints` covers P2P investors appealing to police, media or regulators.  A sentence
# with an appeal (恳请, 呼吁, 求, 希望…), an addressee (政府, 公安, 媒体…) and the appellants (我们,
# 出借人…), or one that goes to the police or a government office, is an appeal even when no complaint
# word is used.
_APPEAL = re.compile(r"恳请|恳求|呼吁|请求|希望|求助|求求|盼|救救|帮帮|做主|还我|请(?:关注|帮|转发|政府|领导|有关|相关|媒体)")
_ADDRESSEE = re.compile(r"政府|有关部门|相关部门|监管|公安|警方|经侦|检察|法院|媒体|记者|领导|金融办|金融局|"
                        r"纪委|总理|书记|市长|省长|国家|中央|信访|派出所")
_APPELLANT = re.compile(r"我们|出借人|投资人|受害人|老百姓|群众|我(?![行局省市区县司院会部厅委国])")
# going to the police or a government office with the case is seeking redress too
_VISIT = re.compile(r"(?:去|到|找|跑)[了过遍趟]?[^，。！？\s]{0,4}?(?:公安|派出所|经侦|政府|信访|金融办|金融局|监管局)")
APPEAL_KEY = "[诉求+部门]"
_APPEAL_BONUS = 2.5
_SYNTHETIC_STRONG = {THIRD_PARTY_KEY, APPEAL_KEY}

# Learned-layer features: the sentences that make the lead, and the sentence count that saturates.
LEAD_SENTENCES = 2
MAX_SENTENCES = 6


@dataclass
class TopicScore:
    score: float = 0.0
    terms: dict[str, float] = field(default_factory=dict)  # term -> contribution
    hits: list[Hit] = field(default_factory=list)


def score_topics(doc: Doc, lex: Lexicon) -> tuple[dict[str, TopicScore], list[Hit]]:
    """Score every topic; return the scores and the raw hits (reused by relevance)."""
    rules = lex.rules["topics"]
    max_count = int(rules.get("max_count", 2))
    title_bonus = float(rules.get("title_bonus", 1))
    hits = find(lex.topic_matcher, doc)
    counts: dict[str, list[int]] = {}  # term -> [body count, in title]
    for h in hits:
        c = counts.setdefault(h.term, [0, 0])
        if h.in_title:
            c[1] = 1
        else:
            c[0] += 1
    scores = {code: TopicScore() for code in TOPIC_CODES}
    for term, (n_body, in_title) in counts.items():
        mult = min(n_body, max_count) + title_bonus * in_title
        for topic, w in lex.topic_weights[term].items():
            ts = scores[topic]
            ts.score += w * mult
            ts.terms[term] = round(w * mult, 3)
    for h in hits:
        for topic in lex.topic_weights[h.term]:
            scores[topic].hits.append(h)
    # TOPICS.md: collection calls or messages to family, friends or colleagues are violent_collection
    # even when not described as abusive.  A sentence naming both is a strong signal.
    for h in hits:
        if h.term in _THIRD_PARTY:
            sent = doc.quote(h, limit=10_000)
            if "催" in sent:
                ts = scores["violent_collection"]
                ts.score += _THIRD_PARTY_BONUS
                ts.terms[THIRD_PARTY_KEY] = _THIRD_PARTY_BONUS
                ts.hits.append(Hit(THIRD_PARTY_KEY, h.start, h.in_title, h.sentence))
                break
    appeal = _appeal_sentence(doc)
    if appeal is not None:
        ts = scores["complaints"]
        ts.score += _APPEAL_BONUS
        ts.terms[APPEAL_KEY] = _APPEAL_BONUS
        ts.hits.append(Hit(APPEAL_KEY, appeal, appeal < 0, doc.sentence_index(appeal)))
    return scores, hits


def _appeal_sentence(doc: Doc) -> int | None:
    """Offset of the first sentence that appeals to an authority or the media (-1: the title), or None."""
    for start, sent in [(-1, doc.title), *zip(doc.starts, doc.sentences)]:
        if sent and _APPELLANT.search(sent) and (_APPEAL.search(sent) and _ADDRESSEE.search(sent) or _VISIT.search(sent)):
            return start
    return None


def threshold(topic: str, doc: Doc, lex: Lexicon) -> float:
    rules = lex.rules["topics"]
    base = float(rules.get("thresholds", {}).get(topic, rules.get("default_threshold", 2.5)))
    extra = max(0, len(doc.body) - 800) / 1000 * float(rules.get("length_slope", 0.0))
    return base + extra


def thresholds(doc: Doc, lex: Lexicon) -> dict[str, float]:
    """:func:`threshold` of every topic, for one document."""
    return {t: threshold(t, doc, lex) for t in TOPIC_CODES}


def assign(doc: Doc, lex: Lexicon, scores: dict[str, TopicScore]) -> tuple[list[str], dict]:
    """Topics over threshold after the boundary rules, and their evidence."""
    rules = lex.rules["topics"]
    strong = float(rules.get("strong_weight", 2.0))
    weak_multiple = float(rules.get("weak_multiple", 2.0))
    share = float(rules.get("min_share_of_top", 0.0))
    side_share = float(rules.get("side_sentence_share", 0.0))
    n_sent = max(1, len(doc.sentences))
    top = max((s.score for s in scores.values()), default=0.0)
    thr_of = thresholds(doc, lex)
    chosen: list[str] = []
    notes: dict[str, str] = {}
    for t in TOPIC_CODES:
        s = scores[t]
        thr = thr_of[t]
        if s.score < thr:
            continue
        has_strong = any(
            term in _SYNTHETIC_STRONG or lex.topic_weights[term][t] >= strong for term in s.terms
        )
        if not has_strong and s.score < weak_multiple * thr:
            notes[t] = f"dropped: only weak terms and score < {weak_multiple} x threshold"
            continue
        positive = [h for h in s.hits if s.terms.get(h.term, 0) > 0]
        in_title = any(h.in_title for h in positive)
        spread = len({h.sentence for h in positive if not h.in_title}) / n_sent
        if not in_title and spread < side_share and s.score < share * top:
            notes[t] = f"dropped: side topic (in {spread:.0%} of sentences, score < {share} x top {top:.1f})"
            continue
        chosen.append(t)
    if "platform_risk" in chosen and "delinquency" in chosen:
        d = scores["delinquency"]
        rest = sum(v for k, v in d.terms.items() if k not in _PLATFORM_SIDE_GENERIC)
        if rest < thr_of["delinquency"]:
            chosen.remove("delinquency")
            notes["delinquency"] = "dropped: overdue wording refers to the platform (convention 1)"
    if "platform_risk" in chosen and "borrower_wellbeing" in chosen:
        text = doc.title + doc.body
        if not any(m in text for m in _BORROWER_MARKERS):
            chosen.remove("borrower_wellbeing")
            notes["borrower_wellbeing"] = "dropped: distress of investors, not borrowers"

    evidence = {}
    for t in TOPIC_CODES:
        s = scores[t]
        if t not in chosen and t not in notes:
            continue
        sentences: list[str] = []
        for h in s.hits:
            if s.terms.get(h.term, 0) <= 0:
                continue
            sent = doc.quote(h)
            if sent and sent not in sentences:
                sentences.append(sent)
            if len(sentences) >= 5:
                break
        evidence[t] = {
            "score": round(s.score, 3),
            "threshold": round(thr_of[t], 3),
            "terms": sorted(s.terms, key=lambda k: -s.terms[k]),
            "weights": s.terms,
            "sentences": sentences,
        }
        if t in notes:
            evidence[t]["note"] = notes[t]
    return chosen, evidence


# --------------------------------------------------------------------------- the learned layer


def features(doc: Doc, lex: Lexicon, scores: dict[str, TopicScore], chosen: list[str],
             hits: list[Hit], rel_hits: list[Hit], rel_scores: dict, rel_rule: bool) -> dict[str, float]:
    """Sparse features of one document: ``t:TERM`` lexicon-term counts (body count capped at 2, halved,
    plus 0.5 in the title), ``TOPIC:NAME`` rule figures per topic (main subject vs side mention) and
    ``r:NAME`` relevance figures."""
    counts: dict[str, list[int]] = {}  # term -> [body count, title count]; a term in both lexicons once
    for h in {(h.term, h.start, h.in_title): h for h in hits + rel_hits}.values():
        counts.setdefault(h.term, [0, 0])[h.in_title] += 1
    feats = {"t:" + term: 0.5 * min(body, 2) + 0.5 * (title > 0) for term, (body, title) in counts.items()}
    n_sent = max(1, len(doc.sentences))
    top = max((s.score for s in scores.values()), default=0.0)
    total = sum(max(0.0, s.score) for s in scores.values())
    thr_of = thresholds(doc, lex)
    for t in TOPIC_CODES:
        s = scores[t]
        if s.score <= 0:
            continue
        positive = [h for h in s.hits if s.terms.get(h.term, 0) > 0]
        body_sents = sorted({h.sentence for h in positive if not h.in_title})
        feats[t + ":ratio"] = max(-1.0, min(4.0, s.score / thr_of[t]))
        feats[t + ":title"] = float(any(h.in_title for h in positive))
        feats[t + ":spread"] = len(body_sents) / n_sent
        feats[t + ":top"] = s.score / top if top > 0 else 0.0
        feats[t + ":rule"] = float(t in chosen)
        # main subject vs side mention: how many sentences, how early, in the lead, its share of all topics
        feats[t + ":nsent"] = min(len(body_sents), MAX_SENTENCES) / MAX_SENTENCES
        feats[t + ":first"] = 1 - body_sents[0] / n_sent if body_sents else 0.0
        feats[t + ":lead"] = float(feats[t + ":title"] > 0 or bool(body_sents) and body_sents[0] < LEAD_SENTENCES)
        feats[t + ":share"] = s.score / total if total > 0 else 0.0
    issue_plus = rel_scores["subject"] + rel_scores["issue"]
    feats.update({
        "r:subject": min(rel_scores["subject"] / 6, 3.0),
        "r:issue": min(rel_scores["issue"] / 10, 3.0),
        "r:offtopic": rel_scores["offtopic"] / (issue_plus + 1),
        "r:share": rel_scores["sentence_share"],
        "r:density": min(rel_scores["density_per_1000"] / 10, 2.0),
        "r:in_title": float(rel_scores["in_title"]),
        "r:in_lead": float(rel_scores["in_lead"]),
        "r:rule": float(rel_rule),
        "r:p2p": float(rel_scores.get("p2p_context", False)),
        "r:length": math.log10(len(doc.body) + 10) / 4,
    })
    return {k: v for k, v in feats.items() if v}


class TopicModel:
    """Weights of the heads (relevance, then the topics) over named features; numpy only, no pickle."""

    def __init__(self, names: list[str], heads: list[str], weights: np.ndarray, params: dict, text=None):
        """``text``: the relevance head over the text's n-grams (:class:`analysis.relevance_text.TextHead`)."""
        self.index = {n: i for i, n in enumerate(names)}
        self.text = text
        self.heads = heads
        self.weights = weights  # heads x features
        self.bias = dict(zip(heads, params["bias"]))
        self.cutoff = dict(zip(heads, params["cutoff"]))
        self.params = params

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> "TopicModel":
        with np.load(path, allow_pickle=False) as f:
            names = bytes(f["names"]).decode("utf-8").split("\x00")
            params = json.loads(bytes(f["params"]).decode("utf-8"))
            return cls(names, params["heads"], np.asarray(f["weights"], dtype=np.float64), params,
                       relevance_text.load_head(f, params))

    def decide(self, feats: dict[str, float]) -> dict[str, tuple[bool, float, dict[str, float]]]:
        """Per head: (decision, probability, the lexicon terms' positive contributions to the logit).

        The logit sums every feature's weight x value; the returned contributions keep the
        ``t:`` (lexicon term) features that pushed it up, which is what evidence shows.
        """
        keys = [k for k in feats if k in self.index]
        columns = np.fromiter((self.index[k] for k in keys), dtype=np.intp, count=len(keys))
        values = np.fromiter((feats[k] for k in keys), dtype=np.float64, count=len(keys))
        parts = self.weights[:, columns] * values  # heads x present features
        logits = parts.sum(axis=1).tolist()
        contributions = self._term_contributions(keys, parts)
        out = {}
        for i, head in enumerate(self.heads):
            z = self.bias[head] + logits[i]
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            out[head] = (p >= self.cutoff[head], p, contributions[i])
        return out

    def _term_contributions(self, keys: list[str], parts: np.ndarray) -> list[dict[str, float]]:
        """Per head, ``{t:TERM: contribution}`` of the term features with a positive part, in ``keys`` order."""
        terms = [j for j, k in enumerate(keys) if k.startswith("t:")]
        term_parts = parts[:, terms]
        rows, cols = np.nonzero(term_parts > 0)  # row-major: per head, in ``keys`` order
        out: list[dict[str, float]] = [{} for _ in self.heads]
        for i, j, v in zip(rows.tolist(), cols.tolist(), term_parts[rows, cols].tolist()):
            out[i][keys[terms[j]]] = v
        return out


@lru_cache(maxsize=1)
def model() -> TopicModel | None:
    """The shipped learned layer, or None when ``models/topics.npz`` is missing (rules alone decide)."""
    return TopicModel.load() if MODEL_PATH.exists() else None


def drivers(contrib: dict[str, float], limit: int = 8) -> dict[str, float]:
    """The lexicon terms that pushed a learned decision up, largest first (the ``t:`` features)."""
    terms = sorted(((k[2:], v) for k, v in contrib.items() if k.startswith("t:") and v > 0), key=lambda kv: -kv[1])
    return {k: round(float(v), 3) for k, v in terms[:limit]}


def sentences_for(doc: Doc, hits: list[Hit], terms, limit: int = 5) -> list[str]:
    """The sentences (or the title) where ``terms`` were matched, in text order."""
    out: list[str] = []
    for h in hits:
        if h.term in terms:
            s = doc.quote(h)
            if s and s not in out:
                out.append(s)
            if len(out) >= limit:
                break
    return out
