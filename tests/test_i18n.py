"""Display language: Dutch and English labels in plots, tables and generated sentences."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import cxkit as cx
from cxkit.report.i18n import fmt, text

NPS_TABLE = pd.DataFrame({"segment": ["a", "b"], "pct_detractors": [20.0, 30.0], "pct_passives": [30.0, 30.0],
                          "pct_promoters": [50.0, 40.0], "nps": [30.0, 10.0], "ci_low": [20.5, 0.0],
                          "ci_high": [39.5, 20.0], "n": [200, 1500], "suppressed": [False, False]})
HEAD = pd.DataFrame([{"metric": "nps", "value": 12.34, "unit": "points", "ci_low": 8.1, "ci_high": 16.5,
                      "n": 1234, "note": ""},
                     {"metric": "csat", "value": 81.25, "unit": "% top box", "ci_low": 79.0, "ci_high": 83.4,
                      "n": 2500, "note": ""}])


@pytest.mark.parametrize("lang,words,xlabel", [
    ("en", ["Detractors", "Passives", "Promoters"], "% of answers"),
    ("nl", ["Criticasters", "Passieven", "Promotors"], "% van de antwoorden"),
])
def test_nps_composition_legend_in_language(lang, words, xlabel):
    ax = cx.plots.nps_composition(NPS_TABLE, "segment", lang=lang)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == words
    assert ax.get_xlabel() == xlabel
    beside = [t.get_text() for t in ax.texts]
    assert beside[0] == ("NPS +30 [+20, +40], n=200" if lang == "en" else "NPS +30 [+20, +40], n=200")
    plt.close("all")


def test_trend_and_distribution_labels_in_dutch():
    t = pd.DataFrame({"period": ["2025-01", "2025-02"], "churn_rate": [2.0, 3.0], "ci_low": [1.0, 2.0],
                      "ci_high": [3.0, 4.0]})
    ax = cx.plots.trend(t, "churn_rate", lang="nl")
    assert ax.get_ylabel() == "churnpercentage (%)" and ax.get_xlabel() == "periode"
    ax = cx.plots.score_distribution(pd.DataFrame({"score": [1, 2, 2, 5]}), lang="nl")
    assert ax.get_ylabel() == "% van de antwoorden"
    plt.close("all")


def test_describe_overview_in_dutch_and_english():
    en = cx.describe_overview(HEAD)
    assert en.splitlines()[0] == "- NPS: 12.3 points (95% CI 8.1 to 16.5; n = 1,234)."
    nl = cx.describe_overview(HEAD, lang="nl")
    assert nl.splitlines() == ["- NPS: 12,3 punten (95%-BI 8,1 tot 16,5; n = 1.234).",
                               "- CSAT: 81,2 % topbox (95%-BI 79,0 tot 83,4; n = 2.500)."]
    changed = pd.DataFrame([{"metric": "nps", "significant": True, "diff": -5.25, "value_b": 15.0, "value_a": 9.75,
                             "previous": "2025-01", "period": "2025-02", "ci_low": -9.0, "ci_high": -1.5,
                             "p_adj": 0.0123}])
    assert "NPS daalde van 15,0 (2025-01) naar 9,8 (2025-02): -5,2, 95%-BI -9,0 tot -1,5, gecorrigeerde p = 0,0123." \
        in cx.describe_overview(HEAD, changed, lang="nl")
    none = changed.assign(significant=False)
    assert "Geen enkele maatstaf veranderde significant" in cx.describe_overview(HEAD, none, lang="nl")


def test_translate_columns_keeps_values():
    t = cx.nps(pd.DataFrame({"score": [10, 9, 7, 3] * 10}))
    shown = cx.translate_columns(t, "nl")
    assert {"% promotors", "% passieven", "% criticasters", "BI onder", "BI boven"} <= set(shown.columns)
    assert shown["% promotors"].tolist() == t["pct_promoters"].tolist()
    assert list(cx.translate_columns(t, "en").columns)[:1] == ["n"]
    assert cx.translate_columns(HEAD, "nl")["eenheid"].tolist() == ["punten", "% topbox"]


def test_number_format():
    assert fmt(1234.56, 1, "nl") == "1.234,6" and fmt(1234.56, 1, "en") == "1,234.6"
    assert fmt(-3.0, 0, "nl", sign=True) == "-3" and fmt(float("nan")) == "-"
    assert text("detractors", "nl") == "Criticasters"


def test_unknown_language_is_refused():
    with pytest.raises(cx.ParameterError, match=r"`lang` must be one of 'en', 'nl'; got 'de'"):
        cx.describe_overview(HEAD, lang="de")
    with pytest.raises(cx.ParameterError, match="lang"):
        cx.plots.nps_composition(NPS_TABLE, "segment", lang="fr")


def test_churn_share_matches_wilson_by_hand():
    c = pd.DataFrame({"churned": [True] * 12 + [False] * 48, "seg": ["a"] * 30 + ["b"] * 30})
    t = cx.churn_share(c, min_n=0)
    n, k, z = 60, 12, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert t["churn_pct"].iloc[0] == pytest.approx(20.0)
    assert t["ci_low"].iloc[0] == pytest.approx(100 * (centre - half))
    assert t["ci_high"].iloc[0] == pytest.approx(100 * (centre + half))
    by = cx.churn_share(c, "seg", min_n=31)
    assert by["suppressed"].all() and by["churned"].tolist() == [12, 0]


def test_fixed_result_messages_render_in_dutch_with_dutch_numbers():
    from cxkit.report.i18n import message

    note = ("channel has no variance (every value is 'email'): left out of the model. "
            "Controls left out of the fit: ['channel'].")
    assert message(note, "en") == note  # English stays as computed
    assert message(note, "nl") == ("channel varieert niet (elke waarde is 'email'): niet in het model opgenomen. "
                                   "Controlevariabelen niet in het model: ['channel'].")
    assert message("note [customers] churn flag: 4,444 of 20,000 customers churned (22.2%), 15,556 stayed.",
                   "nl") == "opmerking [customers] churnvlag: 4.444 van 20.000 klanten vertrokken (22,2%), 15.556 gebleven."
    assert message("two-proportion score test, Newcombe interval", "nl") == \
        "scoretoets voor twee proporties, Newcombe-interval"
    assert message("segment 'x <b>'", "nl") == "segment 'x <b>'"  # data, no template: unchanged


def test_a_result_shown_in_dutch_has_dutch_headers_title_and_notes():
    import cxkit as cx

    report = cx.validate_dataset(cx.sample_spec_path()).redacted()
    html = cx.show(report, "nl")._repr_html_()
    assert "Datakwaliteitsrapport" in html and "waarschuwing [responses]" in html
    assert "gekoppelde kolommen" in html and "cx-data" in html  # the column mapping quotes the data
    assert "Data-quality report" not in html and "appear more than once" not in html
    assert "Data-quality report" in cx.show(report, "en")._repr_html_()
