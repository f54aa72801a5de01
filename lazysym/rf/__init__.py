"""Random features (RF): §2.1 (Theorem 1, Corollary 1) and §3.1 (Theorem 4).

========================  ======================================================================
module                    what it holds
========================  ======================================================================
``symbolic``              the printed expressions (SymPy) and the derivations between them
``formulas``              the printed formulas evaluated in mpmath at ``dps`` (eq. (9)–(17))
``exact``                 the exact finite-d RF risk for a given W (no samples)
``certified``             ``certified=True``: balls / exact rationals containing the exact risk
``montecarlo``            the §4 estimator: least squares on samples, test error with CLT bars
========================  ======================================================================

The public names of ``symbolic``, ``formulas`` and ``exact`` are re-exported here
(``lazysym.rf.corollary1_risk``, ``lazysym.rf.rf_risk_quadratic``, ...).
"""

from lazysym.rf import certified, exact, formulas, montecarlo, symbolic
from lazysym.rf.exact import *  # noqa: F403
from lazysym.rf.formulas import *  # noqa: F403
from lazysym.rf.symbolic import *  # noqa: F403

__all__ = ["certified", "exact", "formulas", "montecarlo", "symbolic",
           *exact.__all__, *formulas.__all__, *symbolic.__all__]
