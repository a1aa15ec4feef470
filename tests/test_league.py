"""League tables (issue 16 item 5): empirical-Bayes shrinkage, rank intervals, caterpillar plot.

The hyper-parameters are checked against direct maximum-likelihood fits written independently of
``cxkit.stats.shrinkage`` (scipy's ``betabinom`` / ``dirichlet_multinomial`` log-pmf summed and minimised
by Nelder-Mead, and R's ``optim`` on the closed-form likelihood, typed in with its call), the rank
intervals by a seeded simulation of fixed size, the tail probabilities by numerical integration.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import integrate, optimize, stats  # noqa: E402

import cxkit as cx  # noqa: E402
from cxkit._results import Printer  # noqa: E402
from cxkit.report.i18n import message  # noqa: E402
from cxkit.stats.shrinkage import fit_dirichlet_multinomial, posterior_draws, rank_summary  # noqa: E402

# Fixed example: 15 stores' CSAT answers (n) and top-box answers (k); NPS answers as (detractors,
# passives, promoters). Drawn once from Beta(6, 3) / Dirichlet(2, 3, 5) units and typed in.
N = np.array([12, 25, 40, 8, 60, 33, 19, 90, 15, 47, 28, 70, 22, 5, 110])
K = np.array([7, 15, 24, 6, 53, 19, 10, 54, 7, 35, 19, 36, 18, 5, 48])
X3 = np.array([[0, 5, 7], [6, 13, 6], [2, 9, 29], [1, 4, 3], [18, 21, 21], [21, 4, 8], [4, 3, 12], [12, 16, 62],
               [3, 4, 8], [0, 7, 40], [5, 9, 14], [9, 34, 27], [6, 11, 5], [0, 0, 5], [14, 22, 74]])


def _direct_betabinom(n, k):
    """ML (a, b) of the beta-binomial by a general optimiser on scipy's log-pmf (no gradient, no cxkit)."""
    def nll(t):
        return -stats.betabinom.logpmf(k, n, np.exp(t[0]), np.exp(t[1])).sum()
    r = optimize.minimize(nll, [0.0, 0.0], method="Nelder-Mead",
                          options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000, "maxfev": 40000})
    r = optimize.minimize(nll, r.x, method="Nelder-Mead",  # restart: Nelder-Mead can stall on a shrunk simplex
                          options={"xatol": 1e-13, "fatol": 1e-15, "maxiter": 20000, "maxfev": 40000})
    return np.exp(r.x)


def test_beta_binomial_fit_matches_a_direct_scipy_ml_fit():
    a, b = _direct_betabinom(N, K)
    fit = fit_dirichlet_multinomial(np.column_stack([N - K, K]))
    assert not fit.degenerate and fit.converged
    np.testing.assert_allclose(fit.alpha[::-1], [a, b], rtol=1e-6)  # alpha is (not good, good)


def test_beta_binomial_fit_matches_a_direct_fit_on_simulated_stores():
    rng = np.random.default_rng(1)
    n = rng.integers(5, 200, 40)
    k = rng.binomial(n, rng.beta(8, 4, 40))
    fit = fit_dirichlet_multinomial(np.column_stack([n - k, k]))
    np.testing.assert_allclose(fit.alpha[::-1], _direct_betabinom(n, k), rtol=1e-6)


def test_beta_binomial_and_dirichlet_multinomial_fits_match_r_optim():
    # R 4.x, BFGS -> Nelder-Mead -> BFGS with reltol = 1e-16 on the closed-form likelihoods:
    #   nll <- function(t) { a <- exp(t[1]); b <- exp(t[2]);
    #                        -sum(lchoose(n, k) + lbeta(k + a, n - k + b) - lbeta(a, b)) }
    #   exp(optim(...)$par)  -> "10.2978276330" "5.9191660973"   (logLik -42.4904828175)
    #   dm <- function(t) { a <- exp(t); A <- sum(a); m <- rowSums(X)
    #          -sum(lgamma(A) - lgamma(m + A) + rowSums(lgamma(sweep(X, 2, a, "+"))) - sum(lgamma(a))) }
    #   exp(optim(...)$par)  -> "1.5813893886" "2.7355548907" "4.6390032870"
    bb = fit_dirichlet_multinomial(np.column_stack([N - K, K]))
    np.testing.assert_allclose(bb.alpha[::-1], [10.2978276330, 5.9191660973], rtol=1e-6)
    loglik = bb.loglik + np.sum(stats.binom.logpmf(K, N, 0.5) - K * np.log(0.5) - (N - K) * np.log(0.5))
    assert loglik == pytest.approx(-42.4904828175, abs=1e-7)  # + log choose(n, k): R's full log-likelihood
    dm = fit_dirichlet_multinomial(X3)
    np.testing.assert_allclose(dm.alpha, [1.5813893886, 2.7355548907, 4.6390032870], rtol=1e-6)


def test_dirichlet_multinomial_fit_matches_a_direct_scipy_ml_fit():
    n = X3.sum(axis=1)

    def nll(t):
        return -sum(stats.dirichlet_multinomial.logpmf(x, np.exp(t), m) for x, m in zip(X3, n, strict=True))

    r = optimize.minimize(nll, [0.0, 0.0, 0.0], method="Nelder-Mead",
                          options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 40000, "maxfev": 80000})
    r = optimize.minimize(nll, r.x, method="Nelder-Mead",
                          options={"xatol": 1e-13, "fatol": 1e-15, "maxiter": 40000, "maxfev": 80000})
    np.testing.assert_allclose(fit_dirichlet_multinomial(X3).alpha, np.exp(r.x), rtol=1e-6)


def test_rank_intervals_cover_the_true_rank_at_about_the_nominal_rate():
    # 100 leagues of 30 stores with true shares from Beta(12, 5) and 10..199 answers each (seeded, fixed
    # size): the share of (store, league) pairs whose true rank lies in the 90 % rank interval. Ranks are
    # integers, so the interval (inclusive quantiles) is a little conservative: measured 0.948 at 90 %.
    rng = np.random.default_rng(2016)
    hits = total = 0
    for rep in range(100):
        n = rng.integers(10, 200, 30)
        p = rng.beta(12, 5, 30)
        k = rng.binomial(n, p)
        x = np.column_stack([n - k, k])
        fit = fit_dirichlet_multinomial(x)
        if fit.degenerate:
            continue
        draws = posterior_draws(fit, x, np.array([0.0, 1.0]), 2000, rep)
        _, lo, hi, _, _ = rank_summary(draws, higher_is_better=True, level=0.90, tail=0.1)
        true = stats.rankdata(-p)
        hits += int(((lo <= true) & (true <= hi)).sum())
        total += 30
    assert total >= 2700
    assert 0.88 <= hits / total <= 0.98


def test_tail_probability_of_two_units_matches_numerical_integration():
    # Two stores: P(store 0 is the worse one) = P(p0 < p1) under their beta posteriors, by quadrature.
    x = np.array([[4, 6], [10, 30]])
    fit = fit_dirichlet_multinomial(np.vstack([x, [[30, 50], [5, 20], [12, 12]]]))
    post = [stats.beta(fit.alpha[1] + r[1], fit.alpha[0] + r[0]) for r in x]
    exact = integrate.quad(lambda q: post[0].pdf(q) * post[1].sf(q), 0, 1, epsabs=1e-12)[0]
    draws = posterior_draws(fit, x, np.array([0.0, 1.0]), 40000, 7)
    _, _, _, p_bottom, p_top = rank_summary(draws, higher_is_better=True, level=0.95, tail=0.5)
    assert p_bottom[0] == pytest.approx(exact, abs=0.01)
    assert p_top[0] == pytest.approx(1 - exact, abs=0.01)


def _answers(seed=3, stores=25):
    """CSAT answers (1..5) of stores with true top-box shares from Beta(7, 3) and 3..150 answers."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(stores):
        n = int(rng.integers(3, 150))
        top = rng.random(n) < rng.beta(7, 3)
        rows += [{"store": f"S{s:02d}", "score": int(rng.choice([4, 5]) if t else rng.choice([1, 2, 3]))}
                 for t in top]
    return pd.DataFrame(rows)


def test_league_table_columns_order_and_shrinkage():
    data = _answers()
    lg = cx.league(data, unit="store", metric="csat")
    t = lg.summary()
    for col in ("unit", "store", "n", "top_box", "raw", "raw_ci_low", "raw_ci_high", "shrunken", "shrunken_ci_low",
                "shrunken_ci_high", "shrinkage", "rank", "mean_rank", "rank_low", "rank_high", "p_bottom", "p_top",
                "suppressed"):
        assert col in t.columns, col
    assert len(t) == 25 and t["rank"].tolist() == list(range(1, 26))
    assert t["shrunken"].is_monotonic_decreasing
    # raw share and Wilson interval as cx.csat gives them
    ref = cx.csat(data, by="store", min_n=0).set_index("store")
    r = t.set_index("store")
    np.testing.assert_allclose(r["raw"], ref.loc[r.index, "csat"])
    np.testing.assert_allclose(r["raw_ci_low"], ref.loc[r.index, "ci_low"])
    # posterior mean between the store's own share and the overall level, closer to it the fewer answers
    prior = lg.prior_score
    lo, hi = np.minimum(t["raw"], prior), np.maximum(t["raw"], prior)
    assert ((t["shrunken"] >= lo - 1e-9) & (t["shrunken"] <= hi + 1e-9)).all()
    np.testing.assert_allclose(t["shrunken"], (1 - t["shrinkage"]) * t["raw"] + t["shrinkage"] * prior)
    assert stats.spearmanr(t["n"], t["shrinkage"])[0] == pytest.approx(-1)  # A / (A + n) falls with n
    assert ((t["p_bottom"] >= 0) & (t["p_bottom"] <= 1)).all()
    assert t["p_bottom"].sum() == pytest.approx(round(0.1 * 25), abs=1e-9)  # ranks 24 and 25 in every draw
    assert ((t["rank_low"] <= t["mean_rank"]) & (t["mean_rank"] <= t["rank_high"])).all()


def test_league_is_reproducible_and_the_seed_matters():
    data = _answers()
    a = cx.league(data, unit="store", metric="csat", seed=5).summary()
    b = cx.league(data, unit="store", metric="csat", seed=5).summary()
    c = cx.league(data, unit="store", metric="csat", seed=6).summary()
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["p_bottom"], c["p_bottom"])
    np.testing.assert_allclose(a["shrunken"], c["shrunken"])  # closed form: no simulation


def test_league_headline_names_the_likeliest_bottom_unit_in_english_and_dutch():
    lg = cx.league(_answers(), unit="store", metric="csat")
    t = lg.summary()
    worst = t.loc[t["p_bottom"].idxmax()]
    head = lg.headline()
    assert head == (f"store {worst['unit']} is most likely in the bottom 10 % (P = {worst['p_bottom']:.2f}) of 25 "
                    "units by CSAT.")
    nl = message(head, "nl")
    assert nl.startswith(f"store {worst['unit']} hoort het waarschijnlijkst bij de onderste 10 %")
    assert f"{worst['p_bottom']:.2f}".replace(".", ",") in nl
    assert str(lg).startswith("League table\n" + head)
    html_nl = Printer(lg).to_html("nl")
    assert "Ranglijst" in html_nl and "bijgestelde score" in html_nl


def test_nps_league_counts_and_adjusted_wald_raw_interval():
    data = _answers().assign(score=lambda d: (d["score"] * 2).clip(0, 10))  # 2..10: detractors, passives, promoters
    lg = cx.league(data, unit="store", metric="nps")
    t = lg.summary().set_index("store")
    ref = cx.nps(data, by="store", min_n=0).set_index("store").loc[t.index]
    for col in ("promoters", "passives", "detractors"):
        assert (t[col] == ref[col]).all()
    np.testing.assert_allclose(t["raw"], ref["nps"])
    np.testing.assert_allclose(t["raw_ci_low"], ref["ci_low"])
    assert lg.fit.alpha.shape == (3,)
    assert ((t["shrunken_ci_low"] <= t["shrunken"]) & (t["shrunken"] <= t["shrunken_ci_high"])).all()


def test_churn_league_ranks_lowest_churn_first():
    rng = np.random.default_rng(4)
    cust = pd.DataFrame({"store": np.repeat([f"S{i}" for i in range(12)], 40)})
    cust["churned"] = rng.random(len(cust)) < np.repeat(rng.beta(2, 8, 12), 40)
    t = cx.league(cust, unit="store", metric="churn").summary()
    assert t["shrunken"].is_monotonic_increasing
    assert (t["churned"] == cust.groupby("store")["churned"].sum().loc[t["store"]].to_numpy()).all()
    assert t["suppressed_unit"].eq("customers").all()


def test_small_units_are_shrunk_not_blanked_unless_privacy_asks():
    data = _answers()
    t = cx.league(data, unit="store", metric="csat").summary()
    assert t["n"].min() < 30 and t["shrunken"].notna().all()
    p = cx.league(data, unit="store", metric="csat", min_n=30).summary()
    small = p["n"] < 30
    assert small.any() and p.loc[small, ["raw", "shrunken", "p_bottom"]].isna().all().all()
    assert p.loc[small, "suppressed"].all() and p.loc[~small, "shrunken"].notna().all()
    assert (p["n"] == t.set_index("unit").loc[p["unit"], "n"].to_numpy()).all()  # n still shown


def test_no_between_unit_variation_shrinks_fully_and_says_so():
    # every store 6 of 10 top box: no variation beyond sampling
    data = pd.DataFrame({"store": np.repeat([f"S{i}" for i in range(6)], 10),
                         "score": np.tile([5, 4, 5, 4, 5, 4, 1, 2, 3, 2], 6)})
    lg = cx.league(data, unit="store", metric="csat")
    t = lg.summary()
    assert lg.fit.degenerate
    assert np.allclose(t["shrunken"], 60.0) and (t["shrinkage"] == 1).all()
    assert t["p_bottom"].isna().all() and t["rank"].isna().all()
    assert any("between-unit variance 0" in n for n in lg.notes)
    assert "do not differ by CSAT beyond chance" in lg.headline()
    assert "volledig bijgesteld" in message(lg.notes[0], "nl")
    nps = cx.league(data.assign(score=data["score"] * 2), unit="store", metric="nps")  # the same for NPS (K = 3)
    assert nps.fit.degenerate and nps.summary()["shrunken"].nunique() == 1
    assert (nps.summary()["shrunken_ci_low"] < nps.summary()["shrunken"]).all()


def test_league_errors_name_the_problem():
    data = _answers()
    with pytest.raises(cx.ParameterError, match=r"\['shop'\] named in `unit`"):
        cx.league(data, unit="shop", metric="csat")
    with pytest.raises(cx.DegenerateDataError, match="at least 2 units"):
        cx.league(data.assign(store="S00"), unit="store", metric="csat")
    with pytest.raises(cx.DegenerateDataError, match="one category"):
        cx.league(data.assign(score=5), unit="store", metric="csat")
    with pytest.raises(cx.ParameterError, match="metric"):
        cx.league(data, unit="store", metric="csi")
    with pytest.raises(cx.ParameterError, match="scale"):
        cx.league(data, unit="store", metric="ces")
    with pytest.raises(cx.ParameterError, match="tail"):
        cx.league(data, unit="store", metric="csat", tail=0.7)
    with pytest.raises(cx.ParameterError, match="n_draws"):
        cx.league(data, unit="store", metric="csat", n_draws=10)
    with pytest.raises(cx.DataError, match="churned"):
        cx.league(pd.DataFrame({"store": ["a", "b"], "churned": ["yes", "no"]}), unit="store", metric="churn")


def test_league_on_the_sample_units_of_segment_channel_and_contract():
    ds = cx.load_dataset(cx.sample_spec_path()).as_of("2026-11-01")
    answers = cx.window(ds, "2025-11-01", "2026-11-01")
    unit = ["segment", "preferred_channel", "contract"]
    lg = cx.league(answers[answers["metric"] == "csat"], unit=unit, metric="csat")
    t = lg.summary()
    assert len(t) == 30  # every segment x channel x contract unit is shown, the smallest ones too
    # Ground truth (sample README): the store channel has the largest ease effect (+0.4), which raises CSAT.
    assert t["preferred_channel"].iloc[0] == "store"
    # ... and email the most negative one (-0.5 on ease): the likeliest bottom unit by CES is an email unit.
    ces = answers[answers["metric"] == "ces"]
    t = cx.league(ces, unit=unit, metric="ces", scale=ds.scale("ces")).summary()
    assert t.loc[t["p_bottom"].idxmax(), "preferred_channel"] == "email"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_caterpillar_draws_every_unit_without_overlapping_text(lang):
    from tests.test_chart_layout import _overlaps

    lg = cx.league(_answers(), unit="store", metric="csat", min_n=10)
    ax = cx.plots.caterpillar(lg, lang=lang)
    assert isinstance(ax, plt.Axes)
    assert _overlaps(ax.figure) == []
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 25 and all("(n = " in s for s in labels)
    assert sum(cx.i18n.text("too_few", lang) in s for s in labels) == int((lg.summary()["n"] < 10).sum())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[2] == cx.i18n.text("lg_overall", lang)
    assert ax.get_title()
    plt.close(ax.figure)


def test_caterpillar_refuses_other_input():
    with pytest.raises(cx.ParameterError, match="cx.league"):
        cx.plots.caterpillar(pd.DataFrame({"a": [1]}))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_reader_table_shows_the_unit_whole_ranks_and_chances_in_percent(lang):
    lg = cx.league(_answers(), unit="store", metric="csat", min_n=10)
    r = lg.reader_table()
    assert list(r.columns[:2]) == ["store", "n"]
    assert str(r["rank"].dtype) == "Int64"
    np.testing.assert_allclose(r["chance_bottom_pct"], 100 * lg.summary()["p_bottom"])
    html = cx.show(r, lang).to_html()
    assert cx.i18n.column_label("chance_bottom_pct", lang) in html
    assert cx.i18n.column_label("shrunken", lang) in html


def test_league_on_parquet_and_duckdb_equals_pandas(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    data = _answers()
    path = tmp_path / "answers.parquet"
    data.to_parquet(path)
    a = cx.league(data, unit="store", metric="csat").summary()
    pd.testing.assert_frame_equal(cx.league(str(path), unit="store", metric="csat").summary(), a)
    rel = duckdb.sql("select * from data")
    pd.testing.assert_frame_equal(cx.league(rel, unit="store", metric="csat").summary(), a)
    with pytest.raises(cx.ParameterError, match=r"\['shop'\] named in `unit`"):
        cx.league(str(path), unit="shop", metric="csat")
