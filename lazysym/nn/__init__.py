"""Fully trained networks (NN): §2.3 (L(W,c), Theorem 3, Proposition 1) and §3.3 (Theorem 6).

========================  ======================================================================
module                    what it holds
========================  ======================================================================
``formulas``              Theorems 3 and 6 as printed
``optimum``               the exact finite-d optimum (Eckart–Young; the mixture optimum)
``certified``             ``certified=True``: balls containing the exact optima
``bayes``                 the Bayes error (MMSE) of the mixture, by Monte Carlo
``loss``                  L(W,c), its gradient and Hessian (numeric)
``loss_symbolic``         L(W,c) derived in SymPy from its definition
``landscape``             critical points, Hessian spectra, strict saddles (Proposition 1)
``training``              every training loop: one-pass SGD, gradient flow, gradient descent
``lazy``                  the Chizat–Bach scale α: original against tangent training paths
========================  ======================================================================

The public names of ``formulas``, ``optimum`` and ``bayes`` are re-exported here.
"""

from lazysym.nn import optimum  # isort: skip  (the others import it)
from lazysym.nn import bayes, certified, formulas, landscape, lazy, loss, loss_symbolic, training
from lazysym.nn.bayes import *  # noqa: F403
from lazysym.nn.formulas import *  # noqa: F403
from lazysym.nn.optimum import *  # noqa: F403

__all__ = ["bayes", "certified", "formulas", "landscape", "lazy", "loss", "loss_symbolic", "optimum",
           "training", *formulas.__all__, *optimum.__all__, *bayes.__all__]
