"""The text of a PDF notice, by pypdf.

pypdf was chosen by measured text quality on Chinese PDFs (``bench/pdf_text_bench.py``: notices
with 文号, a table, two columns and several pages written by WeasyPrint with an embedded CJK font):
character accuracy 1.000 on each, against 0.988 (table cells reordered) for pdfminer.six and 0.443
(two columns interleaved) for pdfplumber, and the fastest of the three. A PDF without a text
layer (a scan) raises :class:`ExtractError` ``pdf-no-text``; one that cannot be read, ``bad-pdf``.

pypdf gives the page's lines; :func:`reflow` joins those a paragraph was wrapped into.
"""

import io
import logging
import re
import unicodedata

from crawler.extract import ExtractError

PDF_MAGIC = b"%PDF-"


def is_pdf(body: bytes, content_type: str | None = None) -> bool:
    """True when ``body`` is a PDF (by its bytes, or a PDF Content-Type)."""
    return body.lstrip()[:5] == PDF_MAGIC or "application/pdf" in (content_type or "").lower()


SENTENCE_END = re.compile(r"[。！？：!?][”’」』）)]*$")
ITEM_START = re.compile(r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[）)]|\d+[.．、](?!\d)"
                        r"|第[一二三四五六七八九十百零〇\d]+[条章节款]|附件)")
PAGE_NUMBER = re.compile(r"^[-－—–]\s*\d{1,4}\s*[-－—–]$")
FULL = 0.85  # a line at least this share of the widest one was wrapped (its paragraph goes on)


def width(text: str) -> int:
    """Display width: 2 a CJK or full-width character, 1 any other."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def reflow(lines: list[str]) -> list[str]:
    """Paragraphs from a PDF's lines (``""`` for a blank line): a line is joined to the next when it
    was wrapped, i.e. it is nearly as wide as the widest line, does not end a sentence (。！？：,
    closing quotes allowed) and the next line neither starts a numbered item (一、 （一） 1. 第X条
    附件) nor follows a blank line. Short lines (titles, 文号, signatures, dates, table rows) stay
    lines. Joined without a space between CJK characters, with one between other words.
    Page numbers (``- 3 -``) are dropped."""
    lines = [line for line in lines if not PAGE_NUMBER.match(line)]
    full = FULL * max((width(line) for line in lines), default=0)
    paragraphs: list[str] = []
    open_ = False  # the last paragraph was wrapped: the next line goes on with it
    for line in lines:
        if not line:
            open_ = False
            continue
        if open_ and not ITEM_START.match(line):
            last = paragraphs[-1]
            paragraphs[-1] = last + ("" if wide(last[-1]) or wide(line[0]) else " ") + line
        else:
            paragraphs.append(line)
        open_ = width(line) >= full and not SENTENCE_END.search(line)
    return paragraphs


def pdf_text(body: bytes) -> str:
    """The PDF's text, a line per paragraph (:func:`reflow`), blank lines and spacing runs dropped."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable files are common
    try:
        pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractError("bad-pdf", str(exc)[:200]) from exc
    lines = [re.sub(r"[ \t\u3000]+", " ", line).strip() for page in pages for line in page.splitlines()]
    text = "\n".join(reflow(lines))
    if not text.strip():
        raise ExtractError("pdf-no-text", "no text layer (a scanned PDF?)")
    return text
