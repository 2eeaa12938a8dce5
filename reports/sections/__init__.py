"""The report's sections: one module each, with its partials ``templates/sections/<name>.{md,html}.j2``.

Each module has ``gather(engine, ctx) -> list[Figure]``: it adds what it prints to ``ctx`` (which
holds the month, its rows and :func:`reports.metrics.summarise`) and returns its figures with the
articles and browse filters behind them; ``tables(ctx)`` (CSV name → rows) and ``charts(ctx)``
(chart name → PNG), where it has them, give its files. ``SECTIONS`` is the gathering order, which
numbers the figures of the appendix; ``PRINTED`` is the order in which the layouts
``report.{md,html}.j2`` include the partials.
"""

from reports.sections import cases, complaints, methods, overview, policy, sentiment, terms, topics, trends
from reports.tables import csv_bytes

SECTIONS = (overview, topics, sentiment, terms, policy, complaints, cases, trends, methods)
PRINTED = ("overview", "topics", "terms", "policy", "sentiment", "complaints", "cases", "trends", "methods")


def tables(ctx: dict) -> dict[str, bytes]:
    """Every section's tables: CSV file name → bytes."""
    return {name: csv_bytes(rows) for section in SECTIONS if hasattr(section, "tables")
            for name, rows in section.tables(ctx).items()}


def charts(ctx: dict) -> dict[str, bytes]:
    """Every section's charts: chart name → PNG bytes."""
    return {name: png for section in SECTIONS if hasattr(section, "charts") for name, png in section.charts(ctx).items()}
