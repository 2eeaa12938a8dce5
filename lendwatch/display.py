"""Display text: the one form in which reports and the browsing site print titles and outlets.

Web titles come in Traditional characters, with pinyin glosses (``網(wǎng)貸``) and with the site's name
appended (``标题_示例网``); the same outlet is spelt in both scripts. ``title`` and ``outlet_name``
give the Simplified form without glosses or site suffix, so that the same outlet is counted once;
the stored original stays in the database and is shown on the article page.
"""

import re

from lendwatch.textnorm import strip_pinyin_glosses, to_simplified

# A site name after the last separator: short, and named like a site (…网, …报, 频道, 客户端, a domain).
_SITE_SUFFIX = re.compile(
    r"\s*(?:_|\||｜|\s[-–—]\s|——|-{2,})\s*"
    r"([^_|｜]{1,16}?(?:网|站|报|频道|新闻|财经|在线|客户端|资讯|官网|门户|\.com|\.cn|\.net)(?:首页)?)\s*$",
    re.IGNORECASE,
)
UNTITLED = "（无标题）"
# Complaint platforms (``complaints.platform``): the outlet of a complaint is the platform, never the
# complainant.
PLATFORMS = {"heimao": "黑猫投诉"}


def text(value) -> str:
    """Simplified, without pinyin glosses, whitespace collapsed."""
    return " ".join(to_simplified(strip_pinyin_glosses(str(value or ""))).split())


def title(value, outlet: str | None = None) -> str:
    """A title's display form: :func:`text` without a trailing site name (or ``outlet``)."""
    shown = text(value)
    if outlet:
        shown = re.sub(r"\s*(?:_|\||｜|\s[-–—]\s|——)\s*" + re.escape(outlet) + r"\s*$", "", shown)
    shown = _SITE_SUFFIX.sub("", shown) if len(shown) > 8 else shown
    return shown or UNTITLED


def outlet_name(row: dict) -> str:
    """The outlet (媒体名) of an article row in display form: a complaint's platform (``platform``
    when the row has one), else ``extra.outlet``, else the author, else the source name."""
    if row.get("platform"):
        return PLATFORMS.get(row["platform"], row["platform"])
    extra = row.get("extra") or {}
    name = extra.get("outlet") if isinstance(extra, dict) else None
    return text(name or row.get("author") or row["source"]) or row["source"]
