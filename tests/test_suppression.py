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
    assert nps_rows["reason_code"].to_dict() == {"fewer than min_n=30 answers": "small_group",
                                                 "weights sum to zero": "zero_weight"}
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


# -- one rule: every table kind goes through stats.suppression.suppress ---------
def _customers(sizes: dict[str, int]) -> pd.DataFrame:
    """Per segment: n customers, a third churned, with CSAT and NPS answers; only ``small`` has promoters."""
    parts = []
    for g, n in sizes.items():
        parts.append(pd.DataFrame({"segment": g, "csat": ([5, 4, 2] * n)[:n],
                                   "nps": [10] * n if g == "small" else ([8, 3] * n)[:n],
                                   "churned": ([True, False, False] * n)[:n]}))
    return pd.concat(parts, ignore_index=True)


def _churn_table(min_n):
    customers = pd.DataFrame({"start_date": ["2024-12-01"] * 40 + ["2024-12-01"] * 5,
                              "end_date": [None] * 30 + ["2025-01-15"] * 10 + [None] * 5,
                              "segment": ["big"] * 40 + ["small"] * 5})
    return cx.churn_rate(customers, by="segment", period_start="2025-01-01", period_end="2025-01-31",
                         min_n=min_n)


TABLE_KINDS = {
    # name: (build(min_n), size column, value columns, unit)
    "nps": (lambda m: cx.nps(answers({"big": 40, "small": 12}), by="g", min_n=m), "n", ["nps", "ci_low"],
            "answers"),
    "csat": (lambda m: cx.csat(answers({"big": 40, "small": 12}).assign(score=lambda d: d["score"] // 2),
                               by="g", min_n=m), "n", ["csat", "mean"], "answers"),
    "ces": (lambda m: cx.ces(answers({"big": 40, "small": 12}).assign(score=lambda d: 1 + d["score"] // 2),
                             by="g", scale=cx.Scale.ces(1, 6, "higher_is_easier", easy=[5, 6]), min_n=m),
            "n", ["pct_easy", "mean_ci_high"], "answers"),
    "suite": (lambda m: cx.metric_suite(answers({"big": 40, "small": 12}).assign(metric="nps"),
                                        {"nps": cx.Scale.nps()}, by="g", min_n=m)["nps"], "n", ["nps"], "answers"),
    "pairwise": (lambda m: cx.pairwise(answers({"big": 40, "other": 40, "small": 12}), "g", min_n=m),
                 ["n_a", "n_b"], ["diff", "p_value"], "answers"),
    "changes": (lambda m: cx.changes(pd.DataFrame({"score": [10] * 40 + [2] * 3 + [8] * 80,
                                                   "d": ["2025-01-10"] * 40 + ["2025-02-10"] * 3
                                                   + ["2025-03-10"] * 40 + ["2025-04-10"] * 40}), "d", min_n=m),
                ["n_a", "n_b"], ["diff", "ci_high"], "answers"),
    "churn_rate": (_churn_table, "at_start", ["churn_rate", "simple_rate"], "customers"),
    "churn_share": (lambda m: cx.churn_share(_customers({"big": 80, "small": 6}), "segment", min_n=m), "n",
                    ["churn_pct", "ci_low"], "customers"),
    "churn_by_score": (lambda m: cx.churn_by_score(_customers({"big": 80, "small": 6}), "nps", min_n=m), "n",
                       ["churn_rate", "ci_high"], "answers"),
    "segment_map": (lambda m: cx.segment_map(_customers({"big": 80, "small": 6}), "segment", "csat", "nps",
                                             min_n=m), "n", ["csat_mean", "nps"], "customers"),
    "retention": (lambda m: cx.retention_by_category(_customers({"big": 80, "small": 6}), "nps", min_n=m), "n",
                  ["retention", "ci_low"], "customers"),
}


@pytest.mark.parametrize("kind", sorted(TABLE_KINDS))
def test_every_table_kind_records_the_reason_code(kind):
    build, size, values, unit = TABLE_KINDS[kind]
    t = build(30)
    small = t[size].min(axis=1) < 30 if isinstance(size, list) else t[size] < 30
    assert small.any() and (~small).any(), "the fixture needs a small and a large group"
    assert (t["suppressed"] == small).all()
    assert (t.loc[small, "suppressed_reason"] == "small_group").all()
    assert (t.loc[~small, "suppressed_reason"] == "").all()
    assert (t["suppressed_min_n"] == 30).all() and (t["suppressed_unit"] == unit).all()
    assert t.loc[small, values].isna().all().all()
    assert (t.loc[small, "note"] == f"fewer than min_n=30 {unit}: suppressed").all()  # the human note, from the code
    shown = build(0)
    assert not shown["suppressed"].any() and (shown["suppressed_reason"] == "").all()


def test_a_single_comparison_records_the_reason_code():
    c = cx.compare(answers({"big": 40, "small": 12}), "g", "big", "small")
    assert c.suppressed and c.suppressed_reason == "small_group" and c.suppressed_unit == "answers"
    assert np.isnan(c.value_b) and c.value_a == pytest.approx(25.0)  # only the small side's figure is hidden
    assert c.note == "fewer than min_n=30 answers: suppressed"


def test_suppress_blanks_flags_and_keeps_the_input():
    from cxkit.stats.suppression import suppress

    t = pd.DataFrame({"n": [5, 50, 40], "n_eff": [5.0, 50.0, 0.0], "x": [1.0, 2.0, 3.0], "note": ["a", "b", ""]})
    out = suppress(t, size_col="n", value_cols=["x"], min_n=30, eff_col="n_eff")
    assert out["suppressed_reason"].tolist() == ["small_group", "", "zero_weight"]
    assert out["note"].tolist() == ["fewer than min_n=30 answers: suppressed", "b", "weights sum to zero: suppressed"]
    assert np.isnan(out.loc[0, "x"]) and out.loc[1, "x"] == 2.0 and np.isnan(out.loc[2, "x"])
    assert t["x"].tolist() == [1.0, 2.0, 3.0] and "suppressed" not in t  # the input is not changed
    with pytest.raises(cx.ParameterError, match="unit"):
        suppress(t, size_col="n", value_cols=["x"], min_n=30, unit="people")


def test_summary_and_plots_read_the_code_not_the_note():
    t = cx.nps(answers({"big": 40, "small": 12}), by="g")
    t["note"] = "reworded by hand"  # notes are for people; nothing parses them
    s = cx.suppression_summary({"t": t}).set_index("reason_code")
    assert s.loc["small_group", "reason"] == "fewer than min_n=30 answers"
    texts = [x.get_text() for x in cx.plots.nps_composition(t, "g").texts]
    assert "n=12: suppressed (fewer than min_n=30 answers)" in texts
    texts = [x.get_text() for x in cx.plots.nps_composition(t, "g", lang="nl").texts]
    assert "n=12: onderdrukt (minder dan min_n=30 antwoorden)" in texts
    # a table flagged without a code (built by hand) is still counted, with no reason to give
    bare = pd.DataFrame({"n": [3], "suppressed": [True], "note": ["fewer than min_n=30 answers: suppressed"]})
    assert cx.suppression_summary({"bare": bare})["reason"].tolist() == ["suppressed (no reason recorded)"]


def test_only_the_suppression_module_blanks_or_words_small_groups():
    """One rule, one place: no other module sets the flag, blanks by it or writes the wording."""
    import re
    from pathlib import Path

    root = Path(cx.__file__).parent
    patterns = [re.compile(p) for p in (r"\[[^\]]*suppress[^\]]*\]\s*=\s*np\.nan",  # t.loc[t["suppressed"], ...] = nan
                                         r"\[\s*[\"']suppressed[\"']\s*\]\s*=(?!=)",   # t["suppressed"] = ...
                                         r"fewer than min_n", r"removesuffix\([\"']: suppressed")]
    offenders = [f"{py.relative_to(root)}: {p.pattern}" for py in root.rglob("*.py")
                 if py.name != "suppression.py" for p in patterns if p.search(py.read_text(encoding="utf-8"))]
    assert offenders == []
