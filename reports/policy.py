"""Policy documents, regulator actions and enforcement cases of the month, and rules' start dates.

A row enters the timeline when its source says it is a document (``extra.doc_number`` or
``extra.issuer``), or when a relevant article tagged ``regulation`` or ``enforcement``
names a document number or a regulator (``analyses.entities``).
"""

import re

POLICY_TOPICS = {"regulation", "enforcement"}
PENALTY_COLUMNS = ("处罚", "执法")

_EFFECT = re.compile(r"(?:自|于)?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:起)?\s*"
                     r"(?:正式)?(施行|实施|生效|执行)")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_BOOK_TITLE = re.compile(r"《[^》]{2,60}》")


def _first(values) -> str:
    return next((str(v).strip() for v in values or [] if str(v).strip()), "")


def timeline(rows: list[dict]) -> list[dict]:
    """The month's policy documents and regulator actions, oldest first, one row per story."""
    out, seen = [], set()
    for r in rows:
        extra, ents = r["extra"], r["entities"]
        from_source = bool(extra.get("doc_number") or extra.get("issuer"))
        tagged = r["relevant"] and POLICY_TOPICS & set(r["topics"])
        named = ents.get("doc_numbers") or ents.get("regulators")
        column = str(extra.get("column") or "")
        penalty = any(c in column for c in PENALTY_COLUMNS)
        if not (from_source or penalty or (tagged and named and "regulation" in r["topics"])) or r["story_id"] in seen:
            continue  # court and police cases without a regulator's document are in enforcement_cases
        seen.add(r["story_id"])
        kind = ("行政处罚" if penalty
                else "政策文件" if extra.get("doc_number") or ents.get("doc_numbers") else "监管动态（报道）")
        out.append({"id": r["id"], "date": r["date"], "title": r["title"], "url": r["url"], "kind": kind,
                    "issuer": str(extra.get("issuer") or "").strip() or "、".join(ents.get("regulators", [])[:2])
                    or r["outlet"],
                    "doc_number": str(extra.get("doc_number") or "").strip() or _first(ents.get("doc_numbers")),
                    "outlet": r["outlet"]})
    return out


def enforcement_cases(rows: list[dict]) -> list[dict]:
    """Relevant articles about an actual case (topic ``enforcement`` or a penalty column), one per story."""
    out, seen = [], set()
    for r in rows:
        column = str(r["extra"].get("column") or "")
        if not r["relevant"] or r["story_id"] in seen:
            continue
        if "enforcement" in r["topics"] or any(c in column for c in PENALTY_COLUMNS):
            seen.add(r["story_id"])
            ents = r["entities"]
            out.append({"id": r["id"], "date": r["date"], "title": r["title"], "url": r["url"],
                        "outlet": r["outlet"], "authorities": (ents.get("courts") or []) + (ents.get("regulators") or []),
                        "regions": ents.get("regions") or [], "lenders": ents.get("lenders") or []})
    return out


def effective_dates(rules: list[dict], first_day: str, last_day: str) -> list[dict]:
    """Rules whose text says they take effect between ``first_day`` and ``last_day`` (YYYY-MM-DD).

    ``rules`` are :func:`reports.data.rules_with_dates` rows; one entry per story and date.
    """
    found, seen = [], set()
    for r in rules:
        for sentence in _SENTENCE.findall(r["text"] or ""):
            for match in _EFFECT.finditer(sentence):
                year, mon, day = (int(g) for g in match.groups()[:3])
                if not (1 <= mon <= 12 and 1 <= day <= 31):
                    continue
                date = f"{year:04d}-{mon:02d}-{day:02d}"
                key = (r["story_id"] or r["id"], date)
                if not first_day <= date <= last_day or key in seen:
                    continue
                seen.add(key)
                extra = r["extra"] if isinstance(r["extra"], dict) else {}
                names = _BOOK_TITLE.findall(sentence) + _BOOK_TITLE.findall(r["title"] or "")
                found.append({"id": r["id"], "date": date, "verb": match.group(4),
                              "names": [n for n in names if len(n) > 6],  # 《通知》 alone names nothing
                              "doc_number": str(extra.get("doc_number") or ""), "title": r["title"],
                              "url": r["url"], "published": r["published_at"][:10]})
    return _by_date(found)


def _by_date(found: list[dict]) -> list[dict]:
    """One entry per start date: the most specific name given, and every article that gives the date."""
    out = []
    for date in sorted({f["date"] for f in found}):
        sources = sorted((f for f in found if f["date"] == date), key=lambda f: (f["published"], f["id"]))
        names = sorted({n for f in sources for n in f["names"]}, key=lambda n: (-len(n), n))
        first = sources[0]
        fallback = f"《{first['title']}》" if first["doc_number"] else f"《{first['title']}》所述规定"
        out.append({"date": date, "verb": first["verb"], "name": names[0] if names else fallback,
                    "doc_number": next((f["doc_number"] for f in sources if f["doc_number"]), ""),
                    "sources": sources, "id": first["id"], "ids": [f["id"] for f in sources]})
    return out
