"""Repost groups: MinHash LSH (datasketch) over character shingles of normalised text.

An article's story id is the id of the earliest article in its group (the origin).
"""

import re
import zlib
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

STORIES_VERSION = "minhash-5gram-64-t0.5"
NUM_PERM = 64
SHINGLE = 5
THRESHOLD = 0.5
_NOT_TEXT = re.compile(r"[\W_]+")


@cache
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=7, hashfunc=zlib.crc32)


def _new() -> MinHash:
    base = _template()
    return MinHash(num_perm=NUM_PERM, seed=7, hashfunc=zlib.crc32,
                   permutations=base.permutations, scheme=base.scheme)


def signature(normalized_text: str) -> bytes:
    """The MinHash of ``normalized_text`` as bytes, to store beside the analysis."""
    text = _NOT_TEXT.sub("", normalized_text)[:20000]
    shingles = {text[i:i + SHINGLE].encode("utf-8") for i in range(max(1, len(text) - SHINGLE + 1))}
    minhash = _new()
    minhash.update_batch(shingles)
    return minhash.hashvalues.astype(np.uint32).tobytes()


def _load(blob: bytes) -> MinHash:
    base = _template()
    return MinHash(num_perm=NUM_PERM, seed=7, hashfunc=zlib.crc32, scheme=base.scheme,
                   permutations=base.permutations, hashvalues=np.frombuffer(blob, dtype=np.uint32))


def group(rows: list[tuple[int, str | None, bytes]]) -> dict[int, int]:
    """Story id per article id, from ``(article_id, published_at, signature)`` rows."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    parent = {article_id: article_id for article_id, _, _ in rows}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for article_id, _, blob in rows:
        minhash = _load(blob)
        for other in lsh.query(minhash):
            parent[find(other)] = find(article_id)
        lsh.insert(article_id, minhash)
    order = {article_id: (published or "9999", article_id) for article_id, published, _ in rows}
    origin: dict[int, int] = {}
    for article_id in parent:
        root = find(article_id)
        if root not in origin or order[article_id] < order[origin[root]]:
            origin[root] = article_id
    return {article_id: origin[find(article_id)] for article_id in parent}
