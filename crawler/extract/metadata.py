"""Title, publication date and author/outlet: page metadata first, then the visible page."""
from __future__ import annotations

import json
import re
import unicodedata

from .html import collapse, headline_of_body, node_text
from .settings import ExtractOptions

_TITLE_META = ("og:title", "twitter:title", "title", "headline", "dc.title", "sharetitle")
_AUTHOR_META = ("article:author", "author", "dc.creator", "byl", "sailthru.author", "parsely-author")
_OUTLET_META = ("og:site_name", "source", "mediaid", "publisher", "application-name")
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s[-–—]+\s|--|——|::|(?<![A-Za-z0-9])-)\s*")
_COUNT_PREFIX = re.compile(r"^\s*[(（][^()（）]{0,30}\d[^()（）]{0,30}[)）]\s*")
_AUTHOR_LINE = re.compile(r"(?:作者|撰文|文)\s*[:：/]\s*([^\s|｜/,，;；:：()（）]{2,20})")
_SOURCE_LINE = re.compile(r"(?:来源|來源|来自|來自|出处|出處|稿源|信息来源|信息來源)\s*[:：]\s*([^\s|｜,，;；:：]{2,30})")
_LABEL_PREFIX = re.compile(r"^(?:作者|来源|來源|来自|來自|出处|出處|稿源|记者|記者|编辑|編輯)\s*[:：]?\s*")
_EMAILISH = re.compile(r"@|^name\b|https?:", re.I)
_DOMAIN_PART = re.compile(r"\s*(?:[_|｜]|\s[-–—]+\s|--)\s*(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}/?\s*$", re.I)
_BIGRAM_CHARS = re.compile(r"[\u4e00-\u9fff]{2,}|[a-z0-9]{3,}")
_DATE_ONLY = re.compile(r"^[\d\s:：\-/.年月日时分秒]+$")


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


def strip_site_name(title: str, options: ExtractOptions) -> str:
    """标题_站名, 标题-频道-站名, 标题 | 站名, 标题 | blog.example.com, (3 条消息) 标题: the headline
    without the short site, channel and tag parts around it (a part is dropped only while a headline
    remains)."""
    title = _COUNT_PREFIX.sub("", title)
    bare = _DOMAIN_PART.sub("", title)
    title = bare if len(norm_key(bare)) >= 2 else title
    while True:
        cuts = list(_TITLE_SPLIT.finditer(title))
        if not cuts:
            return title
        last = cuts[-1]
        head, tail = title[:last.start()].strip(), title[last.end():].strip()
        if len(norm_key(tail)) > options.site_part_chars or len(norm_key(head)) < 4:
            return title
        title = head


def _title_candidates(root, meta: dict, ld: list[dict], options: ExtractOptions) -> list[tuple[str, object, str]]:
    """(text, element or None, kind) from metadata, JSON-LD and headings; kind is meta, jsonld, h1 or heading."""
    found = [(v, None, "meta") for key in _TITLE_META for v in meta.get(key, [])]
    found += [(_name_of(o.get("headline")) or "", None, "jsonld") for o in ld]
    for el in root.xpath("//h1|//h2|//h3|//h4|//h5|//*[@itemprop='headline']|//*[contains(@class,'title') or "
                         "contains(@id,'title') or contains(@class,'Title') or contains(@id,'Title') or "
                         "contains(@class,'heading') or contains(@class,'Heading') or contains(@class,'headline')]"):
        if el.tag in ("title", "a", "body", "html"):
            continue
        text = node_text(el)
        if 4 <= len(text) <= options.title_max_chars:
            found.append((text, el, "h1" if el.tag == "h1" else "heading"))
    return [c for c in found if c[0]]


def _pick_title(root, candidates, page_title: str, hint: str | None, options: ExtractOptions) -> str | None:
    """The feed's title; else a headline two of metadata / JSON-LD / <h1> agree on; else the longest
    candidate inside <title> (a shorter one at its start or end beats the whole <title>); else the
    <title> stripped of its site name, unless there is none, it is a site name the page repeats or
    the article text under the headline-like block shares no word with it: then that block."""
    if hint and hint.strip():
        return collapse(hint)
    page_key = norm_key(page_title)
    votes: dict[str, set] = {}
    for text, _, kind in candidates:
        votes.setdefault(norm_key(text), set()).add(kind)
    for text, _, kind in candidates:
        key = norm_key(text)
        if kind != "heading" and len(votes[key] - {"heading"}) >= 2 and (key != page_key or "h1" in votes[key]):
            return text
    inside = [text for text, _, _ in candidates if len(norm_key(text)) >= 4 and norm_key(text) in page_key]
    shown_whole = [text for text, el, _ in candidates if el is not None and norm_key(text) == page_key]
    parts = [t for t in inside if norm_key(t) != page_key
             and (page_key.startswith(norm_key(t)) or page_key.endswith(norm_key(t)))]
    if parts:
        return max(parts, key=lambda t: len(norm_key(t)))
    if shown_whole:
        return shown_whole[0]
    if inside and any(norm_key(t) != page_key for t in inside):
        return max(inside, key=lambda t: len(norm_key(t)) if norm_key(t) != page_key else 0)
    if inside:
        return strip_site_name(page_title, options)
    if page_key and len(page_key) <= options.site_part_chars and not _TITLE_SPLIT.search(page_title):
        # a <title> that is only the site name: the heading that names it and more
        for text, el, kind in candidates:
            if el is not None and page_key in norm_key(text) and norm_key(text) != page_key:
                return text
    for text, el, kind in candidates:
        if kind in ("meta", "jsonld", "h1") and norm_key(text) != page_key:
            return text
    stripped = strip_site_name(page_title, options) if page_title else None
    head = _headline_of_body(root, candidates, options)
    if head and (not stripped or not _shares_words(stripped, head[1]) or _site_name(root, stripped, options)):
        return head[0]  # no <title>, or one with no word of the article or a site name
    return stripped


def _site_name(root, title: str, options: ExtractOptions) -> bool:
    """A short title that the page repeats (logo, header, footer, copyright) is the site's name."""
    if len(norm_key(title)) > options.site_part_chars or not title.strip():
        return False
    found = root.xpath("count(//body//text()[contains(., $t)])", t=title.strip())
    return found >= options.site_name_repeats


def _words(text: str) -> set[str]:
    """Character pairs of the Chinese runs and the Latin words of ``text``."""
    found = set()
    for run in _BIGRAM_CHARS.findall(text.lower()):
        found.update([run] if run.isascii() else (run[i:i + 2] for i in range(len(run) - 1)))
    return found


def _shares_words(title: str, text: str) -> bool:
    return any(word in text.lower() for word in _words(title))


def _headline_of_body(root, candidates, options: ExtractOptions) -> tuple[str, str] | None:
    """(headline, body text) of the first headline-like block (heading tag or title class, not a
    date) that the article text follows."""
    heads = {el: text for text, el, _ in candidates
             if el is not None and len(text) <= options.title_line_chars * 2 and not _DATE_ONLY.match(text)}
    found = headline_of_body(root, list(heads), options)
    return (heads[found[0]], found[1]) if found else None


def find_title(root, meta: dict, ld: list[dict], options: ExtractOptions, hint: str | None = None):
    """(title, element showing it): see _pick_title for the order."""
    candidates = _title_candidates(root, meta, ld, options)
    page_title = collapse(root.findtext(".//title") or "")
    text = _pick_title(root, candidates, page_title, hint, options)
    if not text:
        return None, None
    key = norm_key(text)
    shown = [el for cand, el, _ in candidates if el is not None and norm_key(cand) == key]
    if not shown:  # where the page shows it (the date line sits beside it)
        shown = [el for cand, el, kind in candidates if el is not None and kind == "h1"
                 and (key in norm_key(cand) or norm_key(cand) in key)]
    return text, (shown[0] if shown else shown_as_text(root, text))


def shown_as_text(root, title: str):
    """The first element outside links whose whole text is ``title`` (a headline in a <b>, <td> or
    <div> that no heading tag marks); None when the page does not show it."""
    key = norm_key(title)
    probe = next((part for part in re.split(r"[\s'\"]+", title) if len(part) >= 2), "")[:8]
    if len(key) < 4 or not probe:
        return None
    for piece in root.xpath("//body//text()[contains(., $probe)]", probe=probe):
        el = piece.getparent()
        while el is not None and el.tag not in ("body", "html"):
            if el.tag == "a":
                break
            found = norm_key(node_text(el))
            if found == key:
                return el
            if len(found) > len(key):
                break
            el = el.getparent()
    return None


def text_after(el, limit: int) -> str:
    """About ``limit`` characters of the text that follows ``el`` in the page."""
    chunks, size = [], 0
    for piece in el.xpath("following::text()[normalize-space()]"):
        chunks.append(piece)
        size += len(piece)
        if size > limit:
            break
    return collapse(" ".join(chunks))


def find_author(root, meta: dict, ld: list[dict], title_el, options: ExtractOptions) -> str | None:
    """Visible 作者 / 记者 / 来源 beside the title, then metadata (author, then outlet)."""
    near = text_after(title_el, options.date_scan_chars) if title_el is not None else ""
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
