"""Replicas of the real sources' own interfaces (JSON APIs, signed feeds, search pages).

Each replica is a class with a URL ``prefix`` and ``handle(request) -> Page | None``;
``REPLICAS`` lists the ones the sample site serves. The plain news sites (RSS,
list pages, sitemaps) are static pages built by :mod:`lendwatch.sandbox.site`.
"""

REPLICAS: list[type] = []
