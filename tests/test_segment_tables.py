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
    assert "chance among the worst (%)" in html  # the league table by segment


def test_notebook_05_weights_off_shows_the_weighting_for_reference(tmp_path):
    html = _run(tmp_path, "en", spec=weighted_spec(tmp_path), weights=False)
    assert "Weights are switched off for this report" in html and "Weighting report" in html
    assert "Effective base (n_eff, weighted)" not in html


# -- the package logic, without a kernel ----------------------------------------------------------------------

def _answers() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for store, p_good, n in (("north", 0.8, 400), ("south", 0.78, 300), ("east", 0.4, 400), ("west", 0.79, 20)):
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
