"""Typical cases (典型案例): the month's stories with the widest reach, told from their own articles.

Reach is the number of articles in the story this month (reposts), then the number of
distinct outlets, then the highest negative probability. "What happened" is the lead
article's first sentences; "outcome" is the first sentence that states a result
(a judgment, a penalty, money returned, a case filed); none is invented.
"""

import re

_SENTENCE = re.compile(r"[^。！？!?；\n]+[。！？!?；]?")
_OUTCOME = (  # a stated result: first the strong words, then the weaker ones
    re.compile(r"判处|被判|获刑|宣判|刑拘|刑事拘留|行政拘留|逮捕|批捕|抓获|罚款|罚没|行政处罚|吊销|取缔|关停|下架|"
               r"退还|退回|追回|挽回|领回|赔偿|和解|达成.{0,8}(?:协议|方案)|已还清|结清"),
    re.compile(r"立案|起诉|开庭|审理|责令|整改|约谈|通报|处罚"),
)
_DATELINE = re.compile(r"^[^，。]{0,30}(?:电|讯)（[^）]{0,30}）|^本报讯\s*")
_DOC_HEAD = re.compile(r"^.*?〔\d{4}〕\d+号")


def sentences(text: str) -> list[str]:
    """Sentences of a text, whitespace collapsed, empty ones dropped."""
    return [s for s in (" ".join(m.split()) for m in _SENTENCE.findall(text or "")) if len(s) > 1]


def lead_sentences(text: str, limit: int = 2, width: int = 150) -> list[str]:
    """The first ``limit`` sentences, without a dateline such as 某地9月3日电（记者 某某）."""
    out = []
    for s in sentences(text):
        s = _DOC_HEAD.sub("", _DATELINE.sub("", s)).strip()
        if s and not s.endswith(("：", ":")):  # a salutation (各有关单位：) is not what happened
            out.append(s if len(s) <= width else s[: width - 1] + "…")
        if len(out) == limit:
            break
    return out


def outcome(text: str, skip: list[str] = (), width: int = 150) -> str | None:
    """The first sentence stating a result (strong result words before weak ones), or None.

    Sentences in ``skip`` (already shown) and people's quoted words are passed over.
    """
    shown = {s.rstrip("…") for s in skip}
    for pattern in _OUTCOME:
        for s in sentences(text):
            if any(s.startswith(x) or _DATELINE.sub("", s).startswith(x) for x in shown) or "“" in s and "说" in s:
                continue
            if pattern.search(s):
                s = _DATELINE.sub("", s).strip()
                return s if len(s) <= width else s[: width - 1] + "…"
    return None


def _union(members: list[dict], key: str) -> list[str]:
    seen: dict[str, None] = {}
    for r in members:
        for value in r["entities"].get(key) or []:
            seen.setdefault(str(value), None)
    return list(seen)


def pick(rel: list[dict], n: int = 5) -> list[dict]:
    """Up to ``n`` stories by reach, with their members (each story once)."""
    groups: dict[int, list[dict]] = {}
    for r in rel:
        groups.setdefault(r["story_id"], []).append(r)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -len({r["outlet"] for r in kv[1]}),
                                                    -max(r["p_negative"] for r in kv[1]),
                                                    kv[1][0]["published_at"], kv[0]))
    out = []
    for story_id, members in ranked[:n]:
        lead = next((r for r in members if r["id"] == story_id), members[0])
        out.append({"story_id": story_id, "lead": lead, "members": members, "size": len(members),
                    "outlets": sorted({r["outlet"] for r in members}),
                    "who": _union(members, "lenders") + _union(members, "regulators") + _union(members, "courts"),
                    "laws": _union(members, "laws"), "regions": _union(members, "regions"),
                    "ids": [r["id"] for r in members]})
    return out


def describe(cases: list[dict], texts: dict[int, str]) -> list[dict]:
    """Add what happened and the outcome, read from the full texts of each case's articles."""
    for case in cases:
        lead_text = texts.get(case["lead"]["id"], case["lead"]["lead"])
        case["what"] = lead_sentences(lead_text)
        case["policy"] = "regulation" in case["lead"]["topics"] and "enforcement" not in case["lead"]["topics"]
        found = [] if case["policy"] else [(outcome(texts.get(r["id"], ""), case["what"]), r)
                                           for r in [case["lead"]] + case["members"]]
        sentence, source = next(((s, r) for s, r in found if s), (None, None))
        case["outcome"] = sentence
        case["outcome_id"] = source["id"] if source else None
        case["outcome_in_lead"] = not sentence and not case["policy"] and any(
            _OUTCOME[0].search(s) for s in case["what"])
    return cases
