"""The interval and p-value adjustment functions, written once in cxkit.stats.intervals."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

import cxkit as cx
from cxkit.stats.intervals import adjust_p, nps_adjusted_wald, t_interval, wilson


def test_wilson_matches_statsmodels_and_leaves_empty_groups_blank():
    lo, hi = wilson([0, 3, 10, 0], [10, 10, 10, 0], 0.9)
    ref_lo, ref_hi = proportion_confint([0, 3, 10], [10, 10, 10], alpha=0.1, method="wilson")
    np.testing.assert_allclose(lo[:3], ref_lo, atol=1e-12)
    np.testing.assert_allclose(hi[:3], ref_hi, atol=1e-12)
    assert lo[0] == 0 and hi[2] == 1 and np.isnan(lo[3]) and np.isnan(hi[3])


def test_t_interval_matches_scipy_and_needs_two_answers():
    lo, hi = t_interval([3.0, 4.0], [1.2, 0.5], [20, 1], 0.95)
    ref = stats.t.interval(0.95, 19, loc=3.0, scale=1.2 / np.sqrt(20))
    np.testing.assert_allclose([lo[0], hi[0]], ref, rtol=1e-12)
    assert np.isnan(lo[1]) and np.isnan(hi[1])


def test_nps_adjusted_wald_by_hand():
    # 20 promoters, 5 detractors of 40: add 3/4 of each and 3 answers in all (Rocks 2016)
    lo, hi = nps_adjusted_wald([0.5], [0.125], [40], 0.95)
    a_pro, a_det = 20.75 / 43, 5.75 / 43
    half = stats.norm.ppf(0.975) * np.sqrt((a_pro + a_det - (a_pro - a_det) ** 2) / 43)
    np.testing.assert_allclose([lo[0], hi[0]], [a_pro - a_det - half, a_pro - a_det + half], rtol=1e-12)
    t = cx.nps(pd.DataFrame({"score": [10] * 20 + [8] * 15 + [3] * 5}))
    assert t.loc[0, "ci_low"] == pytest.approx(100 * lo[0]) and t.loc[0, "ci_high"] == pytest.approx(100 * hi[0])


def test_adjust_p_keeps_missing_p_values_missing():
    p = pd.Series([0.01, np.nan, 0.04, 0.03], index=[5, 6, 7, 8])
    got = adjust_p(p, "holm")
    np.testing.assert_allclose(got[[0, 2, 3]], multipletests([0.01, 0.04, 0.03], method="holm")[1])
    assert np.isnan(got[1])
    np.testing.assert_array_equal(adjust_p(p, "none"), p.to_numpy())
    with pytest.raises(cx.ParameterError, match="correction"):
        adjust_p(p, "sidak")


def test_only_the_intervals_module_computes_these_intervals():
    root = Path(cx.__file__).parent
    calls = re.compile(r"proportion_confint\(|multipletests\(|n_adj\s*=")
    offenders = [str(py.relative_to(root)) for py in root.rglob("*.py")
                 if py.name != "intervals.py" and calls.search(py.read_text(encoding="utf-8"))]
    assert offenders == []
