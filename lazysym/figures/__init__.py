"""Figures 1 and 2 of the paper (and the lazy-training α sweep).

``data`` computes the left frames (population limit, risk against N), ``right`` the right frames
(risk against the number of samples n), ``common`` what they share; ``plot`` draws them
(matplotlib only there). Everything is re-exported here: ``lazysym.figures.draw_all``,
``lazysym.figures.figure1_left_data``, ...

BLAS threads (the library's policy)
-----------------------------------
lazysym sets no BLAS thread count globally: importing it changes nothing, and a single call
uses whatever the caller's numpy is configured with. The figure runner parallelises over
independent tasks instead, in worker processes that each get **one** BLAS thread
(:func:`lazysym.figures.common.worker_pool`: ``spawn`` start with ``OPENBLAS_NUM_THREADS =
OMP_NUM_THREADS = MKL_NUM_THREADS = 1`` in the workers' environment, read when they import
numpy). Measured here (2 shared cores, benchmarks/bench_figures.py and bench_rf.py): two BLAS
threads per process are 10–100× slower than one on 450×450 to 4500×4500 problems under load,
while one single-threaded process per core scales. Scripts that call the library serially
should set ``OPENBLAS_NUM_THREADS=1`` before importing numpy (the benchmarks do); a caller can
pass its own ``executor`` to the left-frame functions.
"""

from lazysym.figures import common, data, plot, right
from lazysym.figures.common import *  # noqa: F403  (the public names are listed in __all__)
from lazysym.figures.data import *  # noqa: F403
from lazysym.figures.plot import *  # noqa: F403
from lazysym.figures.right import *  # noqa: F403

__all__ = ["common", "data", "plot", "right", *common.__all__, *data.__all__, *plot.__all__,
           *right.__all__]
