"""The source kinds, by name: one module per kind in :mod:`crawler.spiders`.

Like Scrapy's ``SpiderLoader``, the registry is built from the classes the modules define,
keyed here by their ``kind`` attribute; unlike it, a kind defined twice is refused
(:class:`DuplicateKind`) rather than warned about. The sample site's replicas
(:mod:`lendwatch.sandbox.replicas`) are found by the same key.
"""

import importlib
import pkgutil
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from types import ModuleType

GENERIC = ("rss", "listing", "sitemap")  # listed first, as in the sources file's messages


class DuplicateKind(ValueError):
    """Two classes claim one kind."""


class Registry(Mapping):
    """Classes by ``kind``, in the order given; a kind registered twice is refused."""

    def __init__(self, classes: Iterable[type] = ()):
        self._classes: dict[str, type] = {}
        for cls in classes:
            self.register(cls)

    def register(self, cls: type) -> None:
        if cls.kind in self._classes:
            other = self._classes[cls.kind]
            raise DuplicateKind(f"kind {cls.kind!r} is defined twice: by {other.__module__}.{other.__qualname__} "
                                f"and {cls.__module__}.{cls.__qualname__}")
        self._classes[cls.kind] = cls

    def __getitem__(self, kind: str) -> type:
        return self._classes[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._classes)

    def __len__(self) -> int:
        return len(self._classes)


def defined_in(package: ModuleType, base: type) -> Iterator[type]:
    """The subclasses of ``base`` that the modules of ``package`` define with a ``kind`` of their own
    (generic kinds' modules first, then by module name)."""
    names = sorted((m.name for m in pkgutil.iter_modules(package.__path__)),
                   key=lambda name: (GENERIC.index(name) if name in GENERIC else len(GENERIC), name))
    for name in names:
        module = importlib.import_module(f"{package.__name__}.{name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and value.__module__ == module.__name__ \
                    and "kind" in vars(value):
                yield value


@cache
def spiders() -> Registry:
    """The spider class of each kind; its ``source_model`` validates the kind's sources."""
    import crawler.spiders as package
    from crawler.spiders.base import SourceSpider

    return Registry(defined_in(package, SourceSpider))
