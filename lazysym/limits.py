"""Caps on the work one call may ask for, and the documented way to raise them.

A short argument must not turn into hours or gigabytes: ``dps=10**9``, a Hermite degree of a
million, ``kmax=10**9`` terms of a series or the 13-character string ``"1e999999999"`` in a
spectrum. Every such size is checked against :data:`LIMITS` where it enters, and refused with
an :class:`~lazysym.errors.AssumptionError` that names the limit and how to raise it::

    >>> from lazysym import limits
    >>> with limits.raised(dps=50_000):      # scoped: restored on exit
    ...     pass

The defaults are far above what the paper's checks use (30–1000 digits, degree ≤ 60,
series ≤ 400 terms, 5·10⁵ samples) and below what this machine (2 cores, 24 GiB) can finish in
minutes to an hour.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lazysym.errors import AssumptionError

__all__ = ["LIMITS", "Limits", "check_limit", "raised"]


@dataclass
class Limits:
    """The caps (see the module docstring). Each field is an inclusive upper bound."""

    #: decimal digits of an mpmath evaluation (``dps=``)
    dps: int = 20_000
    #: degree k of a Hermite coefficient λ_k, and the degree of a polynomial activation
    hermite_degree: int = 2_000
    #: terms of a truncated series (``kmax`` of the exact RF kernels)
    series_terms: int = 5_000
    #: characters of an expression string (activations, derivations)
    expression_chars: int = 2_000
    #: AST nodes of a parsed expression
    expression_nodes: int = 1_000
    #: |exponent| of a numeric power in an expression (x**k, 10**k)
    exponent: int = 512
    #: |decimal exponent| of a number given as a string ("1e300"), and digits of an integer
    decimal_exponent: int = 1_000
    #: atoms of a discrete spectrum
    spectrum_atoms: int = 1_000_000
    #: objects an enumeration may list (critical-point families, pairings)
    enumeration: int = 100_000
    #: rows of a matrix SymPy inverts symbolically (the orthogonal Weingarten matrix of degree n
    #: has (2n − 1)!! rows: 15 at n = 3, 1.7 s; the paper needs n ≤ 2, 3 rows)
    symbolic_matrix: int = 105
    #: dimension d or width N of a dense finite-d computation (d×d or N×N matrices)
    dimension: int = 20_000
    #: order of a matrix solved in exact rationals or arb balls (``certified=True`` risks: N for
    #: RF, d for NT/NN, Nd + 1 for the ReLU NT class); measured: order 200 at 200 bits, 0.4 s
    certified_order: int = 1_000
    #: random samples one Monte Carlo call may draw (the paper's §4 uses 5·10⁵ + 10⁴)
    samples: int = 100_000_000
    #: steps of one training loop (SGD steps, gradient-flow steps, descent iterations)
    iterations: int = 100_000_000


#: The caps in force (module-global; change them with :func:`raised`).
LIMITS = Limits()
_NAMES = frozenset(f.name for f in dataclasses.fields(Limits))


@contextmanager
def raised(**caps: int) -> Iterator[Limits]:
    """Temporarily set the named caps (``with raised(dps=50_000): ...``); restored on exit."""
    names = {f.name for f in dataclasses.fields(Limits)}
    unknown = sorted(set(caps) - names)
    if unknown:
        raise AssumptionError(f"unknown limit(s) {unknown}; valid: {sorted(names)}",
                              assumption="known limit")
    old = {k: getattr(LIMITS, k) for k in caps}
    for k, v in caps.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise AssumptionError(f"limit {k} must be a positive integer; got {v!r}",
                                  assumption="limit value")
        setattr(LIMITS, k, v)
    try:
        yield LIMITS
    finally:
        for k, v in old.items():
            setattr(LIMITS, k, v)


def check_limit(name: str, value: int, what: str) -> int:
    """``value`` if it is within ``LIMITS.<name>``, else an AssumptionError naming the cap."""
    if name not in _NAMES:
        raise AssumptionError(f"unknown limit {name!r}; valid: {sorted(_NAMES)}",
                              assumption="known limit")
    cap = getattr(LIMITS, name)
    if value > cap:
        raise AssumptionError(
            f"{what} = {value} exceeds the limit {name} = {cap}",
            assumption=f"limit {name}",
            fix=f"if you mean it, raise the cap: with lazysym.limits.raised({name}={value}): ...")
    return value
