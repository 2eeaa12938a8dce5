"""The lexicon: term lists in ``analysis/data/``, a fast term matcher, and the prepared document.

Files (readable, versioned by content hash in ``analysis.tagger.LEXICON_VERSION``):

- ``topic_terms.tsv``      topic, term, weight
- ``relevance_terms.tsv``  class (subject | offtopic), term, weight
- ``gazetteer.tsv``        kind (lender | regulator), canonical name, aliases
- ``regions.tsv``          canonical region name, aliases
- ``rules.toml``           thresholds for relevance and topics

Terms are matched on the normalised string with one compiled trie-shaped regular expression per list
(leftmost, longest match; about 0.1 ms for 1,500 characters), not by scanning term by term, and not
after word segmentation (jieba costs ~2 ms for 1,500 characters).  jieba with these terms as its
dictionary is :func:`lendwatch.segment.segment`, for callers that need words.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lendwatch.vocabulary import TOPIC_CODES

DATA_DIR = Path(__file__).parent / "data"
LEXICON_FILES = ("topic_terms.tsv", "relevance_terms.tsv", "gazetteer.tsv", "regions.tsv", "rules.toml")

class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and line."""


# --------------------------------------------------------------------------- matching


def _trie_regex(terms: list[str]) -> str:
    """A regex equivalent to ``|``-joining ``terms`` but shaped as a trie, preferring longer matches."""
    trie: dict = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            alts.append(re.escape(ch) + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            if len(alts) == 1 and len(body) > 1:
                body = "(?:" + body + ")"
            return body + "?"
        return body

    return build(trie)


def ascii_lower(text: str) -> str:
    """``text`` with A-Z lowered and nothing else changed, so offsets stay the same.

    ``bytes.lower`` touches ASCII bytes only, and every byte of a multi-byte UTF-8 sequence is
    non-ASCII; ten times faster than ``str.translate`` on Chinese text."""
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


class TermMatcher:
    """Leftmost-longest, non-overlapping matching of many literal terms (case-insensitive for ASCII)."""

    def __init__(self, terms):
        terms = sorted({t for t in terms if t})
        self.terms = terms
        self._canon = {ascii_lower(t): t for t in terms}
        self._re = re.compile(_trie_regex(sorted(self._canon))) if terms else None

    def finditer(self, text: str):
        """Yield ``(start, term)`` with ``term`` spelt as in the lexicon."""
        if self._re is None or not text:
            return
        canon = self._canon
        for m in self._re.finditer(ascii_lower(text)):
            yield m.start(), canon[m.group()]


# --------------------------------------------------------------------------- loading


def _read_tsv(name: str, ncols: int) -> list[tuple[int, list[str]]]:
    path = DATA_DIR / name
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < ncols - 1 or len(cols) > ncols:
            raise LexiconError(f"{path}:{lineno}: expected {ncols} tab-separated columns, got {len(cols)}")
        cols += [""] * (ncols - len(cols))
        rows.append((lineno, [c.strip() for c in cols]))
    return rows


def _weight(path: str, lineno: int, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise LexiconError(f"{path}:{lineno}: weight must be a number, got {text!r}") from None


@dataclass
class Lexicon:
    topic_weights: dict[str, dict[str, float]]  # term -> {topic: weight}
    subject: dict[str, float]
    offtopic: dict[str, float]
    gazetteer: dict[str, dict[str, str]]  # kind -> alias -> canonical
    regions: dict[str, str]  # alias -> canonical
    rules: dict
    digest: str
    topic_matcher: TermMatcher = field(repr=False)
    relevance_matcher: TermMatcher = field(repr=False)
    gazetteer_matcher: TermMatcher = field(repr=False)
    region_matcher: TermMatcher = field(repr=False)


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Read and check the lexicon files once; raises :class:`LexiconError` naming file and line."""
    digest = hashlib.sha256()
    for name in LEXICON_FILES:
        digest.update(name.encode() + b"\0" + (DATA_DIR / name).read_bytes())

    topic_weights: dict[str, dict[str, float]] = {}
    for lineno, (topic, term, w) in _read_tsv("topic_terms.tsv", 3):
        if topic not in TOPIC_CODES:
            raise LexiconError(f"topic_terms.tsv:{lineno}: unknown topic {topic!r}")
        topic_weights.setdefault(term, {})[topic] = _weight("topic_terms.tsv", lineno, w)

    subject: dict[str, float] = {}
    offtopic: dict[str, float] = {}
    for lineno, (cls, term, w) in _read_tsv("relevance_terms.tsv", 3):
        table = {"subject": subject, "offtopic": offtopic}.get(cls)
        if table is None:
            raise LexiconError(f"relevance_terms.tsv:{lineno}: class must be subject or offtopic, got {cls!r}")
        table[term] = _weight("relevance_terms.tsv", lineno, w)

    gazetteer: dict[str, dict[str, str]] = {"lender": {}, "regulator": {}}
    for lineno, (kind, canonical, aliases) in _read_tsv("gazetteer.tsv", 3):
        if kind not in gazetteer:
            raise LexiconError(f"gazetteer.tsv:{lineno}: kind must be lender or regulator, got {kind!r}")
        for alias in [canonical, *aliases.split("|")]:
            if alias.strip():
                gazetteer[kind][alias.strip()] = canonical
    # Lender names are lending-subject terms.
    for alias in gazetteer["lender"]:
        subject.setdefault(alias, 2.0)

    regions: dict[str, str] = {}
    for _lineno, (canonical, aliases) in _read_tsv("regions.tsv", 2):
        for alias in [canonical, *aliases.split("|")]:
            if alias.strip():
                regions[alias.strip()] = canonical

    rules = tomllib.loads((DATA_DIR / "rules.toml").read_text(encoding="utf-8"))
    for section in ("relevance", "topics"):
        if section not in rules:
            raise LexiconError(f"rules.toml: missing [{section}]")
    for topic in rules["topics"].get("thresholds", {}):
        if topic not in TOPIC_CODES:
            raise LexiconError(f"rules.toml: [topics.thresholds] has unknown topic {topic!r}")

    gaz_terms = [a for kind in gazetteer.values() for a in kind]
    return Lexicon(
        topic_weights=topic_weights,
        subject=subject,
        offtopic=offtopic,
        gazetteer=gazetteer,
        regions=regions,
        rules=rules,
        digest=digest.hexdigest(),
        topic_matcher=TermMatcher(topic_weights),
        relevance_matcher=TermMatcher(set(subject) | set(offtopic)),
        gazetteer_matcher=TermMatcher(gaz_terms),
        region_matcher=TermMatcher(regions),
    )


# --------------------------------------------------------------------------- the prepared document

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")


@dataclass
class Doc:
    """A normalised text split into sentences, with the title kept apart."""

    title: str
    body: str
    starts: list[int]  # start offset of each sentence in body
    sentences: list[str]

    @classmethod
    def build(cls, body: str, title: str = "") -> "Doc":
        starts, sentences = [], []
        pos = 0
        for m in _SENTENCE_END.finditer(body):
            if m.end() > pos and body[pos:m.start()].strip():
                starts.append(pos)
                sentences.append(body[pos:m.end()].strip())
            pos = m.end()
        if body[pos:].strip():
            starts.append(pos)
            sentences.append(body[pos:].strip())
        return cls(title=title, body=body, starts=starts, sentences=sentences)

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def quote(self, hit: "Hit", limit: int = 160) -> str:
        """The title for a title hit, else the hit's sentence (cut at ``limit`` characters)."""
        if hit.in_title:
            return self.title
        if not self.sentences:
            return ""
        s = self.sentences[hit.sentence]
        return s if len(s) <= limit else s[:limit] + "…"


@dataclass(slots=True)
class Hit:
    term: str
    start: int  # offset in body, -1 for the title
    in_title: bool
    sentence: int = 0  # ``Doc.sentence_index(start)``, found once per hit


def find(matcher: TermMatcher, doc: Doc) -> list[Hit]:
    hits = [Hit(t, -1, True) for _s, t in matcher.finditer(doc.title)] if doc.title else []
    index = doc.sentence_index
    hits += [Hit(t, s, False, index(s)) for s, t in matcher.finditer(doc.body)]
    return hits
