"""The paper's objects that every regime uses.

========================  ======================================================================
module                    what it holds
========================  ======================================================================
``activations``           σ as one SymPy expression with numpy and mpmath forms; the names used
``expressions``           the whitelist parser for expressions in x (no ``eval``)
``hermite``               Hermite coefficients λ_k, λ̃ (Theorem 1), exactly and to any precision
``gaussian``              Gaussian fourth moments (Wick/Isserlis) in trace form
``spectra``               spectral laws 𝒟 of A2/B2 (atoms, densities, Marchenko–Pastur)
``fixed_point``           ψ of eq. (9)/(14), with a proved bracket for atomic 𝒟
``models``                the data models: quadratic target (eq. (8)) and Gaussian mixture (§3)
========================  ======================================================================
"""
