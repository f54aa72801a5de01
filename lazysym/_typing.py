"""Type aliases shared by the package's annotations (private).

mpmath and SymPy ship no type information, so their numbers are typed as :data:`typing.Any`
under readable names; the aliases document what a parameter accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any, TypeAlias

import numpy as np

__all__: list[str] = []

#: An ``mpmath.mpf`` (mpmath has no type stubs).
MPF: TypeAlias = Any

#: A real number as the exact-arithmetic entry points accept it (ρ, λ₁, λ̃, atoms of 𝒟, ...):
#: int, float, :class:`~fractions.Fraction`, a decimal or ``"p/q"`` string, an mpf, or a SymPy
#: number (the last two untyped).
RealLike: TypeAlias = float | Fraction | str | MPF

#: What :func:`lazysym._validate.as_generator` turns into a ``numpy.random.Generator``: an integer
#: seed (or a sequence of them), a ``SeedSequence``, a ``BitGenerator`` or a ``Generator``.
SeedLike: TypeAlias = (int | Sequence[int] | np.random.SeedSequence | np.random.BitGenerator
                       | np.random.Generator)
