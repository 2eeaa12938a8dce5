"""Word segmentation with the domain dictionary, for every stage that needs words.

jieba, with every term of the lexicon files in ``analysis/data/`` (topic terms, subject terms,
gazetteer names and aliases: read here as word lists, validated by ``analysis.lexicon``) and
:data:`EXTRA_WORDS` added, so 爆通讯录 and 停息挂账 stay whole.
"""

from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent.parent / "analysis" / "data"

# Domain words beyond the lexicon's term lists.
EXTRA_WORDS = (
    "网贷", "催收", "爆通讯录", "714高炮", "砍头息", "停息挂账", "反催收", "协商还款", "个性化分期",
    "代理退息", "债务优化", "征信修复", "套路贷", "软暴力", "催收非法债务罪", "以贷养贷", "逃废债",
)


def _rows(name: str):
    for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield [c.strip() for c in line.split("\t")]


def domain_words() -> set[str]:
    """The dictionary: topic terms, subject terms, gazetteer names and aliases, and ``EXTRA_WORDS``."""
    words = set(EXTRA_WORDS)
    words |= {cols[1] for cols in _rows("topic_terms.tsv")}
    words |= {cols[1] for cols in _rows("relevance_terms.tsv") if cols[0] == "subject"}
    for cols in _rows("gazetteer.tsv"):
        words |= {a.strip() for a in [cols[1], *(cols[2] if len(cols) > 2 else "").split("|")] if a.strip()}
    return words


@lru_cache(maxsize=1)
def tokenizer():
    """A jieba tokenizer with the domain dictionary loaded (built once, on first use)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in sorted(domain_words()):
        if len(word) > 1:
            tk.add_word(word, freq=20000)
    return tk


def segment(text: str, hmm: bool = False) -> list[str]:
    """Words of ``text`` (jieba, domain dictionary, HMM off by default for speed)."""
    return [w for w in tokenizer().cut(text, HMM=hmm) if w.strip()]
