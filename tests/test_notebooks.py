"""Every derivation notebook executes from scratch — with nbmake's runner, the one behind
``pytest --nbmake notebooks/`` — a failing assertion in a cell fails the suite, and its outputs
equal the committed ones, so the notebooks read correctly on a code host.

The comparison ignores what changes between two honest runs: execution counts, cell metadata
(nbmake records timings there), timings printed in the text ("ran in 6.1 s"), memory addresses
(``0x7f…``), how a stream is split into chunks, and the bytes of images (matplotlib's PNG
encoding varies between versions; that an image is there, and its type, is compared), and the
last digits of full float64 reprs: a number printed with 13 or more significant digits is a raw
float64 whose last ulps depend on the BLAS and the thread count, so it is compared to 10
significant digits, and one of magnitude below 1e-13 (round-off around an exact 0) as "≈0".
Numbers printed with fewer digits are compared as printed.

After a change to a notebook or to the library, refresh the committed outputs with::

    pytest --nbmake --overwrite notebooks/
"""

import difflib
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbmake.nb_run import NotebookRun

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_TIMING = re.compile(r"\b\d+(?:\.\d+)?\s?(?:s|ms|µs|us|seconds?|min)\b(?![.\w])")
_FLOAT = re.compile(r"(?<![\w.])-?(\d+\.\d+|\d\.?\d*)(?:[eE]([-+]?\d+))?(?![\w.])")
_BINARY = ("image/png", "image/jpeg", "image/gif", "application/pdf")


def _float(m: re.Match) -> str:
    digits = m.group(1).replace(".", "").lstrip("0")
    if len(digits) < 13 and m.group(2) is None:
        return m.group(0)
    x = float(m.group(0))
    if abs(x) < 1e-13:
        return "≈0"
    return f"{x:.9e}" if len(digits) >= 13 else m.group(0)


def _text(s: str) -> str:
    return _FLOAT.sub(_float, _TIMING.sub("<time>", _ADDRESS.sub("0x<address>", s)))


def outputs(nb) -> list[list[str]]:
    """Per code cell, its outputs in a comparable form (see the module docstring)."""
    cells = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        out: list[str] = []
        for o in c.get("outputs", []):
            kind = o["output_type"]
            if kind == "stream":
                text = _text("".join(o["text"]) if isinstance(o["text"], list) else o["text"])
                if out and out[-1].startswith(f"stream:{o['name']}:"):
                    out[-1] += text                      # chunking is not content
                else:
                    out.append(f"stream:{o['name']}:{text}")
            elif kind in ("display_data", "execute_result"):
                data = {k: ("<binary>" if k in _BINARY else
                            _text("".join(v) if isinstance(v, list) else v) if isinstance(v, (str, list))
                            else v) for k, v in o["data"].items()}
                out.append(f"{kind}:{json.dumps(data, sort_keys=True, ensure_ascii=False)}")
            else:
                out.append(f"{kind}:{o.get('ename')}: {o.get('evalue')}")
        cells.append(out)
    return cells


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ has no .ipynb files"


def test_comparison_ignores_only_what_it_should():
    def nb(text):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "x", execution_count=3, outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                    text=text)])])
    assert outputs(nb("ran in 6.1 s at 0x7f12ab34cd\n")) == outputs(nb("ran in 8.3 s at 0x7f00aa11bb\n"))
    assert outputs(nb("risk 0.478 ± 0.011 (1 s.e.)\n")) != outputs(nb("risk 0.479 ± 0.011 (1 s.e.)\n"))
    # float64 reprs: the last ulps are not content, the 10th digit is
    assert outputs(nb("34.97823122795837 5.2e-17\n")) == outputs(nb("34.97823122795836 3.8e-17\n"))
    assert outputs(nb("34.97823122795837\n")) != outputs(nb("34.97823124795837\n"))
    assert outputs(nb("1e-10\n")) != outputs(nb("2e-10\n"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_and_its_outputs_are_current(path):
    # 300 s a cell: generous against the 60 s budget per notebook on a loaded 2-core machine
    res = NotebookRun(path, 300).execute()
    assert res.error is None, f"{path.name}: {res.error.summary}\n{res.error.trace}"
    now, committed = outputs(res.nb), outputs(nbformat.read(path, as_version=4))
    if now != committed:
        def lines(cells):
            return [f"cell {i}: {line}" for i, c in enumerate(cells) for o in c
                    for line in o.replace("\\n", "\n").splitlines()]
        diff = "\n".join(difflib.unified_diff(lines(committed), lines(now), "committed",
                                               "executed", lineterm="", n=0))
        pytest.fail(f"{path.name}: the committed outputs are stale; refresh them with "
                    f"`pytest --nbmake --overwrite notebooks/{path.name}`\n{diff[:4000]}")
