"""One spider class per source kind: each module here (but ``base``) defines ``KIND`` and ``SPIDER``."""

import importlib
import pkgutil
from functools import cache


@cache
def spiders() -> dict[str, type]:
    """The spider class for each kind, found by module."""
    found = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base":
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        found[loaded.KIND] = loaded.SPIDER
    return found
