"""Replicas of the real sources' own interfaces (JSON APIs, signed feeds, search pages).

Each module here (but ``base``) defines a :class:`base.Replica` whose ``kind`` is the source
kind it stands in for (the key of :func:`crawler.kinds.spiders`), with a URL ``prefix``,
``handle(request) -> Page | None`` and ``sources``, the ``[[sources]]`` TOML that points the
kind's spider at it (``{base}`` stands for the server's root URL). The plain news sites
(RSS, list pages, sitemaps) are static pages built by :mod:`lendwatch.sandbox.site`.
"""

from functools import cache

from crawler.kinds import Registry, defined_in


@cache
def replicas() -> Registry:
    """The replica of each kind that has one; a kind with two replicas is refused."""
    import lendwatch.sandbox.replicas as package
    from lendwatch.sandbox.replicas.base import Replica

    return Registry(defined_in(package, Replica))


def sources_toml(base_url: str) -> str:
    """The ``[[sources]]`` tables of every replica, pointed at ``base_url``."""
    return "\n".join(r.sources.replace("{base}", base_url) for r in replicas().values())
