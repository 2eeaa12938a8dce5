"""The project's vocabulary: topics, sentiments, entity kinds and months, each with its Chinese label.

Every stage speaks these codes: analysis writes them, reports and the browsing site read and
label them. Topic codes and their order come from the topic scheme (``docs/TOPICS.md`` in
../shared); the order breaks ties in every ranking. A topic's terms are analysis data
(``analysis/data/topic_terms.tsv``, ``rules.toml``), checked against :data:`TOPICS` on load.
"""

import re

TOPICS: dict[str, str] = {
    "violent_collection": "暴力催收与骚扰",
    "privacy": "隐私与个人信息",
    "regulation": "监管政策",
    "enforcement": "执法司法",
    "complaints": "投诉维权",
    "delinquency": "逾期与违约",
    "debt_relief": "协商还款与纾困",
    "industry_tech": "催收行业与科技",
    "illegal_lending": "高利贷与违规放贷",
    "anti_collection": "反催收与代理维权黑产",
    "platform_risk": "平台风险与非法集资",
    "borrower_wellbeing": "借款人心理与社会影响",
    "financial_education": "金融教育与风险提示",
}
TOPIC_CODES = tuple(TOPICS)

SENTIMENTS: dict[str, str] = {
    "negative": "负面",
    "neutral": "中性",
    "positive": "正面",
}

# Key in a tag result's ``entities`` → (tag kind, also the ``/articles`` parameter; Chinese label).
ENTITIES: dict[str, tuple[str, str]] = {
    "lenders": ("lender", "机构"),
    "regulators": ("regulator", "监管/执法部门"),
    "courts": ("court", "法院"),
    "laws": ("law", "法规"),
    "doc_numbers": ("doc_number", "文号"),
    "regions": ("region", "地区"),
}
ENTITY_KINDS = tuple(kind for kind, _label in ENTITIES.values())

MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
MONTH_FORM = "YYYY-MM, e.g. 2024-09"


def topic_label(code: str) -> str:
    """The Chinese label of a topic code (the code itself when the scheme does not know it)."""
    return TOPICS.get(code, code)


def topic_order(code: str) -> int:
    """A topic's place in the scheme (unknown codes last)."""
    return TOPIC_CODES.index(code) if code in TOPICS else len(TOPICS)


def sentiment_label(code: str) -> str:
    return SENTIMENTS.get(code, code)


def is_month(value) -> bool:
    return isinstance(value, str) and MONTH.fullmatch(value) is not None


def parse_month(month: str) -> tuple[int, int]:
    """``"2024-09"`` → ``(2024, 9)``; anything else raises ValueError naming YYYY-MM."""
    if not is_month(month):
        raise ValueError(f"month must have the form YYYY-MM (e.g. 2024-09), got {month!r}")
    return int(month[:4]), int(month[5:])


def shift_month(month: str, delta: int) -> str:
    """The month ``delta`` months from ``month`` (``shift_month("2024-01", -1) == "2023-12"``)."""
    year, mon = parse_month(month)
    index = year * 12 + (mon - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_span(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (empty when ``first`` is later)."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = shift_month(month, 1)
    return months


def month_label(month: str) -> str:
    """``2024-09`` → ``2024年9月`` (anything that is not a month is returned as it is)."""
    return f"{int(month[:4])}年{int(month[5:])}月" if is_month(month) else month
