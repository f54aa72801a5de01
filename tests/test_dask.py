"""Claims on a Dask cluster give the verdicts (and numbers) of a serial run.

Starts a ``distributed.LocalCluster`` of two single-threaded worker processes on this machine
(processes, not threads: mpmath's precision is process-global) and runs a few fast real claims
on it, through :func:`proofs_check.cli.run` and through ``proofs-check --scheduler ADDRESS``.
"""

import json

import distributed  # the optional extra `dask`, installed by .[test] (a missing extra fails)
import pytest

from proofs_check import cli, executors

IDS = ["sec1.rf_in_nn", "thm1.isotropic", "thm2", "cb.kappa"]   # proved and numerical, < 1 s each


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None,
                                  env={"OPENBLAS_NUM_THREADS": "1"}) as c:
        yield c


def _key(recs):
    return [(r["id"], r["verdict"], r["strength"], r["error"], r["rate"]) for r in recs]


def test_dask_run_equals_serial(cluster):
    serial = cli.run(IDS)
    ex = executors.make_executor("dask", scheduler=cluster.scheduler_address)
    try:
        assert isinstance(ex, executors.DaskExecutor) and ex.address == cluster.scheduler_address
        on_dask = cli.run(IDS, executor=ex)
    finally:
        ex.shutdown()
    assert _key(on_dask) == _key(serial)
    assert all(r["matches_ledger"] for r in on_dask)


def test_cli_with_a_scheduler_address(cluster, capsys):
    code = cli.main(["--executor", "dask", "--scheduler", cluster.scheduler_address, "--only",
                     *IDS[:2], "--json", "--quiet"])
    doc = json.loads(capsys.readouterr().out)
    assert code == cli.EXIT_OK
    assert doc["settings"]["executor"] == "dask"
    assert [c["id"] for c in doc["claims"]] == IDS[:2]


def test_unreachable_scheduler():
    with pytest.raises(executors.ExecutorError, match="cannot reach the Dask scheduler"):
        executors.make_executor("dask", scheduler="tcp://127.0.0.1:9", timeout=1)
