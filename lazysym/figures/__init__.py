"""Figures 1 and 2 of the paper (and the lazy-training α sweep).

``data`` computes what is plotted (numbers only, no matplotlib); ``plot`` draws it. Both are
re-exported here: ``lazysym.figures.figure1_left_data``, ``lazysym.figures.draw_all``, ...
"""

from lazysym.figures import data, plot
from lazysym.figures.data import *  # noqa: F403
from lazysym.figures.plot import *  # noqa: F403

__all__ = ["data", "plot", *data.__all__, *plot.__all__]
