"""Every registered claim: its verdict and strength match the ledger, and its check can fail.

The graded self-test: for each claim, the form that agrees with the evidence (the printed one, or
the corrected one when only it agrees) is replaced by each of its mutants
(:func:`proofs_check.evidence.mutants.mutants_of`: relative ±5 % / ±2 %, constants changed, O(1/d)
slips) and compared against the *same* evidence; every comparison must disagree, except the
mutants the claim lists in ``tolerated`` (with their measured detection threshold). Every
registered claim is on these rules (the first version's single x → 1.1·x + 0.05 perturbation
test is gone).
"""

import pytest

from proofs_check.audit import self_test
from proofs_check.ledger import load_ledger
from proofs_check.registry import Context, all_claims, run_claim

CLAIMS = all_claims()
LEDGER = load_ledger()


def test_ledger_and_registry_agree():
    ids = {c.id for c in CLAIMS}
    assert not (set(LEDGER) - ids), f"ledger entries without a claim: {sorted(set(LEDGER) - ids)}"
    assert not (ids - set(LEDGER)), f"claims missing from the ledger: {sorted(ids - set(LEDGER))}"


def test_every_claim_has_a_source_and_statement():
    for c in CLAIMS:
        assert c.source and c.statement and c.method, c.id
        if c.corrected is not None:
            assert c.corrected_statement, f"{c.id}: a corrected form needs its statement"


@pytest.mark.parametrize("cid", [c.id for c in CLAIMS])
def test_claim_verdict_and_self_test(cid):
    c = next(x for x in CLAIMS if x.id == cid)
    ctx = Context()
    data = c.evidence(ctx)
    out = run_claim(c, ctx, data=data)
    assert out.error is None, f"{cid}: the check raised:\n{out.error}"
    assert {"verdict": out.verdict, "strength": out.strength} == LEDGER.get(cid), (
        f"{cid}: {out.verdict} · {out.strength} ({out.note}) but the ledger expects "
        f"{LEDGER.get(cid)}")
    # the same self-test ``proofs-check --audit`` runs (proofs_check.audit.self_test)
    st = self_test(c, out, data, ctx)
    assert st["total"], f"{cid}: no mutant of the {st['form']} form, so its check is never shown to fail"
    assert not st["accepted"], f"{cid}: mutants of the {st['form']} form still agree: {st['accepted']}"


# ---------------------------------------------------------------------------------------------
# eq. (9)/(14): the general-D proof uses λ̃ > 0 and sees a changed equation
# ---------------------------------------------------------------------------------------------

def test_eq9_proof_counts_for_a_general_spectral_law():
    from lazysym import rf
    from proofs_check.claims import s2_1_fixed_point as fp
    S = rf.SYMBOLS
    F = rf.eq9_residual()
    assert fp.prove_root_count(F)[0] == 1
    # λ₁ = 0 (e.g. σ = x² − 1): the integral vanishes, ψ = ρ/λ̃ is still the one root
    assert fp.prove_root_count(F.subs(S.lambda1, 0))[0] == 1
    # ρ/ψ → −ρ/ψ: h(0+) = −ρ < 0 and h decreasing, so no positive root (proved)
    assert fp.prove_root_count(F.subs(S.rho, -S.rho))[0] == 0
    # −λ̃ → +λ̃: h is not monotone, the argument does not apply
    assert fp.prove_root_count(F.subs(S.lambda_tilde, -S.lambda_tilde))[0] is None


def test_eq9_proof_needs_lambda_tilde_positive():
    """At λ̃ = 0 (linear σ, excluded by A1) h → ρ − D((0, ∞)), not −∞: no conclusion."""
    from lazysym import rf
    from proofs_check.claims import s2_1_fixed_point as fp
    count, facts = fp.prove_root_count(rf.eq9_residual().subs(rf.SYMBOLS.lambda_tilde, 0))
    assert count is None
    assert facts["d(psi*A)/dpsi < 0"] is False


def test_eq9_compare_rejects_an_equation_of_another_shape():
    import sympy as sp

    from lazysym import rf
    c = next(x for x in CLAIMS if x.id == "thm1.eq9")
    ctx = Context()
    data = c.evidence(ctx)
    other = rf.eq9_residual() + sp.Symbol("extra")
    out = c.compare(lambda: {"residual": other, "positive_roots": 1}, data, ctx)
    assert not out.agrees and out.criteria == {"equation_shape": False}


def test_eq9_witness_data_must_match_their_definitions():
    """λ̃ of a witness off its definition E σ² − λ₁² (e.g. E σ² − λ₁³) is rejected by
    ``witness_data_match_definitions``; every other criterion still holds."""
    import copy

    c = next(x for x in CLAIMS if x.id == "thm1.eq9")
    ctx = Context()
    data = c.evidence(ctx)
    assert data["hermite_deviation"] <= 1e-28
    bad = copy.copy(data)
    bad["hermite_deviation"] = 1e-20
    out = c.compare(c.printed, bad, ctx)
    assert not out.agrees and not out.criteria["witness_data_match_definitions"]
    assert all(v for k, v in out.criteria.items() if k != "witness_data_match_definitions")
