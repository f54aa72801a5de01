r"""Figures 1 and 2 of the paper drawn with matplotlib (the only module of the package that imports
it). The numbers come from :mod:`lazysym.figures.data` (left frames) and
:mod:`lazysym.figures.right` (right frames); this module only draws them: each figure as the
paper shows it, two panels side by side, written as a vector PDF and a 220-dpi PNG. Legends sit
below the panels (they never cover data) and list only curves that are visible in the panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np

from lazysym.errors import check
from lazysym.figures.common import FrameData, Progress
from lazysym.figures.data import DEFAULT_NS, left_frames_data
from lazysym.figures.right import figure1_right_data, figure2_right_data
from lazysym.objects.models import paper_quadratic_target

#: Where a figure is written: a path as a string or a path object.
PathArg: TypeAlias = "str | PathLike[str]"

__all__ = ['plot_frame', 'plot_figure', 'lazy_alpha_figure', 'draw_all', 'plot_alpha_sweep',
           'DRAW_SIZES', 'PNG_DPI']

#: Resolution of the PNGs (issue 14: ≥ 200 dpi); the PDFs are vector.
PNG_DPI = 220

#: ``draw_all`` sizes: "paper" is §4 (d = 450, N from 45 to 4500, 10 draws; right frames at
#: d = 450); "draft" is a quick look (d = 60, 3 draws; right frames at d = 60).
DRAW_SIZES: dict[str, dict[str, Any]] = {
    "paper": dict(d=450, Ns=DEFAULT_NS, draws=10, right="paper"),
    "draft": dict(d=60, Ns=(6, 12, 30, 60, 120, 240, 600), draws=3, right="draft"),
}


def _visible(x, y, ylim) -> bool:
    y = np.atleast_1d(np.asarray(y, dtype=float))
    ok = np.isfinite(y)
    if ylim is not None:
        lo, hi = ylim
        ok &= (y >= lo) & (y <= hi)
    return bool(np.any(ok))


def _draw(ax, fd: FrameData) -> list:
    """Draw ``fd`` on ``ax``; return the handles of the visible curves (for the legend)."""
    handles = []
    ylim = fd.ylim
    for label, (x, y, style) in fd.lines.items():
        (h,) = ax.plot(x, y, label=label, **{"lw": 1.8, **style})
        if _visible(x, y, ylim):
            handles.append(h)
    for label, (x, m, sd, k, style) in fd.dots.items():
        style = dict(style)
        ls = style.pop("ls", "none")
        kk = np.unique(k)
        if np.all(sd == 0):
            (h,) = ax.plot(x, m, ls=ls, label=label, **{"ms": 5, **style})
        else:
            lab = label + f" (mean ± sd, {kk[0]} draws of W)" if len(kk) == 1 else label
            h = ax.errorbar(x, m, yerr=sd, ls=ls, capsize=2.5, label=lab,
                            **{"ms": 5, "mfc": "white", **style})
        if _visible(x, m, ylim):
            handles.append(h)
    for label, (y, err, style) in fd.hlines.items():
        h = ax.axhline(y, label=label, **{"lw": 1.4, **style})
        if err > 0:
            ax.axhspan(y - err, y + err, color=style.get("color", "k"), alpha=0.12, lw=0)
        if _visible(0, y, ylim):
            handles.append(h)
    for label, (x, style) in fd.vlines.items():
        handles.append(ax.axvline(x, label=label, **{"lw": 1.0, "ls": ":", **style}))
    if fd.xlog:
        ax.set_xscale("log")
    ax.set_xlabel(fd.xlabel, fontsize=10)
    ax.set_ylabel(fd.ylabel, fontsize=10)
    ax.set_title(fd.title, fontsize=9.5)
    ax.grid(True, which="both", alpha=0.25)
    ax.set_ylim(*(ylim or (0.0, None)))
    return handles


def _save(fig, path: Path) -> list[Path]:
    """Write ``path`` with suffix .png (PNG_DPI) and .pdf (vector); return both paths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for suffix in (".png", ".pdf"):
        p = path.with_suffix(suffix)
        fig.savefig(p, dpi=PNG_DPI, bbox_inches="tight", pad_inches=0.1)
        out.append(p)
    return out


def _figure(n_panels: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4 * n_panels, 6.4))
    FigureCanvasAgg(fig)
    return fig, [fig.add_subplot(1, n_panels, i + 1) for i in range(n_panels)]


def plot_frame(fd: FrameData, path: PathArg) -> Path:
    """Draw one :class:`FrameData` to ``path`` (PNG at :data:`PNG_DPI`, or PDF by suffix) and
    return the path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, (ax,) = _figure(1)
    handles = _draw(ax, fd)
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=2,
               fontsize=7, frameon=False)
    fig.savefig(path, dpi=PNG_DPI, bbox_inches="tight", pad_inches=0.1)
    return path


def plot_figure(frames: Sequence[FrameData], path: PathArg) -> list[Path]:
    """The frames side by side (the paper's layout: left, population limit; right, finite n),
    each with its legend below it; writes ``path`` as .png and .pdf and returns both paths.
    """
    frames = list(frames)
    check(len(frames) >= 1, "plot_figure needs at least one frame", assumption="frames")
    fig, axes = _figure(len(frames))
    for ax, fd in zip(axes, frames):
        handles = _draw(ax, fd)
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2,
                  fontsize=6.5, frameon=False)
    fig.subplots_adjust(wspace=0.22)
    return _save(fig, Path(path))


def lazy_alpha_figure(path: PathArg, *, seed: int = 0, progress: Progress | None = None) -> Path:
    """Issue "lazy against non-lazy": the risk reached at a fixed horizon against the Chizat–Bach
    scale α (d = 6, M = 3 and M = 6 neurons), with the NN value (Theorem 3) and the linearised
    (NT) value marked (:func:`lazysym.nn.lazy.alpha_sweep`, :func:`plot_alpha_sweep`).
    """
    from lazysym.nn import lazy
    path = Path(path)
    sweeps = []
    for d, M in ((6, 3), (6, 6)):
        if progress:
            progress(f"lazy α sweep: d = {d}, M = {M}")
        sweeps.append(lazy.alpha_sweep(paper_quadratic_target(d, seed + 1), M,
                                       [0.5, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0],
                                       t_max=20.0, rng=seed + 2))
    plot_alpha_sweep(sweeps, path)
    return path


def draw_all(outdir: PathArg, *, seed: int = 0, progress: Progress | None = None,
             size: str = "paper", right: bool = True, workers: int | None = None) -> list[Path]:
    """Write Figures 1 and 2 (figure1.png/.pdf, figure2.png/.pdf: left frame, and the right frame
    unless ``right=False``) and lazy_alpha_sweep.png into ``outdir``; return the paths.

    ``size``: "paper" (§4: d = 450, N ∈ {45, …, 4500}, 10 draws of W at every N, right frames at
    d = 450 with 2·10⁵ / 1.4·10⁵ SGD steps: minutes for the left frames, tens of minutes of CPU
    for the right ones, see benchmarks/bench_figures.py) or "draft" (d = 60, seconds). The left
    frames run on ``workers`` processes with one BLAS thread each (default: the CPU count).
    """
    check(size in DRAW_SIZES, f"size must be one of {sorted(DRAW_SIZES)}; got {size!r}",
          assumption="size")
    cfg = DRAW_SIZES[size]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    left = left_frames_data(d=cfg["d"], Ns=cfg["Ns"], draws=cfg["draws"], seed=seed,
                            progress=progress, workers=workers)
    frames1, frames2 = [left["qf"]], [left["mg"]]
    if right:
        frames1.append(figure1_right_data(size=cfg["right"], seed=seed, progress=progress))
        frames2.append(figure2_right_data(size=cfg["right"], seed=seed, progress=progress))
    out = plot_figure(frames1, outdir / "figure1") + plot_figure(frames2, outdir / "figure2")
    out.append(lazy_alpha_figure(outdir / "lazy_alpha_sweep.png", seed=seed, progress=progress))
    return out


def plot_alpha_sweep(sweeps: Sequence[dict[str, Any]], path: PathArg) -> None:
    """Normalised risk at the horizon against α (log scale), with the NT and NN values as lines.

    ``sweeps``: a list of :func:`alpha_sweep` results; writes a PNG to ``path`` (Agg backend).
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, s in enumerate(sweeps):
        col = f"C{i}"
        lab = f"d={s['d']}, M={s['M']}, τ={s['tau']:g}"
        ax.semilogx(s["alphas"], s["risk"] / s["norm2"], "o-", color=col, label=lab)
        ax.axhline(s["nt"] / s["norm2"], color=col, ls="--", lw=1,
                   label=f"M={s['M']}: linearised (NT) value")
        ax.axhline(s["nn"] / s["norm2"], color=col, ls=":", lw=1.5,
                   label=f"M={s['M']}: NN value (Theorem 3)")
    ax.set_xlabel("scale α")
    ax.set_ylabel("risk at horizon T / ‖f*‖²")
    ax.set_title(f"risk at horizon T = {sweeps[0].get('t_max', '')} against the scale α\n"
                 "lazy (large α) → NT value; rich (small α) → NN value", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=PNG_DPI)
    plt.close(fig)
