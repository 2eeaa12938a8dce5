"""Our own labels for third-party texts, kept without the texts.

Texts from ``../shared`` are never copied into the repository. When the team labels such texts, the
label file holds a ``key`` per row instead of the text: the first 12 hex digits of the SHA-1 of the
text's UTF-8 bytes, plus the ``source`` file the text is read from at training or evaluation time: a
CSV with a ``text`` column, or JSON Lines with ``text`` (and ``title``, as in
``../shared/data/collection-texts``).

``attach_texts(rows, label_path)`` fills in ``text`` (and the source's ``title``, if any) for every
keyed row, or raises :class:`MissingTexts` naming the file it looked for. The files are looked for in
``$LENDWATCH_SHARED`` (a folder laid out like ``../shared``) or else in ``../shared`` beside the
repository.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class MissingTexts(ValueError):
    """The third-party file a keyed label file needs is not on this machine."""


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def shared_dir() -> Path:
    return Path(os.environ.get("LENDWATCH_SHARED") or ROOT.parent / "shared")


@lru_cache(maxsize=16)
def _texts_by_key(path: Path) -> dict[str, dict]:
    """``{key: {"text", "title"?}}`` of a CSV or JSON Lines file."""
    with path.open(encoding="utf-8", newline="") as fh:
        if path.suffix == ".jsonl":
            rows = (json.loads(line) for line in fh if line.strip())
        else:
            rows = csv.DictReader(fh)
        return {text_key(r["text"]): {k: r[k] for k in ("text", "title") if r.get(k)}
                for r in rows if r.get("text")}


def texts_available(source: str) -> bool:
    return (shared_dir() / source).is_file()


def attach_texts(rows: list[dict], label_path: Path | str) -> list[dict]:
    """Rows with ``key`` and ``source`` get their ``text`` (and ``title``); other rows are returned unchanged."""
    out = []
    for n, row in enumerate(rows, 1):
        if "key" not in row or row.get("text"):
            out.append(row)
            continue
        source = shared_dir() / row["source"]
        if not source.is_file():
            raise MissingTexts(f"{label_path}: row {n} ({row['key']}) needs {source}, which is missing "
                               f"(set LENDWATCH_SHARED to a folder laid out like ../shared)")
        found = _texts_by_key(source).get(row["key"])
        if found is None:
            raise MissingTexts(f"{label_path}: row {n}: no text with key {row['key']} in {source}")
        out.append({**found, **row, "text": found["text"]})
    return out
