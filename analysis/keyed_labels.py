"""Our own labels for third-party texts, kept without the texts.

Texts from ``../shared`` are never copied into the repository. When the team labels such texts, the
label file holds a ``key`` per row instead of the text: the first 12 hex digits of the SHA-1 of the
text's UTF-8 bytes, plus the ``source`` CSV the text is read from at training or evaluation time.

``attach_texts(rows, label_path)`` fills in ``text`` for every keyed row, or raises
:class:`MissingTexts` naming the CSV it looked for. The CSVs are looked for in ``$LENDWATCH_SHARED``
(a folder laid out like ``../shared``) or else in ``../shared`` beside the repository.
"""

from __future__ import annotations

import csv
import hashlib
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


@lru_cache(maxsize=8)
def _texts_by_key(csv_path: Path) -> dict[str, str]:
    with csv_path.open(encoding="utf-8", newline="") as fh:
        return {text_key(r["text"]): r["text"] for r in csv.DictReader(fh) if r.get("text")}


def texts_available(source: str) -> bool:
    return (shared_dir() / source).is_file()


def attach_texts(rows: list[dict], label_path: Path | str) -> list[dict]:
    """Rows with ``key`` and ``source`` get their ``text``; other rows are returned unchanged."""
    out = []
    for n, row in enumerate(rows, 1):
        if "key" not in row or row.get("text"):
            out.append(row)
            continue
        csv_path = shared_dir() / row["source"]
        if not csv_path.is_file():
            raise MissingTexts(f"{label_path}: row {n} ({row['key']}) needs {csv_path}, which is missing "
                               f"(set LENDWATCH_SHARED to a folder laid out like ../shared)")
        text = _texts_by_key(csv_path).get(row["key"])
        if text is None:
            raise MissingTexts(f"{label_path}: row {n}: no text with key {row['key']} in {csv_path}")
        out.append({**row, "text": text})
    return out
