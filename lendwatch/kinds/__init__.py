"""Source-specific kinds: one module per kind, each defining a ``Source`` model
(a :class:`lendwatch.config.SourceBase` with ``kind: Literal["<name>"]`` and its own keys).
Modules here are found automatically; the matching spider lives in ``crawler/spiders/<name>.py``.
"""
