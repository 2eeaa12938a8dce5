"""One module per source kind: its source model (keys validated before any request) and its
spider, a :class:`base.SourceSpider` with ``kind`` and ``source_model``; found by :mod:`crawler.kinds`."""
