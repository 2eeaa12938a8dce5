"""Repost groups: MinHash LSH (datasketch) over character shingles of normalised text.

LSH proposes candidate pairs; a pair joins when its estimated Jaccard reaches ``THRESHOLD``.

An article's story id is the id of the earliest article in its group (the origin).
"""

import re
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

STORIES_VERSION = "minhash-5gram-poly-128-j0.3"
NUM_PERM = 128
SHINGLE = 5
# Reposts with a changed headline and a paragraph dropped or added keep a Jaccard of 0.33-0.7
# over 5-character shingles; different stories on the same topic stay under 0.2.
THRESHOLD = 0.3
_NOT_TEXT = re.compile(r"[\W_]+")


@cache
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=7, hashfunc=int)


def _new() -> MinHash:
    base = _template()
    return MinHash(num_perm=NUM_PERM, seed=7, hashfunc=int,
                   permutations=base.permutations, scheme=base.scheme)


_BASE = np.uint64(1000003)
_MASK = np.uint64(0xFFFFFFFF)


def _shingle_hashes(text: str) -> np.ndarray:
    """Distinct 32-bit hashes of every ``SHINGLE``-character window (a polynomial rolling hash)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    hashes = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        hashes = (hashes * _BASE + codes[k:k + n]) & _MASK
    return np.unique(hashes)


MIN_CHARS = 30  # shorter texts are never grouped: too little to tell a repost from a coincidence


def signature(normalized_text: str) -> bytes | None:
    """The MinHash of ``normalized_text`` as bytes, to store beside the analysis (None if too short)."""
    text = _NOT_TEXT.sub("", normalized_text)[:20000]
    if len(text) < MIN_CHARS:
        return None
    minhash = _new()
    minhash.update_batch(_shingle_hashes(text).tolist())
    return minhash.hashvalues.astype(np.uint32).tobytes()


def _load(blob: bytes) -> MinHash:
    base = _template()
    return MinHash(num_perm=NUM_PERM, seed=7, hashfunc=int, scheme=base.scheme,
                   permutations=base.permutations, hashvalues=np.frombuffer(blob, dtype=np.uint32))


def group(rows: list[tuple[int, str | None, bytes | None]]) -> dict[int, int]:
    """Story id per article id, from ``(article_id, published_at, signature)`` rows.

    An article without a signature is a story of its own.
    """
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    parent = {article_id: article_id for article_id, _, _ in rows}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    loaded = {}
    for article_id, _, blob in rows:
        if blob is None:
            continue
        minhash = loaded[article_id] = _load(blob)
        for other in lsh.query(minhash):  # candidates; kept when the estimate confirms them
            if minhash.jaccard(loaded[other]) >= THRESHOLD:
                parent[find(other)] = find(article_id)
        lsh.insert(article_id, minhash)
    order = {article_id: (published or "9999", article_id) for article_id, published, _ in rows}
    origin: dict[int, int] = {}
    for article_id in parent:
        root = find(article_id)
        if root not in origin or order[article_id] < order[origin[root]]:
            origin[root] = article_id
    return {article_id: origin[find(article_id)] for article_id in parent}
