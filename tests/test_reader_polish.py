"""Reader-facing polish (polish2): what managers read in the rendered reports, in English and Dutch."""

from __future__ import annotations

import html as _html
import re

import pandas as pd
import pytest

import cxkit as cx
from cxkit.report.tables import column_kind
from cxkit.run.notebook import execute_notebook

from .conftest import ROOT


def _cells(html: str) -> list[str]:
    return [_html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]


def _table_with(html: str, header: str) -> tuple[list[str], list[str]]:
    """Headers and cells of the first rendered table that has ``header``."""
    for t in re.findall(r"<table.*?</table>", html, flags=re.S):
        heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", t, flags=re.S)]
        if header in heads:
            return heads, _cells(t)
    raise AssertionError(f"no table with the header {header!r}")


def _run(name: str, tmp_path, **params) -> str:
    res = execute_notebook(ROOT / "notebooks" / f"{name}.ipynb", tmp_path, params)
    assert res.status == "ok", res.error
    return res.html.read_text()


def test_chances_to_rank_first_or_last_are_percentages_not_p_values():
    t = pd.DataFrame({"driver": ["a", "b"], "p_top": [0.6704, 0.0004], "p_bottom": [0.0, 1.0],
                      "p_value": [0.0004, 0.2]})
    assert column_kind("p_top", t["p_top"]) == column_kind("p_bottom", t["p_bottom"]) == "fraction"
    assert column_kind("p_value", t["p_value"]) == column_kind("p_holm", t["p_value"]) == "p"
    assert _cells(cx.show(t).to_html()) == ["a", "67.0%", "0.0%", "< 0.001", "b", "0.0%", "100.0%", "0.20"]
    html = cx.show(t, "nl").to_html()
    assert _cells(html)[:4] == ["a", "67,0%", "0,0%", "< 0,001"]
    assert "kans bovenaan" in html and "kans onderaan" in html and "drijfveer" in html and "P(" not in html


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_04_shows_the_chance_to_rank_first_in_percent(lang, tmp_path):
    html = _run("04_drivers", tmp_path, lang=lang, n_boot=100)
    header = {"en": "chance at the top", "nl": "kans bovenaan"}[lang]
    heads, cells = _table_with(html, header)
    chances = cells[heads.index(header)::len(heads)]
    assert chances and all(re.fullmatch(r"\d{1,3}[.,]\d%", c) for c in chances), chances
    assert "< 0" not in "".join(chances) and "p_top" not in html and "P(top)" not in html


def test_a_refused_importance_table_is_explained_in_one_sentence():
    st = cx.comment_study(cx.sample_spec_path(), n_boot=20)
    assert "detractor_importance" not in st.tables and "detractor_model" in st.tables
    en, nl = st.importance_note("en"), st.importance_note("nl")
    assert en.startswith("The table of how much each topic matters for ") and "at least 50" in en and "for 20." in en
    assert nl.startswith("De tabel met hoeveel elk onderwerp telt voor ") and "minstens 50" in nl
    assert en.count(". ") == 0 and "n_boot" not in en + nl and "`" not in en + nl
    assert cx.comment_study(cx.sample_spec_path(), n_boot=50).importance_note("en") == ""


@pytest.mark.slow
def test_report_06_says_why_the_importance_table_is_missing(tmp_path):
    html = _run("06_comments", tmp_path, lang="nl", n_boot=20, run_date="2026-11-01")
    assert "de intervallen vragen minstens 50 bootstrap-steekproeven en deze run vroeg er 20." in html
    assert "must be 0 or a whole number" not in html  # the error itself stays the analyst's


def test_column_names_in_titles_and_headers_read_as_words():
    words = cx.i18n.column_words
    assert words("preferred_channel") == "preferred channel" and words("preferred_channel", "nl") == "voorkeurskanaal"
    assert words("segment", "nl") == "segment" and words("loyalty_tier", "nl") == "loyalty tier"  # unknown: spaces
    assert cx.i18n.unit_words(["segment", "preferred_channel", "contract"], "nl") == "segment / voorkeurskanaal / contract"
    assert cx.i18n.unit_words("tenure_band") == "tenure"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_league_chart_title_names_its_units_in_words(lang):
    import matplotlib.pyplot as plt

    ds = cx.load_dataset(cx.sample_spec_path()).as_of("2026-11-01")
    answers = cx.window(ds, "2025-11-01", "2026-11-01")
    lg = cx.league(answers[answers["metric"] == "nps"], unit=["segment", "preferred_channel"], metric="nps")
    title = cx.plots.caterpillar(lg, lang=lang).get_title().replace("\n", " ")
    assert "preferred_channel" not in title and {"en": "preferred channel", "nl": "voorkeurskanaal"}[lang] in title
    plt.close("all")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_reports_05_and_06_have_words_for_headers_and_chart_titles(lang, tmp_path):
    page05 = _run("05_segment_tables", tmp_path / "05", lang=lang, run_date="2026-11-01")
    alts = " ".join(_html.unescape(a) for a in re.findall(r'alt="([^"]*)"', page05))
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", page05, flags=re.S)]
    channel = {"en": "preferred channel", "nl": "voorkeurskanaal"}[lang]
    assert f"segment / {channel} / contract" in alts and "preferred_channel" not in alts
    assert not [h for h in heads if "preferred_channel" in h]
    assert "NPS · segment" in alts and "nps · segment" not in alts
    page06 = _run("06_comments", tmp_path / "06", lang=lang, run_date="2026-11-01", n_boot=50)
    heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", page06, flags=re.S)]
    assert "label" not in heads and {"en": "topic", "nl": "onderwerp"}[lang] in heads


CLV_NOTES_EN = ("cut-off: the latest date", "months counted from", "revenue per customer-month", "clv_simple:",
                "beyond the observed tenure", "percentile bootstrap intervals")


def test_every_note_of_cx_clv_has_a_dutch_template():
    cust = cx.load_dataset(cx.sample_spec_path()).customers
    res = cx.clv(cust, by="segment", revenue="value", n_boot=100, horizon=120, margin=0.4)
    plain = cx.clv(cust, revenue="value", n_boot=0)
    notes = [*res.notes, *plain.notes]
    assert all(any(n.startswith(s) or s in n for n in notes) for s in CLV_NOTES_EN)  # every note is made here
    dutch = [cx.i18n.message(n, "nl") for n in notes]
    assert not [d for d in dutch if any(s in d for s in CLV_NOTES_EN)], dutch
    assert "over 120 maanden, x marge 0,4" in dutch[2] and "95% percentiel-bootstrapintervallen" in dutch[5]
    page = cx.show(res, "nl").to_html()
    assert "peildatum: de laatste datum" in page and not [s for s in CLV_NOTES_EN if s in page]


@pytest.mark.slow
def test_dutch_report_07_has_no_english_clv_note(tmp_path):
    page = _run("07_value", tmp_path, lang="nl", run_date="2026-11-01")
    assert not [s for s in CLV_NOTES_EN if s in page]
