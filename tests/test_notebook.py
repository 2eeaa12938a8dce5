"""docs/notebooks/monthly.ipynb runs against the report fixture and rebuilds the report's headline figures."""

import json
import os
from pathlib import Path

import pytest

from reports import monthly
from tests.test_report import build_fixture_db

NOTEBOOK = Path(__file__).parent.parent / "docs" / "notebooks" / "monthly.ipynb"


def test_notebook_rebuilds_the_headline_figures(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = tmp_path / "report.db"
    engine = build_fixture_db(path)
    monkeypatch.setenv("LENDWATCH_DB", str(path))
    monkeypatch.setenv("LENDWATCH_MONTH", "2024-09")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(NOTEBOOK.parents[2]),
                                                                  os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    figures = json.loads(notebook.cells[-1].outputs[0]["text"])

    ctx = monthly.gather(engine, "2024-09")
    ov = ctx["overview"]
    assert figures["overview"] == {"total": ov["total"], "relevant": ov["relevant"],
                                   "relevant_share": round(ov["relevant_share"], 4), "stories": ov["stories"],
                                   "outlets": ov["outlets"]} == {"total": 17, "relevant": 12, "relevant_share": 0.7059,
                                                                 "stories": 9, "outlets": 6}
    assert figures["topics"] == {t["code"]: t["count"] for t in ctx["topics"] if t["count"]}
    assert figures["sentiment"] == {s["code"]: round(s["share"], 4) for s in ctx["sentiment"] if s["count"]}
    assert figures["peaks"] == [p["date"] for p in ctx["peaks"]]
