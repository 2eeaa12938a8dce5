"""One text in, tags out: ``tag(text, title=None) -> Tags``.

Steps: normalise (``analysis.normalize``), cap the analysed text, match the lexicon on the normalised
string (``analysis.lexicon``), decide relevance (``analysis.relevance``) and topics
(``analysis.topics``), score sentiment (``analysis.sentiment.score``, another module's contract) and
extract entities (``analysis.entities``).  Every decision carries its evidence (terms and sentences).

Bad input (empty, no Chinese, huge, broken surrogates, not a string) is tagged ``relevant=False``
with the reason in ``evidence["relevant"]["reason"]``; ``tag`` does not raise on input.

Versions stored beside each analysis:

- ``LEXICON_VERSION``: a hash of the lexicon files in ``analysis/data/``, plus the rule versions;
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

try:
    from analysis import sentiment as _sentiment
except ImportError:  # the sentiment module is written separately; tag() reports it missing
    _sentiment = None

log = logging.getLogger(__name__)

RULES_VERSION = "1"
MAX_CHARS = int(_lexicon.load().rules["relevance"].get("max_chars", 20000))
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
LEXICON_VERSION: str = (
    "lex-" + hashlib.sha256((_lexicon.load().digest + _rule_versions).encode()).hexdigest()[:12]
)
MODEL_VERSION: str = f"{LEXICON_VERSION}+sent-{_SENTIMENT_VERSION}"

_HAS_HAN = re.compile(r"[\u4e00-\u9fff]")
_EMPTY_ENTITIES = {k: [] for k in ("lenders", "regulators", "courts", "laws", "doc_numbers", "regions")}


@dataclass
class Tags:
    relevant: bool
    topics: list[str]
    sentiment: str
    p_negative: float
    entities: dict[str, list[str]]
    evidence: dict = field(default_factory=dict)


def _clean_input(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        value = str(value)
    # Lone surrogates cannot be encoded; drop them before anything else sees them.
    return value.encode("utf-8", errors="ignore").decode("utf-8")


def _score_sentiment(text: str, evidence: dict) -> tuple[str, float]:
    if _sentiment is None:
        evidence["errors"] = evidence.get("errors", []) + ["analysis.sentiment is not installed"]
        evidence["sentiment"] = []
        return "neutral", 0.5
    try:
        s = _sentiment.score(text)
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
        entities={k: [] for k in _EMPTY_ENTITIES},
        evidence={"relevant": {"terms": [], "sentences": [], "reason": reason, **extra}, "topics": {}, "sentiment": []},
    )


def tag(text: str, title: str | None = None, *, with_sentiment: bool = True) -> Tags:
    """Tag one article (body ``text``, optional ``title``); see the module docstring.

    ``with_sentiment=False`` skips the sentiment model (label "neutral", p_negative 0.5), for
    evaluating relevance and topics alone."""
    raw = _clean_input(text)
    raw_title = _clean_input(title)
    truncated = len(raw) > MAX_CHARS
    # Normalising can only shorten text much; cap before and after so time stays bounded.
    body = normalize(raw[: MAX_CHARS * 2])[:MAX_CHARS]
    head = normalize(raw_title[:500]).replace("\n", " ")
    if not body.strip() and not head.strip():
        return _not_relevant("empty text")
    if not _HAS_HAN.search(body) and not _HAS_HAN.search(head):
        return _not_relevant("no Chinese text")

    lex = _lexicon.load()
    doc = _lexicon.Doc.build(body, head)
    scores, topic_hits = _topics.score_topics(doc, lex)
    relevant, rel_evidence = _relevance.decide(doc, lex, topic_hits)
    if truncated:
        rel_evidence["truncated_at"] = MAX_CHARS
    if relevant:
        topics, topic_evidence = _topics.assign(doc, lex, scores)
    else:
        topics, topic_evidence = [], {}
    evidence: dict = {"relevant": rel_evidence, "topics": topic_evidence}
    if with_sentiment:
        label, p_negative = _score_sentiment(head + "\n" + body if head else body, evidence)
    else:
        label, p_negative = "neutral", 0.5
        evidence["sentiment"] = []
    ents = _entities.entities(head + "\n" + body if head else body)
    return Tags(
        relevant=relevant,
        topics=topics,
        sentiment=label,
        p_negative=p_negative,
        entities=ents,
        evidence=evidence,
    )
