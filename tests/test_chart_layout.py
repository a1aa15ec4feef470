"""Charts a manager can read: no text drawn over other text, shares on bars from zero.

Every chart of the report notebooks is drawn from the sample data with the
calls the notebooks make; the test collects the window extents (matplotlib's
renderer) of titles, legends, tick labels, axis labels and annotations and fails
on any two that overlap.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import cxkit as cx  # noqa: E402
from cxkit.report import plots_research as rplots  # noqa: E402


def _boxes(fig):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        parts = [("title", t) for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]
        parts += [("xlabel", ax.xaxis.label), ("ylabel", ax.yaxis.label)]
        # tick labels the axes draws: a locator also returns ticks just outside the view, never drawn
        x0, x1 = sorted(ax.get_xlim())
        y0, y1 = sorted(ax.get_ylim())
        parts += [("xtick", t) for t in ax.get_xticklabels()
                  if t.get_text() and t.get_visible() and x0 <= t.get_position()[0] <= x1]
        parts += [("ytick", t) for t in ax.get_yticklabels()
                  if t.get_text() and t.get_visible() and y0 <= t.get_position()[1] <= y1]
        parts += [("text", t) for t in ax.texts if t.get_text()]
        if ax.get_legend() is not None:
            parts.append(("legend", ax.get_legend()))
        for kind, artist in parts:
            if kind in ("xlabel", "ylabel") and not artist.get_text():
                continue
            out.append((f"{kind}:{getattr(artist, 'get_text', lambda: 'legend')()}", artist.get_window_extent(r)))
    return out


def _overlaps(fig) -> list[str]:
    bad = []
    for (a, ba), (b, bb) in itertools.combinations(_boxes(fig), 2):
        # overlapping by more than a pixel in both directions
        if min(ba.x1, bb.x1) - max(ba.x0, bb.x0) > 1 and min(ba.y1, bb.y1) - max(ba.y0, bb.y0) > 1:
            bad.append(f"{a!r} overlaps {b!r}")
    return bad


@pytest.fixture(scope="module")
def sample():
    ds = cx.load_dataset(cx.sample_spec_path()).as_of("2026-11-01")
    return ds, cx.window(ds, "2025-11-01", "2026-11-01")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_nps_composition_legend_never_overlaps_its_title(sample, lang):
    ds, answers = sample
    for by in ("segment", "channel"):
        table = cx.nps(answers[answers["metric"] == "nps"], by=by)
        ax = cx.plots.nps_composition(table, by, lang=lang, title=cx.i18n.text("nps_composition_by", lang, by=by))
        assert _overlaps(ax.figure) == []
        assert ax.get_xlim()[0] == 0
        plt.close(ax.figure)


def test_research_charts_have_no_overlapping_text_and_bars_of_shares_from_zero(sample):
    ds, _ = sample
    study = cx.loyalty_study(ds, as_of="2026-11-01")
    for lang in ("en", "nl"):
        ax = rplots.retention(study.retention, lang=lang)
        ax.set_title(cx.i18n.text("ti_retention", lang, days=180))
        assert ax.get_ylim()[0] == 0, "retention bars start at 0"
        assert _overlaps(ax.figure) == []
        plt.close(ax.figure)
        ax = rplots.crosstab_heatmap(study.crosstab, csat_label=study.csat, lang=lang)
        ax.set_title(cx.i18n.text("ti_crosstab", lang, csat=study.csat))
        assert ax.collections[0].get_cmap().name == "Blues"  # a neutral map: colour is share, not good/bad
        assert _overlaps(ax.figure) == []
        plt.close(ax.figure)


# ---- every figure every default notebook draws, in English and Dutch

NOTEBOOKS = ("01_cx_overview", "02_satisfaction_vs_loyalty", "03_effort_nps_churn", "04_drivers", "05_segment_tables",
             "06_comments", "07_value")


def _notebook_figures(name: str, lang: str, folder) -> list:
    """Run the notebook's code in this process (the cells as papermill runs them) and keep every figure shown.

    ``plt.show`` is hooked: each figure a cell shows is kept, as the report's PNG would be drawn from it.
    """
    import json
    import os

    from IPython.display import display  # noqa: F401  (the notebooks call it; here it prints)

    from .conftest import ROOT

    path = ROOT / "cxkit" / "notebooks" / f"{name}.ipynb"
    nb = json.loads(path.read_text())
    shown: list = []

    def keep(*_a, **_k):
        for num in plt.get_fignums():
            fig = plt.figure(num)
            if fig not in shown:
                shown.append(fig)

    ns: dict = {"__name__": "__main__"}
    old_show, old_cwd = plt.show, os.getcwd()
    plt.show = keep
    os.chdir(path.parent)  # the notebook's relative spec path
    try:
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            src = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith("%"))
            if "parameters" in cell["metadata"].get("tags", []):
                src += f"\nlang = {lang!r}\noutput_dir = {str(folder)!r}\n"
            exec(compile(src, f"{name}.ipynb", "exec"), ns)  # noqa: S102 - our own notebooks
        keep()
    finally:
        plt.show = old_show
        os.chdir(old_cwd)
    return shown


def _share_bars_from_zero(fig) -> list[str]:
    """Bar charts whose value axis is a share (%) must start at 0."""
    from matplotlib.patches import Rectangle

    bad = []
    for ax in fig.axes:
        bars = [p for p in ax.patches if isinstance(p, Rectangle)]
        if not bars:
            continue
        horizontal = len({round(b.get_x(), 6) for b in bars}) == 1 and len(bars) > 1
        label = ax.get_xlabel() if horizontal else ax.get_ylabel()
        lo = ax.get_xlim()[0] if horizontal else ax.get_ylim()[0]
        if "%" in label and lo > 0:
            bad.append(f"{ax.get_title()!r}: bars of {label!r} start at {lo:g}")
    return bad


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_figure_of_every_default_report_has_no_overlapping_text(name, lang, tmp_path):
    plt.close("all")
    figs = _notebook_figures(name, lang, tmp_path)
    assert figs, f"{name}: no figure drawn"
    problems = []
    for fig in figs:
        title = "; ".join(ax.get_title() for ax in fig.axes if ax.get_title()) or fig.get_suptitle()
        problems += [f"{name}/{lang} {title!r}: {p}" for p in _overlaps(fig) + _share_bars_from_zero(fig)]
    plt.close("all")
    assert not problems, "\n".join(problems)


def test_forest_plot_of_ratios_is_on_a_log_scale_with_a_line_at_one():
    import pandas as pd

    table = pd.DataFrame({"term": ["band[easy]", "band[hard]", "tenure_years"], "hazard_ratio": [0.5, 2.0, 0.0],
                          "hazard_ratio_low": [0.4, 1.5, 0.0], "hazard_ratio_high": [0.7, 2.6, 0.0]})
    ax = cx.plots.forest(table, lang="nl")
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["band[easy]", "band[hard]"]  # a zero ratio has no place
    assert any(list(line.get_xdata()) == [1, 1] for line in ax.lines)  # the reference line
    assert ax.get_xlabel() == cx.i18n.column_label("hazard_ratio", "nl")
    assert _overlaps(ax.figure) == []
    plt.close(ax.figure)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_csat_and_ces_by_group_are_dots_with_intervals_and_n(sample, lang):
    ds, answers = sample
    for metric, value in (("csat", "csat"), ("ces", "pct_easy")):
        table = cx.metric_table(answers, ds, metric, by="segment", min_n=30)
        table.loc[0, [value, "ci_low", "ci_high"]] = float("nan")  # as suppression leaves a group
        ax = cx.plots.group_dots(table, value, "segment", lang=lang, title=metric)
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[0].endswith(cx.i18n.text("too_few", lang)) and all("(n = " in x for x in labels)
        assert not ax.patches  # dots, not bars
        assert _overlaps(ax.figure) == []
        plt.close(ax.figure)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_clv_chart_is_a_labelled_log_axis_with_n_and_money(lang):
    """Report 07: segment lifetime values a hundredfold apart stay readable (log axis, said so, values in money)."""
    import pandas as pd

    from cxkit.report.plots_value import clv_dots

    t = pd.DataFrame({"segment": ["consumer", "enterprise", "smb", "tiny"], "customers": [11950, 2005, 6045, 12],
                      "clv": [1204.7, 86466.4, 8887.3, float("nan")], "ci_low": [1183.3, 84087.1, 8688.8, float("nan")],
                      "ci_high": [1228.8, 89115.8, 9106.6, float("nan")]})
    ax = clv_dots(t, "segment", lang=lang)
    assert ax.get_xscale() == "log" and "log" in ax.get_title() + ax.get_xlabel() or "logaritm" in ax.get_title()
    labels = [x.get_text() for x in ax.get_yticklabels()]
    assert all("(n = " in x for x in labels) and labels[3].endswith(cx.i18n.text("too_few", lang))
    values = sorted(x.get_text() for x in ax.texts)
    assert values == sorted(["€ 1,205", "€ 86,466", "€ 8,887"] if lang == "en" else ["€ 1.205", "€ 86.466", "€ 8.887"])
    assert _overlaps(ax.figure) == []
    plt.close(ax.figure)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_long_caterpillar_titles_wrap_inside_the_axes(sample, lang):
    # notebook 05's default league unit makes the longest title: it ran to the image's edge
    _, answers = sample
    lg = cx.league(answers[answers["metric"] == "csat"], unit=["segment", "preferred_channel", "contract"],
                   metric="csat")
    ax = cx.plots.caterpillar(lg, lang=lang)
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    title, frame = ax.title.get_window_extent(r), ax.get_window_extent(r)
    words = cx.i18n.text("lg_title", lang, metric="CSAT", unit=cx.i18n.unit_words(lg.unit, lang))
    # wrapped, nothing lost (the Dutch title, "voorkeurskanaal" in words, now fits on one line)
    assert ("\n" in ax.get_title() or lang == "nl") and ax.get_title().replace("\n", " ") == words
    assert frame.x0 - 1 <= title.x0 and title.x1 <= frame.x1 + 1 and title.x1 <= fig.bbox.x1
    lines = ax.get_title().split("\n")
    assert max(map(len, lines)) - min(map(len, lines)) <= 12  # balanced: no lone last word
    assert _overlaps(fig) == []
    plt.close(fig)


def test_wrap_title_keeps_short_titles_and_given_lines_and_stops_on_a_long_word():
    fig, ax = plt.subplots(figsize=(3, 2))
    assert cx.plots.wrap_title(ax, "NPS per segment").get_text() == "NPS per segment"
    t = cx.plots.wrap_title(ax, "Kaplan-Meier retention by segment and contract for the whole period\nlog-rank p < 0.001")
    assert t.get_text().endswith("\nlog-rank p < 0.001") and t.get_text().count("\n") >= 2
    fig.canvas.draw()
    assert t.get_window_extent(fig.canvas.get_renderer()).width <= ax.get_window_extent().width + 1
    assert cx.plots.wrap_title(ax, "a long title with an empty line\n\n" + "word " * 30).get_text().count("\n") > 2
    long_word = "x" * 120
    assert cx.plots.wrap_title(ax, f"a {long_word} b").get_text().split("\n")[1] == long_word  # not broken
    plt.close(fig)
