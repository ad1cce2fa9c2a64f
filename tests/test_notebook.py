"""notebooks/worked_example.ipynb: stored without outputs, and runs top to bottom (started in notebooks/); its first
cell finds the library from the project's root too."""

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "worked_example.ipynb"


def code_cells():
    return [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def test_stored_without_outputs():
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code_cells())


def test_first_cell_finds_the_library_from_the_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "path", list(sys.path))
    namespace = {}
    exec("".join(code_cells()[0]["source"]), namespace)  # the notebook's own first cell
    assert namespace["root"] == ROOT


def test_runs_top_to_bottom():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        nbclient.NotebookClient(nb, timeout=60, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()  # fmt: skip
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3  # the diagram, the backward pass, the sweep
    text = "".join(o.get("text", "") for o in outputs)
    assert "E_total    = 0.29837110876" in text and "update-sign" in text
