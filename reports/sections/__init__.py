"""The report's sections: one module each, with its partials ``templates/sections/<name>.{md,html}.j2``.

Each module has ``gather(engine, ctx) -> list[Figure]``: it adds its tables to ``ctx`` (which
holds the month, its rows and :func:`reports.metrics.summarise`) and returns its figures with the
articles and browse filters behind them. ``SECTIONS`` is the gathering order, which numbers the
figures of the appendix; the layouts ``report.{md,html}.j2`` include the partials in print order.
"""

from reports.sections import cases, complaints, methods, overview, policy, sentiment, terms, topics, trends

SECTIONS = (overview, topics, sentiment, terms, policy, complaints, cases, trends, methods)
