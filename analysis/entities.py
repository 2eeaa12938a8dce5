"""Entities: lenders and regulators from the gazetteer (aliases mapped to a canonical name), lending
platforms and apps the gazetteer lacks (found from context by :mod:`analysis.platforms`), courts and
procuratorates, laws and rules (《…》 titles), document numbers (文号) and regions.

``entities(text)`` expects normalised text (``analysis.normalize.normalize``); the result lists each
canonical name once, in order of first appearance (gazetteer lenders first, then the platforms found
from context), and ``lender_evidence``: for every lender, how it was found (``gazetteer`` and the alias,
or the context rule) and the sentence. A gazetteer alias of up to three characters counts only on a word
boundary (信也 in 征信也花了 is no lender).
"""

from __future__ import annotations

import re

from analysis.lexicon import load
from analysis.platforms import on_word_boundary, platform_mentions

ENTITIES_VERSION = "2"
_SHORT_ALIAS = 3  # aliases this short must stand on word boundaries

_HAN = r"\u4e00-\u9fff"
# 《…》 titles that are laws, rules or notices (not newspapers or books).
_LAW = re.compile(
    r"《([^《》\n]{2,60}?(?:法|条例|办法|规定|通知|指引|意见|规则|公约|解释|标准|决定|细则|意见稿|准则|要求|指南))》"
)
# 文号: 银保监办发〔2019〕24号, 国办发[2020]1号, 沪金规（2021）3号
_DOC_NO_TAIL = r"[〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*第?\s*\d{1,4}\s*号"
_DOC_NO = re.compile(rf"[{_HAN}]{{1,12}}" + _DOC_NO_TAIL)
# Every 文号 contains its tail; searching for the tail alone first skips the costly pattern (it tries
# up to 12 characters at every Chinese character) in the many texts without one.
_HAS_DOC_NO = re.compile(_DOC_NO_TAIL)
# Courts and procuratorates: find the institution, then read the place name in the 14 characters before
# it (…省 …市 …区/县), so the expensive pattern only runs near a hit.
_COURT_TAIL = re.compile(r"最高人民(?:法院|检察院)|(?:中级|高级|基层|铁路运输|海事)?人民(?:法院|检察院)|(?:金融|互联网)法院")
_COURT_PLACE = re.compile(
    rf"(?:[{_HAN}]{{2,8}}?(?:省|自治区|市|州|盟))?(?:[{_HAN}]{{1,6}}?(?:市|区|县|旗))?$"
)
_SPECIAL_COURT_PLACE = re.compile(rf"[{_HAN}]{{2,3}}$")
_PLACE_START_STOP = set("近日在向被由经据将了对和与及并后前中的是于从今昨该此曾已于其")


def _courts(text: str) -> list[str]:
    if "法院" not in text and "检察院" not in text:
        return []
    out = []
    for m in _COURT_TAIL.finditer(text):
        tail = m.group()
        if tail.startswith("最高"):
            out.append(tail)
            continue
        window = text[max(0, m.start() - 14) : m.start()]
        place_re = _SPECIAL_COURT_PLACE if tail in ("金融法院", "互联网法院") else _COURT_PLACE
        pm = place_re.search(window)
        place = pm.group() if pm else ""
        # The lazy place-name prefix can swallow a leading word (近日深圳市…): trim non-name heads.
        while len(place) > 2 and place[0] in _PLACE_START_STOP:
            place = place[1:]
        if place:
            out.append(place + tail)  # a bare 人民法院 names no court
    return out


_DOC_PREFIX_CUT = re.compile(r"^.*[为是即据见照按依的了和及与称号]")


def _doc_numbers(text: str) -> list[str]:
    if not _HAS_DOC_NO.search(text):
        return []
    out = []
    for m in _DOC_NO.finditer(text):
        no = re.sub(r"\s+", "", m.group())
        bracket = re.search(r"[〔\[［(（]", no).start()
        head = _DOC_PREFIX_CUT.sub("", no[:bracket])  # 文件编号为银保监办发 -> 银保监办发
        if head:
            out.append(head + no[bracket:])
    return out


def _dedupe(items) -> list[str]:
    seen: dict[str, None] = {}
    for it in items:
        seen.setdefault(it, None)
    return list(seen)


def _sentence_at(text: str, start: int) -> str:
    lo = max(text.rfind(c, 0, start) for c in "。！？!?；;\n") + 1
    ends = [i for i in (text.find(c, start) for c in "。！？!?；;\n") if i >= 0]
    return text[lo:min(ends) if ends else len(text)].strip()


def entities(text: str) -> dict[str, list]:
    lex = load()
    lenders, regulators, evidence = [], [], {}
    for start, term in lex.gazetteer_matcher.finditer(text):
        if term in lex.gazetteer["lender"]:
            if len(term) <= _SHORT_ALIAS and not on_word_boundary(text, start, start + len(term)):
                continue
            name = lex.gazetteer["lender"][term]
            lenders.append(name)
            evidence.setdefault(name, {"name": name, "rule": f"gazetteer: {term}",
                                       "sentence": _sentence_at(text, start)})
        else:
            regulators.append(lex.gazetteer["regulator"][term])
    for m in platform_mentions(text):
        name = lex.gazetteer["lender"].get(m.name, m.name)
        if name not in evidence:
            lenders.append(name)
            evidence[name] = {"name": name, "rule": m.rule, "sentence": m.sentence}
    regions = [lex.regions[t] for _s, t in lex.region_matcher.finditer(text)]
    return {
        "lenders": _dedupe(lenders),
        "lender_evidence": list(evidence.values()),
        "regulators": _dedupe(regulators),
        "courts": _dedupe(_courts(text)),
        "laws": _dedupe("《" + m.group(1) + "》" for m in _LAW.finditer(text)),
        "doc_numbers": _dedupe(_doc_numbers(text)),
        "regions": _dedupe(regions),
    }
