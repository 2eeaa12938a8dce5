"""Topics: a weighted lexicon per topic (``data/topic_terms.tsv``), thresholds (``data/rules.toml``)
and the boundary rules of TOPICS.md that a lexicon alone cannot express.

Every decision keeps its evidence: the matched terms with their weights and counts, and the sentences
they were found in, so a researcher can audit any count in a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.lexicon import TOPIC_CODES, Doc, Hit, Lexicon, find

TOPICS_RULES_VERSION = "1"

# Convention 1: `delinquency` is the borrower side.  When the platform itself fails to pay investors,
# these generic words describe the platform, so they do not count towards delinquency.
_PLATFORM_SIDE_GENERIC = {"逾期", "违约", "坏账", "负债", "拖欠"}
# `borrower_wellbeing` is about borrowers, not investors: in a platform-collapse story these count
# only when borrowers are named.
_BORROWER_MARKERS = ("借款人", "借钱", "欠款", "还不上", "还不起", "网贷", "催收", "校园贷", "持卡人", "负债")


_THIRD_PARTY = {"家人", "家属", "父母", "母亲", "同事", "领导", "亲友", "好友", "联系人", "第三人", "无关第三人"}
_THIRD_PARTY_BONUS = 2.5
THIRD_PARTY_KEY = "[催收+亲友/同事]"
_SYNTHETIC_STRONG = {THIRD_PARTY_KEY}


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
            sent = doc.title if h.in_title else doc.sentence(h.start, limit=10_000)
            if "催" in sent:
                ts = scores["violent_collection"]
                ts.score += _THIRD_PARTY_BONUS
                ts.terms[THIRD_PARTY_KEY] = _THIRD_PARTY_BONUS
                ts.hits.append(Hit(THIRD_PARTY_KEY, h.start, h.in_title))
                break
    return scores, hits


def threshold(topic: str, doc: Doc, lex: Lexicon) -> float:
    rules = lex.rules["topics"]
    base = float(rules.get("thresholds", {}).get(topic, rules.get("default_threshold", 2.5)))
    extra = max(0, len(doc.body) - 800) / 1000 * float(rules.get("length_slope", 0.0))
    return base + extra


def assign(doc: Doc, lex: Lexicon, scores: dict[str, TopicScore]) -> tuple[list[str], dict]:
    """Topics over threshold after the boundary rules, and their evidence."""
    rules = lex.rules["topics"]
    strong = float(rules.get("strong_weight", 2.0))
    weak_multiple = float(rules.get("weak_multiple", 2.0))
    share = float(rules.get("min_share_of_top", 0.0))
    side_share = float(rules.get("side_sentence_share", 0.0))
    n_sent = max(1, len(doc.sentences))
    top = max((s.score for s in scores.values()), default=0.0)
    chosen: list[str] = []
    notes: dict[str, str] = {}
    for t in TOPIC_CODES:
        s = scores[t]
        thr = threshold(t, doc, lex)
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
        spread = len({doc.sentence_index(h.start) for h in positive if not h.in_title}) / n_sent
        if not in_title and spread < side_share and s.score < share * top:
            notes[t] = f"dropped: side topic (in {spread:.0%} of sentences, score < {share} x top {top:.1f})"
            continue
        chosen.append(t)
    if "platform_risk" in chosen and "delinquency" in chosen:
        d = scores["delinquency"]
        rest = sum(v for k, v in d.terms.items() if k not in _PLATFORM_SIDE_GENERIC)
        if rest < threshold("delinquency", doc, lex):
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
            sent = doc.title if h.in_title else doc.sentence(h.start)
            if sent and sent not in sentences and s.terms.get(h.term, 0) > 0:
                sentences.append(sent)
            if len(sentences) >= 5:
                break
        evidence[t] = {
            "score": round(s.score, 3),
            "threshold": round(threshold(t, doc, lex), 3),
            "terms": sorted(s.terms, key=lambda k: -s.terms[k]),
            "weights": s.terms,
            "sentences": sentences,
        }
        if t in notes:
            evidence[t]["note"] = notes[t]
    return chosen, evidence
