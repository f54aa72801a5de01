"""Chizat–Bach criterion claims: every criterion of cb.kappa's rule is necessary."""

from __future__ import annotations

import copy

from proofs_check.registry import Context, get

CTX = Context()


def test_kappa_rule_criteria_are_each_necessary():
    from proofs_check.claims.chizat_bach_criterion import kappa_compare
    c = get("cb.kappa")
    data = c.evidence(CTX)
    assert kappa_compare(c.printed, data, CTX).agrees
    by_name = {m.name: m.formula for m in c.mutants}
    for name, crit in (("10× smaller", "bound_holds"), ("10× larger", "attained")):
        assert not kappa_compare(by_name[name], data, CTX).agrees
        assert kappa_compare(by_name[name], data, CTX, switch_off=frozenset({crit})).agrees
    # lazysym's κ of the sharp model off by 2 % (both order criteria absorb it, the anchor not)
    bad = copy.copy(data)
    bad["runs"] = [dict(r, kappa=r["kappa"] * 1.02) if r["model"] == "sharp quadratic map" else r
                   for r in data["runs"]]
    cmp = kappa_compare(c.printed, bad, CTX)
    assert not cmp.agrees and cmp.criteria["bound_holds"] and cmp.criteria["attained"]
    assert kappa_compare(c.printed, bad, CTX,
                         switch_off=frozenset({"sharp_model_anchor"})).agrees


def test_kappa_flow_criterion_is_necessary():
    """The sharp model's Δ(t̃) off the flow recomputed from h's definition (1e-6 relative, far
    below anything the order criteria see) is rejected; switched off it passes."""
    from proofs_check.claims.chizat_bach_criterion import FLOW_TOL, kappa_compare
    c = get("cb.kappa")
    data = c.evidence(CTX)
    assert data["flow_rel"] <= FLOW_TOL
    bad = dict(data, flow_rel=1e-6)
    cmp = kappa_compare(c.printed, bad, CTX)
    assert not cmp.agrees and not cmp.criteria["flow_matches_definition"]
    assert kappa_compare(c.printed, bad, CTX,
                         switch_off=frozenset({"flow_matches_definition"})).agrees
