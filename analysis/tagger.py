"""One text in, tags out: ``tag(text, title=None) -> Tags``.

Steps: normalise (``analysis.normalize``), cap the analysed text and cut it before page furniture
(previous / next links, related-link lists: ``body_of``), match the lexicon on the normalised
string (``analysis.lexicon``), decide relevance (``analysis.relevance``) and topics
(``analysis.topics``) by the rules, let the learned layer (``analysis.topics.model()``) take the
final decision on the rule figures and term counts, give a text it rejected to the text head
(``analysis.relevance_text``), score sentiment (``analysis.sentiment.score``, another module's
contract, over the same n-gram features) and extract entities (``analysis.entities``). Every decision
carries its evidence (terms and sentences).

Bad input (empty, no Chinese, huge, broken surrogates, not a string) is tagged ``relevant=False``
with the reason in ``evidence["relevant"]["reason"]``; ``tag`` does not raise on input.

Versions stored beside each analysis:

- ``LEXICON_VERSION``: a hash of the lexicon files in ``analysis/data/``, the rule versions and the
  learned layer ``analysis/models/topics.npz``;
- ``MODEL_VERSION``: the lexicon version plus ``analysis.sentiment.SENTIMENT_VERSION``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field

from analysis import entities as _entities
from analysis import lexicon as _lexicon
from analysis import relevance as _relevance
from analysis import topics as _topics
from analysis.normalize import NORMALIZE_VERSION, normalize
from lendwatch.vocabulary import ENTITIES, TOPIC_CODES

try:
    from analysis import sentiment as _sentiment
except ImportError:  # the sentiment module is written separately; tag() reports it missing
    _sentiment = None

log = logging.getLogger(__name__)

RULES_VERSION = "5"
MAX_CHARS = int(_lexicon.load().rules["relevance"].get("max_chars", 20000))
_MIN_LEARNED_ISSUE = float(_lexicon.load().rules["relevance"].get("min_issue_learned", 0.0))
_MIN_SUBJECT = float(_lexicon.load().rules["relevance"]["min_subject"])
_SENTIMENT_VERSION = getattr(_sentiment, "SENTIMENT_VERSION", "missing")

_rule_versions = "+".join(
    [
        f"rules{RULES_VERSION}",
        f"norm{NORMALIZE_VERSION}",
        f"rel{_relevance.RELEVANCE_RULES_VERSION}",
        f"top{_topics.TOPICS_RULES_VERSION}",
        f"ent{_entities.ENTITIES_VERSION}",
    ]
)
_model_digest = hashlib.sha256(_topics.MODEL_PATH.read_bytes()).hexdigest() if _topics.MODEL_PATH.exists() else "none"
LEXICON_VERSION: str = (
    "lex-" + hashlib.sha256((_lexicon.load().digest + _rule_versions + _model_digest).encode()).hexdigest()[:12]
)
MODEL_VERSION: str = f"{LEXICON_VERSION}+sent-{_SENTIMENT_VERSION}"

_HAS_HAN = re.compile(r"[\u4e00-\u9fff]")
# Page furniture after an article (TOPICS.md: a sidebar link is a passing mention): the previous / next
# article links, and headed lists of related or recommended links. The text is cut at the first one
# found after MIN_KEPT characters, so the lists of other headlines that scraped pages carry do not count.
_FURNITURE = re.compile(r"[上下]一篇[:：]|(?:^|\n)\s*(?:相关|推荐|延伸|热门|热点)(?:内容|阅读|文章|推荐|新闻)\s*(?:[:：]|$)",
                        re.MULTILINE)
MIN_KEPT = 20


@dataclass
class Tags:
    relevant: bool
    topics: list[str]
    sentiment: str
    p_negative: float
    entities: dict[str, list[str]]
    evidence: dict = field(default_factory=dict)
    normalized: str = ""  # the title and text as analysed (for repost signatures)


def body_of(raw: str) -> str:
    """The analysed body of raw article text: normalised, capped at MAX_CHARS, and cut before page
    furniture (``_FURNITURE``)."""
    body = normalize(raw[: MAX_CHARS * 2])[:MAX_CHARS]
    m = _FURNITURE.search(body, MIN_KEPT)
    return body[: m.start()].rstrip() if m else body


def _clean_input(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        value = str(value)
    # Lone surrogates cannot be encoded; drop them before anything else sees them.
    return value.encode("utf-8", errors="ignore").decode("utf-8")


def _score_sentiment(text: str, evidence: dict, features=None) -> tuple[str, float]:
    if _sentiment is None:
        evidence["errors"] = evidence.get("errors", []) + ["analysis.sentiment is not installed"]
        evidence["sentiment"] = []
        return "neutral", 0.5
    try:
        s = _sentiment.score(text, features=features)
        evidence["sentiment"] = list(s.evidence)
        return s.label, float(s.p_negative)
    except Exception as exc:  # noqa: BLE001 - one bad text must not stop a batch; recorded in evidence
        log.warning("sentiment failed: %s", exc)
        evidence["errors"] = evidence.get("errors", []) + [f"sentiment failed: {exc.__class__.__name__}: {exc}"]
        evidence["sentiment"] = []
        return "neutral", 0.5


def _not_relevant(reason: str, **extra) -> Tags:
    return Tags(
        relevant=False,
        topics=[],
        sentiment="neutral",
        p_negative=0.0,
        entities={k: [] for k in (*ENTITIES, "lender_evidence")},
        evidence={"relevant": {"terms": [], "sentences": [], "reason": reason, **extra}, "topics": {}, "sentiment": []},
    )


def analyze(body: str, head: str = "") -> tuple[_lexicon.Doc, dict]:
    """The rule stage on normalised text: the document, and everything the learned layer reads."""
    lex = _lexicon.load()
    doc = _lexicon.Doc.build(body, head)
    scores, topic_hits = _topics.score_topics(doc, lex)
    rel_hits = _lexicon.find(lex.relevance_matcher, doc)
    rule_relevant, rel_evidence = _relevance.decide(doc, lex, topic_hits, rel_hits)
    chosen, topic_evidence = _topics.assign(doc, lex, scores)
    feats = _topics.features(doc, lex, scores, chosen, topic_hits, rel_hits, rel_evidence["scores"], rule_relevant)
    return doc, {
        "rule_relevant": rule_relevant, "rule_topics": chosen, "rel_evidence": rel_evidence,
        "topic_evidence": topic_evidence, "features": feats, "hits": topic_hits + rel_hits, "scores": scores,
    }


def decide(body: str, head: str = "", features=None) -> tuple[bool, list[str], dict, dict]:
    """Relevance and topics of normalised text, with evidence: the rules, then the learned layer
    (``analysis.topics.model()``) when it is shipped, then for a text it rejected the text head
    (``analysis.relevance_text``) over ``features`` (``analysis.sentiment.features`` of
    ``head + "\n" + body``, computed here when not given)."""
    doc, a = analyze(body, head)
    relevant, topics = a["rule_relevant"], a["rule_topics"]
    rel_ev, top_ev = a["rel_evidence"], a["topic_evidence"]
    model = _topics.model()
    if model is not None:
        out = model.decide(a["features"])
        relevant, p, contrib = out[_topics.RELEVANCE_HEAD]
        rel_ev["model"] = {"p": round(p, 3), "rule": a["rule_relevant"], "drivers": _topics.drivers(contrib)}
        issue, min_issue = rel_ev["scores"]["issue"], _MIN_LEARNED_ISSUE
        # The learned layer does not overrule TOPICS.md's own exclusions: lending without an issue, and
        # the exclusions of _exclusion.
        excluded = _exclusion(rel_ev["scores"])
        if relevant and issue < min_issue:
            relevant = False
            rel_ev["reason"] = f"learned layer: p={p:.2f}, but issue score {issue} < {min_issue}"
        elif relevant and excluded:
            relevant = False
            rel_ev["reason"] = f"learned layer: p={p:.2f}, but {excluded}"
        elif relevant:
            rel_ev.pop("reason", None)
        elif a["rule_relevant"]:
            rel_ev["reason"] = f"learned layer: p={p:.2f} below cut-off"
        if not relevant and model.text is not None and not excluded:
            relevant = _text_head(model.text, rel_ev, features or _text_features(body, head))
        if relevant and not rel_ev["sentences"]:
            rel_ev["sentences"] = _topics.sentences_for(doc, a["hits"], rel_ev["model"]["drivers"])
        topics = [t for t in TOPIC_CODES if out[t][0]]
        top_ev = _learned_topic_evidence(doc, a, out, topics)
    if not relevant:
        return False, [], rel_ev, {}
    return True, topics, rel_ev, top_ev


def _exclusion(scores: dict) -> str | None:
    """Which of TOPICS.md's exclusions no model overrules applies, if any: off-topic signals (stock news,
    other investments, non-lending fraud) dominate, or there are off-topic signals and no lending
    subject (a crypto exchange's collapse told in P2P words)."""
    if scores["offtopic_dominates"]:
        return "off-topic signals dominate"
    if scores["offtopic"] > 0 and scores["subject"] < _MIN_SUBJECT:
        return f"off-topic signals and subject score {scores['subject']} < {_MIN_SUBJECT}"
    return None


def _text_features(body: str, head: str):
    # the real sentiment module, even where a stand-in scores sentiment: the text head's weights belong
    # to its vocabulary
    from analysis import sentiment

    return sentiment.features(head + "\n" + body if head else body)


def _text_head(head, rel_ev: dict, features) -> bool:
    """Ask the text head about a text the learned layer rejected; record its answer in the evidence."""
    p, sentences = head.decide(features)
    rel_ev["text"] = {"p": round(p, 3), "cutoff": head.cutoff, "sentences": sentences}
    if p < head.cutoff:
        return False
    rel_ev["reason_rejected_before"] = rel_ev.pop("reason", "")
    rel_ev["accepted_by"] = f"text head: p={p:.2f} >= {head.cutoff}"
    if not rel_ev["sentences"]:
        rel_ev["sentences"] = sentences
    return True


def _learned_topic_evidence(doc, a: dict, out: dict, topics: list[str]) -> dict:
    """Evidence of each chosen topic (and of rule topics the learned layer dropped): its driving
    terms and their sentences, beside the rule score and threshold."""
    lex = _lexicon.load()
    evidence = {}
    for t in TOPIC_CODES:
        if t not in topics and t not in a["rule_topics"]:
            continue
        _decision, p, contrib = out[t]
        rule_ev = a["topic_evidence"].get(t) or {}
        terms = _topics.drivers(contrib)
        ev = {
            "score": rule_ev.get("score", round(a["scores"][t].score, 3)),
            "threshold": rule_ev.get("threshold", round(_topics.threshold(t, doc, lex), 3)),
            "p": round(p, 3),
            "rule": t in a["rule_topics"],
            "terms": list(terms) + [k for k in rule_ev.get("terms", []) if k not in terms],
            "contributions": terms,
            "weights": rule_ev.get("weights", {}),
            "sentences": _topics.sentences_for(doc, a["hits"], terms) or rule_ev.get("sentences", []),
        }
        if t not in topics:
            ev["note"] = f"dropped by the learned layer (p={p:.2f})"
        evidence[t] = ev
    return evidence


def tag(text: str, title: str | None = None, *, with_sentiment: bool = True) -> Tags:
    """Tag one article (body ``text``, optional ``title``); see the module docstring.

    ``with_sentiment=False`` skips the sentiment model (label "neutral", p_negative 0.5), for
    evaluating relevance and topics alone."""
    raw = _clean_input(text)
    raw_title = _clean_input(title)
    truncated = len(raw) > MAX_CHARS
    # Normalising can only shorten text much; cap before and after so time stays bounded.
    body = body_of(raw)
    head = normalize(raw_title[:500]).replace("\n", " ")
    if not body.strip() and not head.strip():
        return _not_relevant("empty text")
    if not _HAS_HAN.search(body) and not _HAS_HAN.search(head):
        return _not_relevant("no Chinese text")

    full = head + "\n" + body if head else body
    # computed once for sentiment and the text head; without sentiment, decide() computes them if needed
    features = _text_features(body, head) if with_sentiment else None
    relevant, topics, rel_evidence, topic_evidence = decide(body, head, features)
    if truncated:
        rel_evidence["truncated_at"] = MAX_CHARS
    evidence: dict = {"relevant": rel_evidence, "topics": topic_evidence}
    if with_sentiment:
        label, p_negative = _score_sentiment(full, evidence, features)
    else:
        label, p_negative = "neutral", 0.5
        evidence["sentiment"] = []
    return Tags(
        relevant=relevant,
        topics=topics,
        sentiment=label,
        p_negative=p_negative,
        entities=_entities.entities(full),
        evidence=evidence,
        normalized=full,
    )
