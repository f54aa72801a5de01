"""Tests of lazysym.rf: the printed formulas of §2.1/§3.1, their symbolic links, the assumption
checks, and that a perturbed formula loses a claim's verdict."""


import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lazysym import rf
from lazysym.errors import AssumptionError
from lazysym.objects.activations import from_expr
from lazysym.objects.models import GaussianMixture, QuadraticTarget

S = rf.SYMBOLS

# hand values (not from lazysym.objects.hermite): centred ReLU σ = max(u,0) − 1/√(2π)
RELU_L1 = mpmath.mpf(1) / 2
RELU_L2 = 1 / mpmath.sqrt(2 * mpmath.pi)
RELU_LT = mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi)      # E relu² − λ₀² − λ₁² = 1/2 − 1/(2π) − 1/4


def _psi_point_mass(rho, l1, lt):
    """ψ of eq. (9) for 𝒟 = δ₁ (isotropic Γ): the positive root of
    λ̃λ₁²ψ² + (λ̃ + λ₁² − ρλ₁²)ψ − ρ = 0 (or ρ/λ̃ if λ₁ = 0)."""
    rho, l1, lt = (mpmath.mpf(v) for v in (rho, l1, lt))
    if l1 == 0:
        return rho / lt
    a, b, c = lt * l1**2, lt + l1**2 - rho * l1**2, -rho
    return (-b + mpmath.sqrt(b * b - 4 * a * c)) / (2 * a)


def _diag_target(d, seed=0):
    return QuadraticTarget(np.diag(np.random.default_rng(seed).uniform(0.2, 2.0, d)))


# ---------------------------------------------------------------------------------------------
# symbolic links: exact in SymPy
# ---------------------------------------------------------------------------------------------

def test_hermite_data_of_quadratic_and_psi():
    h = rf.derive_hermite_quadratic()
    assert (h["lambda0"], h["lambda1"], h["lambda2"], h["lambda_tilde"]) == (0, 0, 2, 2)
    assert sp.simplify(rf.derive_psi_quadratic() - S.rho / 2) == 0
    assert rf.derive_psi_diverges() == sp.oo


@pytest.mark.parametrize("derived, printed", [
    (rf.derive_corollary1, rf.eq12_expr),
    (rf.derive_eq11, rf.eq11_expr),
    (rf.derive_isotropic_limit, rf.isotropic_remark_expr),
    (rf.derive_eq13_rf, rf.eq13_rf_expr),
    (rf.derive_eq16, rf.eq16_expr),
    (rf.derive_eq17_rf, rf.eq17_rf_corrected_expr),
])
def test_symbolic_links_exact(derived, printed):
    assert sp.simplify(derived() - printed()) == 0


def test_eq17_printed_does_not_follow_from_theorem4():
    diff = sp.simplify(rf.derive_eq17_rf() - rf.eq17_rf_expr())
    assert diff != 0
    # the two rows differ for every ρ > 0 and Tr Δ ≠ 0: at ρ = 1, Tr Δ² = 2d: 4/7 vs 1/2 … etc.
    val = diff.subs({S.rho: 1, S.trDelta: 2, S.d: 2})
    assert val != 0


def test_limits_for_lambda2_zero_are_one():
    assert rf.derive_eq11(0) == 1
    assert rf.derive_eq16(0) == 1
    assert rf.derive_trace_zero() == 1


@settings(max_examples=10)
@given(rho=st.floats(0.05, 20), gb=st.floats(-3, 3), bf=st.floats(0.1, 10), gf=st.floats(0.05, 5),
       d=st.integers(2, 1000))
def test_corollary1_lambdified_matches_theorem1_numeric(rho, gb, bf, gf, d):
    """derive_corollary1 (lambdified) vs eq. (10) evaluated through solve_psi with λ₁ = 0."""
    f = sp.lambdify((S.rho, S.d, S.GB, S.BF, S.GF), rf.derive_corollary1(), "mpmath")
    with mpmath.workdps(30):
        lhs = f(mpmath.mpf(rho), d, mpmath.mpf(gb), mpmath.mpf(bf), mpmath.mpf(gf))
    from lazysym.objects.spectra import point_mass
    with mpmath.workdps(60):  # the scalars d⟨Γ,B⟩², d‖Γ‖²_F exactly (no float64 rounding)
        X, Z = d * mpmath.mpf(gb) ** 2, d * mpmath.mpf(gf)
    rhs = rf.theorem1_risk_from_data(rho, 0, 2, 2, point_mass(1), X, bf, Z, dps=30)
    assert abs(lhs - rhs) <= 1e-25 * max(1, abs(rhs))


@settings(max_examples=10)
@given(rho=st.floats(0.05, 20), tr=st.floats(-40, 40), d=st.integers(2, 500))
def test_eq17_derived_lambdified_matches_theorem4_numeric(rho, tr, d):
    """derive_eq17_rf (lambdified) vs eq. (15) via solve_psi with ζ₁ = 1/2, ζ₂ = Tr(Δ)²/(4d)."""
    f = sp.lambdify((S.rho, S.trDelta, S.d), rf.derive_eq17_rf(), "mpmath")
    from lazysym.objects.spectra import point_mass
    with mpmath.workdps(30):
        lhs = f(mpmath.mpf(rho), mpmath.mpf(tr), d)
    with mpmath.workdps(60):
        z2 = mpmath.mpf(tr) ** 2 / (4 * d)
    rhs = rf.theorem4_risk_from_data(rho, 0, 2, 2, point_mass(1), 0.5, z2, dps=30)
    assert abs(lhs - rhs) <= 1e-25


# ---------------------------------------------------------------------------------------------
# numeric formulas against independent evaluations
# ---------------------------------------------------------------------------------------------

def test_theorem1_relu_isotropic_matches_hand_formula():
    d, rho = 40, 1.7
    t = _diag_target(d)
    got = rf.theorem1_risk(t, np.eye(d) / d, rho, "relu_centered", dps=40)
    with mpmath.workdps(50):
        psi = _psi_point_mass(rho, RELU_L1, RELU_LT)
        B = t.B
        X = d * (mpmath.mpf(float(np.trace(B))) / d) ** 2        # d⟨Γ,B⟩²
        Y = mpmath.mpf(float(np.sum(B * B)))
        want = 1 - psi * RELU_L2**2 * X / (Y * (2 + psi * RELU_L2**2))
    # the matrix path computes ⟨Γ,B⟩, ‖B‖² and the ESD of d·Γ in float64 (relative error ~d·ε)
    assert abs(got - want) < 1e-13


def test_theorem1_quadratic_equals_corollary1_and_eq13():
    d = 30
    t = _diag_target(d, 1)
    rng = np.random.default_rng(2)
    g = rng.uniform(0.3, 3.0, d)
    G = np.diag(g / g.sum())
    for rho in (0.3, 1.0, 5.0):
        # both paths start from the same float64 matrices but form different float invariants
        # (d⟨Γ,B⟩² vs ⟨Γ,B⟩ and d, Tr B/d vs ⟨I/d, B⟩): agreement to float64 round-off
        a = rf.theorem1_risk(t, G, rho, "x^2-1", dps=30)
        b = rf.corollary1_risk(t, G, rho, dps=30)
        assert abs(a - b) < 1e-13
        iso = rf.theorem1_risk(t, np.eye(d) / d, rho, "quadratic_centered", dps=30)
        assert abs(iso - rf.eq13_rf_risk(t, rho, dps=30)) < 1e-13


def test_theorem4_relu_identity_sigma_matches_hand_formula():
    d, rho = 30, 0.8
    D = np.diag(np.linspace(-1, 2, d) / np.sqrt(d))
    m = GaussianMixture(np.eye(d), D)
    got = rf.theorem4_risk(m, np.eye(d) / d, rho, "relu_centered", dps=40)
    with mpmath.workdps(50):
        psi = _psi_point_mass(rho, RELU_L1, RELU_LT)
        z1 = mpmath.mpf(1) / 2                                # d Tr(I/d²)/2
        z2 = d * (mpmath.mpf(float(np.trace(D))) / d) ** 2 / 4
        want = (1 + z1 * RELU_L2**2 * psi) / (1 + (z1 + z2) * RELU_L2**2 * psi)
    assert abs(got - want) < 1e-13   # float64 trace invariants and ESD, as above


def test_theorem4_quadratic_identity_is_corrected_eq17_not_printed():
    d = 60
    m = GaussianMixture(np.eye(d), np.diag(np.full(d, 1.5 / np.sqrt(d))))
    for rho in (0.5, 2.0):
        t4 = rf.theorem4_risk(m, np.eye(d) / d, rho, "x^2-1")
        assert abs(t4 - rf.eq17_rf_risk_corrected(m, rho)) < 1e-13   # float64 invariants
        assert abs(t4 - rf.eq17_rf_risk(m, rho)) > 0.01


def test_limits_and_odd_activations():
    d = 20
    t = _diag_target(d, 3)
    G = t.B / np.trace(t.B)
    assert abs(rf.theorem1_limit(t, G)) < 1e-13                    # Γ ∝ B: Cauchy–Schwarz equality
    assert rf.theorem1_limit_corrected(t, G, "tanh") == 1
    assert rf.theorem1_risk(t, G, 3.0, "tanh") == 1
    Gi = np.eye(d) / d
    iso = 1 - np.trace(t.B) ** 2 / (d * np.sum(t.B ** 2))
    assert abs(float(rf.theorem1_limit(t, Gi)) - iso) < 1e-13
    assert abs(float(rf.isotropic_limit(t)) - iso) < 1e-13
    m = GaussianMixture(np.eye(d), np.diag(np.linspace(0, 1, d) / np.sqrt(d)))
    z1, z2 = rf.theorem4_zetas(m, Gi)
    assert abs(z1 - 0.5) < 1e-14 and abs(z2 - np.trace(m.Delta) ** 2 / (4 * d)) < 1e-14
    assert rf.theorem4_limit_corrected(m, Gi, "tanh") == 1
    assert abs(float(rf.theorem4_limit(m, Gi)) - z1 / (z1 + z2)) < 1e-14


@given(rho=st.floats(0.01, 1e4))
def test_psi_bounds_contain_solution(rho):
    from lazysym.objects.fixed_point import solve_psi
    from lazysym.objects.spectra import Atoms
    spec = Atoms([0.5, 1.5])
    psi = solve_psi(rho, RELU_L1, RELU_LT, spec, dps=20).value
    lo, hi = rf.psi_bounds(mpmath.mpf(rho), RELU_L1, RELU_LT)
    assert lo * (1 - 1e-15) <= psi <= hi * (1 + 1e-15)


def test_precision_argument_and_no_global_leak():
    from lazysym.objects.spectra import point_mass
    args = (2.5, "0.5", "0.3", "0.4", point_mass(1), "1.7", "2.3", "1.1")
    a = rf.theorem1_risk_from_data(*args, dps=60)
    b = rf.theorem1_risk_from_data(*args, dps=20)
    ref = rf.theorem1_risk_from_data(*args, dps=100)
    with mpmath.workdps(110):
        # each result is correct to (about) its own dps, and the 60-digit one is not just the
        # 20-digit one: a function that ignored dps would fail one of the three
        assert abs(a - ref) < mpmath.mpf(10) ** -55
        assert abs(b - ref) < mpmath.mpf(10) ** -18
        assert abs(b - ref) > mpmath.mpf(10) ** -40
    assert mpmath.mp.dps == 15


def test_reexports_exact_risks():
    for name in ("rf_risk_quadratic", "rf_risk_mixture", "rf_solve", "rf_gram"):
        assert getattr(rf, name) is getattr(rf.exact, name)


# ---------------------------------------------------------------------------------------------
# assumption errors
# ---------------------------------------------------------------------------------------------

_d = 6
_I = np.eye(_d)
_T = QuadraticTarget(np.diag(np.arange(1.0, _d + 1)))
_M = GaussianMixture(_I, 0.1 * _I)

ERRORS = [
    ("A2", lambda: rf.theorem1_risk(_T, 0.9 * _I / _d, 1.0)),
    ("A2", lambda: rf.corollary1_risk(_T, 2 * _I / _d, 1.0)),
    ("E f* = 0", lambda: rf.theorem1_risk(QuadraticTarget(_T.B, b0=0.0), _I / _d, 1.0)),
    ("ρ > 0", lambda: rf.theorem1_risk(_T, _I / _d, 0.0)),
    ("ρ > 0", lambda: rf.eq13_rf_risk(_T, -1.0)),
    ("ρ finite", lambda: rf.theorem4_risk(_M, _I / _d, float("nan"))),
    ("A1", lambda: rf.theorem1_risk(_T, _I / _d, 1.0, from_expr("2*x + 1", "affine"))),
    ("λ₀ = 0", lambda: rf.theorem1_risk(_T, _I / _d, 1.0, "relu")),
    ("λ₀ = 0", lambda: rf.theorem4_risk(_M, _I / _d, 1.0, "x^2")),
    ("B2", lambda: rf.theorem4_risk(GaussianMixture(2 * _I, 0.1 * _I), _I / _d, 1.0)),
    ("M1", lambda: rf.theorem4_risk(GaussianMixture(-_I, 0 * _I), _I / _d, 1.0)),
    ("mg model", lambda: rf.theorem4_risk("Σ and Δ", _I / _d, 1.0)),
    ("mg model", lambda: rf.theorem4_limit(_T, _I / _d)),
    ("Σ = I", lambda: rf.eq17_rf_risk(GaussianMixture(2 * _I, 0.1 * _I), 1.0)),
    ("Γ ⪰ 0 (a covariance)", lambda: rf.theorem1_limit(_T, np.diag([2.0, -1, 0, 0, 0, 0]))),
    ("f* ≠ 0", lambda: rf.theorem1_limit(QuadraticTarget(np.zeros((_d, _d)), b0=0.0),
                                              _I / _d)),
    ("dps ≥ 1", lambda: rf.theorem1_risk(_T, _I / _d, 1.0, dps=0)),
]


@pytest.mark.parametrize("assumption, call", ERRORS, ids=[f"{a}-{i}" for i, (a, _) in enumerate(ERRORS)])
def test_assumption_errors(assumption, call):
    with pytest.raises(AssumptionError) as exc:
        call()
    assert exc.value.assumption == assumption, str(exc.value)


# ---------------------------------------------------------------------------------------------
# a perturbed formula changes a claim's verdict
# ---------------------------------------------------------------------------------------------

def test_perturbed_formula_changes_verdicts():
    from proofs_check.evidence.mutants import relative
    from proofs_check.registry import Context, get, run_claim
    ctx = Context()
    c = get("cor1.eq12")
    data = c.evidence(ctx)
    assert run_claim(c, ctx, data=data).verdict == "holds asymptotically"
    # the graded self-test's relative mutant (value × 1.05)
    assert run_claim(c, ctx, data=data, printed=relative(c.printed, 1.05)).verdict == "inconclusive"
    # a subtler change: drop the "1 +" in the denominator of (12) (the ρ → ∞ form at finite ρ)
    wrong = lambda target, G, rho, dps=30: rf.theorem1_limit(target, G, dps=dps)  # noqa: E731
    assert run_claim(c, ctx, data=data, printed=wrong).verdict == "inconclusive"
    e = get("eq17.rf")
    data17 = e.evidence(ctx)
    assert run_claim(e, ctx, data=data17).verdict == "erratum"
    out = run_claim(e, ctx, data=data17, corrected=relative(e.corrected, 1.05))
    assert out.verdict == "inconclusive"
    # and the printed row becomes right if ρ/(1+2ρ) is replaced by ρ/(1+ρ) — which is the correction
    assert run_claim(e, ctx, data=data17, printed=e.corrected).verdict == "holds asymptotically"


def test_derived_limits_lambdified_against_numeric_theorems():
    """The derived expressions, lambdified, against the numeric theorems evaluated independently
    (hermite quadrature, solve_psi on the ESD): eq. (13) at finite ρ; eqs. (11), (16) and the
    isotropic remark against eq. (10)/(15) at ρ = 1e8 (gap ≤ 2Eσ²/(ρλ₂²) < 1e-7, psi_bounds)."""
    d = 24
    t = _diag_target(d, 4)
    B, Gi = t.B, np.eye(d) / d
    tr, bf = float(np.trace(B)), float(np.sum(B * B))
    f13 = sp.lambdify((S.rho, S.trB, S.d, S.BF), rf.derive_eq13_rf(), "mpmath")
    for rho in (0.4, 3.0):
        assert abs(f13(rho, tr, d, bf) - rf.theorem1_risk(t, Gi, rho, "x^2-1")) < 1e-13
    G = np.diag(np.linspace(0.5, 1.5, d))
    G /= np.trace(G)
    f11 = sp.lambdify((S.GB, S.BF, S.GF), rf.derive_eq11(), "mpmath")
    lim = f11(float(np.sum(G * B)), bf, float(np.sum(G * G)))
    assert abs(lim - rf.theorem1_risk(t, G, 1e8, "relu_centered")) < 1e-7
    fiso = sp.lambdify((S.trB, S.d, S.BF), rf.derive_isotropic_limit(), "mpmath")
    assert abs(fiso(tr, d, bf) - rf.theorem1_risk(t, Gi, 1e8, "relu_centered")) < 1e-7
    m = GaussianMixture(np.diag(np.linspace(0.8, 1.2, d)), np.diag(np.linspace(-1, 2, d)) / np.sqrt(d))
    Gm = np.eye(d) / np.trace(m.Sigma)
    z1, z2 = rf.theorem4_zetas(m, Gm)
    f16 = sp.lambdify((S.zeta1, S.zeta2), rf.derive_eq16(), "mpmath")
    assert abs(f16(z1, z2) - rf.theorem4_risk(m, Gm, 1e8, "relu_centered")) < 1e-7


def test_theorem1_at_dps_45_from_exact_inputs_has_45_digits():
    """Precision honesty (issue 12, point 6): with exactly representable inputs (dyadic B, Γ = I/32,
    a rational ρ) the matrix path must not pass through float64 invariants; a float64 trace or
    eigenvalue would leave ~1e-17 here. The reference is the hand formula for 𝒟 = δ₁ at 70 digits
    from exact rational Tr B and ‖B‖²_F.
    """
    from fractions import Fraction
    d = 32
    diag = [Fraction(k, 8) for k in range(2, 2 + d)]
    t = QuadraticTarget(np.diag([float(x) for x in diag]))
    got = rf.theorem1_risk(t, np.eye(d) / d, Fraction(17, 10), "relu_centered", dps=45)
    with mpmath.workdps(70):
        l2 = 1 / mpmath.sqrt(2 * mpmath.pi)
        psi = _psi_point_mass(mpmath.mpf(17) / 10, mpmath.mpf(1) / 2,
                              mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi))
        tr, fro = sum(diag), sum(x * x for x in diag)
        X = (mpmath.mpf(tr.numerator) / tr.denominator) ** 2 / d          # d⟨Γ,B⟩²
        Y = mpmath.mpf(fro.numerator) / fro.denominator                     # ‖B‖²_F
        want = 1 - psi * l2**2 * X / (Y * (2 + psi * l2**2))
        assert abs(got - want) < mpmath.mpf(10) ** -44
    # the same call at dps = 20 is correct to about 20 digits, not 45: the digits follow dps
    low = rf.theorem1_risk(t, np.eye(d) / d, Fraction(17, 10), "relu_centered", dps=20)
    with mpmath.workdps(70):
        assert abs(low - want) < mpmath.mpf(10) ** -19
