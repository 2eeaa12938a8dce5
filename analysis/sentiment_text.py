"""Text handling shared by sentiment training and scoring.

Pure functions: normalisation, sentence spans, and character n-grams. Training
(`analysis.train_sentiment`) and scoring (`analysis.sentiment`) both use these,
so the features seen at scoring time are exactly the ones the model was fitted on.
"""

from __future__ import annotations

import re
import unicodedata

# Sentence ends: Chinese and Latin terminal punctuation, semicolons and line breaks.
_SENTENCE_END = re.compile(r"[。！？!?；;…\n]+[”’」』\"')）]*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DIGITS = re.compile(r"[0-9]+")
_SPACE = re.compile(r"[\s\u3000?？#]+")

NGRAM_RANGE = (1, 3)
MIN_SPAN_CHARS = 12  # shorter sentences are merged into their neighbour
MAX_SPAN_CHARS = 240  # longer sentences are cut (at a comma when there is one)


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text or ""))


# The compatibility characters of ordinary Chinese text (full-width punctuation), with their NFKC form.
_COMMON_NFKC = [(c, unicodedata.normalize("NFKC", c)) for c in "，：；？！（）…"]


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, fast for Chinese text.

    Replacing a character by its own NFKC form first leaves the result unchanged (both have the same
    full decomposition), and then the text usually passes NFKC's quick check, which is 30 times
    cheaper than normalising."""
    for char, form in _COMMON_NFKC:
        if char in text:
            text = text.replace(char, form)
    return unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """NFKC, lower case, digit runs to one ``0``, runs of spaces/``?``/``#`` to one space."""
    text = nfkc(text).lower()
    text = _DIGITS.sub("0", text)
    return _SPACE.sub(" ", text).strip()


_SEP_SPACE = re.compile(" ?\x00 ?")


def normalize_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``normalize`` of each span, joined by NUL, in one pass over the text.

    The same string as ``"\x00".join(normalize(text[s:e]) for s, e in spans)`` (NFKC never composes
    across a NUL, and the spaces a per-span strip would remove are removed around each NUL), but
    one call instead of one per sentence.
    """
    joined = "\x00".join(text[s:e].replace("\x00", " ") for s, e in spans)
    return _SEP_SPACE.sub("\x00", normalize(joined))


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    while end - start > MAX_SPAN_CHARS:
        window = text[start : start + MAX_SPAN_CHARS]
        cut = max(window.rfind("，"), window.rfind(","), window.rfind("、"))
        stop = start + (cut + 1 if cut >= MIN_SPAN_CHARS else MAX_SPAN_CHARS)
        spans.append((start, stop))
        start = stop
    spans.append((start, end))
    return spans


def sentence_spans(text: str, max_chars: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of sentence-like spans of ``text[:max_chars]``.

    Spans are contiguous slices of the original text (so ``text[s:e]`` can be quoted as
    evidence), short sentences are merged with the next one, and very long ones are cut.
    """
    if max_chars is not None:
        text = text[:max_chars]
    raw: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > start:
            raw.append((start, m.end()))
        start = m.end()
    if start < len(text):
        raw.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for s, e in raw:
        if pending is not None:
            s = pending[0]
        if len(text[s:e].strip()) < MIN_SPAN_CHARS:
            pending = (s, e)
            continue
        pending = None
        merged.extend(_cut_long(text, s, e))
    if pending is not None:
        if merged and pending[1] - pending[0] < MIN_SPAN_CHARS:
            merged[-1] = (merged[-1][0], pending[1])
        else:
            merged.append(pending)
    return [(s, e) for s, e in merged if text[s:e].strip()]


def ngrams(sentence: str) -> list[str]:
    """Character n-grams (NGRAM_RANGE) of one normalised sentence."""
    lo, hi = NGRAM_RANGE
    n_chars = len(sentence)
    return [sentence[i : i + n] for n in range(lo, hi + 1) for i in range(n_chars - n + 1)]


def analyze(text: str) -> list[str]:
    """All n-grams of a text, taken sentence by sentence (none crosses a sentence end).

    This is the analyzer used in training; scoring sums the same per-sentence n-grams.
    """
    out: list[str] = []
    for s, e in sentence_spans(text):
        out.extend(ngrams(normalize(text[s:e])))
    return out
