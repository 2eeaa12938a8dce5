"""Replicas of the real sources' own interfaces (JSON APIs, signed feeds, search pages).

Each module here (but ``base``) defines ``REPLICA``, a :class:`base.Replica` with a URL
``prefix`` and ``handle(request) -> Page | None``, and ``SOURCES``, the ``[[sources]]``
TOML that points the matching spider at it (``{base}`` stands for the server's root URL).
The plain news sites (RSS, list pages, sitemaps) are static pages built by
:mod:`lendwatch.sandbox.site`.
"""

import importlib
import pkgutil
from functools import cache


@cache
def modules() -> tuple:
    return tuple(importlib.import_module(f"{__name__}.{m.name}")
                 for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
                 if m.name != "base")


def replicas() -> list[type]:
    return [m.REPLICA for m in modules()]


def sources_toml(base_url: str) -> str:
    """The ``[[sources]]`` tables of every replica, pointed at ``base_url``."""
    return "\n".join(m.SOURCES.replace("{base}", base_url) for m in modules())
