"""Script normalisation shared by analysis and search: pinyin glosses out, Traditional to Simplified.

``to_simplified`` (OpenCC ``t2s``, the converter built once) and ``strip_pinyin_glosses`` are pure;
``search_form(text)`` is what the search index stores and a query is matched in, so that 網貸,
網(wǎng)貸 and 网贷 are one word. Analysis builds its fuller ``normalize`` on the same two steps.
"""

import re
import unicodedata
from functools import lru_cache

# A gloss is a parenthesised pinyin syllable (with at least one tone-marked vowel, or a bare ü
# syllable) right after a Han character: 網(wǎng), 務(wù), 題(tí).  Half- and full-width brackets.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# (The bracket comes first and the Han character is checked behind it, so the search skips to brackets.)
PINYIN_GLOSS = re.compile(
    r"[(（](?<=[\u3400-\u9fff\uf900-\ufaff][(（])\s*[a-zA-Z]*[" + _TONED + r"][a-zA-Z" + _TONED + r"]*\s*[)）]"
)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> Simplified with the cached OpenCC ``t2s`` converter."""
    return _converter().convert(text) if text else text


def strip_pinyin_glosses(text: str) -> str:
    return PINYIN_GLOSS.sub("", text)


def search_form(text: str | None) -> str:
    """Text as search sees it: glosses removed, compatibility forms folded (NFKC), Simplified."""
    return to_simplified(unicodedata.normalize("NFKC", strip_pinyin_glosses(text or "")))
