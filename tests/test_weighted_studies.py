"""Survey weights carried into the studies (issue 15, item 8), checked against R ``survey`` values
typed in from /work/refs/REFERENCES.md case f (R 4.2.2, survey 4.1.1, survival 3.5.3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cxkit as cx

REFS = Path("/work/refs/data")
needs_refs = pytest.mark.skipif(not REFS.exists(), reason="reference inputs in /work/refs/data not available")


@needs_refs
def test_survey_weighted_logit_matches_svyglm_on_apistrat():
    # R: svyglm(hi ~ stype, svydesign(ids = ~1, weights = ~pw, data = apistrat), family = quasibinomial()),
    # reference level E (REFERENCES.md case f, design "ids=~1, w=pw").
    r_coef = {"Intercept": -0.160342649569922, "stype[H]": -0.686955206047556, "stype[M]": -0.992336848493124}
    r_se = {"Intercept": 0.201146585090362, "stype[H]": 0.369021174134402, "stype[M]": 0.388149546897381}
    d = pd.read_csv(REFS / "apistrat.csv")
    fit = cx.logit(d, "hi", ["stype"], reference={"stype": "E"}, survey_weights="pw")
    t = fit.table.set_index("term")
    for term in r_coef:
        assert t.loc[term, "coef"] == pytest.approx(r_coef[term], abs=1e-7)
        assert t.loc[term, "se"] == pytest.approx(r_se[term], rel=1e-6)
    assert "sandwich" in fit.method and fit.n == len(d)
    # pw is constant within stype, so these estimates equal the unweighted ones; on sch_wide (not a
    # stratum) the weights move the estimate.
    w = cx.logit(d, "hi", ["sch_wide"], survey_weights="pw").table.set_index("term")
    u = cx.logit(d, "hi", ["sch_wide"]).table.set_index("term")
    assert abs(w["coef"].iloc[0] - u["coef"].iloc[0]) > 0.05 and abs(w["se"].iloc[1] - u["se"].iloc[1]) > 0.02
    with pytest.raises(cx.ParameterError, match="not both"):
        cx.logit(d, "hi", ["stype"], weights="pw", survey_weights="pw")
