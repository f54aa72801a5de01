"""lazysym: the objects of Ghorbani, Mei, Misiakiewicz & Montanari, *Limitations of Lazy Training
of Two-layers Neural Networks* (NeurIPS 2019), derived in SymPy, evaluated in mpmath to any
precision, and computed exactly at finite dimension.

The map (one sub-package per regime, one module per mathematical object)::

    lazysym.objects      activations, expressions (the safe parser), hermite, hermite_arb,
                         gaussian, spectra, fixed_point, models, balls (exact rationals, arb)
    lazysym.rf           random features    formulas, symbolic, exact, exact_invariants,
                                            kernels, certified, montecarlo           (§2.1, §3.1)
    lazysym.nt           neural tangent     formulas, symbolic (Weingarten), haar, exact,
                                            certified, sampled                       (§2.2, §3.2)
    lazysym.nn           fully trained      formulas, symbolic, eckart_young (Theorem 3 proved),
                                            optimum, certified, bayes, loss, loss_symbolic,
                                            landscape, training, lazy, summary       (§2.3, §3.3)
    lazysym.compare      between regimes    gaps (eq. (6)), relu_gap (the poster's ReLU figure),
                                            relu_exact (its exact risks), chizat_bach (the
                                            Chizat–Bach poster's bounds)
    lazysym.figures      Figures 1 and 2    data, right, plot (matplotlib)           (§4)
    lazysym.stats        estimates with their uncertainty, rate fits
    lazysym.testing      generators and hypothesis strategies
    lazysym.errors       AssumptionError (and its family), ConvergenceError
    lazysym.limits       the caps on sizes, digits, degrees, iterations

The sub-packages are imported on first access (``lazysym.rf``) or by name
(``from lazysym import rf``); the data models and the errors are available at the top level.
"""

from __future__ import annotations

import importlib
from typing import Any

from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.objects.models import (
    GaussianMixture,
    QuadraticTarget,
    paper_mixture,
    paper_quadratic_target,
)

#: The package version: its one source of truth (``pyproject.toml`` reads it; the CLI's
#: ``--version`` and the reports' provenance print it).
__version__ = "0.2.0"

_SUBPACKAGES = ("objects", "rf", "nt", "nn", "compare", "figures", "testing", "errors")

__all__ = ["AssumptionError", "ConvergenceError", "GaussianMixture", "QuadraticTarget",
           "__version__", "paper_mixture", "paper_quadratic_target", *_SUBPACKAGES]


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"lazysym.{name}")
    raise AttributeError(f"module 'lazysym' has no attribute {name!r}")
