"""Comparisons between regimes.

========================  ======================================================================
module                    what it holds
========================  ======================================================================
``gaps``                  eq. (6): NT against NN for every W, the gap and unbounded ratios
``relu_gap``              the poster's ReLU experiment: NN trained by SGD against NT fitted
========================  ======================================================================
"""

from lazysym.compare import gaps, relu_gap

__all__ = ["gaps", "relu_gap"]
