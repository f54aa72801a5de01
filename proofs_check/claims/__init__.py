"""The paper's claims, one module per section (plus the poster and Chizat–Bach).

Every module in this package is imported on first use of the registry; each registers its
claims with :func:`proofs_check.registry.claim`.
"""

import importlib
import pkgutil

for _m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    importlib.import_module(f"{__name__}.{_m.name}")
