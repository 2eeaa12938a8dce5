"""The report's figures and the articles behind each: what a section returns, linked in one pass.

A section's ``gather`` returns :class:`Figure` objects; :func:`link` gives each figure the key of
its appendix list (``refs``: ``figures.csv`` and "数字背后的文章") and its browse filters, in the
order the sections returned them.
"""

from dataclasses import dataclass, field


@dataclass
class Figure:
    """A number the report prints, held in the context entry ``entry``.

    ``label`` names the appendix list of ``ids`` (None: no list), whose key goes into
    ``entry[ref]``; ``browse`` maps entry keys to the ``/articles`` filters
    (:func:`reports.filters.query`) that list exactly the counted articles.
    """

    entry: dict
    label: str | None = None
    ids: list = field(default_factory=list)
    browse: dict[str, str] = field(default_factory=dict)
    ref: str = "ref"


class Refs:
    """The articles behind each number: ``add(label, ids)`` returns the anchor the number links to."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, label: str, ids) -> str:
        key = f"f{len(self.items) + 1}"
        self.items.append({"key": key, "label": label, "ids": list(ids)})
        return key


def link(figures: list[Figure]) -> Refs:
    """Register every figure's articles and set its ``ref`` and browse filters; the appendix lists."""
    refs = Refs()
    for figure in figures:
        if figure.label is not None:
            figure.entry[figure.ref] = refs.add(figure.label, figure.ids)
        figure.entry.update(figure.browse)
    return refs
