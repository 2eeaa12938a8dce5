"""The function behind `lendwatch extract FILE...`: one JSON-ready dict per file, and an exit code."""
from __future__ import annotations

import logging

from .core import ExtractError, extract

log = logging.getLogger(__name__)


def extract_files(paths: list[str], url: str | None) -> tuple[list[dict], int]:
    """Extract each file in order. A file without an article gets "text": "" and an "error" key
    (the ExtractError reason, or the OS error); the exit code is 1 if any file failed, else 0."""
    rows: list[dict] = []
    failed = False
    for path in paths:
        row: dict = {"input": path, "title": None, "published_at": None, "date_source": "none", "author": None,
                     "text": ""}
        try:
            with open(path, "rb") as handle:
                body = handle.read()
            article = extract(body, url=url)
        except ExtractError as err:
            log.warning("dropped %s: %s", path, err)
            row["error"] = err.reason
            failed = True
        except OSError as err:
            log.warning("failed %s: %s", path, err)
            row["error"] = f"unreadable: {err.strerror or err}"
            failed = True
        else:
            row.update(title=article.title,
                       published_at=article.published_at.isoformat() if article.published_at else None,
                       date_source=article.date_source, author=article.author, text=article.text)
        rows.append(row)
    return rows, 1 if failed else 0
