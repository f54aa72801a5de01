"""The paper's claims, one module per section (plus the poster and Chizat–Bach).

Every module in this package is imported on first use of the registry; each registers its
claims with :func:`proofs_check.registry.claim`, so claims are registered — and reported — in
the order of :data:`ORDER`, which is the paper's: §1 → §2.1 → §2.2 → §2.3 → §3.1 → §3.2 → §3.3,
then the authors' poster, then Chizat & Bach (reference [8] of the paper). A module missing from
:data:`ORDER` is still imported (after the listed ones, by name), and a test
(``tests/test_cli.py``) fails until it is listed.
"""

import importlib
import pkgutil

__all__ = ["ORDER"]

#: Claim modules in the paper's order.
ORDER = (
    "s1_inclusions",             # §1 inner bounds F_RF ⊆ F_NN, F_NT ⊆ cl F_NN,2N
    "s2_1_fixed_point",          # §2.1 ψ of eq. (9) (and its §3.1 twin, eq. (14))
    "s2_1_hermite_data",         # §2.1 Hermite data of Theorem 1 / Corollary 1
    "s2_1_random_features",      # §2.1 Theorem 1, Corollary 1, eq. (13) RF row
    "s2_2_neural_tangent",       # §2.2 Theorem 2, eq. (13) NT row
    "s2_3_loss",                 # §2.3 L(W, c)
    "s2_3_neural_network",       # §2.3 Theorem 3
    "s2_3_landscape_training",   # §2.3 Proposition 1, SGD
    "s2_summary",                # §1.1 eq. (6), §2.3 eq. (13) NN row
    "s3_1_random_features",      # §3.1 Theorem 4, eq. (17) RF row
    "s3_2_neural_tangent",       # §3.2 Theorem 5, eq. (17) NT row
    "s3_3_neural_network",       # §3.3 Theorem 6, eq. (17) NN row, the Bayes error
    "poster_rf",                 # the authors' poster
    "poster_nt",
    "poster_nn",
    "poster_relu",
    "chizat_bach",               # Chizat & Bach, the scale α (paper §1.2, ref. [8])
    "chizat_bach_criterion",     # Chizat & Bach, κ and the width: statistical criteria
)


def _unlisted() -> list[str]:
    """Claim modules present in this package but missing from :data:`ORDER` (sorted)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in ORDER)


for _name in (*ORDER, *_unlisted()):
    importlib.import_module(f"{__name__}.{_name}")
