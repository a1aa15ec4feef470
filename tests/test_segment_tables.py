"""Notebook 05 (segment tables, issue 16): the league tables and the weighting report, weighted and unweighted,
in English and Dutch; and the package logic behind them (cxkit.research.segments) on small frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import cxkit as cx
from cxkit.research.segments import CLEAR_BOTTOM
from cxkit.run.notebook import execute_notebook

from .conftest import ROOT, sample_spec_absolute

NB05 = ROOT / "notebooks" / "05_segment_tables.ipynb"
RUN_DATE = "2026-02-28"
# Population shares for the sample (its README: segments 60/30/10 % of customers, contracts by segment);
# the targets differ from the respondents' shares so that the weights are not all 1.
TARGETS = {"segment": {"consumer": 0.5, "smb": 0.35, "enterprise": 0.15}, "contract": {"annual": 0.4, "monthly": 0.6}}


def weighted_spec(folder) -> str:
    """A copy of the sample spec with a `weights:` block (absolute data paths), written to ``folder``."""
    spec = sample_spec_absolute()
    spec["weights"] = {"targets": TARGETS, "trim": [0.3, 4]}
    path = folder / "weighted_spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return str(path)


def _run(tmp_path, lang: str, **params):
    res = execute_notebook(NB05, tmp_path, {"run_date": RUN_DATE, "lang": lang, **params},
                           name=f"05_{lang}")
    assert res.status == "ok", res.error
    html = res.html.read_text(encoding="utf-8")
    assert "Traceback" not in html
    return html


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_notebook_05_weighted_shows_the_weighting_report_and_league(tmp_path, lang):
    html = _run(tmp_path, lang, spec=weighted_spec(tmp_path))
    if lang == "en":
        for words in ("The figures of this report are weighted", "Weighting report", "weighting efficiency (%)",
                      "design effect", "largest weight / mean", "Largest weights", "unweighted",
                      "Raked to 2 margins", "shrunken score", "chance among the worst (%)",
                      "the figures are weighted to the population", "Effective base (n_eff, weighted)"):
            assert words in html, words
        assert "category" in html and "target (%)" in html  # the margins
    else:
        for words in ("De cijfers van dit rapport zijn gewogen", "Wegingsrapport", "wegingsefficiëntie (%)",
                      "designeffect", "grootste gewicht / gemiddelde", "Grootste gewichten", "ongewogen",
                      "Gewogen naar 2 marges", "bijgestelde score", "kans bij de slechtste (%)",
                      "Effectieve basis (n_eff, gewogen)", "Ranglijst", "categorie", "doel (%)"):
            assert words in html, words
        for english in ("Weighting report", "The figures of this report", "Raked to", "most likely in the bottom"):
            assert english not in html, english


def test_notebook_05_unweighted_says_how_to_add_targets_and_drops_absent_units(tmp_path):
    html = _run(tmp_path, "en", league_unit=["segment", "store"], weights=True)
    assert "The figures of this report are unweighted" in html and "weights:" in html
    assert "the dataset has no column store" in html  # a plain note, the league goes on by segment
    # the sample's 3 segments are too few units for a league: the right reason, not "too few answers"
    assert "too few units for a league table: 3 units (segment) have answers, and it needs at least 5" in html
    assert "chance among the worst (%)" not in html and "raw score" not in html  # no table


def test_notebook_05_weights_off_shows_the_weighting_for_reference(tmp_path):
    html = _run(tmp_path, "en", spec=weighted_spec(tmp_path), weights=False)
    assert "Weights are switched off for this report" in html and "Weighting report" in html
    assert "Effective base (n_eff, weighted)" not in html


# -- the package logic, without a kernel ----------------------------------------------------------------------

def _answers() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for store, p_good, n in (("north", 0.8, 400), ("south", 0.78, 300), ("east", 0.4, 400), ("west", 0.79, 20),
                             ("centre", 0.81, 250)):
        good = rng.random(n) < p_good
        rows.append(pd.DataFrame({"metric": "csat", "store": store, "score": np.where(good, 5, 2)}))
    return pd.concat(rows, ignore_index=True)


def test_league_units_drop_absent_columns_and_fall_back():
    a = _answers()
    units, notes = cx.league_units(a, ["region", "store"], ["store"])
    assert units == ["store"] and notes == ["League table: the dataset has no column region, so the units are "
                                            "ranked without it."]
    units, notes = cx.league_units(a, ["region"], ["store"], lang="nl")
    assert units == ["store"] and "geen kolom region" in notes[0] and "waarden van store" in notes[1]
    units, notes = cx.league_units(a, ["region"], [])
    assert units == [] and "no column to rank units by" in notes[-1]


def test_league_tables_and_verdict_name_the_clear_bottom_unit():
    a = _answers()
    leagues, notes = cx.league_tables(a, ["csat"], {"csat": cx.Scale.csat()}, ["store"])
    assert notes == [] and list(leagues) == ["csat"]
    lg = leagues["csat"]
    assert lg.table["p_bottom"].max() >= CLEAR_BOTTOM  # east: 40 % top box against ~80 %
    lines = cx.segments_verdict(leagues, None, weighted=False)  # type: ignore[arg-type]
    assert lines == [f"- **csat**, league table: {lg.headline()}"] and "store east" in lines[0]
    nl = cx.segments_verdict(leagues, None, weighted=False, lang="nl")  # type: ignore[arg-type]
    assert "ranglijst" in nl[0] and "hoort het waarschijnlijkst bij de onderste 10 %" in nl[0]
    # one unit only: a plain sentence, no table
    leagues, notes = cx.league_tables(a[a["store"] == "north"], ["csat"], {"csat": cx.Scale.csat()}, ["store"])
    assert leagues == {} and notes == ["csat: only 1 unit(s) with answers, so there is nothing to rank."]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_too_few_units_for_a_league_table_says_so(lang):
    a = _answers()
    three = a[a["store"].isin(["north", "south", "east"])]
    leagues, notes = cx.league_tables(three, ["csat"], {"csat": cx.Scale.csat()}, ["store"], lang=lang)
    assert leagues == {}
    assert notes == [cx.i18n.text("lgr_few_units", lang, metric="csat", k=3, unit="store", least=5)]
    if lang == "en":
        assert notes == ["csat: too few units for a league table: 3 units (store) have answers, and it needs at "
                         "least 5 to estimate how much units differ."]
    else:
        assert "te weinig eenheden voor een ranglijst" in notes[0] and "minstens 5" in notes[0]
    assert "answers" not in notes[0].replace("have answers", "") and "antwoorden" not in notes[0].replace(
        "hebben antwoorden", "")  # the reason is the number of units, not of answers
    # an analyst may lower the bar; the threshold is checked like min_n
    leagues, notes = cx.league_tables(three, ["csat"], {"csat": cx.Scale.csat()}, ["store"], min_units=3)
    assert list(leagues) == ["csat"] and notes == []
    with pytest.raises(cx.ParameterError, match="min_units"):
        cx.league_tables(three, ["csat"], {"csat": cx.Scale.csat()}, ["store"], min_units="5")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_units_that_do_not_differ_get_no_blank_rank_cells(lang):
    # six stores with exactly the same share: no spread between units, so no ranking, and the reader
    # table leaves the rank columns out instead of showing dashes explained as "too few answers"
    a = pd.concat([pd.DataFrame({"metric": "csat", "store": s, "score": [5] * 70 + [2] * 30})
                   for s in "abcdef"], ignore_index=True)
    leagues, notes = cx.league_tables(a, ["csat"], {"csat": cx.Scale.csat()}, ["store"], lang=lang)
    lg = leagues["csat"]
    assert lg.fit.degenerate and notes == []
    r = lg.reader_table()
    assert not {"rank", "rank_low", "rank_high", "chance_bottom_pct", "chance_top_pct"} & set(r.columns)
    html = cx.show(r, lang).to_html()
    assert cx.i18n.text("dash_legend", lang) not in html and cx.i18n.text("too_few", lang) not in html
    assert "cannot be ranked" in lg.notes[0] and "do not differ" in lg.headline()


@pytest.mark.parametrize("lang, words", [("en", "(segment / preferred channel / contract)"),
                                         ("nl", "(segment / voorkeurskanaal / contract)")])
def test_league_headline_names_the_unit_columns_in_words(lang, words):
    """Report 05's headline and verdict: "(segment / preferred_channel / contract)" reads as words."""
    rng = np.random.default_rng(3)
    n = 2400
    a = pd.DataFrame({"segment": rng.choice(["consumer", "smb"], n), "preferred_channel": rng.choice(["email", "phone"], n),
                      "contract": rng.choice(["monthly", "yearly"], n), "metric": "csat"})
    bad = (a["segment"] == "smb") & (a["preferred_channel"] == "phone") & (a["contract"] == "monthly")
    a["score"] = np.where(bad, rng.choice([1, 2, 3, 4, 5], n, p=[.3, .3, .2, .1, .1]),
                          rng.choice([1, 2, 3, 4, 5], n, p=[.02, .03, .1, .35, .5]))
    leagues, _ = cx.league_tables(a, ["csat"], {"csat": cx.Scale.csat()}, ["segment", "preferred_channel", "contract"])
    lg = leagues["csat"]
    assert "preferred_channel" in lg.headline()  # stats keeps the column names; the wording is research's
    said = cx.league_headline(lg, lang)
    assert words in said and "_" not in said
    lines = cx.segments_verdict(leagues, None, weighted=False, lang=lang)  # type: ignore[arg-type]
    assert words in lines[0] and "_" not in lines[0]
