"""Title, publication date and author/outlet: page metadata first, then the visible page."""
from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime

from .dates import PARTIAL_DATE, RELATIVE, parse_date, parse_full
from .html import collapse, node_text
from .settings import ExtractOptions

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "og:release_date",
    "publishdate", "publish_date", "publish-date", "pubdate", "pubtime", "ptime", "publishtime",
    "publish_time", "datepublished", "dc.date.issued", "dc.date.created", "dc.date", "dcterms.issued",
    "dcterms.created", "date", "citation_publication_date", "citation_date", "sailthru.date",
    "parsely-pub-date", "weibo: article:create_at", "created", "firstpublishedtime", "releasedate",
)
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dateupdate", "lastmodified",
    "last-modified", "weibo: article:update_at", "dcterms.modified", "updated",
)
_TITLE_META = ("og:title", "twitter:title", "title", "headline", "dc.title", "sharetitle")
_AUTHOR_META = ("article:author", "author", "dc.creator", "byl", "sailthru.author", "parsely-author")
_OUTLET_META = ("og:site_name", "source", "mediaid", "publisher", "application-name")
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s[-–—]+\s|--|——)\s*")
_LABEL_DATE = re.compile(r"(?:发布|发表|更新|出版|刊发|成文)?(?:时间|日期)\s*[:：]")
_AUTHOR_LINE = re.compile(r"(?:作者|撰文|文)\s*[:：/]\s*([^\s|｜/,，;；:：()（）]{2,20})")
_SOURCE_LINE = re.compile(r"(?:来源|來源|来自|來自|出处|出處|稿源|信息来源|信息來源)\s*[:：]\s*([^\s|｜,，;；:：]{2,30})")
_LABEL_PREFIX = re.compile(r"^(?:作者|来源|來源|来自|來自|出处|出處|稿源|记者|記者|编辑|編輯)\s*[:：]?\s*")
_EMAILISH = re.compile(r"@|^name\b|https?:", re.I)


def norm_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def meta_values(root) -> dict[str, list[str]]:
    """content of every <meta> by lower-cased name / property / itemprop / http-equiv."""
    found: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                found.setdefault(key.strip().lower(), []).append(collapse(content))
    return found


def json_ld(root) -> list[dict]:
    """Article-like objects of the page's JSON-LD blocks (invalid blocks are skipped)."""
    objects: list[dict] = []
    for el in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(el.text or "", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                if any(k in item for k in ("headline", "datePublished", "author")):
                    objects.append(item)
    return objects


def _name_of(value) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name_of(v) for v in value) if n]
        return "、".join(names) if names else None
    if isinstance(value, dict):
        value = value.get("name")
    return collapse(value) if isinstance(value, str) and value.strip() else None


def _first(meta: dict, keys) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def find_title(root, meta: dict, ld: list[dict], options: ExtractOptions):
    """(title, element showing it). Candidates from metadata and headings; the longest candidate that
    the <title> contains wins, because <title> is the title plus the site name."""
    candidates: list[tuple[str, object]] = []
    for key in _TITLE_META:
        candidates += [(v, None) for v in meta.get(key, [])]
    candidates += [(_name_of(o.get("headline")) or "", None) for o in ld]
    for el in root.xpath("//h1|//h2|//h3|//*[@itemprop='headline']|//*[contains(@class,'title') or "
                         "contains(@id,'title') or contains(@class,'Title') or contains(@id,'Title')]"):
        if el.tag in ("title", "a", "body", "html"):
            continue
        text = node_text(el)
        if 4 <= len(text) <= options.title_max_chars:
            candidates.append((text, el))
    page_title = collapse(root.findtext(".//title") or "")
    page_key = norm_key(page_title)
    best = None
    if page_key:
        for text, el in candidates:
            key = norm_key(text)
            if len(key) >= 4 and key in page_key and (best is None or len(key) > len(norm_key(best[0]))):
                best = (text, el)
    if best is None:
        for text, el in candidates:  # metadata first, then h1 ...
            if text and (el is None or el.tag == "h1"):
                best = (text, el)
                break
    if best is None and page_title:
        parts = [p for p in _TITLE_SPLIT.split(page_title) if p]
        best = (max(parts, key=len) if parts else page_title, None)
    if best is None:
        return None, None
    text, el = best
    if el is None:  # find where the page shows it, to look for the date line beside it
        key = norm_key(text)
        for cand_text, cand_el in candidates:
            if cand_el is not None and norm_key(cand_text) == key:
                el = cand_el
                break
    return text, el


def _text_after(el, limit: int) -> str:
    chunks, size = [], 0
    for piece in el.xpath("following::text()[normalize-space()]"):
        chunks.append(piece)
        size += len(piece)
        if size > limit:
            break
    return collapse(" ".join(chunks))


def find_date(root, meta: dict, ld: list[dict], title_el, reference: datetime | None,
              options: ExtractOptions) -> datetime | None:
    """Published meta / JSON-LD, then a full date beside the title or after a 发布时间 label,
    then modified meta, then a month-day beside the title."""
    tz = options.timezone
    for value in [v for k in _PUBLISHED_META for v in meta.get(k, [])] + \
                 [str(o.get("datePublished") or o.get("dateCreated") or "") for o in ld]:
        found = parse_date(value, reference, tz) if value else None
        if found is not None:
            return found
    near = _text_after(title_el, options.date_scan_chars) if title_el is not None else ""
    found = parse_full(near, tz)
    if found is not None:
        return found
    for label in root.xpath("//body//text()[contains(., '时间') or contains(., '日期')]"):
        holder = label.getparent()
        context = node_text(holder) + " " + _text_after(holder, 60)
        match = _LABEL_DATE.search(context)
        found = parse_full(context[match.end():], tz) if match else None
        if found is not None:
            return found
    for value in [v for k in _MODIFIED_META for v in meta.get(k, [])] + \
                 [str(o.get("dateModified") or "") for o in ld]:
        found = parse_date(value, reference, tz) if value else None
        if found is not None:
            return found
    # month-day or relative forms: only on the date line itself, right after the title
    line = near[:options.date_line_chars]
    for pattern in (RELATIVE, PARTIAL_DATE):
        match = pattern.search(line)
        if match:
            return parse_date(match.group(0), reference, tz)
    return None


def find_author(root, meta: dict, ld: list[dict], title_el, options: ExtractOptions) -> str | None:
    """Visible 作者 / 记者 / 来源 beside the title, then metadata (author, then outlet)."""
    near = _text_after(title_el, options.date_scan_chars) if title_el is not None else ""
    for pattern in (_AUTHOR_LINE, _SOURCE_LINE):
        match = pattern.search(near)
        if match:
            return match.group(1)
    bylines = title_el.xpath(
        "following::*[@itemprop='author' or contains(@class,'author') or contains(@id,'author')"
        " or contains(@class,'source') or contains(@id,'source')][position() <= 8]") \
        if title_el is not None else []
    for el in bylines:
        name = _LABEL_PREFIX.sub("", node_text(el))
        if 2 <= len(name) <= 30 and not any(c.isdigit() for c in name):
            return name
    for obj in ld:
        name = _name_of(obj.get("author")) or _name_of(obj.get("publisher"))
        if name:
            return name
    for key in _AUTHOR_META + _OUTLET_META:
        for value in meta.get(key, []):
            if not _EMAILISH.search(value) and len(value) <= 40:
                return value
    return None
