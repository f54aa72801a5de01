"""Sphinx configuration of the lazysym documentation (built by tests/test_docs.py with -W).

Build: ``python -m sphinx -W -b html docs /tmp/lazysym-docs`` (needs ``pip install '.[docs]'``).

Two local directives keep the pages true to the code, so nothing here is a hand-kept list:

``.. claims:: KEY``
    a table of the registered claims that cite the paper's section KEY (``1``, ``2.1``, ...,
    ``4``, ``poster``, ``chizat-bach``; see :func:`section_of`): id, source, the ledger's verdict
    and strength, and the statement as printed. Every claim must map to a page (a warning
    otherwise, an error under -W).
``.. automodules:: PACKAGE``
    ``automodule`` with its members for the package and every module under it, public or not
    named with a leading underscore.

``KNOWN_WARNINGS`` lists the docstring warnings of the first version, in files this page's
owner does not maintain; they are let through (not turned into errors) and written to
``_build/.../known_warnings.json``; ``tests/test_docs.py`` fails when one no longer occurs, so
the list only shrinks, like the KNOWN_* sets of ``tests/test_architecture.py``.
"""

from __future__ import annotations

import json
import logging
import os
import pkgutil
import re
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import lazysym  # noqa: E402  (after the path is set: the source tree is documented)

project = "lazysym"
author = "The lazysym developers"
copyright = "2026, The lazysym developers"
release = version = lazysym.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.mathjax"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
# Parameter types are text ("ndarray (d, N)"), not cross-references: as :type: fields every
# identifier in them would become a link ("d" is an attribute of three classes).
napoleon_use_param = False
napoleon_use_rtype = False

#: (object, start of the message) of the first version's docstring warnings; only shrinks.
KNOWN_WARNINGS: set[tuple[str, str]] = set()
_SEEN: set[tuple[str, str]] = set()

#: Section pages (docs/sections/*.rst): key → (code modules, notebooks, figures).
SECTIONS = {
    "1": (["lazysym.objects.gaussian", "lazysym.compare.gaps"], ["02_gaussian_moments_and_loss"], []),
    "2.1": (["lazysym.objects.activations", "lazysym.objects.hermite", "lazysym.objects.fixed_point",
             "lazysym.objects.spectra", "lazysym.rf.formulas", "lazysym.rf.symbolic", "lazysym.rf.exact",
             "lazysym.rf.montecarlo"], ["01_hermite", "03_random_features"], []),
    "2.2": (["lazysym.nt.formulas", "lazysym.nt.exact", "lazysym.nt.haar", "lazysym.nt.sampled"],
            ["04_neural_tangent"], []),
    "2.3": (["lazysym.nn.loss", "lazysym.nn.loss_symbolic", "lazysym.nn.optimum", "lazysym.nn.landscape",
             "lazysym.nn.training", "lazysym.nn.formulas"],
            ["02_gaussian_moments_and_loss", "05_neural_network"], []),
    "3.1": (["lazysym.objects.models", "lazysym.rf.formulas", "lazysym.rf.exact"],
            ["06_mixture_of_gaussians"], []),
    "3.2": (["lazysym.nt.formulas", "lazysym.nt.exact"], ["06_mixture_of_gaussians"], []),
    "3.3": (["lazysym.nn.optimum", "lazysym.nn.bayes"], ["06_mixture_of_gaussians"], []),
    "4": (["lazysym.figures.data", "lazysym.figures.plot"], ["07_figures"],
          ["figure1.png", "figure2.png"]),
    "poster": (["lazysym.compare.relu_gap", "lazysym.compare.gaps"], [], []),
    "chizat-bach": (["lazysym.nn.lazy"], ["08_lazy_training"], ["lazy_alpha_sweep.png"]),
}


def section_of(cid: str, source: str) -> str:
    """The page a claim belongs on: Chizat–Bach (``cb.*``), the poster (its source starts with
    "poster" or "paper's poster"), else the first section its source cites (§1.x → "1"; a bare
    §3 → "3.3", where the paper's remark on the Bayes error sits)."""
    if cid.startswith("cb."):
        return "chizat-bach"
    if re.match(r"(paper's )?poster", source):
        return "poster"
    m = re.search(r"§(\d)(?:\.(\d))?", source)
    if m is None:
        return "?"
    major, minor = m.group(1), m.group(2)
    if major == "1":
        return "1"
    if major == "4":
        return "4"
    return f"{major}.{minor or '3'}"


def _claims_rst(key: str) -> list[str]:
    from proofs_check.ledger import load_ledger
    from proofs_check.registry import all_claims
    ledger = load_ledger()
    modules, notebooks, figures = SECTIONS[key]
    rows = [c for c in all_claims() if section_of(c.id, c.source) == key]
    out = [".. list-table::", "   :header-rows: 1", "   :widths: 18 30 17 35", "",
           "   * - claim", "     - source", "     - ledger", "     - printed statement"]
    for c in rows:
        _SEEN.add(("claim", c.id))
        exp = ledger.get(c.id, {})
        out += [f"   * - ``{c.id}``", f"     - {c.source}".replace("*", r"\*"),
                f"     - {exp.get('verdict', '—')} · {exp.get('strength', '—')}",
                f"     - :math:`{c.statement}`"]
    if not rows:
        out = ["No claim of ``proofs-check`` cites this section."]
    out += ["", "Re-run one: ``proofs-check --only ID --thorough``; read its evidence: "
            "``proofs-check --only ID --markdown report.md``.", ""]
    out += ["**Code:** " + ", ".join(f":mod:`{m}`" for m in modules), ""]
    if notebooks:
        out += ["**Notebooks:** " + ", ".join(
            f":download:`{n} <../../notebooks/{n}.ipynb>`" for n in notebooks), ""]
    for f in figures:
        out += [f".. image:: ../{f}", "   :width: 90%", ""]
    return out


_QUOTED = re.compile(r"(``.*?``|`[^`]*`)")


def _literal_pipes(app, what, name, obj, options, lines: list[str]) -> None:
    r"""Docstrings here write absolute values and norms as text (``|error|``, ``‖B‖``), which
    reStructuredText would read as substitution references: escape ``|`` (→ ``\|``) outside
    inline literals and roles, and outside literal blocks and directives (``::`` and the
    indented lines after it, e.g. ``.. math::``)."""
    block = None                       # indentation of the line that opened a literal block
    for i, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if block is not None and (not line.strip() or indent > block):
            continue
        block = None
        if "|" in line:
            parts = _QUOTED.split(line)
            lines[i] = "".join(p if k % 2 else p.replace("|", "\\|") for k, p in enumerate(parts))
            under = lines[i + 1] if i + 1 < len(lines) else ""
            if re.fullmatch(r"([-=~^\"'`#*+])\1+", under.strip()) and len(under.strip()) >= len(line.strip()):
                lines[i + 1] = under + under.strip()[0] * (len(lines[i]) - len(line))   # a title
        if line.rstrip().endswith("::"):
            block = indent


def setup(app):  # noqa: D103  (Sphinx's extension entry point)
    from docutils import nodes
    from docutils.parsers.rst import Directive
    from docutils.statemachine import StringList
    from sphinx.util import logging as sphinx_logging
    from sphinx.util.nodes import nested_parse_with_titles

    class Claims(Directive):
        required_arguments = 1

        def run(self):
            node = nodes.container()
            self.state.nested_parse(StringList(_claims_rst(self.arguments[0])), self.content_offset, node)
            return node.children

    class Automodules(Directive):
        required_arguments = 1

        def run(self):
            pkg = import_module(self.arguments[0])
            names = [pkg.__name__] + sorted(m.name for m in pkgutil.walk_packages(
                pkg.__path__, pkg.__name__ + ".") if not m.name.rsplit(".", 1)[-1].startswith("_"))
            lines = []
            for n in names:
                lines += [n, "-" * len(n), "", f".. automodule:: {n}"]
                # the top-level package only re-exports: its members are documented where they live
                lines += ["", ""] if n == pkg.__name__ else ["   :members:", "", ""]
            node = nodes.Element()
            nested_parse_with_titles(self.state, StringList(lines), node)
            return node.children

    app.add_directive("claims", Claims)
    app.add_directive("automodules", Automodules)
    app.connect("autodoc-process-docstring", _literal_pipes)

    class _Known(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            if record.levelno < logging.WARNING:
                return True
            msg, loc = record.getMessage(), str(getattr(record, "location", "") or "")
            for obj, start in KNOWN_WARNINGS:
                if f"docstring of {obj}:" in loc and msg.startswith(start):
                    _SEEN.add((obj, start))
                    return False      # known: not shown, not an error under -W
            return True

    for h in logging.getLogger("sphinx").handlers:   # sphinx.util.logging.NAMESPACE
        h.filters.insert(0, _Known())

    def inited(app):
        from proofs_check.registry import all_claims
        lost = [c.id for c in all_claims() if section_of(c.id, c.source) not in SECTIONS]
        if lost:
            sphinx_logging.getLogger(__name__).warning(
                "claims on no section page (section_of gives no page for them): %s", ", ".join(lost))

    def finished(app, exc):
        if exc is None:
            seen = sorted(list(k) for k in _SEEN if k[0] != "claim")
            Path(app.outdir, "known_warnings.json").write_text(json.dumps(seen))

    app.connect("builder-inited", inited)
    app.connect("build-finished", finished)
    return {"parallel_read_safe": False}
