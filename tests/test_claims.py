"""Every registered claim: its verdict matches the ledger, and a perturbed formula loses it.

This is the generic guard against checks that cannot fail: for each claim, the printed formula
(and the corrected one, for an erratum) is perturbed with ``registry.perturbed`` (or the claim's
own ``perturb``) and compared against the *same* evidence; the comparison must then disagree.
"""

import pytest

from proofs_check.ledger import load_ledger
from proofs_check.registry import Context, all_claims, decide, run_claim

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
def test_claim_verdict_and_perturbation(cid):
    c = next(x for x in CLAIMS if x.id == cid)
    ctx = Context()
    data = c.evidence(ctx)
    out = run_claim(c, ctx, data=data)
    assert out.verdict == LEDGER.get(cid), (
        f"{cid}: verdict {out.verdict!r} ({out.note}) but the ledger expects {LEDGER.get(cid)!r}")
    # the printed formula, perturbed, must not agree with the evidence
    p = c.compare(c.perturbed_printed(), data, ctx)
    assert not p.agrees, f"{cid}: a perturbed printed formula still agrees — the check cannot fail"
    assert decide(p, None)[0] not in ("holds", "holds asymptotically")
    if c.corrected is not None:
        q = c.compare(c.perturbed_corrected(), data, ctx)
        assert not q.agrees, f"{cid}: a perturbed corrected formula still agrees"
