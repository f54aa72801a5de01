"""lazysym: the objects of Ghorbani, Mei, Misiakiewicz & Montanari, *Limitations of Lazy Training
of Two-layers Neural Networks* (NeurIPS 2019), derived in SymPy, evaluated in mpmath to any
precision, and computed exactly at finite dimension.

Modules (one per mathematical object): ``activations``, ``hermite``, ``gaussian``, ``models``,
``loss``, ``landscape``, ``spectra``, ``fixed_point``, ``rf``, ``nt``, ``nn``, ``training``,
``montecarlo``, ``figures``, ``testing``.
"""

from .errors import AssumptionError, ConvergenceError
from .models import GaussianMixture, QuadraticTarget, paper_mixture, paper_quadratic_target

__version__ = "0.1.0"

__all__ = ["AssumptionError", "ConvergenceError", "GaussianMixture", "QuadraticTarget",
           "paper_mixture", "paper_quadratic_target", "__version__"]
