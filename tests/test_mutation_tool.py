"""The mutation catalogue (``tools/mutants.toml``) and its driver (``tools/mutation.py``).

Fast and static: the catalogue parses, its ids are unique, every mutant applies (its ``find``
occurs exactly once in its function and the mutated file still parses), every claim it names is
registered and every test file it names exists. No ``proofs-check`` or pytest run here: the
scores are measured by hand (``python tools/mutation.py``, README development section).
"""

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from proofs_check.registry import all_claims

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
assert _spec is not None and _spec.loader is not None
mutation = importlib.util.module_from_spec(_spec)
sys.modules["mutation_tool"] = mutation    # dataclasses resolve their module through sys.modules
_spec.loader.exec_module(mutation)

MUTANTS = mutation.load()

#: Files the issue asks the catalogue to cover (printed formulas and evidence code).
REQUIRED_FILES = {
    "lazysym/rf/formulas.py", "lazysym/rf/symbolic.py", "lazysym/nt/formulas.py",
    "lazysym/nn/formulas.py", "lazysym/rf/exact.py", "lazysym/rf/kernels.py",
    "lazysym/nt/exact.py", "lazysym/nt/symbolic.py", "lazysym/nn/optimum.py",
    "lazysym/nn/eckart_young.py", "lazysym/objects/fixed_point.py", "lazysym/objects/hermite.py",
    "lazysym/compare/chizat_bach.py", "lazysym/compare/gaps.py",
    "proofs_check/evidence/decisions.py",
}


def test_catalogue_parses_with_unique_ids():
    ids = [m.id for m in MUTANTS]
    assert len(MUTANTS) >= 120
    dup = [i for i, n in Counter(ids).items() if n > 1]
    assert not dup, f"duplicate mutant ids: {dup}"


def test_duplicate_id_is_rejected(tmp_path):
    row = ('[[mutant]]\nid = "x"\nfile = "f.py"\nfunction = "g"\nfind = "1"\nreplace = "2"\n'
           'claims = ["thm2"]\ntests = []\n')
    p = tmp_path / "m.toml"
    p.write_text(row + "\n" + row)
    with pytest.raises(ValueError, match="duplicate"):
        mutation.load(p)


def test_every_mutant_applies():
    assert mutation.check_applies(MUTANTS) == []


def test_a_find_that_is_not_unique_does_not_apply():
    m = next(x for x in MUTANTS if x.id == "nt.thm2.sign")
    bad = mutation.Mutant(**{**m.__dict__, "id": "bad", "find": "p"})    # 'p' occurs many times
    msgs = mutation.check_applies([bad])
    assert len(msgs) == 1 and "occurs" in msgs[0]
    gone = mutation.Mutant(**{**m.__dict__, "id": "gone", "function": "no_such_function"})
    assert "not found" in mutation.check_applies([gone])[0]


def test_mutants_change_the_source():
    for m in MUTANTS:
        assert m.find != m.replace, m.id


def test_listed_claims_are_registered():
    known = {c.id for c in all_claims()}
    for m in MUTANTS:
        assert m.claims, f"{m.id}: no claims to run"
        unknown = set(m.claims) - known
        assert not unknown, f"{m.id}: unknown claim ids {sorted(unknown)}"


def test_listed_test_files_exist():
    for m in MUTANTS:
        for t in m.tests:
            f = t.split("::", 1)[0]
            assert (ROOT / f).is_file(), f"{m.id}: no test file {f}"


def test_equivalent_mutants_give_a_reason():
    for m in MUTANTS:
        assert isinstance(m.equivalent, str), m.id
        if m.equivalent:
            assert len(m.equivalent.split()) >= 5, f"{m.id}: say why it is equivalent"


def test_catalogue_covers_the_formula_and_evidence_files():
    files = {m.file for m in MUTANTS}
    assert REQUIRED_FILES <= files, f"not covered: {sorted(REQUIRED_FILES - files)}"
    assert any(f.startswith("proofs_check/evidence/") and f != "proofs_check/evidence/decisions.py"
               for f in files)


def test_scores_count_only_scored_mutants():
    m = MUTANTS[0]
    R = mutation.Result
    s = mutation.scores([R(m, "checks"), R(m, "tests"), R(m, "survived"), R(m, "equivalent"),
                         R(m, "invalid")])
    assert (s["scored"], s["killed_by_checks"], s["killed_by_tests"], s["survived"]) == (3, 1, 1, 1)
    assert s["score_checks"] == pytest.approx(1 / 3) and s["score_total"] == pytest.approx(2 / 3)
