"""What every frame of :mod:`lazysym.figures` shares: the :class:`FrameData` container, colours,
seeded streams, size checks and the worker pool (one BLAS thread per worker process).

BLAS policy (issue 14, point 5)
-------------------------------
The library sets no thread count globally: importing lazysym never touches the BLAS. The figure
runner parallelises over *independent tasks* (draws of W, trainings, lines) in worker processes,
each with **one** BLAS thread: :func:`worker_pool` starts them by ``spawn`` with
``OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = MKL_NUM_THREADS = 1`` in their environment, which the
BLAS reads when the worker imports numpy. Measured on this 2-core shared machine (bench_rf.py,
bench_figures.py): on 450×450 to 4500×4500 problems under load, two BLAS threads per process were
10–100× slower than one, while one process per core with one thread each scales. A caller who
wants another policy passes its own ``executor`` (any :class:`concurrent.futures.Executor`, e.g. a
process pool configured with threadpoolctl, or a distributed executor).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np

from lazysym.errors import check

__all__ = ["FrameData", "Progress", "COLORS", "worker_pool", "SerialExecutor", "BLAS_ENV"]

#: A progress callback: called with one message per step.
Progress: TypeAlias = Callable[[str], object]

#: Colours of the regimes (the paper's figures use one colour per regime).
COLORS = {"RF": "tab:blue", "RF*": "tab:purple", "NT": "tab:orange", "NN": "tab:green",
          "Bayes": "black", "erratum": "tab:red"}

#: The environment of the worker processes: one BLAS / OpenMP thread each.
BLAS_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass
class FrameData:
    """Everything one frame draws (so tests and readers can inspect the numbers).

    ``lines[label] = (x, y, style)``; ``dots[label] = (x, mean, sd, k, style)`` with k the number
    of draws per point (array); ``hlines[label] = (y, err, style)``; ``vlines[label] = (x,
    style)``; ``ylim`` the y range (None: from 0 up); ``meta`` the settings and the CPU seconds of
    each part.
    """

    title: str
    xlabel: str
    ylabel: str
    lines: dict = field(default_factory=dict)
    dots: dict = field(default_factory=dict)
    hlines: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    xlog: bool = True
    vlines: dict = field(default_factory=dict)
    ylim: tuple | None = None


def say(progress: Progress | None, msg: str) -> None:
    """Send ``msg`` to the progress callback, if any."""
    if progress is not None:
        progress(msg)


def seed_entropy(seed: int, tag: str) -> list[int]:
    """The SeedSequence entropy of (seed, tag): a non-negative seed and a hash of the tag."""
    check(bool(isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0),
          f"seed must be a non-negative integer; got {seed!r}", assumption="seed")
    return [int(seed), sum(ord(ch) << (8 * (i % 4)) for i, ch in enumerate(tag))]


def rngs(seed: int, tag: str, k: int) -> list[np.random.Generator]:
    """K independent Generators determined by (seed, tag)."""
    ss = np.random.SeedSequence(seed_entropy(seed, tag))
    return [np.random.default_rng(s) for s in ss.spawn(k)]


def check_sizes(d: int, Ns: Iterable[int], draws: int) -> tuple[int, list[int], int]:
    """Validated (d, sorted distinct Ns, draws)."""
    check(bool(isinstance(d, (int, np.integer)) and d >= 4), f"d must be an integer ≥ 4; got {d!r}",
          assumption="d ≥ 4")
    Ns = [int(n) for n in Ns]
    check(len(Ns) > 0 and all(n >= 1 for n in Ns), f"N values must be integers ≥ 1; got {Ns}",
          assumption="N ≥ 1")
    check(bool(isinstance(draws, (int, np.integer)) and draws >= 1),
          f"draws must be an integer ≥ 1; got {draws!r}", assumption="draws ≥ 1")
    return int(d), sorted(set(Ns)), int(draws)


def draw_W(rng: np.random.Generator, d: int, N: int,
           Gamma_sqrt: np.ndarray | None = None) -> np.ndarray:
    """W with i.i.d. columns N(0, I/d), or N(0, Γ) given Γ^{1/2}."""
    G = rng.standard_normal((d, N))
    return G / math.sqrt(d) if Gamma_sqrt is None else Gamma_sqrt @ G


class SerialExecutor(Executor):
    """Runs each task at submission, in this process (``workers=1``; no process start-up)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` now and return a completed future."""
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the future carries it, as a pool's would
            fut.set_exception(exc)
        return fut


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[Executor]:
    """A process pool of ``workers`` processes (default: the CPU count), each with one BLAS
    thread (see the module docstring); ``workers=1`` gives a :class:`SerialExecutor`.

    The workers are started by ``spawn`` while :data:`BLAS_ENV` is in ``os.environ`` (restored
    on exit), so each worker's numpy starts with one BLAS thread whatever the parent uses.
    """
    n = (os.cpu_count() or 1) if workers is None else int(workers)
    check(n >= 1, f"workers must be ≥ 1; got {workers!r}", assumption="workers ≥ 1")
    if n == 1:
        yield SerialExecutor()
        return
    saved = {k: os.environ.get(k) for k in BLAS_ENV}
    os.environ.update(BLAS_ENV)
    try:
        with ProcessPoolExecutor(max_workers=n,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            yield pool
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
