"""Driver importance: Shapley and relative weights against brute force and hand formulas."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import cxkit as cx
from cxkit.errors import DegenerateDataError
from cxkit.research.drivers import relative_importance, relative_weights, shapley_r2


def _data(seed=0, n=400):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 4))
    x = z @ np.array([[1, .5, .3, 0], [0, 1, .4, .2], [0, 0, 1, .3], [0, 0, 0, 1]])
    y = 0.6 * x[:, 0] + 0.3 * x[:, 1] + 0.1 * x[:, 2] + rng.normal(size=n)
    return pd.DataFrame(x, columns=["a", "b", "c", "d"]).assign(nps=y)


def _r2(df, cols):
    if not cols:
        return 0.0
    return sm.OLS(df["nps"], sm.add_constant(df[list(cols)])).fit().rsquared


def test_shapley_equals_brute_force_over_orders():
    df = _data()
    drivers = ["a", "b", "c", "d"]
    c = df[["nps", *drivers]].corr().to_numpy()
    mine = shapley_r2(c[1:, 1:], c[1:, 0])
    brute = dict.fromkeys(drivers, 0.0)
    orders = list(permutations(drivers))
    for order in orders:               # average gain in R² (statsmodels OLS) over every entry order
        for i, d in enumerate(order):
            brute[d] += (_r2(df, order[: i + 1]) - _r2(df, order[:i])) / len(orders)
    np.testing.assert_allclose(mine, [brute[d] for d in drivers], atol=1e-10)
    assert mine.sum() == pytest.approx(_r2(df, drivers))


def test_two_drivers_by_hand_and_orthogonal_drivers():
    R = np.array([[1, .4], [.4, 1]])
    r = np.array([.5, .3])
    full = r @ np.linalg.solve(R, r)
    assert shapley_r2(R, r)[0] == pytest.approx(0.5 * (r[0] ** 2 + full - r[1] ** 2))
    eye = np.eye(3)
    rr = np.array([.4, .2, .1])
    np.testing.assert_allclose(shapley_r2(eye, rr), rr**2)
    np.testing.assert_allclose(relative_weights(eye, rr), rr**2)


def test_relative_weights_sum_to_r2_and_track_shapley():
    df = _data(seed=3)
    c = df[["nps", "a", "b", "c", "d"]].corr().to_numpy()
    rw, sh = relative_weights(c[1:, 1:], c[1:, 0]), shapley_r2(c[1:, 1:], c[1:, 0])
    assert rw.sum() == pytest.approx(_r2(df, ["a", "b", "c", "d"]))
    np.testing.assert_allclose(rw, sh, atol=0.01)


def test_relative_importance_table_and_intervals():
    df = _data(seed=5)
    imp = relative_importance(df, "nps", ["a", "b", "c", "d"], n_boot=200, seed=7)
    t = imp.table
    assert list(t["driver"][:2]) == ["a", "b"]
    assert t["pct_of_r2"].sum() == pytest.approx(100)
    assert (t["ci_low"] <= t["pct_of_r2"]).all() and (t["pct_of_r2"] <= t["ci_high"]).all()
    assert imp.r2 == pytest.approx(_r2(df, ["a", "b", "c", "d"]))
    again = relative_importance(df, "nps", ["a", "b", "c", "d"], n_boot=200, seed=7)
    pd.testing.assert_frame_equal(t, again.table)
    many = relative_importance(pd.concat([df] + [df[["a"]].rename(columns={"a": f"e{i}"}) + np.random.default_rng(i)
                                                 .normal(size=(len(df), 1)) for i in range(10)], axis=1),
                               "nps", ["a", "b", "c", "d"] + [f"e{i}" for i in range(10)], n_boot=0)
    assert many.method == "relative_weights"


def test_degenerate_drivers():
    df = _data().assign(flat=1.0)
    imp = relative_importance(df, "nps", ["a", "flat"], n_boot=0)
    assert list(imp.table["driver"]) == ["a"] and any("no variance" in n for n in imp.notes)
    with pytest.raises(DegenerateDataError, match="complete rows"):
        relative_importance(df.head(10), "nps", ["a", "b"], n_boot=0)
    with pytest.raises(cx.ParameterError):
        relative_importance(df, "nps", ["nps"], n_boot=0)


def test_pairwise_missing_uses_every_pair(sample):
    study = cx.driver_study(sample, by_touchpoint=True, missing="pairwise", n_boot=50, seed=1)
    imp, frame = study.importance, study.frame
    counts = frame[list(imp.table["driver"])].notna().sum()
    assert (imp.table.set_index("driver")["n"] == counts[imp.table["driver"]].to_numpy()).all()
    # the generator: NPS loads on satisfaction more than on ease, so CSAT drivers lead
    assert imp.table.iloc[0]["driver"].startswith("csat")
    assert any("Pairwise" in n for n in imp.notes)


def test_bootstrap_progress_bar_only_where_someone_watches(monkeypatch):
    import cxkit._progress as prog
    import cxkit.research.drivers as drivers_mod

    # quiet in papermill runs and under `cxkit run --quiet` (CXKIT_PROGRESS=0): the loop is returned as is
    loop = range(3)
    monkeypatch.setenv(prog.PROGRESS_ENV, "0")
    assert prog.progress(loop) is loop
    # forced on: a tqdm bar; unset outside a notebook: tqdm decides from the terminal (disable=None)
    from tqdm import tqdm

    monkeypatch.setenv(prog.PROGRESS_ENV, "1")
    bar = prog.progress(loop, desc="x")
    assert isinstance(bar, tqdm) and not bar.disable and list(bar) == [0, 1, 2]
    monkeypatch.delenv(prog.PROGRESS_ENV)
    monkeypatch.delitem(__import__("sys").modules, "ipykernel", raising=False)
    assert prog._disable() is None
    # the relative-importance bootstrap goes through it, one step per resample
    seen = []
    monkeypatch.setattr(drivers_mod, "progress", lambda it, **kw: seen.append((len(it), kw)) or it)
    relative_importance(_data(seed=5), "nps", ["a", "b"], n_boot=60, seed=1)
    assert seen and seen[0][0] == 60 and seen[0][1]["desc"]
