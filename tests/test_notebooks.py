"""The notebooks: committed without outputs, using only the public library, and running top to bottom."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01-post-chat-summary.ipynb", "02-network-analysis.ipynb", "03-connection-patterns.ipynb"]


def read(name: str):
    nbformat = pytest.importorskip("nbformat")
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def test_the_three_notebooks_exist():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = read(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [], f"{name}: a cell has outputs; clear them before committing"
        assert cell.execution_count is None, f"{name}: a cell has an execution count"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_explained_and_public_api_only(name):
    nb = read(name)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert len(markdown) >= len([c for c in nb.cells if c.cell_type == "code"]) // 2
    assert markdown[0].source.startswith("# ")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                module = node.names[0].name
            else:
                if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                    pytest.fail(f"{name}: uses a private attribute {node.attr}")
                continue
            if not module.startswith("swchat"):
                continue
            imported = __import__(module, fromlist=["__all__"])
            public = set(getattr(imported, "__all__", ()))
            for n in names:
                assert n in public, f"{name}: {module}.{n} is not in {module}.__all__"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_runs_top_to_bottom(name, sample_dir, tmp_path, monkeypatch):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve() or spec.argv[0] in (
        "python", "python3", sys.executable), f"kernel python3 runs {spec.argv[0]}, not {sys.executable}"
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebooks write only to a temporary folder
    nb = read(name)
    before = sorted(p.name for p in NOTEBOOKS.iterdir())
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before, "the notebook wrote into notebooks/"
    assert any(p.name.startswith("swchat-notebook-") for p in tmp_path.iterdir())
