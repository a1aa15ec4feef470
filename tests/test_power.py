"""Minimum detectable difference and answers needed (cxkit.stats.power) against statsmodels and a textbook."""

from __future__ import annotations

import pytest
from statsmodels.stats.power import NormalIndPower

import cxkit as cx
from cxkit.stats.power import unit_variance


def test_textbook_medium_effect():
    # Cohen (1988), medium effect d = 0.5, two-sided alpha 0.05, power 0.80: normal approximation
    # n = (1.95996 + 0.84162)^2 * 2 / 0.25 = 62.79 -> 63 per group (Cohen's t-based table 2.4.1 says 64).
    assert cx.n_needed(0.5, 1.0) == 63
    assert NormalIndPower().solve_power(0.5, alpha=0.05, power=0.8) == pytest.approx(62.79, abs=0.01)


@pytest.mark.parametrize("d,ratio", [(0.2, 1.0), (0.35, 2.0), (0.8, 0.5)])
def test_n_needed_matches_normal_ind_power(d, ratio):
    n = NormalIndPower().solve_power(d, alpha=0.05, power=0.8, ratio=ratio)
    assert cx.n_needed(d, 1.0, ratio=ratio) == pytest.approx(n, abs=1.0)  # ours rounds up


@pytest.mark.parametrize("n1,ratio", [(120, 1.0), (400, 1.5), (50, 3.0)])
def test_mdd_matches_normal_ind_power(n1, ratio):
    es = NormalIndPower().solve_power(None, nobs1=n1, alpha=0.05, power=0.8, ratio=ratio)
    assert cx.mdd(1.0, n1, 1.0, n1 * ratio) == pytest.approx(es, rel=1e-3)  # statsmodels adds the far tail


def test_nps_sentence_numbers():
    # NPS 20 from 50 % promoters, 30 % detractors: per-answer variance 10^4 (0.5 + 0.3 - 0.2^2) = 7600 points^2.
    var = unit_variance("nps", p_good=0.5, p_bad=0.3)
    assert var == pytest.approx(7600)
    # 5 NPS points between two such groups: 7.849 * 2 * 7600 / 25 = 4772.4 -> 4773 answers per group
    assert cx.n_needed(5, var) == 4773
    assert cx.mdd(var, 4773) == pytest.approx(5, abs=0.01)


def test_bad_power():
    with pytest.raises(cx.ParameterError, match="power"):
        cx.mdd(1.0, 100, power=80)
    with pytest.raises(cx.ParameterError, match="ratio"):
        cx.n_needed(1.0, 1.0, ratio=0)
