"""The one CSV and JSON Lines convention of every file lendwatch writes (export, the report's tables,
the browsing site's lists), and the report's cell formats.

CSV: UTF-8 with a BOM (so Excel reads the Chinese text), a header row, ``\\n`` line ends; booleans
``1``/``0``; lists (topics, ids) joined by a space; objects (entities) as JSON; nothing as an empty
cell; a text cell starting with ``= + - @`` (or a tab or carriage return) gets a leading ``'`` so no
spreadsheet runs it as a formula. JSON Lines: one object per line, UTF-8 unescaped, lists as arrays,
booleans ``true``/``false``, nothing as ``null``. Article rows begin with :data:`ARTICLE_COLUMNS`.
"""

import csv
import io
import json

# Every CSV or JSON Lines file of articles starts with these columns, in this order: ``title`` as
# published, ``title_display`` as reports and the browsing site print it (lendwatch.display).
ARTICLE_COLUMNS = ("id", "published_at", "source", "outlet", "title", "title_display", "url", "relevant",
                   "topics", "sentiment", "p_negative", "story_id")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One CSV cell by the convention above."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return " ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(rows):
    """Rows (the header first) as CSV lines, one at a time (without the BOM)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()


def csv_bytes(rows) -> bytes:
    """Rows (the header first) as CSV bytes."""
    return "".join(csv_lines(rows)).encode("utf-8-sig")


def csv_records(columns, records) -> bytes:
    """Dicts as CSV bytes: a header of ``columns``, then each record's values in that order."""
    return csv_bytes([list(columns), *([r.get(c) for c in columns] for r in records)])


def jsonl_line(record: dict) -> str:
    """One JSON Lines record (with its newline)."""
    return json.dumps(record, ensure_ascii=False, default=str) + "\n"


def share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def ids(values) -> str:
    return " ".join(map(str, values))


def trend_csv(months: list[dict]) -> bytes:
    """The multi-month trend table of the index."""
    return csv_bytes([["month", "articles", "relevant", "relevant_share", "stories", "negative", "negative_share"]]
                     + [[m["month"], m["total"], m["relevant"], share(m["relevant_share"]), m["stories"], m["negative"],
                         share(m["negative_share"])] for m in months])
