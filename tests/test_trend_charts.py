"""Trend charts (issue 12): significant moves marked in words, small multiples on one y-axis, numbers per language."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import cxkit as cx  # noqa: E402

from .test_chart_layout import _overlaps  # noqa: E402

PERIODS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def _table() -> pd.DataFrame:
    nps = [10, 12, 30, 29, 5, 6, 7, -20.0]
    return pd.DataFrame({"segment": ["a"] * 4 + ["b"] * 4, "period": PERIODS * 2, "nps": nps,
                         "ci_low": [v - 5 for v in nps], "ci_high": [v + 5 for v in nps], "n": [100] * 8})


def _changes() -> pd.DataFrame:
    # a: +18 into March significant; b: -27 into April significant; the rest not
    return pd.DataFrame({"segment": ["a"] * 3 + ["b"] * 3, "period": PERIODS[1:] * 2, "previous": PERIODS[:-1] * 2,
                         "diff": [2, 18, -1, 1, 1, -27.0], "significant": [False, True, False, False, np.nan, True]})


def _marks(ax) -> dict[str, list]:
    """Legend label -> (x category index, y) of every marker collection (the significance marks)."""
    out = {}
    for c in ax.collections:
        if c.get_label() and not c.get_label().startswith("_"):
            out[c.get_label()] = [tuple(np.round(p, 6)) for p in c.get_offsets()]
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_trend_marks_only_the_significant_moves_with_a_legend_in_words(lang):
    t, ch = _table(), _changes()
    ax = cx.plots.trend(t[t["segment"] == "a"], "nps", changes=ch[ch["segment"] == "a"], lang=lang)
    assert _marks(ax) == {cx.i18n.text("tr_sig_up", lang): [(2.0, 30.0)]}  # March (index 2) at its NPS, 30
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert cx.i18n.text("tr_sig_up", lang) in legend
    assert cx.i18n.text("tr_sig_down", lang) not in legend  # no fall: no legend entry for one
    assert _overlaps(ax.figure) == []
    plt.close(ax.figure)


def test_trend_with_hue_marks_each_groups_moves_and_never_a_suppressed_point():
    t, ch = _table(), _changes()
    t.loc[7, "nps"] = np.nan  # b's April suppressed: its significant move has no point to mark
    t["suppressed"] = [False] * 7 + [True]
    ax = cx.plots.trend(t, "nps", hue="segment", changes=ch, lang="en")
    assert _marks(ax) == {"significant rise on the previous period": [(2.0, 30.0)]}
    plt.close(ax.figure)
    ax = cx.plots.trend(_table(), "nps", hue="segment", changes=ch, lang="en")
    assert _marks(ax)["significant fall on the previous period"] == [(3.0, -20.0)]
    plt.close(ax.figure)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_trend_panels_share_one_y_axis_and_one_legend_under_the_panels(lang):
    axes = cx.plots.trend_panels(_table(), "nps", "segment", changes=_changes(), lang=lang, title="NPS")
    assert len(axes) == 2
    lims = {ax.get_ylim() for ax in axes}
    assert len(lims) == 1, "each panel zooms its own range"
    lo, hi = lims.pop()
    assert lo <= -25 and hi >= 35  # every interval of both groups fits the one axis
    assert [ax.get_title() for ax in axes] == ["a (n = 400)", "b (n = 400)"]
    fig = axes[0].figure
    assert all(ax.get_legend() is None for ax in axes)
    labels = [x.get_text() for x in fig.legends[0].get_texts()]
    assert labels == [cx.i18n.text("tr_sig_up", lang), cx.i18n.text("tr_sig_down", lang)]
    assert _overlaps(fig) == []
    plt.close(fig)


def test_trend_panels_refuse_a_table_without_groups():
    t = _table().assign(segment=np.nan)
    with pytest.raises(cx.errors.ParameterError, match="segment"):
        cx.plots.trend_panels(t, "nps", "segment")


@pytest.mark.parametrize(("lang", "expected_x", "expected_y"), [
    ("en", ["0", "500", "1,000", "1,500"], ["0.1", "0.2", "0.3"]),
    ("nl", ["0", "500", "1.000", "1.500"], ["0,1", "0,2", "0,3"]),
])
def test_tick_labels_are_written_in_the_reports_language(lang, expected_x, expected_y):
    fig, ax = plt.subplots()
    ax.plot([0, 1500], [0.1, 0.3])
    ax.set_xticks([0, 500, 1000, 1500])
    ax.set_yticks([0.1, 0.2, 0.3])
    cx.plots.localise(ax, lang)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == expected_x
    assert [t.get_text() for t in ax.get_yticklabels()] == expected_y
    plt.close(fig)


def test_localise_leaves_category_and_log_axes_alone():
    fig, ax = plt.subplots()
    ax.plot(["2026-01", "2026-02"], [1, 100])
    ax.set_yscale("log")
    before = (type(ax.xaxis.get_major_formatter()), type(ax.yaxis.get_major_formatter()))
    cx.plots.localise(ax, "nl")
    assert (type(ax.xaxis.get_major_formatter()), type(ax.yaxis.get_major_formatter())) == before
    plt.close(fig)
