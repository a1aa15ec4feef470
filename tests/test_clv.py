"""Issue 18: customer lifetime value (cx.clv) against closed forms and in seeded simulations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.errors import ParameterError
from cxkit.stats.clv import MONTH_DAYS, clv, clv_closed_form, monthly_rate

S0 = pd.Timestamp("2000-01-01")


def _day(months: np.ndarray) -> pd.Series:
    return pd.Series(S0 + pd.to_timedelta(np.round(np.asarray(months) * MONTH_DAYS), "D"))


def constant_hazard_base(seg: str, h_num: int, h_den: int, k: int, revenue: float) -> pd.DataFrame:
    """A cohort in which exactly a share h = h_num/h_den of those left leaves in each of k months.

    N = h_den ** k customers, so every month's churners, N (1-h)^m h, are whole numbers; the rest
    are still customers at the cut-off (k + 0.5 months after the start).
    """
    n = h_den ** k
    q_num = h_den - h_num
    ends, left = [], n
    for m in range(k):
        d = left * h_num // h_den
        ends += [m + 0.5] * d
        left -= d
    assert left == q_num ** k
    months = np.array(ends + [np.nan] * left)
    return pd.DataFrame({"segment": seg, "start_date": S0, "end_date": _day(np.nan_to_num(months)).where(
        ~np.isnan(months)), "value": revenue})


def test_constant_hazard_matches_closed_form():
    base = pd.concat([constant_hazard_base("a", 1, 4, 8, 50.0), constant_hazard_base("b", 1, 2, 8, 20.0)],
                     ignore_index=True)
    as_of = S0 + pd.Timedelta(days=round(8.5 * MONTH_DAYS))
    dm = monthly_rate(0.10)
    for horizon in (6, 7, 60):  # within the observed months, and far beyond them (extrapolated)
        r = clv(base, by="segment", as_of=as_of, observed_from=S0, discount=0.10, horizon=horizon, n_boot=0,
                min_risk=1)
        t = r.summary().set_index("segment")
        assert t.loc["a", "clv"] == pytest.approx(clv_closed_form(50.0, 0.75, dm, horizon), abs=1e-6)
        assert t.loc["b", "clv"] == pytest.approx(clv_closed_form(20.0, 0.50, dm, horizon), abs=1e-6)
        assert t.loc["a", "retention_month"] == pytest.approx(0.75, abs=1e-12)
        assert t.loc["a", "clv_simple"] == pytest.approx(50 * 0.75 / (1 + dm - 0.75), abs=1e-6)
        lifetime = sum(0.75 ** s for s in range(1, horizon + 1))
        assert t.loc["a", "lifetime_months"] == pytest.approx(lifetime, abs=1e-9)
    # Closed form by hand (Gupta & Lehmann: m r / (1 + i - r)) at 1 % a month.
    assert clv_closed_form(100, 0.9, 0.01, None) == pytest.approx(100 * 0.9 / 0.11)
    assert clv_closed_form(100, 0.9, 0.01, 3) == pytest.approx(100 * sum((0.9 / 1.01) ** t for t in (1, 2, 3)))


def simulated_base(rng: np.random.Generator, n: int, h: float, *, truncate: bool = False) -> pd.DataFrame:
    """Geometric monthly lifetimes (hazard h), starts spread over 36 months before the cut-off.

    ``truncate``: starts go back 72 months but the table holds only customers still there 36 months
    before the cut-off (as a CRM export that begins at a date).
    """
    span = 72 if truncate else 36
    start_m = -rng.uniform(0, span, n)  # months relative to the cut-off (0)
    life = rng.geometric(h, n) - 1 + rng.uniform(0.1, 0.9, n)
    end_m = start_m + life
    keep = end_m > -36 if truncate else np.ones(n, bool)
    end_m = np.where(end_m <= -0.01, end_m, np.nan)
    cut = S0 + pd.Timedelta(days=round(100 * MONTH_DAYS))
    to_date = lambda m: pd.Series(cut + pd.to_timedelta(np.round(np.nan_to_num(m) * MONTH_DAYS), "D"))  # noqa: E731
    df = pd.DataFrame({"start_date": to_date(start_m), "end_date": to_date(end_m).where(~np.isnan(end_m)),
                       "value": rng.lognormal(3, 0.5, n)})
    return df[keep].reset_index(drop=True), cut


def test_delayed_entry_removes_left_truncation_bias():
    rng = np.random.default_rng(5)
    # Hazard falls with tenure in the population? No: constant 3 %/month, so the truth is the closed form.
    df, cut = simulated_base(rng, 60_000, 0.03, truncate=True)
    first = cut - pd.Timedelta(days=round(36 * MONTH_DAYS))
    r = clv(df, as_of=cut, observed_from=first, n_boot=0, horizon=24)
    truth_ret = 0.97
    assert r.summary()["retention_month"].iloc[0] == pytest.approx(truth_ret, abs=0.002)
    mean_rev = np.exp(3 + 0.5 ** 2 / 2)
    truth = clv_closed_form(mean_rev, truth_ret, monthly_rate(0.10), 24)
    assert r.summary()["clv"].iloc[0] == pytest.approx(truth, rel=0.03)
    # The default observed_from (first churn in the table) is the same date here, up to a day.
    d = clv(df, as_of=cut, n_boot=0, horizon=24).summary()["clv"].iloc[0]
    assert d == pytest.approx(r.summary()["clv"].iloc[0], rel=0.01)


def test_bootstrap_interval_covers_truth_at_nominal_rate():
    """200 seeded datasets of 400 customers: the 90 % interval covers the true CLV about 90 % of the time."""
    rng = np.random.default_rng(20261127)
    h, horizon = 0.04, 24
    truth = clv_closed_form(np.exp(3 + 0.5 ** 2 / 2), 1 - h, monthly_rate(0.10), horizon)
    hits = []
    for rep in range(200):
        df, cut = simulated_base(rng, 400, h)
        t = clv(df, as_of=cut, observed_from=S0, horizon=horizon, n_boot=200, level=0.90, seed=rep,
                min_risk=5).summary()
        hits.append(t["ci_low"].iloc[0] <= truth <= t["ci_high"].iloc[0])
    cover = np.mean(hits)
    # Binomial sd at 200 reps is 2.1 points; percentile intervals run slightly short at n = 400.
    assert 0.83 <= cover <= 0.96, cover


def test_sample_segments_order_and_result_protocol():
    ds = cx.load_dataset(cx.sample_spec_path())
    r = cx.clv(ds.customers, by="segment", n_boot=200)
    t = r.summary().set_index("segment")
    # Enterprise pays most and churns least, consumers the reverse (sample README).
    assert t.loc["enterprise", "clv"] > t.loc["smb", "clv"] > t.loc["consumer", "clv"]
    assert (t["ci_low"] < t["clv"]).all() and (t["clv"] < t["ci_high"]).all()
    assert "Lifetime value over 60 months" in r.headline()
    assert "customer_id" not in str(r)


@pytest.mark.parametrize("kw, words", [
    ({"horizon": 0}, ["horizon", "0"]), ({"discount": 10}, ["discount", "10"]), ({"level": 95}, ["level", "95"]),
    ({"n_boot": 5}, ["n_boot", "5"]), ({"margin": 0}, ["margin", "0"]), ({"by": "nope"}, ["nope"]),
])
def test_bad_arguments_name_themselves(kw, words):
    df = constant_hazard_base("a", 1, 4, 3, 10.0)
    with pytest.raises(cx.CxkitError) as e:
        clv(df, **kw)
    for w in words:
        assert w in str(e.value)
    if "by" not in kw:
        assert isinstance(e.value, ParameterError)


# cxkit.data.synth_value.clv_truth(1_000_000, seed=(7, 8, 9, 10)), 4M customers: a new customer's discounted revenue over 60 months at 10 %/year,
# by the generator's model (sample README, "Ground truth: lifetime value").
TRUE_CLV = {"consumer": 1264.2, "smb": 9072.6, "enterprise": 86191.3}


@pytest.fixture(scope="module")
def sample_clv():
    ds = cx.load_dataset(cx.sample_spec_path())
    return cx.clv(ds.customers, by="segment", n_boot=1000).summary().set_index("segment")


@pytest.mark.parametrize("segment", ["consumer", "smb", "enterprise"])
def test_sample_clv_recovers_the_generator_truth(sample_clv, segment):
    """The sample's customers who joined before its window are survivors of the same process (burn-in), so
    the delayed-entry curve of the pooled base is a new customer's curve and its CLV covers the truth."""
    r = sample_clv.loc[segment]
    assert r["ci_low"] <= TRUE_CLV[segment] <= r["ci_high"]
