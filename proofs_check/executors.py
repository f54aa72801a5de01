"""Executors for ``proofs-check``: where the claims (and the sweep points inside them) run.

The claim runner (:func:`proofs_check.cli.run`) accepts any :class:`concurrent.futures.Executor`.
This module builds the ones the command line offers:

``serial``
    no executor: every claim in the calling process, one after the other;
``process``
    a :class:`~concurrent.futures.ProcessPoolExecutor` of ``jobs`` processes on this machine;
``dask``
    a Dask cluster through ``distributed``'s :class:`concurrent.futures.Executor` interface:
    an existing scheduler (``scheduler="tcp://host:8786"``; its workers need ``lazysym``
    installed) or, without an address, a ``LocalCluster`` of ``jobs`` single-threaded worker
    processes on this machine. Dask is an optional extra (``pip install 'lazysym[dask]'``),
    imported only here and only when asked for.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

__all__ = ["EXECUTORS", "DaskExecutor", "ExecutorError", "make_executor"]

#: The executor kinds of ``proofs-check --executor``.
EXECUTORS = ("serial", "process", "dask")

#: One BLAS thread a worker: the checks work on many small matrices (see ``proofs_check``).
_WORKER_ENV = {v: "1" for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


class ExecutorError(ValueError):
    """The requested executor cannot be built (a missing extra, an unreachable scheduler)."""


class DaskExecutor(Executor):
    """A :class:`concurrent.futures.Executor` on a Dask cluster; :meth:`shutdown` closes the
    client (and the local cluster when this object started it).
    """

    def __init__(self, client: Any, cluster: Any = None) -> None:
        self.client = client
        self.cluster = cluster
        self._ex = client.get_executor(pure=False)

    @property
    def address(self) -> str:
        """The scheduler's address."""
        return str(self.client.scheduler.address)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` on a worker; a :class:`concurrent.futures.Future`."""
        return self._ex.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Close the client, then the local cluster if this executor started one."""
        try:
            self._ex.shutdown(wait=wait)
        finally:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


def _dask(jobs: int, scheduler: str | None, timeout: float) -> DaskExecutor:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ExecutorError("--executor dask needs Dask's distributed scheduler, which is not "
                            "installed; pip install 'lazysym[dask]'") from exc
    if scheduler is None:
        os.environ.update({k: v for k, v in _WORKER_ENV.items() if k not in os.environ})
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None, env=dict(_WORKER_ENV))
        return DaskExecutor(Client(cluster), cluster)
    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler!r} within "
                            f"{timeout:g} s ({type(exc).__name__}: {exc})") from exc
    return DaskExecutor(client)


def make_executor(kind: str, *, jobs: int = 1, scheduler: str | None = None,
                  timeout: float = 10.0) -> Executor | None:
    """The executor of kind ``kind`` (:data:`EXECUTORS`); None for ``serial``.

    Parameters
    ----------
    kind : {"serial", "process", "dask"}
        Where the claims run.
    jobs : int
        Worker processes of a ``process`` pool or of a local Dask cluster (≥ 1).
    scheduler : str or None
        Address of an existing Dask scheduler (``dask`` only); None starts a local cluster.
    timeout : float
        Seconds to wait for the scheduler.

    Raises
    ------
    ExecutorError
        Dask is not installed, or the scheduler does not answer; a ``ValueError``.
    """
    if kind not in EXECUTORS:
        raise ExecutorError(f"unknown executor {kind!r}; valid: {', '.join(EXECUTORS)}")
    if jobs < 1:
        raise ExecutorError(f"jobs must be ≥ 1; got {jobs}")
    if scheduler is not None and kind != "dask":
        raise ExecutorError("a scheduler address needs --executor dask")
    if kind == "serial":
        return None
    if kind == "process":
        return ProcessPoolExecutor(max_workers=jobs)
    return _dask(jobs, scheduler, timeout)
