"""One design rule for every regression: logit, grouped_logit and cox agree on levels, names and columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.stats.design import design, reference_level
from cxkit.stats.logit import TABLE_COLUMNS
from cxkit.stats.survival import COX_COLUMNS, cox


def rows(n: int = 3000, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # "pro" is the most frequent plan, but not the first in sorted order.
    df = pd.DataFrame({"plan": rng.choice(["basic", "pro", "team"], n, p=[0.25, 0.5, 0.25]),
                       "score": rng.integers(0, 11, n)})
    lin = -0.5 + 0.4 * (df.plan == "basic") - 0.3 * (df.plan == "team") - 0.15 * df.score
    df["churned"] = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(int)
    df["time_days"] = rng.exponential(300, n).round() + 1
    df["event"] = df["churned"].astype(bool)
    return df


def test_reference_rule_most_frequent_then_first_sorted():
    col = pd.Series(["b", "a", "c", "b", "a"])
    assert reference_level(col) == ("a", ["a", "b", "c"])          # a tie between a and b: first sorted
    assert reference_level(col, np.array([1, 1, 1, 5, 1]))[0] == "b"  # counted in units (weights)
    assert reference_level(pd.Series([10, 2, 2, 10]))[1] == ["2", "10"]  # numbers sort numerically
    cat = pd.Series(pd.Categorical(["hi", "lo", "hi", "lo"], categories=["lo", "hi"], ordered=True))
    assert reference_level(cat)[0] == "lo"                          # category order for Categoricals
    X, levels = design(pd.DataFrame({"plan": col}), ["plan"])
    assert list(X.columns) == ["Intercept", "plan[b]", "plan[c]"] and levels == {"plan": ["a", "b", "c"]}


def test_logit_grouped_logit_and_cox_share_reference_names_and_scales():
    df = rows()
    by_rows = cx.logit(df, "churned", ["plan", "score"])
    by_cells = cx.grouped_logit(df, "churned", categorical="plan", numeric="score")
    hazard = cox(df, ["plan", "score"])
    # Same reference level (the most frequent, "pro") and the same dummy names.
    assert by_rows.reference == by_cells.reference == {"plan": "pro"}
    names = ["Intercept", "plan[basic]", "plan[team]", "score"]
    assert by_rows.table["term"].tolist() == by_cells.table["term"].tolist() == names
    assert hazard.table["term"].tolist() == names[1:]
    # The same columns, with the same meanings: the cell fit equals the row fit.
    assert list(by_rows.table.columns) == list(by_cells.table.columns) == TABLE_COLUMNS
    a, b = by_rows.table.set_index("term"), by_cells.table.set_index("term")
    for col in ("coef", "se", "ci_low", "ci_high", "odds_ratio", "odds_ratio_low", "odds_ratio_high", "p_value"):
        np.testing.assert_allclose(a[col], b[col], rtol=1e-6, atol=1e-9, err_msg=col)
    assert by_rows.llf == pytest.approx(by_cells.llf, rel=1e-9)
    # ci_low/ci_high on the coefficient scale, ratios named as such, in logit and in cox alike.
    h = hazard.table.set_index("term")
    assert list(hazard.table.columns) == COX_COLUMNS
    for t, ratio in ((a, "odds_ratio"), (h, "hazard_ratio")):
        assert (t["ci_low"] < t["coef"]).all() and (t["coef"] < t["ci_high"]).all()
        np.testing.assert_allclose(t[f"{ratio}_low"], np.exp(t["ci_low"]))
        np.testing.assert_allclose(t[f"{ratio}_high"], np.exp(t["ci_high"]))
        np.testing.assert_allclose(t[ratio], np.exp(t["coef"]))


def test_explicit_reference_is_honoured_everywhere():
    df = rows(1500, seed=3)
    ref = {"plan": "basic"}
    by_rows = cx.logit(df, "churned", ["plan", "score"], reference=ref)
    by_cells = cx.grouped_logit(df, "churned", categorical="plan", numeric="score", reference=ref)
    hazard = cox(df, ["plan", "score"], reference=ref)
    assert by_rows.reference == by_cells.reference == ref
    assert {"plan[pro]", "plan[team]"} <= set(hazard.table["term"]) & set(by_cells.table["term"])


def test_separation_check_is_shared_by_rows_and_cells():
    df = rows(1500, seed=4)
    df.loc[df.plan == "team", "churned"] = 0
    by_rows = cx.logit(df, "churned", ["plan", "score"])
    assert by_rows.status == "separation" and by_rows.method.startswith("Firth")
    with pytest.raises(cx.DegenerateDataError, match=r"separation.*plan=team: none of its"):
        cx.grouped_logit(df, "churned", categorical="plan", numeric="score")


def test_result_protocol():
    fit = cx.grouped_logit(rows(800, seed=5), "churned", categorical="plan", numeric="score")
    assert isinstance(fit, cx.LogitResult) and cx.GroupedLogit is cx.LogitResult
    assert fit.summary().equals(fit.table) and fit.terms is fit.table and fit.loglik == fit.llf
    assert "\n" not in fit.headline() and "reference plan = pro" in fit.headline()
    assert repr(fit).startswith("<LogitResult: Logistic regression of churned")
    # The HTML goes through the one table formatter: human headers, the odds-ratio interval among them.
    assert "odds ratio CI low" in fit._repr_html_() and "odds ratio CI high" in fit._repr_html_()
