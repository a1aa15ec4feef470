"""Research plots draw from the result tables and return their Axes (intervals included)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cxkit import plots as rp
from cxkit.research.loyalty import crosstab, retention_by_category, segment_map
from cxkit.stats.survival import kaplan_meier


@pytest.fixture
def pairs():
    rng = np.random.default_rng(0)
    n = 300
    return pd.DataFrame({"csat": rng.integers(1, 6, n), "nps": rng.integers(0, 11, n),
                         "segment": rng.choice(["a", "b"], n), "churned": rng.random(n) < 0.2,
                         "time_days": rng.integers(1, 400, n), "event": rng.random(n) < 0.3})


def test_every_plot_returns_axes(pairs):
    ct, _ = crosstab(pairs, "csat", "nps")
    seg = segment_map(pairs, "segment", "csat", "nps", min_n=0)
    ret = retention_by_category(pairs, "nps", min_n=0)
    km = kaplan_meier(pairs.assign(g=np.where(pairs["nps"] > 6, "hi", "lo")), group="g")
    models = pd.DataFrame({"metric": ["ces", "nps"], "model": ["alone", "alone"], "odds_ratio": [0.6, 0.9],
                           "odds_ratio_low": [0.5, 0.8], "odds_ratio_high": [0.7, 1.1]})
    auc = pd.DataFrame({"metric": ["ces", "nps"], "n": [100, 90], "auc": [0.7, 0.6], "ci_low": [0.65, 0.55],
                        "ci_high": [0.75, 0.66]})
    imp = pd.DataFrame({"driver": ["x", "y"], "pct_of_r2": [70.0, 30.0], "ci_low": [60.0, 20.0],
                        "ci_high": [80.0, 40.0], "correlation": [0.4, -0.1]})
    rev = pd.DataFrame({"segment": ["a", "b", "all"], "at_risk": [10.0, 5.0, 15.0], "ci_low": [8.0, 4.0, 13.0],
                        "ci_high": [12.0, 6.0, 17.0]})
    by_score = pd.DataFrame({"score": [1, 2, 3], "churn_rate": [30.0, 20.0, 10.0], "ci_low": [20.0, 15.0, 5.0],
                             "ci_high": [40.0, 25.0, 15.0]})
    for draw in (lambda: rp.crosstab_heatmap(ct), lambda: rp.segment_map(seg), lambda: rp.retention(ret),
                 lambda: rp.km_curves(km), lambda: rp.odds_ratios(models), lambda: rp.auc_compare(auc),
                 lambda: rp.driver_importance(imp), lambda: rp.revenue_at_risk(rev),
                 lambda: rp.churn_by_score(by_score)):
        ax = draw()
        assert isinstance(ax, plt.Axes)
        plt.close("all")
    fig, ax = plt.subplots()
    assert rp.km_curves(km, ax=ax) is ax
    plt.close(fig)


def test_plots_research_is_an_alias_of_plots_for_one_release():
    import cxkit as cx
    from cxkit.report import plots_research

    assert all(getattr(plots_research, f) is getattr(cx.plots, f) for f in plots_research.__all__)
    assert set(plots_research.__all__) <= set(cx.plots.__all__) and cx.plots_research is plots_research
