"""Neural tangent (NT): §2.2 (Theorem 2) and §3.2 (Theorem 5), quadratic activation.

========================  ======================================================================
module                    what it holds
========================  ======================================================================
``formulas``              Theorems 2 and 5 as printed, in mpmath at ``dps``
``exact``                 the NT class as a projection; exact finite-d risks for a given W
``certified``             ``certified=True``: the exact NT risk (rationals, balls)
``haar``                  the Haar moments of a random projection: E_W of the NT risk
``symbolic``              the Haar moments derived (Weingarten calculus), Theorem 2's limit and error
``sampled``               NT fitted by least squares on n samples (right frames of Figs. 1, 2)
========================  ======================================================================

The public names of ``formulas``, ``exact``, ``haar`` and ``sampled`` are re-exported here
(``symbolic`` stays a sub-module: ``lazysym.nt.symbolic``).
"""

from lazysym.nt import certified, exact, formulas, haar, sampled, symbolic
from lazysym.nt.exact import *  # noqa: F403
from lazysym.nt.formulas import *  # noqa: F403
from lazysym.nt.haar import *  # noqa: F403
from lazysym.nt.sampled import *  # noqa: F403

__all__ = ["certified", "exact", "formulas", "haar", "sampled", "symbolic",
           *exact.__all__, *formulas.__all__, *haar.__all__, *sampled.__all__]
