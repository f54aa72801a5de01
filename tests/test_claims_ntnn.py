"""The NT/NN claims' acceptance rules: every criterion is necessary (switched off, a mutant or a
corrupted piece of evidence passes), ``ctx.dps`` reaches the printed formulas, and corrupting
the Monte Carlo evidence of ``sec3.bayes_not_reached`` flips it."""

from __future__ import annotations

import copy

import pytest

from proofs_check.evidence import nn as enn
from proofs_check.evidence import nt as ent
from proofs_check.evidence.mutants import relative
from proofs_check.registry import Context, get, run_claim

CTX = Context()


def _data(cid):
    c = get(cid)
    return c, c.evidence(CTX)


# --------------------------------------------------------------------------------------------
# Theorem 2 family: limit_rule and bound_rule
# --------------------------------------------------------------------------------------------

def test_limit_rule_criteria_are_each_necessary():
    c, data = _data("thm2")
    assert ent.limit_rule(c.printed, data, CTX).agrees
    sym_bad = ent.symbolic_only(c.printed, 1.02)  # the SymPy backend diverges
    num_bad = ent.numeric_only(c.printed, 1.02)   # the mpmath backend diverges
    assert not ent.limit_rule(sym_bad, data, CTX).agrees
    assert not ent.limit_rule(num_bad, data, CTX).agrees
    assert ent.limit_rule(sym_bad, data, CTX, switch_off=frozenset({"symbolic_limit"})).agrees
    assert ent.limit_rule(num_bad, data, CTX, switch_off=frozenset({"finite_d_anchor"})).agrees


def test_bound_rule_criteria_are_each_necessary():
    c, data = _data("thm2.bound")
    assert ent.bound_rule(c.printed, data, CTX).agrees
    sym_bad = ent.symbolic_only(c.printed, 1.02)
    num_bad = ent.numeric_only(c.printed, 1.02)
    assert ent.bound_rule(sym_bad, data, CTX,
                          switch_off=frozenset({"symbolic_holds_and_attained"})).agrees
    assert not ent.bound_rule(sym_bad, data, CTX).agrees
    assert ent.bound_rule(num_bad, data, CTX, switch_off=frozenset({"values_hold_and_attained"})).agrees
    assert not ent.bound_rule(num_bad, data, CTX).agrees


def test_eq13_misprint_is_rejected_symbolically():
    c, data = _data("eq13.nt")
    cmp = ent.limit_rule(c.printed, data, CTX)
    assert not cmp.criteria["symbolic_limit"] and not cmp.criteria["finite_d_anchor"]
    assert cmp.strength == "proved"


# --------------------------------------------------------------------------------------------
# NN sandwich rule
# --------------------------------------------------------------------------------------------

def _sandwich(c, data, f, switch_off=frozenset(), checks=None):
    cs = data["cases"]
    vals = [f(x["mixture"], x["N"], CTX.dps) for x in cs]
    return enn.sandwich_rule(vals, [x["exact"] for x in cs], [x["sigmas"] for x in cs],
                             [min(x["N"], x["d"]) for x in cs], [x["d"] for x in cs],
                             checks=data["checks"] if checks is None else checks,
                             switch_off=switch_off)


def test_sandwich_rule_criteria_are_each_necessary():
    c, data = _data("thm6")
    assert _sandwich(c, data, c.printed).agrees
    up, down = relative(c.printed, 1.05), relative(c.printed, 0.95)
    assert not _sandwich(c, data, up).agrees and not _sandwich(c, data, down).agrees
    assert _sandwich(c, data, up, frozenset({"lower"})).agrees
    assert _sandwich(c, data, down, frozenset({"upper"})).agrees
    # the N → N+1 mutant (issue 12's survivor) is caught by the upper criterion
    slip = next(m for m in c.mutants if m.name == "N → N+1").formula
    assert not _sandwich(c, data, slip).agrees
    assert _sandwich(c, data, slip, frozenset({"upper"})).agrees
    # a numerical minimum below the closed form refutes it; one above does not
    refuting = [dict(x, numerical_min=x["exact"] - 1e-6) for x in data["checks"]]
    stuck = [dict(x, numerical_min=x["exact"] + 1e-3) for x in data["checks"]]
    assert not _sandwich(c, data, c.printed, checks=refuting).agrees
    assert _sandwich(c, data, c.printed, frozenset({"closed_form_not_refuted"}), refuting).agrees
    # every minimiser stuck above: the one-sided check would be vacuous, so it is rejected; one
    # check reaching the closed form suffices
    assert not _sandwich(c, data, c.printed, checks=stuck).agrees
    assert _sandwich(c, data, c.printed, frozenset({"minimiser_reaches_closed_form"}),
                     stuck).agrees
    assert _sandwich(c, data, c.printed, checks=stuck[1:] + data["checks"][:1]).agrees
    # the risk functional at the explicit minimiser off the closed form
    off = [dict(x, attained=x["exact"] + 1e-9) for x in data["checks"]]
    assert not _sandwich(c, data, c.printed, checks=off).agrees
    assert _sandwich(c, data, c.printed, frozenset({"closed_form_attained"}), off).agrees


# --------------------------------------------------------------------------------------------
# Theorem 5
# --------------------------------------------------------------------------------------------

def test_given_w_rule_criteria_are_each_necessary():
    from proofs_check.claims.s3_2_neural_tangent import compare_given_w
    c, data = _data("thm5.W")
    up = relative(c.printed, 1.05)
    assert not compare_given_w(up, data, CTX).agrees
    assert compare_given_w(up, data, CTX, switch_off=frozenset({"formula_in_band"})).agrees
    bad = copy.copy(data)
    bad["cases"] = [dict(x, exact=x["exact"] + 0.05) for x in data["cases"]]
    assert not compare_given_w(c.printed, bad, CTX).agrees
    assert compare_given_w(c.printed, bad, CTX, switch_off=frozenset({"exact_in_band"})).agrees
    # the exact risk off its rational anchor by far less than the band width (a wrong weight of
    # the Δ̃SΔ̃ term moves it by ~1e-2 at d = 4…6, and by O(1/d) inside the band at large d)
    off = copy.copy(data)
    off["anchors"] = [dict(a, exact=a["exact"] * (1 + 1e-9)) for a in data["anchors"]]
    assert not compare_given_w(c.printed, off, CTX).agrees
    assert compare_given_w(c.printed, off, CTX,
                           switch_off=frozenset({"exact_matches_rational_anchor"})).agrees


def test_rational_nt_mixture_risk_by_hand():
    """d = 1, N = 1, Σ = 1, Δ = δ: the class is c + a x², E[x²] = 1, E[y x²] = −δ,
    Var x² = 2 + 2δ² + δ² (Isserlis per class), so R = 1 − δ²/(2 + 3δ²)."""
    from fractions import Fraction

    for delta in (Fraction(1, 2), Fraction(-1, 4)):
        r = ent.rational_nt_mixture_risk([[1]], [[1]], [[delta]])
        assert r == 1 - delta ** 2 / (2 + 3 * delta ** 2)


def test_kappa_rule_criteria_are_each_necessary():
    from proofs_check.claims.s3_2_neural_tangent import compare_kappa
    c, data = _data("thm5.kappa")
    assert compare_kappa(c.printed, data, CTX).agrees
    slip = next(m for m in c.mutants if m.name == "d → d+1").formula
    assert not compare_kappa(slip, data, CTX).agrees
    assert compare_kappa(slip, data, CTX, switch_off=frozenset({"anchor"})).agrees
    # corrupted draws whose fluctuation does not decay (s₀ off its mean by 0.05 at every d)
    bad = copy.copy(data)
    bad["cases"] = [dict(x, s0=[float(x["es0"]) + 0.05 * (-1) ** j for j in range(len(x["s0"]))])
                    for x in data["cases"]]
    assert not compare_kappa(c.printed, bad, CTX).agrees
    assert compare_kappa(c.printed, bad, CTX,
                         switch_off=frozenset({"fluctuation_vanishes"})).agrees


# --------------------------------------------------------------------------------------------
# the Bayes error: decisions rest on the Monte Carlo evidence
# --------------------------------------------------------------------------------------------

def test_bayes_claim_flips_when_its_evidence_is_corrupted():
    c, data = _data("sec3.bayes_not_reached")
    assert run_claim(c, CTX, data=data).verdict == "holds asymptotically"
    # the MC estimate set to the NN risk (the Bayes error "reached"): the gap vanishes
    reached = {"rows": [dict(r, mmse=r["r_nn"], gap=0.0) for r in data["rows"]]}
    assert run_claim(c, CTX, data=reached).verdict == "inconclusive"
    # a gap that decays like 1/d (from its d = 50 value): persistence fails
    d0, g0 = data["rows"][0]["d"], data["rows"][0]["gap"]
    decaying = {"rows": [dict(r, gap=g0 * d0 / r["d"]) for r in data["rows"]]}
    assert run_claim(c, CTX, data=decaying).verdict == "inconclusive"
    cmp = enn.bayes_rule(True, decaying["rows"], switch_off=frozenset({"gap_persists"}))
    assert cmp.agrees
    cmp = enn.bayes_rule(True, reached["rows"], switch_off=frozenset({"gap_positive"}))
    assert not cmp.criteria["gap_positive"]


# --------------------------------------------------------------------------------------------
# ctx.dps reaches the printed formulas
# --------------------------------------------------------------------------------------------

DPS_CLAIMS = ["thm2", "thm2.bound", "eq13.nt", "poster.thm2", "poster.nt_class", "thm5.kappa",
              "eq17.nt", "thm5.rho_ge_1", "thm6", "thm6.rho_ge_1", "eq17.nn", "poster.thm3",
              "poster.mg_table"]


@pytest.mark.parametrize("cid", DPS_CLAIMS)
def test_ctx_dps_reaches_the_printed_formula(cid, monkeypatch):
    import mpmath
    c = get(cid)
    data = c.evidence(CTX)
    seen = set()
    real = mpmath.workdps

    def spy(n, *a, **k):
        seen.add(n)
        return real(n, *a, **k)

    monkeypatch.setattr(mpmath, "workdps", spy)
    for dps in (20, 41):
        seen.clear()
        c.compare(c.printed, data, Context(dps=dps))
        # the formula works at dps (+ guard digits): a precision ≥ dps tied to it is used
        assert any(dps <= n <= dps + 12 for n in seen), (cid, dps, sorted(seen))


def test_finite_d_anchor_tolerance_follows_dps():
    """The anchor exact(d) − (derived error)(d) = formula must hold to 10^(2 − dps), not to a fixed
    loose tolerance: a numeric backend off by 1e-12 (far below any plot, far above 10^-28) fails
    it at dps = 30 and passes at dps = 10 (tolerance 1e-8)."""
    c, data = _data("thm2")
    num_bad = ent.numeric_only(c.printed, 1 + 1e-12)
    assert not ent.limit_rule(num_bad, data, CTX, switch_off=frozenset({"symbolic_limit"})).agrees
    low = Context(dps=10)
    assert ent.limit_rule(num_bad, data, low, switch_off=frozenset({"symbolic_limit"})).agrees


# --------------------------------------------------------------------------------------------
# Theorem 3's value: the mpmath and the float64 paths are both checked against exact values
# --------------------------------------------------------------------------------------------

def _each_rejected_by_its_criterion(compare, data, slips: dict) -> None:
    """Each wrong formula is rejected, and accepted once its own criterion is switched off."""
    for bad, crit in slips.items():
        assert not compare(bad, data, CTX).agrees
        assert compare(bad, data, CTX, switch_off=frozenset({crit})).agrees


def test_thm3_value_criteria_are_each_necessary():
    import numpy as np

    from proofs_check.claims.s2_3_neural_network import compare
    c, data = _data("thm3.value")
    assert compare(c.printed, data, CTX).agrees

    def float_slip(B, N, dps=30):  # the float64 path sums from index N + 1 (an off-by-one)
        if dps is not None:
            return c.printed(B, N, dps)
        lam = np.sort(np.linalg.eigvalsh(B))[::-1]
        return 2.0 * float(np.sum(lam[N + 1:] ** 2))

    def mp_slip(B, N, dps=30):  # only the mpmath path is off, by 1e-12 relative
        v = c.printed(B, N, dps)
        return v if dps is None else v * (1 + 1e-12)

    _each_rejected_by_its_criterion(compare, data, {float_slip: "float_path_equals_derived",
                                                    mp_slip: "printed_equals_derived"})


# --------------------------------------------------------------------------------------------
# eq. (6): the corrected gap against exact E_W gaps and, at B = I, against every per-W gap
# --------------------------------------------------------------------------------------------

def test_eq6_corrected_rule_criteria_are_each_necessary():
    from proofs_check.claims.s2_summary import FLAT, eq6_compare
    c, data = _data("eq6")
    assert eq6_compare(c.corrected, data, CTX).agrees
    # the per-W NT − NN gap with R_NN at N + 1 (an O(1/d) slip: 1/d at B = I)
    slipped = copy.copy(data)
    slipped["cases"] = [[dict(x, per_w=[w + 1 / x["d"] for w in x["per_w"]])
                         if x["family"] == FLAT else x for x in rows] for rows in data["cases"]]
    assert not eq6_compare(c.corrected, slipped, CTX).agrees
    assert eq6_compare(c.corrected, slipped, CTX,
                       switch_off=frozenset({"flat_B_per_W_exact"})).agrees
    up = relative(c.corrected, 1.05)
    assert not eq6_compare(up, data, CTX).agrees
    assert eq6_compare(up, data, CTX, switch_off=frozenset({"within_derived_bound"})).agrees


def test_eq13_nn_criteria_are_each_necessary():
    import numpy as np

    from proofs_check.claims.s2_summary import eq13_compare
    c, data = _data("eq13.nn")
    assert eq13_compare(c.printed, data, CTX).agrees

    def float_slip(B, N, dps=None):  # the float64 path sums N + 1 eigenvalues
        if dps is not None:
            return c.printed(B, N, dps)
        Bf = np.array(B.tolist(), dtype=float)
        lam = np.sort(np.linalg.eigvalsh(Bf))[::-1]
        return 1.0 - float(np.sum(lam[:N + 1] ** 2)) / float(np.sum(Bf * Bf))

    def mp_slip(B, N, dps=None):  # only the mpmath path is off, by 1e-12 relative
        v = c.printed(B, N, dps)
        return v if dps is None else v * (1 + 1e-12)

    _each_rejected_by_its_criterion(eq13_compare, data, {float_slip: "float_path_equals_derived",
                                                         mp_slip: "printed_equals_derived"})


def test_thm6_checks_the_exact_rational_input_path():
    """A formula wrong only for exact rational (Σ, Δ) — e.g. Δ̃ᵢᵢ = Δᵢᵢ/Σᵢᵢ² on that path — is
    rejected: thm6's evidence has a diagonal Σ ≠ I family evaluated from exact inputs."""
    c, data = _data("thm6")
    assert any("input" in x for x in data["cases"])
    assert c.compare(c.printed, data, CTX).agrees

    def wrong_exact(mixture, N, dps=30):
        if isinstance(mixture, tuple):
            S, D = mixture
            d = len(S)
            return c.printed(([[S[i][j] ** 2 if i == j else S[i][j] for j in range(d)]
                               for i in range(d)], D), N, dps)
        return c.printed(mixture, N, dps)

    assert not c.compare(wrong_exact, data, CTX).agrees
