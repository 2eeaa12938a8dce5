"""A report section is one unit: a module in reports/sections/ and its two partials."""

from pathlib import Path

from reports import sections
from reports.figures import Figure, link

TEMPLATES = Path(sections.__file__).parent.parent / "templates" / "sections"


def test_every_section_is_gathered_printed_and_has_both_partials():
    names = [s.__name__.rsplit(".", 1)[1] for s in sections.SECTIONS]
    assert sorted(names) == sorted(sections.PRINTED)
    for name in names:
        assert (TEMPLATES / f"{name}.md.j2").is_file() and (TEMPLATES / f"{name}.html.j2").is_file(), name
    assert {p.name.split(".")[0] for p in TEMPLATES.iterdir()} == set(names)


def test_link_numbers_figures_in_order_and_sets_their_filters():
    a, b = {}, {}
    refs = link([Figure(a, "A", [1, 2], {"browse": "month=2024-09"}), Figure(b, browse={"browse": "source=s"}),
                 Figure(b, "B", [3], ref="ref_b")])
    assert a == {"ref": "f1", "browse": "month=2024-09"} and b == {"browse": "source=s", "ref_b": "f2"}
    assert [(r["key"], r["label"], r["ids"]) for r in refs.items] == [("f1", "A", [1, 2]), ("f2", "B", [3])]
