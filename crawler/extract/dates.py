"""Parse the date forms of Chinese news pages into tz-aware datetimes."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇零○Ｏ一二两三四五六七八九十"

_TIME = r"(?:\s*|T)(?P<H>[012]?\d)[:：时](?P<M>[0-5]\d)(?:[:：分](?P<S>[0-5]\d)(?:\.\d+)?)?秒?"
_ZONE = r"(?P<Z>Z|[+-]\d{2}:?\d{2})?"
# 2024-09-03, 2024/9/3, 2024.09.03, 2024年9月3日, each with an optional time and zone
FULL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.年])\s*(?P<m>[01]?\d)\s*[-/.月]\s*(?P<d>[0-3]?\d)\s*日?"
    r"(?:" + _TIME + _ZONE + r"|(?!\d))")
# 20240903 or 20240903 14:05 (compact, as in URLs and some meta tags)
COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:(?P<H>[012]\d)(?P<M>[0-5]\d)(?P<S>[0-5]\d)?)?(?!\d)")
# 09-03, 9月3日, 09/03 14:05 (year from the reference)
PARTIAL_DATE = re.compile(
    r"(?<![\d\-/.年])(?P<m>[01]?\d)\s*[-/月]\s*(?P<d>[0-3]?\d)\s*日?(?:" + _TIME + r"|(?![\d\-/]))")
CN_DATE = re.compile(r"(?P<y>[" + _CN_NUM + r"]{4})年(?P<m>[" + _CN_NUM + r"]{1,3})月(?P<d>[" + _CN_NUM + r"]{1,3})日")
RELATIVE = re.compile(
    r"(?P<n>\d+|[" + _CN_NUM + r"]+|半)\s*(?P<unit>秒|分钟|分|小时|个小时|天|日|周|星期|个月|月|年)\s*前"
    r"|(?P<day>今天|今日|昨天|昨日|前天)(?:" + _TIME + r")?"
    r"|(?P<now>刚刚|刚才)")
_UNIT_SECONDS = {"秒": 1, "分钟": 60, "分": 60, "小时": 3600, "个小时": 3600, "天": 86400, "日": 86400,
                 "周": 604800, "星期": 604800, "个月": 2592000, "月": 2592000, "年": 31536000}
_DAY_OFFSET = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def cn_number(text: str) -> int | None:
    """二〇二四 -> 2024 (digit by digit), 十二 -> 12, 二十三 -> 23, 三十一 -> 31."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" not in text:
        digits = [_CN_DIGITS.get(c) for c in text]
        return None if None in digits else int("".join(map(str, digits)))
    tens, _, ones = text.partition("十")
    tens_value = _CN_DIGITS.get(tens, None) if tens else 1
    ones_value = _CN_DIGITS.get(ones, None) if ones else 0
    if tens_value is None or ones_value is None:
        return None
    return tens_value * 10 + ones_value


def build(y, m, d, hh=None, mm=None, ss=None, zone=None, tz: ZoneInfo | None = None) -> datetime | None:
    try:
        value = datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except (TypeError, ValueError):
        return None
    if zone:
        offset = zone.replace(":", "")
        if offset == "Z":
            delta = timedelta(0)
        else:
            delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
            delta = -delta if offset[0] == "-" else delta
        return value.replace(tzinfo=timezone(delta)).astimezone(tz)
    return value.replace(tzinfo=tz)


def reference_in(reference: datetime | None, tz: ZoneInfo | str) -> datetime:
    """The reference (fetch) time in the zone ``tz``; now when unknown."""
    tz = _zone(tz) if isinstance(tz, str) else tz
    if reference is None:
        return datetime.now(tz)
    if reference.tzinfo is None:
        return reference.replace(tzinfo=tz)
    return reference.astimezone(tz)


def parse_full(text: str, tz_name: str = "Asia/Shanghai") -> datetime | None:
    """First date with an explicit year in text (Arabic or Chinese numerals), else None."""
    tz = _zone(tz_name)
    found = FULL_DATE.search(text)
    if found:
        g = found.groupdict()
        return build(g["y"], g["m"], g["d"], g["H"], g["M"], g["S"], g["Z"], tz)
    found = CN_DATE.search(text)
    if found:
        y, m, d = (cn_number(found.group(k)) for k in ("y", "m", "d"))
        return build(y, m, d, tz=tz) if None not in (y, m, d) else None
    return None


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# byline forms with the year written oddly: "Dec 28 Sat 2013 00:28", "28 Dec 2013",
# a day badge before its month "21 2024年02月", a two-digit year with a time "24-5-13 17:07"
_EN_DATE = re.compile(
    r"(?<![A-Za-z])(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
    r",?\s+(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\s+)?(?P<y>(?:19|20)\d{2})(?!\d)"
    r"|(?<!\d)(?P<d2>[0-3]?\d)\s+(?P<mon2>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s+(?P<y2>(?:19|20)\d{2})(?!\d)")
_DAY_BADGE = re.compile(r"(?<![\d.:/-])(?P<d>[0-3]?\d)\s+(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>[01]?\d)\s*月(?!\s*\d)")
_SHORT_YEAR = re.compile(r"(?<![\d/.-])(?P<y>[0-3]\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\s*(?P<H>[012]?\d):(?P<M>[0-5]\d)(?!\d)")


def parse_byline(text: str, tz_name: str = "Asia/Shanghai") -> datetime | None:
    """A byline date in a form parse_full does not take (see the patterns above), else None."""
    tz = _zone(tz_name)
    found = _EN_DATE.search(text)
    if found:
        g = found.groupdict()
        mon = (g["mon"] or g["mon2"]).lower()
        return build(g["y"] or g["y2"], _MONTHS[mon], g["d"] or g["d2"], tz=tz)
    found = _DAY_BADGE.search(text)
    if found:
        return build(found["y"], found["m"], found["d"], tz=tz)
    found = _SHORT_YEAR.search(text)
    if found:
        return build(2000 + int(found["y"]), found["m"], found["d"], found["H"], found["M"], tz=tz)
    return None


def parse_date(text: str, reference: datetime | None = None, tz_name: str = "Asia/Shanghai") -> datetime | None:
    """Parse one date expression: full dates, compact dates, month-day (year from the reference,
    or the year before when that would be in the future), relative forms (3小时前, 昨天 08:15)."""
    if not text:
        return None
    text = text.strip()
    tz = _zone(tz_name)
    value = parse_full(text, tz_name)
    if value is not None:
        return value
    ref = reference_in(reference, tz)
    found = RELATIVE.search(text)
    if found:
        g = found.groupdict()
        if g["now"]:
            return ref.replace(microsecond=0)
        if g["day"]:
            day = ref - timedelta(days=_DAY_OFFSET[g["day"]])
            if g["H"] is None:
                return day.replace(hour=0, minute=0, second=0, microsecond=0)
            return build(day.year, day.month, day.day, g["H"], g["M"], g["S"], tz=tz)
        n = 0.5 if g["n"] == "半" else cn_number(g["n"])
        if n is not None:
            return (ref - timedelta(seconds=n * _UNIT_SECONDS[g["unit"]])).replace(microsecond=0)
    found = COMPACT_DATE.fullmatch(text) or COMPACT_DATE.match(text)
    if found:
        g = found.groupdict()
        return build(g["y"], g["m"], g["d"], g["H"], g["M"], g["S"], tz=tz)
    found = PARTIAL_DATE.search(text)
    if found:
        g = found.groupdict()
        value = build(ref.year, g["m"], g["d"], g["H"], g["M"], g["S"], tz=tz)
        if value is not None and value > ref + timedelta(days=2):
            value = build(ref.year - 1, g["m"], g["d"], g["H"], g["M"], g["S"], tz=tz)
        return value
    return None
