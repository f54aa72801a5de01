"""Evidence helpers shared by several claim modules.

``decisions``
    acceptance rules: exact and symbolic identities, asymptotic agreement with a rate and its
    confidence interval, z-tests and one-sided bounds, each with its designed false-flip
    probability.
``mutants``
    the graded self-test: relative mutants and the claim's own.
``landscape``, ``nn``, ``nt``, ``rf``, ``rf_mutants``
    evidence shared by the claims of one regime.
"""
