"""proofs_check: the claims of Ghorbani et al. (NeurIPS 2019) as data, and the ``proofs-check`` command.

Importing this package defaults BLAS to one thread (unless the caller set the variables): the
checks work on many small matrices, where threads only add overhead — measured on 2 cores, the
default run took 21 s single-threaded against several minutes with 2 OpenBLAS threads under
load. Parallelism comes from ``proofs-check --jobs N`` (processes) instead.
"""

import os as _os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

from .registry import Claim, Comparison, Context, Outcome, all_claims, get, run_claim  # noqa: E402

__all__ = ["Claim", "Comparison", "Context", "Outcome", "all_claims", "get", "run_claim"]
