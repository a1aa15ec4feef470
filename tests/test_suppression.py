"""Small groups: suppressed in tables, drawn as suppressed in plots, counted and explained."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

import cxkit as cx
from cxkit.report.plots import SUPPRESSED_LABEL


def answers(sizes: dict[str, int]) -> pd.DataFrame:
    """Per group: half promoters (10), a quarter passives (8), a quarter detractors (2)."""
    parts = []
    for g, n in sizes.items():
        scores = ([10] * (n - n // 2) + [8] * (n // 4) + [2] * (n // 2 - n // 4))[:n]
        parts.append(pd.DataFrame({"g": g, "score": scores}))
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_min_n_is_a_parameter_and_blanks_figures():
    df = answers({"big": 40, "small": 12})
    t = cx.nps(df, by="g").set_index("g")
    assert bool(t.loc["small", "suppressed"]) and t.loc["small", ["nps", "ci_low", "ci_high"]].isna().all()
    assert t.loc["small", "n"] == 12  # the size stays visible
    t10 = cx.nps(df, by="g", min_n=10).set_index("g")
    assert not t10["suppressed"].any() and t10.loc["small", "nps"] == pytest.approx(100 * (6 - 3) / 12)


def test_composition_plot_draws_suppressed_groups_as_suppressed():
    t = cx.nps(answers({"big": 40, "small": 12, "tiny": 1}), by="g")
    ax = cx.plots.nps_composition(t, "g")
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    hatched = [p for p in bars if p.get_hatch()]
    # one full-width hatched bar per suppressed group, at its row; no coloured bars there
    assert sorted(round(p.get_y() + p.get_height() / 2) for p in hatched) == [1, 2]
    assert all(p.get_width() == 100 for p in hatched)
    coloured_rows = {round(p.get_y() + p.get_height() / 2) for p in bars if not p.get_hatch()}
    assert coloured_rows == {0}
    texts = [x.get_text() for x in ax.texts]
    assert "n=12: suppressed (fewer than min_n=30 answers)" in texts and "n=1: suppressed" in " ".join(texts)
    assert SUPPRESSED_LABEL in ax.get_legend_handles_labels()[1]


def test_trend_plot_leaves_a_marked_gap():
    df = pd.DataFrame({"score": [10] * 40 + [2] * 3 + [8] * 40,
                       "d": ["2025-01-10"] * 40 + ["2025-02-10"] * 3 + ["2025-03-10"] * 40})
    t = cx.nps(df, period="d")
    ax = cx.plots.trend(t, "nps")
    line = ax.lines[0]
    ys = np.asarray(line.get_ydata(), dtype=float)
    assert ys[0] == 100 and np.isnan(ys[1]) and ys[2] == 0  # a gap, not a zero
    marks = [ln for ln in ax.lines if ln.get_label() == SUPPRESSED_LABEL]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == ["2025-02", "2025-02"]
    assert any(x.get_text().strip() == "suppressed" for x in ax.texts)
    # the band has no height at the suppressed period either
    band = ax.collections[0].get_paths()[0].vertices
    assert not np.isclose(band[:, 0], 1).any()


def test_score_distribution_leaves_out_small_groups():
    df = answers({"big": 40, "small": 12})
    ax = cx.plots.score_distribution(df, by="g")
    assert any("small (n=12)" in x.get_text() for x in ax.texts)
    heights = [p.get_height() for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
    # only the big group's three answer values are drawn
    assert len(heights) == 3


def test_summary_counts_suppressed_groups_and_reasons():
    df = answers({"a": 40, "b": 12, "c": 5}).assign(w=1.0)
    df.loc[df["g"] == "a", "w"] = 0.0  # weights summing to zero: suppressed for another reason
    tables = {
        "nps_by_g": cx.nps(df, by="g", weight="w"),
        "csat_all": cx.csat(pd.DataFrame({"score": [4, 5] * 20})),
        "pairs": cx.pairwise(df, "g"),
        "no_flag": pd.DataFrame({"x": [1]}),
    }
    s = cx.suppression_summary(tables)
    assert set(s["table"]) == {"nps_by_g", "csat_all", "pairs"}
    nps_rows = s[s["table"] == "nps_by_g"].set_index("reason")
    assert nps_rows.loc["fewer than min_n=30 answers", "suppressed"] == 2
    assert (nps_rows.loc["fewer than min_n=30 answers", ["n_min", "n_max"]] == [5, 12]).all()
    assert nps_rows.loc["weights sum to zero", "suppressed"] == 1
    assert s.loc[s["table"] == "csat_all", "suppressed"].tolist() == [0]
    # pairs a-b, a-c, b-c all involve a group under 30 answers
    assert s.loc[s["table"] == "pairs", "suppressed"].sum() == 3
    text = cx.describe_suppression(s, min_n=30)
    assert text.startswith("6 of 7 groups or comparisons in 3 tables were suppressed")
    assert "- 5: fewer than min_n=30 answers (in nps_by_g, pairs)." in text
    assert "- 1: weights sum to zero (in nps_by_g)." in text


def test_summary_without_suppression_says_so():
    s = cx.suppression_summary({"t": cx.csat(pd.DataFrame({"score": [4, 5] * 20}))})
    assert cx.describe_suppression(s, min_n=30) == ("No group was suppressed in the 1 tables (1 groups) "
                                                    "(every group had at least min_n=30 answers).")
    with pytest.raises(cx.ParameterError, match="`tables`"):
        cx.suppression_summary([1, 2])


def test_comparisons_blank_the_small_side():
    df = answers({"big": 40, "other": 40, "small": 12})
    ch = cx.pairwise(df, "g").set_index(["a", "b"])
    assert not ch.loc[("big", "other"), "suppressed"]
    row = ch.loc[("big", "small")]
    assert row["suppressed"] and np.isnan(row["value_b"]) and row["value_a"] == pytest.approx(25.0)
    c = cx.compare(df, "g", "big", "small")
    assert c.suppressed and np.isnan(c.value_b)
