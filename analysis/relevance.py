"""Relevance: the gate before topics (TOPICS.md).

An article is relevant when its main subject is online / consumer lending (subject terms) together with
collection, delinquency, lender conduct or regulation (the topic lexicon, here called the issue
score), those terms are central (in the title or lead, or in a good share of the sentences, and dense
enough in a long text), and off-topic signals (stock news, general economy, non-lending fraud, fake
loan-fee scams, platform statistics, adverts, business lending) do not dominate.
"""

from __future__ import annotations

from analysis.lexicon import Doc, Hit, Lexicon, find

import re

RELEVANCE_RULES_VERSION = "2"

# A lending-platform name (宜X贷, X金服, X钱包, X创投, X贷网) counts once as a subject term; generic
# compounds (网贷, 信贷, 房贷, 现金贷, …) are excluded by the character before 贷.
_PLATFORM_SUFFIX = re.compile(r"(?:贷网|贷|金服|钱包|创投)(?!款)")
_NOT_NAME_BEFORE = set("网借信房车费营小助金园路利放络用押抵装学农商存扶惠微高炮不欠还贷")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def platform_name(text: str) -> str | None:
    """The first lending-platform-like name in ``text`` (宜X贷, X金服, X钱包, X创投, X贷网), or None."""
    for m in _PLATFORM_SUFFIX.finditer(text):
        i = m.start()
        if i == 0 or not _HAN.match(text[i - 1]) or text[i - 1] in _NOT_NAME_BEFORE:
            continue
        j = i - 1
        while j > 0 and i - j < 3 and _HAN.match(text[j - 1]):
            j -= 1
        return text[j : m.end()]
    return None


PLATFORM_NAME_WEIGHT = 1.5


def _weighted(hits: list[Hit], weights, max_count: int = 2) -> tuple[float, dict[str, float]]:
    counts: dict[str, int] = {}
    for h in hits:
        counts[h.term] = counts.get(h.term, 0) + 1
    terms = {t: round(weights[t] * min(n, max_count), 3) for t, n in counts.items()}
    return sum(terms.values()), terms


def decide(doc: Doc, lex: Lexicon, topic_hits: list[Hit], hits: list[Hit] | None = None) -> tuple[bool, dict]:
    """Return (relevant, evidence). ``topic_hits`` are the topic-lexicon hits (the issue side),
    ``hits`` the relevance-lexicon hits (found here when not given)."""
    rules = lex.rules["relevance"]
    if hits is None:
        hits = find(lex.relevance_matcher, doc)
    subj_hits = [h for h in hits if h.term in lex.subject]
    off_hits = [h for h in hits if h.term in lex.offtopic]
    # Issue side: each distinct topic term once, at its largest positive weight.
    not_issue = set(lex.rules["topics"].get("not_issue", []))
    issue_terms: dict[str, float] = {}
    for h in topic_hits:
        # topics that are not an issue by themselves (education, wellbeing) count at half weight
        w = max((w if t not in not_issue else w / 2 for t, w in lex.topic_weights[h.term].items()), default=0.0)
        if w > 0:
            issue_terms[h.term] = w
    issue_hits = [h for h in topic_hits if h.term in issue_terms]

    subject, subject_terms = _weighted(subj_hits, lex.subject)
    name = platform_name(doc.title + "\n" + doc.body)
    if name:
        subject_terms["platform_name:" + name] = PLATFORM_NAME_WEIGHT
        subject += PLATFORM_NAME_WEIGHT
    offtopic, off_terms = _weighted(off_hits, lex.offtopic)
    issue = sum(issue_terms.values())

    lead_chars = int(rules.get("lead_chars", 150))
    key_hits = [h for h in subj_hits + issue_hits if lex.subject.get(h.term, 0) >= 1.5 or issue_terms.get(h.term, 0) >= 2]
    in_title = any(h.in_title for h in key_hits)
    in_lead = any(not h.in_title and h.start < lead_chars for h in key_hits)
    n_sent = max(1, len(doc.sentences))
    topical_sentences = {doc.sentence_index(h.start) for h in subj_hits + issue_hits if not h.in_title}
    share = len(topical_sentences) / n_sent
    density = len([h for h in subj_hits + issue_hits if not h.in_title]) / max(1.0, len(doc.body) / 1000)

    checks = {
        "subject": subject >= float(rules["min_subject"]),
        "issue": issue >= float(rules["min_issue"]),
        "not_offtopic": offtopic < float(rules["max_offtopic_ratio"]) * (subject + issue),
        "central": (in_title or in_lead) and share >= float(rules["min_sentence_share"]) / 2
        or share >= float(rules["min_sentence_share"]),
        "dense": len(doc.body) < 1000 or density >= float(rules["min_density"]),
    }
    relevant = all(checks.values())
    failed = [k for k, ok in checks.items() if not ok]

    sentences: list[str] = []
    for h in sorted(subj_hits + issue_hits, key=lambda h: (not h.in_title, h.start)):
        s = doc.title if h.in_title else doc.sentence(h.start)
        if s and s not in sentences:
            sentences.append(s)
        if len(sentences) >= 5:
            break
    evidence = {
        "terms": sorted(set(subject_terms) | set(issue_terms)),
        "sentences": sentences,
        "scores": {
            "subject": round(subject, 3),
            "issue": round(issue, 3),
            "offtopic": round(offtopic, 3),
            "sentence_share": round(share, 3),
            "density_per_1000": round(density, 2),
            "in_title": in_title,
            "in_lead": in_lead,
        },
        "subject_terms": subject_terms,
        "offtopic_terms": off_terms,
    }
    if not relevant:
        evidence["reason"] = "failed: " + ", ".join(failed)
    return relevant, evidence
