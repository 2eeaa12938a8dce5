"""Outputs are written whole or not at all: a build that fails half-way leaves the earlier report,
its -files/ folder, its PDF and an earlier export as they were, and no temporary file behind."""

import pytest

from lendwatch import atomic
from reports import monthly, sections
from tests.test_report import build_fixture_db


@pytest.fixture
def report_db(tmp_path):
    return build_fixture_db(tmp_path / "report.db"), "2024-09"


def tree(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_staged_files_and_folder_replace_the_old_ones_only_when_all_are_complete(tmp_path):
    (tmp_path / "r-files").mkdir()
    (tmp_path / "r-files" / "old.csv").write_text("old")
    (tmp_path / "r.html").write_text("old report")
    before = tree(tmp_path)
    with pytest.raises(RuntimeError):
        with atomic.Staged() as staged:
            folder = staged.path(tmp_path / "r-files")
            folder.mkdir()
            (folder / "new.csv").write_text("new")
            staged.path(tmp_path / "r.html").write_text("half")
            raise RuntimeError("killed")
    assert tree(tmp_path) == before
    with atomic.Staged() as staged:
        folder = staged.path(tmp_path / "r-files")
        folder.mkdir()
        (folder / "new.csv").write_text("new")
        staged.path(tmp_path / "r.html").write_text("new report")
    assert tree(tmp_path) == {"r-files/new.csv": b"new", "r.html": b"new report"}


def test_open_bytes_keeps_the_old_file_on_error(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")
    with pytest.raises(ValueError):
        with atomic.open_bytes(path) as stream:
            stream.write(b"partial")
            raise ValueError
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]


def test_a_report_build_failing_half_way_leaves_the_old_report_whole(tmp_path, monkeypatch, report_db):
    engine, month = report_db
    out = tmp_path / "out"
    monthly.build(engine, month, out, {"md", "html", "pdf"})
    before = tree(out)
    assert any(name.startswith(f"report-{month}-files/") for name in before)
    assert before[f"report-{month}.pdf"].rstrip().endswith(b"%%EOF")

    def fail(*args, **kwargs):
        raise RuntimeError("killed while printing")

    monkeypatch.setattr("reports.pdf.write_pdf", fail)
    with pytest.raises(RuntimeError):
        monthly.build(engine, month, out, {"md", "html", "pdf"})
    after = tree(out)
    assert after.keys() == before.keys()
    assert {k: v for k, v in after.items() if k.endswith((".csv", ".png", ".pdf"))} == {
        k: v for k, v in before.items() if k.endswith((".csv", ".png", ".pdf"))}
    monkeypatch.setattr(sections, "tables", fail)
    with pytest.raises(RuntimeError):
        monthly.build(engine, month, out, {"md", "html"})
    assert tree(out).keys() == before.keys()
