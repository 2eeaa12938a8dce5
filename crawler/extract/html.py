"""Parse, clean and split an HTML tree into text segments; find the body by text and link density."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html as lxml_html

from .settings import ExtractOptions

# Elements whose content is never readable text.
_NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
               "textarea", "select", "option", "button", "input", "video", "audio", "map", "link", "meta")
# Elements that are furniture by their tag alone.
# (not <form>: ASP.NET pages wrap the whole page in one)
_FURNITURE_TAGS = ("nav", "aside", "footer", "header", "menu")
BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "td", "th", "li", "ul", "ol", "table", "tbody", "thead",
    "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "dl", "figure",
    "figcaption", "center", "header", "footer", "nav", "aside", "address", "hr", "body", "html", "form",
))
# Paragraph-like blocks whose score counts for the container around them.
_PARAGRAPH_TAGS = frozenset(("p", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "dd", "figcaption"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
SENTENCE_MIN_CHARS = 25  # shorter lines right under a headline are bylines, dates and decks
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = re.compile(r"[，。！？；：、,.!?;]")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)
_VISIBILITY_HIDDEN = re.compile(r"visibility\s*:\s*hidden", re.I)
# an invisible block holding at least this much text is an article a script reveals (WeChat's
# #js_content is visibility:hidden until its script runs), not furniture
REVEALED_MIN_CHARS = 200
_CLASS_SPLIT = re.compile(r"[\s_\-]+")
_CAMEL_CASE = re.compile(r"([a-z])([A-Z])")


def parse(text: str) -> etree._Element:
    """lxml tree of a decoded page, comments and processing instructions dropped."""
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  huge_tree=True)  # deeper than 256 levels, text nodes over 10 MB
    root = lxml_html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    return root


def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def node_text(el) -> str:
    return collapse("".join(el.itertext()))


def drop(el) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def strip_non_text(root) -> None:
    """Remove scripts, styles, embedded objects and hidden elements (in place); a
    ``visibility:hidden`` block with a whole article's text in it stays."""
    for el in list(root.iter(*_NEVER_TEXT)):
        drop(el)
    for el in root.xpath("//*[@hidden or @style or @aria-hidden='true']"):
        if el.tag in ("html", "body"):
            continue
        style = el.get("style") or ""
        if el.get("hidden") is not None or el.get("aria-hidden") == "true" or _DISPLAY_NONE.search(style) \
                or (_VISIBILITY_HIDDEN.search(style) and len(node_text(el)) < REVEALED_MIN_CHARS):
            drop(el)


def furniture_words(el, options: ExtractOptions) -> set[str]:
    """The parts of the class or id that name page furniture (nav, footer, share, comment, related…)."""
    names = (el.get("class") or "") + " " + (el.get("id") or "")
    names = _CAMEL_CASE.sub(r"\1 \2", names).lower()  # adInContent -> ad in content
    if not names.strip():
        return set()
    return {part for part in _CLASS_SPLIT.split(names)
            if part in options.boilerplate_words or part.startswith(options.boilerplate_prefixes)}


def _reads_as_article(el, options: ExtractOptions) -> bool:
    """Much sentence text and few links: an article, whatever a weak class word (side, tag) says."""
    text = node_text(el)
    if len(text) < options.article_block_chars:
        return False
    links = sum(len(node_text(a)) for a in el.iter("a"))
    return links <= len(text) * 0.1 and len(_PUNCT.findall(text)) * 40 >= len(text)


def strip_furniture(root, options: ExtractOptions) -> None:
    """Remove navigation, footers, share bars, comments, related links and banners (in place).

    An element named only by a weak word (``editor-preview-side``) that reads as an article stays."""
    doomed = [el for el in root.iter(_FURNITURE_TAGS)]
    for el in root.xpath("//*[@class or @id]"):
        if el.tag in ("html", "body"):
            continue
        words = furniture_words(el, options)
        if words and not (words <= options.weak_furniture_words and _reads_as_article(el, options)):
            doomed.append(el)
    for el in doomed:
        # a wrapper holding the headline is the page frame, whatever its name says
        if el.getparent() is not None and el.find(".//h1") is None:
            drop(el)


@dataclass
class Segment:
    """A run of text between block boundaries, with the block element that holds it."""
    block: etree._Element
    text: str
    link_chars: int


def segments(root) -> list[Segment]:
    """Split the tree into text segments in document order (block elements and <br> split)."""
    out: list[Segment] = []
    parts: list[str] = []
    link = [0]
    block_stack = [root]

    def flush():
        if parts:
            text = collapse("".join(parts))
            if text:
                out.append(Segment(block_stack[-1], text, min(link[0], len(text))))
            parts.clear()
        link[0] = 0

    def add(text, in_link):
        parts.append(text)
        if in_link:
            link[0] += len(collapse(text))

    def visit(el, in_link):
        tag = el.tag
        if not isinstance(tag, str):
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            flush()
            block_stack.append(el)
        elif tag == "br":
            flush()
        in_link = in_link or tag == "a"
        if el.text:
            add(el.text, in_link)
        for child in el:
            visit(child, in_link)
            if child.tail:
                add(child.tail, in_link)
        if is_block:
            flush()
            block_stack.pop()

    visit(root, False)
    flush()
    return out


def _segment_score(seg: Segment, options: ExtractOptions) -> float:
    length = len(seg.text)
    if length < 8:
        return 0.0
    density = seg.link_chars / length
    if density > options.max_link_density:
        return 0.0
    cjk = len(_CJK.findall(seg.text))
    punct = len(_PUNCT.findall(seg.text))
    if cjk < 4 and punct == 0:
        return 0.0
    return (1 + punct + min(length / 40, 5)) * (1 - density)


def _container(block):
    return block.getparent() if block.tag in _PARAGRAPH_TAGS and block.getparent() is not None else block


def _chain(block) -> list:
    """The container of a paragraph block and the two elements above it (where its score counts)."""
    node, chain = _container(block), []
    while node is not None and len(chain) < 3:
        chain.append(node)
        node = node.getparent()
    return chain


def _after_headline(root, headline, segs: list[Segment], scored: set) -> Segment | None:
    """The first sentence-like segment after the headline element in document order (not a date
    line, a repeated headline or a subheading); None without one."""
    if headline is None or headline.getroottree().getroot() is not root:
        return None
    inside = set(headline.iter())
    seen = False
    for el in root.iter():
        if el is headline:
            seen = True
        elif seen and el not in inside:
            after = el
            break
    else:
        return None
    order = {el: i for i, el in enumerate(root.iter())}
    start = order[after]
    return next((seg for seg in segs if id(seg) in scored and order.get(seg.block, -1) >= start
                 and seg.block.tag not in _HEADINGS and len(seg.text) >= SENTENCE_MIN_CHARS
                 and _PUNCT.search(seg.text)), None)


def find_body(root, options: ExtractOptions, headline=None) -> tuple[list, list[Segment]]:
    """The element(s) holding the article and all segments; empty list when nothing qualifies.

    The best-scoring container wins, except that one which starts right after the ``headline``
    element wins over a better-scoring one elsewhere (a list of teasers, a later forum post) when it
    scores at least ``headline_body_ratio`` of it."""
    segs = segments(root)
    scores: dict = {}
    own: dict = {}
    scored: set = set()
    for seg in segs:
        score = _segment_score(seg, options)
        if not score:
            continue
        scored.add(id(seg))
        own[seg.block] = own.get(seg.block, 0.0) + score
        weight = 1.0
        for node in _chain(seg.block):
            scores[node] = scores.get(node, 0.0) + score * weight
            weight /= 2
    if not scores:
        return [], segs
    best = top = max(scores, key=scores.get)
    first = _after_headline(root, headline, segs, scored)
    if first is not None:
        above_best = set(best.iterancestors()) | {best}
        apart = [el for el in _chain(first.block) if el not in above_best]  # not holding the best
        near = max(apart, key=lambda el: scores.get(el, 0.0)) if apart else None
        if near is not None and best not in set(near.iterancestors()) \
                and scores.get(near, 0.0) >= scores[best] * options.headline_body_ratio:
            best = near
    chosen = [best]
    parent = best.getparent()
    if parent is not None:
        threshold = scores[best] * options.sibling_ratio
        ceiling = scores[best] if best is not top else float("inf")  # not what the headline beat
        # sibling containers that score well, and sibling paragraphs that read as sentences
        # (an answer's opening line before its list)
        chosen = [el for el in parent if el is best or threshold <= scores.get(el, 0.0) <= ceiling
                  or (el.tag in _PARAGRAPH_TAGS and own.get(el, 0.0) >= options.sibling_paragraph_score)]
    return chosen, segs


def body_paragraphs(chosen: list, segs: list[Segment], options: ExtractOptions) -> list[str]:
    """Text lines of the chosen containers, without link lists and boilerplate lines."""
    inside = set()
    for el in chosen:
        inside.update(el.iter())
    lines = []
    for seg in segs:
        if seg.block not in inside:
            continue
        if seg.link_chars / len(seg.text) > options.max_link_density:
            continue
        lines.append(seg.text)
    return [line for line in drop_related(lines, options)
            if not options.boilerplate_lines.search(line)]


def drop_related(lines: list[str], options: ExtractOptions) -> list[str]:
    """Cut related-links and recommendation blocks: a heading (相关阅读, 推荐阅读, 热门文章…) and the
    title-like lines after it, wherever the block sits; sentences after the block stay."""
    out: list[str] = []
    skipping = False
    for line in lines:
        if options.related_heading.match(line):
            skipping = True
            continue
        if skipping and len(line) <= options.title_line_chars and not line.endswith(("。", "！", "？", "…", "”")):
            continue
        skipping = False
        out.append(line)
    return out


def block_lines(root) -> list[str]:
    """Readable lines of ``root``: one per block, one per table row with cells joined by `` | ``.

    Inline elements (Word's spans) join without a break. Rewrites the rows of ``root`` in place.
    """
    for row in list(root.iter("tr")):
        cells = [" ".join(s.text for s in segments(cell)) for cell in row.xpath("./td|./th")]
        tail = row.tail
        row.clear()
        row.tag, row.text, row.tail = "p", " | ".join(c for c in cells if c), tail
    return [s.text for s in segments(root)]
