"""The one table formatter (cx.show): what a reader sees in a table cell."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import cxkit as cx


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({
        "metric": ["nps", "csat", "<script>alert(1)</script>"], "kind": ["nps", "csat", "ces"],
        "value": [12.345, 70.05, np.nan], "ci_low": [1e-5, 65.0, np.nan], "p_value": [9.7e-58, 0.0412, np.nan],
        "diff": [3.2, -4.1, 0.5], "significant": [True, True, False], "n": [12345, 3456, 12],
        "auc": [0.6812, 0.5731, 0.5], "odds_ratio": [1.2345, 0.8, 1.0], "revenue": [348000.0, 1234.5, 0.0],
        "complete": [True, False, True], "method": ["wald", "wilson", "t"], "se": [0.1, 0.2, 0.3],
        "note": ["", "two waves", None]}, index=[5, 6, 7])


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)


def _headers(html: str) -> list[str]:
    return re.findall(r"<th\b[^>]*>(.*?)</th>", html.replace("<thead>", ""), flags=re.S)


def test_precision_per_column_and_no_e_notation(table):
    html = cx.show(table).to_html()
    cells = _cells(html)
    assert not any(re.search(r"\de[+-]\d", c) for c in cells)
    assert "12.3" in cells and "0.68" in cells and "1.23" in cells  # value 1 dp; AUC, odds ratio 2 dp
    assert "&lt; 0.001" in cells and "0.041" in cells  # p-values
    assert "12,345" in cells and "€ 348,000" in cells  # counts and money with thousands separators


def test_no_index_no_true_false_nan_and_technical_columns_hidden(table):
    html = cx.show(table).to_html()
    cells = _cells(html)
    assert not {"True", "False", "NaN", "nan", "None"} & set(cells)
    assert "–" in cells and "not available" in html  # a dash, explained under the table
    assert "yes" in cells and "no" in cells
    heads = _headers(html)
    assert "method" not in heads and "SE" not in heads and "5" not in cells[0]
    assert "¹ two waves" in html and "csat ¹" in cells
    full = cx.show(table, technical=True).to_html()
    assert "method" in _headers(full) and "wilson" in _cells(full)


def test_significance_marked_in_the_cell_with_a_legend(table):
    html = cx.show(table).to_html()
    cells = _cells(html)
    assert "▲ 3.2" in cells and "▼ -4.1" in cells and "0.5" in cells
    assert "significant rise" in html and "significant" not in _headers(html)


def test_data_strings_are_escaped(table):
    html = cx.show(table, caption="<b>caption</b>").to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;caption" in html


def test_dutch_headers_and_numbers(table):
    html = cx.show(table, "nl").to_html()
    cells, heads = _cells(html), _headers(html)
    assert "12,3" in cells and "12.345" in cells and "0,68" in cells and "€ 348.000" in cells
    assert "&lt; 0,001" in cells and "ja" in cells and "nee" in cells
    assert "maatstaf" in heads and "waarde" in heads
    assert "niet beschikbaar" in html and "significante stijging" in html


def test_result_html_uses_the_formatter_and_renders_markdown():
    from cxkit._results import Printer, Study

    class Demo(Study):
        title = "Demo"

        def summary(self):
            return pd.DataFrame({"p_value": [1e-9], "flag": [False]})

        def tables(self):
            return {}

        def describe(self, lang="en"):
            return "- **Bottom line**: nothing.\n- second"

    html = Printer(Demo()).to_html()
    assert "**" not in html and "<strong>Bottom line</strong>" in html and "<li>" in html
    assert "&lt; 0.001" in html and ">False<" not in html


def test_fractions_money_whole_numbers_and_no_negative_zero():
    """Report 06/07 formats (issue 12): fractions in %, CLV and declared money in currency, no "-0.0"."""
    t = pd.DataFrame({"segment": ["consumer", "smb"], "customer_months": [184061.0, 99447.4],
                      "retention_month": [0.9823, 0.9791], "clv": [1204.7, 86466.4], "ci_low": [1183.3, 84087.1],
                      "ci_high": [1228.8, 89115.8], "clv_simple": [1514.4, 165667.9], "sentiment": [-0.0004, 0.3]})
    cells = _cells(cx.show(t).to_html())
    assert cells[:8] == ["consumer", "184,061", "98.2%", "€ 1,205", "€ 1,183", "€ 1,229", "€ 1,514", "0.0"]
    rates = pd.DataFrame({"dimension": ["segment"], "level": ["consumer"], "customers": [33066],
                          "respondents": [11694], "response_rate": [0.3537], "ci_low": [0.3481], "ci_high": [0.3588]})
    html = cx.show(rates, "nl").to_html()
    assert _cells(html) == ["segment", "consumer", "33.066", "11.694", "35,4%", "34,8%", "35,9%"]
    shares = pd.DataFrame({"label": ["Price"], "share": [0.1103], "ci_low": [0.1056], "ci_high": [0.1152],
                           "difference": [5129.04]})
    shares.attrs[cx.report.tables.FORMATS_ATTR] = {"share": "fraction", "difference": "money"}
    assert _cells(cx.show(shares).to_html()) == ["Price", "11.0%", "10.6%", "11.5%", "€ 5,129"]
    assert cx.report.tables.format_value(-0.04, "number") == "0.0"
    assert cx.report.tables.format_value(-0.004, "two", "nl") == "0,00"
    assert cx.report.tables.format_value(-0.4, "number") == "-0.4"


def test_money_kpis_show_the_currency_and_names_in_words():
    from cxkit.report.summary import kpi_change, kpi_interval, kpi_label, kpi_value

    k = {"name": "promoter_value", "value": 5129.04, "ci_low": 4050.8, "ci_high": 6212.7, "n": 8303,
         "unit": "money", "level": 0.95}
    assert kpi_value(k) == "€ 5,129" and "money" not in kpi_value(k)
    assert kpi_interval(k) == "95% CI € 4,051 to € 6,213 · n = 8,303"
    assert kpi_value(k, "nl") == "€ 5.129"
    assert kpi_change(k, {**k, "value": 4000.0})[0].startswith("+€ 1,129")
    assert kpi_label(k) == "Extra lifetime value of a promoter over a detractor"
    assert kpi_label({"name": "top_topic_share"}, "nl") == "Aandeel opmerkingen over het vaakst genoemde onderwerp"
    from cxkit.report.i18n import REPORT_TITLES

    assert REPORT_TITLES["07_value"][0] == "What loyalty is worth and who answered"
    assert cx.report.tables.format_value(-154.9, "money") == "-€ 155"


@pytest.mark.parametrize("lang, words", [("en", ["segment", "preferred channel", "tenure"]),
                                         ("nl", ["segment", "voorkeurskanaal", "klantduur"])])
def test_response_rate_dimensions_are_words(lang, words):
    """Report 07: the `dimension` cells name data columns; the reader sees words, not `preferred_channel`."""
    rates = pd.DataFrame({"dimension": ["segment", "preferred_channel", "tenure_band"],
                          "level": ["consumer", "email", "1-2 years"], "customers": [10, 20, 30],
                          "respondents": [5, 6, 7], "response_rate": [0.5, 0.3, 0.23]})
    cells = _cells(cx.show(rates, lang).to_html())
    assert cells[0::5] == words
    assert not any("_" in c for c in cells)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_comparison_and_validation_headers_are_words(lang):
    """Reports 01-03 (polish 3): no raw column name as a header; effective n and log-likelihoods are analyst
    details left out of the reader's table (they stay in the computed table and its exports)."""
    cmp = pd.DataFrame({"metric": ["nps"], "n_a": [5017], "n_b": [4924], "n_eff_a": [5017.0], "n_eff_b": [4924.0],
                        "value_a": [-1.8], "value_b": [-3.4], "diff": [1.6]})
    churn = pd.DataFrame({"a": ["x"], "b": ["y"], "n_a": [1876], "n_b": [1249], "churned_a": [149], "churned_b": [39],
                          "rate_a": [7.9], "rate_b": [3.1], "diff": [4.8]})
    seg = pd.DataFrame({"segment": ["consumer"], "n": [3405], "csat_mean": [3.9], "csat_ci_low": [3.8],
                        "csat_ci_high": [3.9], "nps": [-5.8], "nps_ci_low": [-8.6], "nps_ci_high": [-3.0]})
    cross = pd.DataFrame({"csat": [1], "category": ["detractor"], "n": [159], "row_n": [243], "row_n_eff": [240.0]})
    auc = pd.DataFrame({"a": ["ces"], "b": ["nps"], "auc_a": [0.68], "auc_b": [0.62], "boot_low": [0.0],
                        "boot_high": [0.1]})
    lr = pd.DataFrame({"base": ["ces"], "added": ["nps"], "n": [3113], "llf_base": [-764.3], "llf_full": [-754.6],
                       "lr_stat": [19.4], "p_value": [0.0001]})
    val = pd.DataFrame({"metric": ["ces"], "split_at": [pd.Timestamp("2025-10-08")], "n_train": [6556],
                        "events_train": [438], "n_test": [3196], "events_test": [230], "auc_train": [0.68],
                        "auc_test": [0.64], "auc_test_low": [0.6], "auc_test_high": [0.68], "brier": [0.1],
                        "brier_null": [0.1], "slope": [0.8], "slope_low": [0.6], "slope_high": [1.0],
                        "observed": [7.2], "predicted": [6.8], "td_auc": [0.68], "td_cases": [339],
                        "td_controls": [2957]})
    for t in (cmp, churn, seg, cross, auc, lr, val):
        html = cx.show(t, lang).to_html()
        heads = re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.S)
        assert heads and not [h for h in heads if "_" in h], heads
    assert "5.017" not in _cells(cx.show(cmp, "nl").to_html())[3:]  # n_eff_a left out, n_a shown
    assert "2025-10-08" in _cells(cx.show(val, lang).to_html())  # a date, not a timestamp
    assert "n_eff_a" in cmp.columns  # the computed table keeps them


@pytest.mark.parametrize("lang, words", [
    ("en", ["CSAT after renewal", "CES after support contact", "CSAT after onboarding", "NPS", "wait time"]),
    ("nl", ["CSAT na verlenging", "CES na contact met support", "CSAT na onboarding", "NPS", "wait time"])])
def test_driver_names_are_words(lang, words):
    """Report 04 (polish 3): drivers asked after a touchpoint are named in words, in the table and the chart."""
    import matplotlib.pyplot as plt

    codes = ["csat_renewal", "ces_support_contact", "csat_onboarding", "nps", "wait_time"]
    t = pd.DataFrame({"driver": codes, "pct_of_r2": [40.0, 30.0, 20.0, 5.0, 5.0], "ci_low": [30.0, 20, 10, 1, 1],
                      "ci_high": [50.0, 40, 30, 9, 9]})
    cells = _cells(cx.show(t, lang).to_html())
    assert cells[0::4] == words
    ax = cx.plots.driver_importance(t, lang=lang)
    assert [x.get_text() for x in ax.get_yticklabels()] == words
    plt.close(ax.figure)
