"""Chinese labels the report prints, from the topic scheme (``docs/TOPICS.md`` in ../shared).

The order is the scheme's order and breaks ties in every ranking.
"""

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

SENTIMENTS: dict[str, str] = {
    "negative": "负面",
    "neutral": "中性",
    "positive": "正面",
}


def topic_label(code: str) -> str:
    """The Chinese label of a topic code (the code itself when the scheme does not know it)."""
    return TOPICS.get(code, code)


def topic_order(code: str) -> int:
    return list(TOPICS).index(code) if code in TOPICS else len(TOPICS)
