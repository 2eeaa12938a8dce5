"""Relevance: the gate before topics (TOPICS.md).

An article is relevant when its main subject is online / consumer lending (subject terms) together with
collection, delinquency, lender conduct or regulation (the topic lexicon, here called the issue
score), those terms are central (in the title or lead, or in a good share of the sentences, and dense
enough in a long text), and off-topic signals (stock news, general economy, non-lending fraud, fake
loan-fee scams, platform statistics, adverts, business lending) do not dominate.  Investor posts that
name a P2P platform without a lending word count through their P2P context (:func:`p2p_context`).
"""

from __future__ import annotations

from analysis.lexicon import Doc, Hit, Lexicon, find

import re

RELEVANCE_RULES_VERSION = "5"

# A lending-platform name (宜X贷, X金服, X钱包, X创投, X贷网) counts once as a subject term; generic
# compounds (网贷, 信贷, 房贷, 现金贷, …) are excluded by the character before 贷.
_PLATFORM_SUFFIX = re.compile(r"(?:贷网|贷|金服|钱包|创投)(?!款)")
_NOT_NAME_BEFORE = set("网借信房车费营小助金园路利放络用押抵装学农商存扶惠微高炮不欠还贷")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[。！？!?；;\n]+")


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

# P2P context (investor posts that name a platform without a lending word, or say only 平台): an anchor
# (平台, 标的, a lending-platform name, or a name ending in a common platform suffix: XX理财, XX财富, XX宝,
# XX在线, pinyin/English names) together with cues from at least two of the investor, money-back and
# failure groups.
_P2P_ANCHOR = re.compile(
    r"平台|标的|[\u4e00-\u9fff]{1,3}(?:理财|财富|在线|金融|宝)(?![\u4e00-\u9fff]{0,1}(?:股|币|基金))"
    r"|(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]{2,}\s?(?:理财|金融|财富|在线)"
)
_P2P_CUES = (
    ("出借人", "投资人", "投资者", "出借", "投友", "集资参与人", "投了", "理财"),
    ("兑付", "回款", "本金", "本息", "利息", "收益", "待收", "提现", "提不出", "提不了", "标的", "债权", "退赔",
     "血汗钱", "投资款", "到期"),
    ("逾期", "清退", "清盘", "爆雷", "暴雷", "跑路", "良性退出", "失联", "立案", "报案", "经侦", "维权", "延期",
     "非法吸收公众存款", "集资诈骗", "非法集资", "非吸", "资金池", "自融", "刑拘", "逮捕", "专案组", "诈骗",
     "无法提现", "不能提现", "提现困难", "虚假标"),
)
# Convention 2: other investments (funds, trusts, stocks, crypto), fund-raising schemes that never lent
# (钱宝网, 善心汇, 云联惠) and shopping fraud have the same investor / money-back / failure wording but
# are not lending platforms.
_NOT_P2P = ("私募", "信托", "基金", "资管", "券商", "股票", "股市", "炒股", "期货", "外汇", "虚拟币", "虚拟货币",
            "数字货币", "比特币", "币圈", "交易所", "刷单", "购物", "钱宝网", "善心汇", "云联惠")
P2P_CONTEXT_WEIGHT = 2.0
P2P_CONTEXT_KEY = "p2p_context"


def p2p_context(text: str) -> str | None:
    """The anchor of a P2P-investor context in ``text``, or None: an anchor with cues of two of the
    groups of ``_P2P_CUES`` in the text, or an anchor or a lending-platform name in one sentence with a
    failure cue (平台 + 逾期, XX钱包 + 诈骗, …)."""
    if any(w in text for w in _NOT_P2P):
        return None
    anchor = _P2P_ANCHOR.search(text)
    anchor = anchor.group() if anchor else platform_name(text)
    if not anchor:
        return None
    if sum(any(c in text for c in group) for group in _P2P_CUES) >= 2:
        return anchor
    for sent in _SENTENCE.split(text):
        if any(c in sent for c in _P2P_CUES[2]):
            m = _P2P_ANCHOR.search(sent)
            name = m.group() if m else platform_name(sent)
            if name:
                return name
    return None


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
    for term in dict.fromkeys(h.term for h in topic_hits):
        # topics that are not an issue by themselves (education, wellbeing) count at half weight
        w = max((w if t not in not_issue else w / 2 for t, w in lex.topic_weights[term].items()), default=0.0)
        if w > 0:
            issue_terms[term] = w
    issue_hits = [h for h in topic_hits if h.term in issue_terms]

    subject, subject_terms = _weighted(subj_hits, lex.subject)
    name = platform_name(doc.title + "\n" + doc.body)
    if name:
        subject_terms["platform_name:" + name] = PLATFORM_NAME_WEIGHT
        subject += PLATFORM_NAME_WEIGHT
    anchor = p2p_context(doc.title + "\n" + doc.body)
    if anchor:
        subject_terms[P2P_CONTEXT_KEY + ":" + anchor] = P2P_CONTEXT_WEIGHT
        subject += P2P_CONTEXT_WEIGHT
    offtopic, off_terms = _weighted(off_hits, lex.offtopic)
    issue = sum(issue_terms.values())

    lead_chars = int(rules.get("lead_chars", 150))
    key_hits = [h for h in subj_hits + issue_hits if lex.subject.get(h.term, 0) >= 1.5 or issue_terms.get(h.term, 0) >= 2]
    in_title = any(h.in_title for h in key_hits)
    in_lead = any(not h.in_title and h.start < lead_chars for h in key_hits)
    n_sent = max(1, len(doc.sentences))
    topical_sentences = {h.sentence for h in subj_hits + issue_hits if not h.in_title}
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
        s = doc.quote(h)
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
            "p2p_context": bool(anchor),
            "offtopic_dominates": not checks["not_offtopic"],
        },
        "subject_terms": subject_terms,
        "offtopic_terms": off_terms,
    }
    if not relevant:
        evidence["reason"] = "failed: " + ", ".join(failed)
    return relevant, evidence
