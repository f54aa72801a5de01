"""Time the default `proofs-check` run (target: ≤ 60 s CPU for all claims, one BLAS thread),
serially and with a process pool, each in a fresh process (no warm caches), and list the
slowest claims. Prints a table with CPU seconds (the child's user + system time, which the
machine's load does not inflate) beside wall seconds and the load average; run from the
repository root::

    python benchmarks/bench_proofs_check.py
"""

import json
import os
import resource
import subprocess
import sys
import time

CMD = [sys.executable, "-c", "import sys; from proofs_check.cli import main; sys.exit(main(sys.argv[1:]))",
       "--json", "--quiet"]


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    rows, report = [], None
    for jobs in (1, 2):
        load = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), _child_cpu()
        out = subprocess.run(CMD + ["--jobs", str(jobs)], capture_output=True, text=True, env=env)
        wall, cpu = time.perf_counter() - t0, _child_cpu() - c0
        doc = json.loads(out.stdout)
        rows.append((jobs, cpu, wall, load, len(doc["claims"]), len(doc["summary"]["mismatches"]),
                     out.returncode))
        if jobs == 1:
            report = doc
    print(f"{'jobs':>4}  {'CPU s':>7}  {'wall s':>7}  {'load':>5}  {'claims':>6}  {'≠ ledger':>8}  "
          f"{'exit':>4}")
    for jobs, cpu, wall, load, n, bad, rc in rows:
        print(f"{jobs:>4}  {cpu:7.1f}  {wall:7.1f}  {load:5.1f}  {n:>6}  {bad:>8}  {rc:>4}")
    assert report is not None
    print(f"\nseconds inside the checks (serial run): {sum(c['seconds'] for c in report['claims']):.1f}; "
          f"lazysym {report['provenance']['lazysym']}, commit {report['provenance']['git_commit']}")
    print("slowest claims (serial run, wall seconds inside the check):")
    for c in sorted(report["claims"], key=lambda c: -c["seconds"])[:8]:
        print(f"  {c['id']:32s} {c['seconds']:6.1f}")


if __name__ == "__main__":
    main()
