"""Execute every notebook in notebooks/ and save it with its outputs (so it reads on a code host).

Usage: python tools/execute_notebooks.py [NOTEBOOK ...]

The test suite (tests/test_notebooks.py) executes the same notebooks from scratch without
writing them; run this script after changing a notebook or the library so the committed outputs
stay current.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, *, save: bool) -> float:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    dt = time.perf_counter() - t0
    if save:
        nbformat.write(nb, path)
    return dt


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        print(f"{p.name}: {execute(p, save=True):.1f} s", flush=True)
