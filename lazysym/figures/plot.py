r"""Figures 1 and 2 of the paper drawn with matplotlib (the only module of the package that imports
it). The numbers come from :mod:`lazysym.figures.data`; this module only draws them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np

from lazysym.figures.data import (
    DEFAULT_NS,
    FrameData,
    Progress,
    figure1_left_data,
    figure1_right_data,
    figure2_left_data,
    figure2_right_data,
)
from lazysym.objects.models import paper_quadratic_target

#: Where a figure is written: a path as a string or a path object.
PathArg: TypeAlias = "str | PathLike[str]"

__all__ = ['plot_frame', 'figure1_left', 'figure2_left', 'figure1_right', 'figure2_right',
           'lazy_alpha_figure', 'draw_all', 'plot_alpha_sweep']




def plot_frame(fd: FrameData, path: PathArg) -> Path:
    """Draw a :class:`FrameData` to a PNG at ``path`` (matplotlib Agg canvas) and return the path."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(10.5, 6.2), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for label, (x, y, style) in fd.lines.items():
        ax.plot(x, y, label=label, **{"lw": 2.0, **style})
    for label, (x, m, sd, k, style) in fd.dots.items():
        style = dict(style)
        ls = style.pop("ls", "none")
        kk = np.unique(k)
        if np.all(sd == 0):
            ax.plot(x, m, ls=ls, label=label, **{"ms": 6, **style})
        else:
            lab = label + (f"\n   mean ± sd over {kk[0]} draws of W" if len(kk) == 1 else
                           f"\n   mean ± sd over {max(kk)} draws of W ({min(kk)} at N = {x[-1]})")
            ax.errorbar(x, m, yerr=sd, ls=ls, capsize=3, label=lab,
                        **{"ms": 6, "mfc": "white", **style})
    x0, x1 = ax.get_xlim()
    for label, (y, err, style) in fd.hlines.items():
        ax.axhline(y, label=label, **{"lw": 1.5, **style})
        if err > 0:
            ax.axhspan(y - err, y + err, color=style.get("color", "k"), alpha=0.12)
    for label, (x, style) in fd.vlines.items():
        ax.axvline(x, label=label, **{"lw": 1.0, "ls": ":", **style})
    if fd.xlog:
        ax.set_xscale("log")
    ax.set_xlabel(fd.xlabel, fontsize=11)
    ax.set_ylabel(fd.ylabel, fontsize=11)
    ax.set_title(fd.title, fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.set_ylim(*(fd.ylim or (0.0, None)))
    ax.legend(fontsize=7.5, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.subplots_adjust(left=0.07, right=0.62, top=0.92, bottom=0.1)
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.15)
    return path


def figure1_left(path: PathArg, *, d: int = 450, Ns: Iterable[int] = DEFAULT_NS,
                 draws: int = 10, draws_largest: int = 3, seed: int = 0,
                 progress: Progress | None = None) -> Path:
    """Figure 1, left frame (qf) written to ``path`` (PNG); data: :func:`figure1_left_data`."""
    return plot_frame(figure1_left_data(d=d, Ns=Ns, draws=draws, draws_largest=draws_largest,
                                        seed=seed, progress=progress), path)


def figure2_left(path: PathArg, *, d: int = 450, Ns: Iterable[int] = DEFAULT_NS,
                 draws: int = 10, draws_largest: int = 3, seed: int = 0,
                 progress: Progress | None = None) -> Path:
    """Figure 2, left frame (mg) written to ``path`` (PNG); data: :func:`figure2_left_data`."""
    return plot_frame(figure2_left_data(d=d, Ns=Ns, draws=draws, draws_largest=draws_largest,
                                        seed=seed, progress=progress), path)


def figure1_right(path: PathArg, *, size: str = "default", d: int | None = None,
                  Ns: Iterable[int] | None = None, seed: int = 0,
                  progress: Progress | None = None) -> Path:
    """Figure 1, right frame (qf) written to ``path``; data: :func:`figure1_right_data`."""
    return plot_frame(figure1_right_data(size=size, d=d, Ns=Ns, seed=seed, progress=progress),
                      path)


def figure2_right(path: PathArg, *, size: str = "default", d: int | None = None,
                  Ns: Iterable[int] | None = None, seed: int = 0,
                  progress: Progress | None = None) -> Path:
    """Figure 2, right frame (mg) written to ``path``; data: :func:`figure2_right_data`."""
    return plot_frame(figure2_right_data(size=size, d=d, Ns=Ns, seed=seed, progress=progress),
                      path)


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
             right: bool = True) -> list[Path]:
    """Write figure1_left.png, figure2_left.png (and the right frames), and lazy_alpha_sweep.png
    into ``outdir``.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    out = [figure1_left(outdir / "figure1_left.png", seed=seed, progress=progress),
           figure2_left(outdir / "figure2_left.png", seed=seed, progress=progress)]
    if right:
        out.append(figure1_right(outdir / "figure1_right.png", seed=seed, progress=progress))
        out.append(figure2_right(outdir / "figure2_right.png", seed=seed, progress=progress))
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
    fig.savefig(path, dpi=100)
    plt.close(fig)
