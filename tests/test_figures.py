"""Tests for lazysym.figures: small-d versions of every frame (valid, non-blank PNGs and PDFs;
sane data against the theorems), the worker pool (same numbers as serial), draw_all, bad inputs.
The NT least-squares solver is tested in test_nt_sampled.py, the training loops in
test_training_loops.py."""

import struct

import numpy as np
import pytest

from lazysym import figures as F
from lazysym.errors import AssumptionError
from lazysym.figures import plot as P

PNG_SIG = b"\x89PNG\r\n\x1a\n"


def _png_pixels(path):
    """The image as an (h, w, channels) uint8 array (matplotlib's PNG reader)."""
    from matplotlib.image import imread

    return np.round(imread(str(path)) * 255).astype(np.int64)


def _assert_real_png(path, min_dpi=200):
    raw = path.read_bytes()
    assert raw[:8] == PNG_SIG and raw[12:16] == b"IHDR"
    w, h = struct.unpack(">II", raw[16:24])
    assert w > 800 and h > 600
    # resolution: the pHYs chunk (pixels per metre) written by matplotlib from dpi
    i = raw.index(b"pHYs")
    ppm = struct.unpack(">I", raw[i + 4:i + 8])[0]
    assert ppm * 0.0254 >= min_dpi - 1
    # not blank: many distinct colours, and a fair share of non-white pixels
    px = _png_pixels(path)[::4, ::4, :3]
    colours = {tuple(p) for p in px.reshape(-1, 3)}
    assert len(colours) > 20
    assert np.mean(np.any(px < 200, axis=2)) > 0.01


@pytest.fixture(scope="module")
def small_left():
    # d = 40, ρ from 0.1 to 4 (the lines and the dots of the paper-size frames, smaller), serial
    Ns = (4, 10, 20, 40, 80, 160)
    out = F.left_frames_data(d=40, Ns=Ns, draws=4, bayes_n=20_000, seed=3, workers=1)
    return out["qf"], out["mg"]


def test_left_frames_write_png_and_pdf(small_left, tmp_path):
    for fd, name in zip(small_left, ("f1", "f2")):
        png, pdf = F.plot_figure([fd], tmp_path / name)
        _assert_real_png(png)
        assert pdf.read_bytes()[:5] == b"%PDF-"
    single = F.plot_frame(small_left[0], tmp_path / "single.png")
    _assert_real_png(single)


def test_figure1_left_curves_ordered(small_left):
    """B ⪰ 0: NN ≤ NT ≤ 1 on the theorem curves (Theorem 2 vs 3, §2.3), RF(Γ ∝ B) ≤ RF(I/d) ≤ 1
    (Cauchy–Schwarz in eq. (12)); NT and NN vanish for N ≥ d."""
    fd, _ = small_left
    x, rf = fd.lines["RF, Γ = I/d — Cor. 1 eq. (12)"][:2]
    rfo = fd.lines["RF, Γ ∝ B — Cor. 1 eq. (12)"][1]
    ntt = fd.lines["NT — Theorem 2"][1]
    nnt = fd.lines["NN — Theorem 3"][1]
    tol = 1e-12
    assert np.all(nnt <= ntt + tol) and np.all(ntt <= 1 + tol) and np.all(rf <= 1 + tol)
    assert np.all(rfo <= rf + tol)
    assert np.all(ntt[x >= 40] <= tol) and np.all(nnt[x >= 40] <= tol)
    # the printed eq. (13) row is the erratum: it stays ≥ Tr(B)²/(d‖B‖²) > 0 for ρ ≥ 1
    printed = fd.lines["NT — eq. (13) as printed (erratum)"][1]
    assert np.all(printed[x >= 40] > 0.3)


def test_figure1_left_dots_near_lines(small_left):
    """Exact finite-d dots near the asymptotic lines at d = 40, for N ≤ d.

    Measured (seeds 3, 4, 5; dot mean − line): RF ≤ 0.061 in absolute value for N ≤ d; NT ≤ 0.026
    (draw-to-draw sd up to 0.05 at d = 40). Tolerance 0.1 ≈ 0.6/√d (the o(1) of Theorem 2 and
    Corollary 1 are O(d^{-1/2}) fluctuations); a wrong formula is caught: eq. (13)'s printed NT
    row is ≥ 0.3 above the (zero) NT dots for N ≥ d. For N > d the exact RF risk falls *below*
    eq. (12) (measured −0.04…−0.12 at ρ = 2, 4), so only its sign is asserted there."""
    fd, _ = small_left
    d = fd.meta["d"]
    for dot, line in (("RF, Γ = I/d: exact, finite d", "RF, Γ = I/d — Cor. 1 eq. (12)"),
                      ("RF, Γ ∝ B: exact, finite d", "RF, Γ ∝ B — Cor. 1 eq. (12)"),
                      ("NT: exact, finite d", "NT — Theorem 2")):
        xs, m = fd.dots[dot][:2]
        lx, ly = fd.lines[line][:2]
        gap = m - np.interp(xs, lx, ly)
        assert np.max(np.abs(gap[xs <= d])) < 0.1, dot
        assert np.all(gap[xs > d] < 0.02), dot
    printed = fd.lines["NT — eq. (13) as printed (erratum)"]
    xs, m = fd.dots["NT: exact, finite d"][:2]
    assert np.all(np.interp(xs[xs >= d], printed[0], printed[1]) - m[xs >= d] > 0.3)
    assert fd.meta["draws"] == 4 and np.all(fd.dots["NT: exact, finite d"][3] == 4)


def test_trained_nn_dots_at_every_N(small_left):
    """Trained NN dots at every N of both frames, never below the exact optimum and within the
    training's stopping tolerance of it (qf flow: < 1e-3 normalised, measured ≤ 2e-4; mg GD:
    < 1e-4, measured ≤ 3e-6); the qf optimum is Theorem 3's value, exact at finite d."""
    f1, f2 = small_left
    for fd, tol in ((f1, 1e-3), (f2, 1e-4)):
        (x, trained), = [v[:2] for k, v in fd.dots.items() if k.startswith("NN: trained")]
        xo, opt = fd.dots["NN: exact optimum, finite d"][:2]
        assert list(x) == list(fd.meta["Ns"]) == list(xo)
        assert np.all(trained >= opt - 1e-9) and np.all(trained <= opt + tol)
    lx, ly = f1.lines["NN — Theorem 3"][:2]
    xo, opt = f1.dots["NN: exact optimum, finite d"][:2]
    np.testing.assert_allclose(opt, np.interp(xo, lx, ly), atol=1e-12)


def test_figure2_left_data_sane(small_left):
    """mg: Bayes ≤ NN ≤ NT ≤ 1 and NN ≤ RF on the curves (Theorems 4–6, E y² = 1); eq. (17)
    corrected RF row matches eq. (15) better than the printed row (Theorem 4, erratum eq17.rf)."""
    _, fd = small_left
    x = fd.lines["NT — Theorem 5 (κ form)"][0]
    ntk = fd.lines["NT — Theorem 5 (κ form)"][1]
    nn6 = fd.lines["NN — Theorem 6"][1]
    rf15 = fd.lines["RF — Theorem 4 eq. (15), Γ = I/d"][1]
    rf17 = fd.lines["RF — eq. (17) as printed, ρ/(1+2ρ) (erratum)"][1]
    rf17c = fd.lines["RF — eq. (17) corrected, ρ/(1+ρ) (= eq. (15) here)"][1]
    tol = 1e-12
    assert np.all(nn6 <= ntk + tol) and np.all(ntk <= 1 + tol) and np.all(nn6 <= rf15 + tol)
    assert np.max(np.abs(rf17c - rf15)) < np.max(np.abs(rf17 - rf15))
    (bayes, err, _), = fd.hlines.values()
    assert 0 < err < 0.02 and bayes < np.min(nn6)
    # exact dots (seeds 3, 4 at d = 40): NT − κ line measured ≤ 0.018, asserted 0.1 (≈ 0.6/√d);
    # NN exact optimum − Theorem 6 measured ≤ 0.022 (the O(Σλ⁴) = O(1/d) term), asserted 0.06
    xs, m = fd.dots["NT: exact, finite d"][:2]
    assert np.max(np.abs(m - np.interp(xs, x, ntk))) < 0.1
    xs, m = fd.dots["NN: exact optimum, finite d"][:2]
    assert np.max(np.abs(m - np.interp(xs, x, nn6))) < 0.06
    xs, m = fd.dots["RF, Γ = I/d: exact, finite d"][:2]
    assert np.all((m > 0) & (m <= 1 + 1e-9))


def test_worker_pool_gives_the_serial_numbers():
    """Two worker processes (one BLAS thread each) give bit-identical numbers to the serial run:
    every task has its own seed, so the result depends neither on the executor nor on order."""
    kw = dict(d=12, Ns=(3, 12, 30), draws=2, bayes_n=2000, seed=4)
    a = F.left_frames_data(workers=1, **kw)
    b = F.left_frames_data(workers=2, **kw)
    for key in ("qf", "mg"):
        for label, v in a[key].dots.items():
            np.testing.assert_array_equal(v[1], b[key].dots[label][1])
    c = F.left_frames_data(workers=1, **{**kw, "seed": 5})
    k = "RF, Γ = I/d: exact, finite d"
    assert not np.array_equal(a["qf"].dots[k][1], c["qf"].dots[k][1])


def test_right_frames_small(tmp_path):
    """Right frames at d = 16: PNG + PDF; NT least squares → exact NT risk as n grows; SGD with
    the step pilot decreases towards the optimum, never below it."""
    fd1 = F.figure1_right_data(size="draft", d=16, Ns=(4, 8), steps=600, seed=1)
    fd2 = F.figure2_right_data(size="draft", d=16, Ns=(4,), steps=600, seed=1)
    for fd, name in ((fd1, "r1"), (fd2, "r2")):
        png, _ = F.plot_figure([fd], tmp_path / name)
        _assert_real_png(png)
        for label, (n, r, *_rest) in fd.dots.items():
            assert np.all(np.isfinite(r)) and np.all(np.diff(n) > 0)
            limit = [v[0] for k, v in fd.hlines.items() if k.startswith(label.split(":")[0])][0]
            if label.startswith("NT"):
                # least squares at n = 4p: the excess over the population risk is ≈
                # tr(K⁻¹E[φφᵀε²])/n, a few × (p/n)·R for these quartic residuals; measured
                # relative excess ≤ 60% at n = 4p (seeds 1, 2), asserted < 150%, never below
                assert limit - 1e-9 <= r[-1] <= 2.5 * limit, label
                assert r[-1] < r[len(r) // 2], label          # past the peak at n = p
            else:
                assert r[-1] >= limit - 1e-9, label
                assert (r[-1] - limit) < 0.7 * (r[0] - limit), label
        for pil in fd.meta["pilot"].values():
            assert set(pil) == set(F.STEP_GRID)


def test_pick_step():
    from lazysym.errors import ConvergenceError

    def run(eps):
        if eps > 0.005:
            raise ConvergenceError("diverged")
        return 1.0 - eps
    step, res = F.pick_step(run)
    assert step == 0.003 and res[0.03] == float("inf")
    with pytest.raises(ConvergenceError):
        F.pick_step(lambda e: (_ for _ in ()).throw(ConvergenceError("x")))


def test_legend_skips_invisible_curves():
    assert P._visible([1, 2], [0.5, 3.0], (0.0, 1.0))
    assert not P._visible([1, 2], [2.0, 3.0], (0.0, 1.0))
    assert not P._visible([1], [np.nan], None)


def test_draw_all_draft_and_progress(tmp_path, monkeypatch):
    """draw_all writes the figures it promises (PNG and PDF) and reports progress."""
    calls = []
    monkeypatch.setitem(P.DRAW_SIZES, "tiny", dict(d=10, Ns=(2, 10), draws=2, right="draft"))
    real1, real2 = F.figure1_right_data, F.figure2_right_data
    monkeypatch.setattr(P, "figure1_right_data",
                        lambda **kw: real1(**kw, d=10, Ns=(3,), steps=100))
    monkeypatch.setattr(P, "figure2_right_data",
                        lambda **kw: real2(**kw, d=10, Ns=(3,), steps=100))
    out = F.draw_all(tmp_path / "figs", seed=1, progress=calls.append, size="tiny", workers=1)
    assert [p.name for p in out] == ["figure1.png", "figure1.pdf", "figure2.png", "figure2.pdf",
                                     "lazy_alpha_sweep.png"]
    assert all(p.read_bytes()[:8] == PNG_SIG for p in out if p.suffix == ".png")
    assert any("NT least squares" in m for m in calls)
    with pytest.raises(AssumptionError, match="size"):
        F.draw_all(tmp_path, size="huge")


@pytest.mark.parametrize("kw", [dict(d=2), dict(Ns=()), dict(Ns=(0, 5)), dict(draws=0),
                                dict(seed=-1), dict(which=("xx",)), dict(bayes_n=3)])
def test_bad_inputs_left(kw):
    args = dict(d=10, Ns=(2, 10), draws=2, seed=0, workers=1)
    args.update(kw)
    with pytest.raises(AssumptionError):
        F.left_frames_data(**args)


def test_bad_inputs_right():
    with pytest.raises(AssumptionError, match="size"):
        F.figure1_right_data(size="huge")
    with pytest.raises(AssumptionError):
        F.figure2_right_data(size="draft", steps=3)
    with pytest.raises(AssumptionError):
        F.figure1_right_data(size="draft", d=2)
