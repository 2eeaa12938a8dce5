"""lendwatch: a monitor of Chinese news and policy on online-lending debt collection (网贷催收).

In Python, ``lendwatch.open(db)`` gives the database as pandas DataFrames (:mod:`lendwatch.frames`).
"""

__version__ = "0.1.0"


def open(db: str | None = None):  # noqa: A001 - shadows the builtin only inside this package's namespace
    """The database ``db`` (path or URL) opened read-only as :class:`lendwatch.frames.Desk`."""
    from lendwatch.frames import open as open_desk

    return open_desk(db)
