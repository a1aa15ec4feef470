"""Dutch number formats (issue 12): chart ticks and texts of every default report, result sentences, p-values."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import cxkit as cx  # noqa: E402

from .test_chart_layout import NOTEBOOKS, _notebook_figures  # noqa: E402
from .test_report_pages import english_numbers  # noqa: E402


def _figure_texts(fig) -> list[str]:
    fig.canvas.draw()
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [t.get_text() for t in ax.texts] + [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        if ax.get_legend() is not None:
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    for leg in fig.legends:
        out += [t.get_text() for t in leg.get_texts()]
    return [t for t in out if t]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_chart_of_a_dutch_report_writes_numbers_the_dutch_way(name, tmp_path):
    plt.close("all")
    figs = _notebook_figures(name, "nl", tmp_path)
    bad = [f"{name}: {t!r}" for fig in figs for t in _figure_texts(fig) if english_numbers(t)]
    plt.close("all")
    assert not bad, "\n".join(bad)


def test_result_sentences_without_a_template_get_dutch_thousands():
    # a count with English thousands commas is unambiguous: written the Dutch way
    assert cx.i18n.message("end_date 15,556, score[nps] 1,234", "nl") == "end_date 15.556, score[nps] 1.234"
    assert cx.i18n.message("Cox model: n = 9,490, churned = 1,234 (ok).", "nl").startswith("Cox-model: n = 9.490")
    assert cx.i18n.message("end_date 15,556", "en") == "end_date 15,556"
    assert cx.i18n.message("version v1,234 and 0.5", "nl") == "version v1,234 and 0.5"  # not a count: unchanged


def test_p_values_in_tables_follow_the_one_p_rule():
    html = cx.show(pd.DataFrame({"p_adj": [1.0, 0.0412, 0.2, 1e-9]}), "nl").to_html()
    for cell in ("1,00", "0,041", "0,20", "&lt; 0,001"):
        assert f">{cell}<" in html
    assert ">1,000<" not in html  # reads as a thousand in Dutch


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_revenue_at_risk_in_currency_in_its_table_and_chart_with_n(lang):
    table = pd.DataFrame({"segment": ["smb", "all"], "customers": [4927, 4927], "value": [1.0, 1.0],
                          "at_risk": [71911.2, 71911.2], "ci_low": [67829.8, 67829.8], "ci_high": [76655.8, 76655.8],
                          "pct_at_risk": [5.9, 5.9]})
    html = cx.show(table, lang).to_html()
    money = {"en": ("€ 71,911", "€ 67,830", "€ 76,656"), "nl": ("€ 71.911", "€ 67.830", "€ 76.656")}[lang]
    for cell in money:
        assert f">{cell}<" in html
    assert f">{cx.i18n.fmt(5.9, 1, lang)}<" in html  # the share at risk is a percentage, not money
    ax = cx.plots.revenue_at_risk(table, lang=lang)
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"smb\n(n = {cx.i18n.fmt(4927, 0, lang)})"]
    assert all(t.get_text().startswith("€ ") for t in ax.get_yticklabels() if t.get_text())
    plt.close(ax.figure)


def test_generated_sentences_show_a_less_than_sign_not_an_entity_in_the_report(tmp_path):
    # "p < 0.001" in a verdict rendered as "p &lt; 0.001" (the sanitiser escaped the escaping backslash's "<")
    import nbformat

    from cxkit.run.notebook import render_html

    md = cx.i18n.markdown("- Trend test p < 0.001, R&D, <img src=x onerror=alert(1)> [x](javascript:alert(1))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={"text/markdown": md, "text/plain": "x"})])])
    nbformat.write(nb, tmp_path / "t.ipynb")
    body = render_html(tmp_path / "t.ipynb", tmp_path / "t.html").read_text()
    body = body[body.index("<body"):]
    assert "p &lt; 0.001, R&amp;D, &lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1))" in body
    assert "&amp;lt;" not in body and "<img src=x" not in body


def test_rows_named_by_a_technical_column_keep_it_and_correlations_have_two_decimals():
    table = pd.DataFrame({"method": ["spearman", "kendall_tau_b"], "n": [5041, 5041], "correlation": [0.3401, 0.2763],
                          "ci_low": [0.3147, 0.2594], "ci_high": [0.3649, 0.2931]})
    html = cx.show(table, "en").to_html()
    for cell in ("spearman", "kendall_tau_b", "0.34", "0.28", "0.31", "0.36"):
        assert f">{cell}<" in html
    html = cx.show(pd.DataFrame({"driver": ["a"], "beta": [0.214], "importance": [0.043], "method": ["x"]}), "nl").to_html()
    assert ">0,21<" in html and ">0,04<" in html and ">x<" not in html  # method hidden when it names nothing
