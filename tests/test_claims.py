"""Every registered claim: its verdict and strength match the ledger, and its check can fail.

The graded self-test: for each claim, the form that agrees with the evidence (the printed one, or
the corrected one when only it agrees) is replaced by each of its mutants
(:func:`proofs_check.evidence.mutants.mutants_of`: relative ±5 % / ±2 %, constants changed, O(1/d)
slips) and compared against the *same* evidence; every comparison must disagree, except the
mutants the claim lists in ``tolerated`` (with their measured detection threshold).

``LEGACY`` lists the claims still on the first version's acceptance rules
(:mod:`proofs_check.evidence.legacy`); they keep the first version's single perturbation test
(x → 1.1·x + 0.05) until they move to :mod:`proofs_check.evidence.decisions`.
"""

import pytest

from proofs_check.evidence.legacy import perturbed
from proofs_check.evidence.mutants import mutants_of
from proofs_check.ledger import load_ledger
from proofs_check.registry import CORRECTIONS, Context, all_claims, decide, run_claim

CLAIMS = all_claims()
LEDGER = load_ledger()

# claims moved to the new rules (graded self-test): the NT/NN and RF groups
_MOVED = {"thm2", "thm2.bound", "eq13.nt", "poster.thm2", "poster.nt_class", "thm5.W", "thm5.kappa",
          "thm5.rho_ge_1", "eq17.nt", "thm6", "thm6.rho_ge_1", "eq17.nn", "sec3.bayes_not_reached",
          "poster.thm3", "poster.mg_table", "poster.arbitrary_gap"}
_MOVED |= {"thm1.eq10", "thm1.eq11", "thm1.isotropic", "thm1.trace_zero", "cor1.eq12", "eq13.rf",
           "thm4.eq15", "thm4.eq16", "thm4.lambda0_wlog", "eq17.rf", "poster.thm1",
           "poster.rho_inf_any_activation", "poster.mg_rf"}
_MOVED |= {"sec1.rf_in_nn", "sec1.nt_in_nn2n", "sec2.3.loss", "sec2.3.loss.closed_form", "prop1",
           "thm3.sgd", "thm3.value", "eq13.nn", "eq6", "cb.finite_horizon", "cb.infinite_horizon",
           "cb.kappa", "cb.width", "cb.lazy_limit", "poster.relu_gap"}
LEGACY = {c.id for c in CLAIMS} - _MOVED


def test_ledger_and_registry_agree():
    ids = {c.id for c in CLAIMS}
    assert not (set(LEDGER) - ids), f"ledger entries without a claim: {sorted(set(LEDGER) - ids)}"
    assert not (ids - set(LEDGER)), f"claims missing from the ledger: {sorted(ids - set(LEDGER))}"


def test_every_claim_has_a_source_and_statement():
    for c in CLAIMS:
        assert c.source and c.statement and c.method, c.id
        if c.corrected is not None:
            assert c.corrected_statement, f"{c.id}: a corrected form needs its statement"


def _legacy_perturbed(c, f):
    return c.perturb(f) if c.perturb is not None else perturbed(f)


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
    form = "corrected" if out.verdict in CORRECTIONS.values() else "printed"
    if cid in LEGACY:
        p = c.compare(_legacy_perturbed(c, c.printed), data, ctx)
        assert not p.agrees, f"{cid}: a perturbed printed formula still agrees"
        assert decide(p, None)[0] not in ("holds", "holds asymptotically")
        if c.corrected is not None:
            q = c.compare(_legacy_perturbed(c, c.corrected), data, ctx)
            assert not q.agrees, f"{cid}: a perturbed corrected formula still agrees"
        return
    survivors = []
    for m in mutants_of(c, form):
        if m.name in c.tolerated:
            continue
        if c.compare(m.formula, data, ctx).agrees:
            survivors.append(m.name)
    assert not survivors, f"{cid}: mutants of the {form} form still agree: {survivors}"
