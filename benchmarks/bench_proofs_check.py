"""Time the default `proofs-check` run (issue target: ≤ 2 minutes on 2 cores), serial and with a
process pool, each in a fresh process (no warm caches), and list the slowest claims. Prints a
table; run from the repository root:

    python benchmarks/bench_proofs_check.py
"""

import json
import subprocess
import sys
import time

CMD = [sys.executable, "-c", "import sys; from proofs_check.cli import main; sys.exit(main(sys.argv[1:]))"]


def main() -> None:
    rows, report = [], None
    for jobs in (1, 2):
        t0 = time.perf_counter()
        out = subprocess.run(CMD + ["--json", "--jobs", str(jobs)], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        doc = json.loads(out.stdout)
        rows.append((jobs, wall, len(doc["claims"]), len(doc["summary"]["mismatches"]), out.returncode))
        if jobs == 1:
            report = doc
    print(f"{'jobs':>4}  {'wall s':>7}  {'claims':>6}  {'≠ ledger':>8}  {'exit':>4}")
    for jobs, wall, n, bad, rc in rows:
        print(f"{jobs:>4}  {wall:7.1f}  {n:>6}  {bad:>8}  {rc:>4}")
    print("\nslowest claims (serial run, seconds inside the check):")
    for c in sorted(report["claims"], key=lambda c: -c["seconds"])[:8]:
        print(f"  {c['id']:32s} {c['seconds']:6.1f}")


if __name__ == "__main__":
    main()
