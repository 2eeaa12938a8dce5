"""The report's tables as CSV (UTF-8 with BOM, so Excel opens the Chinese text correctly); each section
writes its own (``reports.sections``), with these cells."""

import csv
import io


def csv_bytes(rows: list[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def ids(values) -> str:
    return " ".join(map(str, values))


def trend_csv(months: list[dict]) -> bytes:
    """The multi-month trend table of the index."""
    return csv_bytes([["month", "articles", "relevant", "relevant_share", "stories", "negative", "negative_share"]]
                     + [[m["month"], m["total"], m["relevant"], share(m["relevant_share"]), m["stories"], m["negative"],
                         share(m["negative_share"])] for m in months])
