"""proofs_check: the claims of Ghorbani et al. (NeurIPS 2019) as data, and the ``proofs-check`` command."""

from .registry import Claim, Comparison, Context, Outcome, all_claims, get, run_claim

__all__ = ["Claim", "Comparison", "Context", "Outcome", "all_claims", "get", "run_claim"]
