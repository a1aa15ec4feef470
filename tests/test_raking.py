"""Raking (``cx.rake``, issue 16 item 1) against R ``survey::rake`` values typed in with their calls.

R 4.2.2, survey 4.1.1. Every case rakes to convergence (``control = list(maxit = 1000, epsilon = 1e-13)``);
within a cell of the target variables every weight is the same, so the expected values are one weight per
cell (printed with ``%.17g``). Nothing here is recomputed by cxkit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.errors import CxkitError, DataError, DegenerateDataError, ParameterError
from cxkit.stats.raking import weight_diagnostics

from .conftest import ROOT, sample_spec_absolute, shared_path

REFS = Path("/work/refs/data")
needs_refs = pytest.mark.skipif(not REFS.exists(), reason="reference inputs in /work/refs/data not available")


def _check_cells(result, data, a, b, expected):
    got = data.assign(_w=result.weights).groupby([a, b])["_w"].agg(["min", "max"])
    for (la, lb), w in expected.items():
        assert got.loc[(la, lb), "min"] == pytest.approx(w, rel=1e-6, abs=1e-6), (la, lb)
        assert got.loc[(la, lb), "max"] == pytest.approx(w, rel=1e-6, abs=1e-6), (la, lb)


# -- apistrat (REFERENCES.md case e, file e_apistrat_raked_weights.csv, column w_raked_tight) ---------------------
# dstrat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
# rake(dstrat, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
#      control = list(maxit = 1000, epsilon = 1e-13, verbose = FALSE))
# pop.types: E 4421, H 755, M 1018; pop.schwide: No 1072, Yes 5122.
API_TARGETS = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch_wide": {"No": 1072, "Yes": 5122}}
API_CELLS = {("E", "No"): 44.542566027657351, ("E", "Yes"): 44.177108854406548,
             ("H", "No"): 15.164699123918341, ("H", "Yes"): 15.040277731769864,
             ("M", "No"): 20.477608451802908, ("M", "Yes"): 20.309596377799664}


@needs_refs
def test_rake_apistrat_matches_survey_rake():
    d = pd.read_csv(REFS / "apistrat.csv")
    r = cx.rake(d, API_TARGETS, weight="pw")
    assert r.converged and r.weights.index.equals(d.index)
    _check_cells(r, d, "stype", "sch_wide", API_CELLS)
    assert r.weights.sum() == pytest.approx(6194, rel=1e-12)
    # min, max of the converged weights (REFERENCES.md e): 15.0402777317699, 44.5425660276574
    assert (r.min_weight, r.max_weight) == pytest.approx((15.0402777317699, 44.5425660276574), rel=1e-9)
    # pw is constant within stype, a raking variable: starting from 1 gives the same weights.
    _check_cells(cx.rake(d, API_TARGETS), d, "stype", "sch_wide", API_CELLS)


@needs_refs
def test_rake_apistrat_on_duckdb_and_count_table_gives_the_same_cells():
    duckdb = pytest.importorskip("duckdb")
    d = pd.read_csv(REFS / "apistrat.csv")
    r = cx.rake(duckdb.from_df(d), API_TARGETS, weight="pw")
    assert r.weights is None
    per = r.cells.assign(w=r.cells["weighted"] / r.cells["n"]).set_index(["stype", "sch_wide"])["w"]
    for cell, w in API_CELLS.items():
        assert per[cell] == pytest.approx(w, rel=1e-6)
    counts = d.groupby(["stype", "sch_wide"]).agg(n=("pw", "size"), w=("pw", "sum")).reset_index()
    rc = cx.rake(counts, API_TARGETS, weight="w", count="n")
    for row, total in zip(counts.itertuples(), rc.weights, strict=True):
        assert total / row.n == pytest.approx(API_CELLS[(row.stype, row.sch_wide)], rel=1e-6)
    assert rc.n_eff == pytest.approx(r.n_eff, rel=1e-9)


# -- oddjob airways (../shared/data/oddjob_airways_airlinesat/airlinesat.csv, 1065 rows) -------------------------
# d <- read.csv("airlinesat.csv"); n <- nrow(d)
# des <- svydesign(ids = ~1, data = d, weights = ~rep(1, n))
# ps <- data.frame(status = c("Blue", "Silver", "Gold"), Freq = c(0.6, 0.25, 0.15) * n)
# pc <- data.frame(flight_class = c("Economy", "Business", "First"), Freq = c(0.7, 0.25, 0.05) * n)
# r <- rake(des, list(~status, ~flight_class), list(ps, pc), control = list(maxit = 1000, epsilon = 1e-13))
# weights(r) per cell (sprintf("%.17g")); sum 1065, n_eff = sum(w)^2 / sum(w^2) = 925.26198040840336
AIR_CELLS = {("Blue", "Business"): 1.5387148445569798, ("Gold", "Business"): 1.2201216256088239,
             ("Silver", "Business"): 1.6143449060786856, ("Blue", "Economy"): 0.86557856444006964,
             ("Gold", "Economy"): 0.68635922300524832, ("Silver", "Economy"): 0.9081230035946305,
             ("Blue", "First"): 4.056805709851333, ("Gold", "First"): 3.216837996326793,
             ("Silver", "First"): 4.2562035817201824}
AIR_TARGETS = {"status": {"Blue": 0.6, "Silver": 0.25, "Gold": 0.15},
               "flight_class": {"Economy": 0.7, "Business": 0.25, "First": 0.05}}


def test_rake_airlinesat_matches_survey_rake():
    d = pd.read_csv(shared_path("oddjob_airways_airlinesat", "airlinesat.csv"))
    r = cx.rake(d, AIR_TARGETS)
    assert r.converged
    _check_cells(r, d, "status", "flight_class", AIR_CELLS)
    assert r.weights.sum() == pytest.approx(1065, rel=1e-12)
    assert r.n_eff == pytest.approx(925.26198040840336, rel=1e-6)
    assert r.efficiency == pytest.approx(925.26198040840336 / 1065, rel=1e-6)
    assert r.deff == pytest.approx(1065 / 925.26198040840336, rel=1e-6)
    # Kish: deff = 1 + CV^2 (CV with denominator n)
    w = r.weights.to_numpy()
    assert r.deff == pytest.approx(1 + (w.std() / w.mean()) ** 2, rel=1e-12)
    assert r.largest.iloc[0][["status", "flight_class"]].tolist() == ["Silver", "First"]
    m = r.summary().set_index(["variable", "level"])
    assert m.loc[("flight_class", "First"), "share_weighted"] == pytest.approx(0.05, abs=1e-9)
    assert m.loc[("flight_class", "First"), "n"] == 15


# -- the bundled sample: customers.csv, segment x contract -------------------------------------------------------
# Counts of the sample the R values were computed on (table(c$segment, c$contract)):
SAMPLE_COUNTS = {("consumer", "annual"): 2918, ("consumer", "monthly"): 9032, ("enterprise", "annual"): 1625,
                 ("enterprise", "monthly"): 380, ("smb", "annual"): 2762, ("smb", "monthly"): 3283}
# c <- read.csv("cxkit/data/sample/customers.csv"); n <- nrow(c)   # 20000
# des <- svydesign(ids = ~1, data = c, weights = ~rep(1, n))
# pseg <- data.frame(segment = c("consumer", "smb", "enterprise"), Freq = c(0.5, 0.35, 0.15) * n)
# pcon <- data.frame(contract = c("annual", "monthly"), Freq = c(0.4, 0.6) * n)
# r <- rake(des, list(~segment, ~contract), list(pseg, pcon), control = list(maxit = 1000, epsilon = 1e-13))
# weights(r) per cell; n_eff 19080.160005132799
SAMPLE_CELLS = {("consumer", "annual"): 0.82564985406623526, ("enterprise", "annual"): 1.4912004595157242,
                ("smb", "annual"): 1.1468330844032129, ("consumer", "monthly"): 0.84042888904283719,
                ("enterprise", "monthly"): 1.5178927718073931, ("smb", "monthly"): 1.1673612613092548}
SAMPLE_TARGETS = {"segment": {"consumer": 0.5, "smb": 0.35, "enterprise": 0.15},
                  "contract": {"annual": 0.4, "monthly": 0.6}}


def test_rake_sample_count_table_matches_survey_rake():
    # The count table of the sample R raked (typed above), so the check survives a regenerated sample.
    counts = pd.DataFrame([(s, c, n) for (s, c), n in SAMPLE_COUNTS.items()], columns=["segment", "contract", "n"])
    r = cx.rake(counts, SAMPLE_TARGETS, count="n")
    for row, total in zip(counts.itertuples(), r.weights, strict=True):
        assert total / row.n == pytest.approx(SAMPLE_CELLS[(row.segment, row.contract)], rel=1e-6)
    assert r.n_eff == pytest.approx(19080.160005132799, rel=1e-6)


# The same R code on the sample as regenerated with the 48-month burn-in (session 5, 2026-11-27):
CURRENT_COUNTS = {("consumer", "annual"): 3085, ("consumer", "monthly"): 8373, ("enterprise", "annual"): 1808,
                  ("enterprise", "monthly"): 459, ("smb", "annual"): 2929, ("smb", "monthly"): 3346}
CURRENT_CELLS = {("consumer", "annual"): 0.81980783020246539, ("enterprise", "annual"): 1.3000716973674302,
                 ("smb", "annual"): 1.0653339757545515, ("consumer", "monthly"): 0.89225998373647586,
                 ("enterprise", "monthly"): 1.4149681288880029, ("smb", "monthly"): 1.159484992532843}
CURRENT_N_EFF = 19477.224406064848


def test_rake_sample_rows_matches_survey_rake():
    c = pd.read_csv(ROOT / "cxkit" / "data" / "sample" / "customers.csv")
    have = c.groupby(["segment", "contract"]).size().to_dict()
    if have != CURRENT_COUNTS:
        pytest.skip("the sample was regenerated: rerun the R code above on it and type in the new values "
                    "(the count-table test above still checks R's values)")
    r = cx.rake(c, SAMPLE_TARGETS)
    _check_cells(r, c, "segment", "contract", CURRENT_CELLS)
    assert r.n_eff == pytest.approx(CURRENT_N_EFF, rel=1e-6)


# -- trimming --------------------------------------------------------------------------------------------------

def test_trimming_bounds_hold_and_margins_still_hold():
    d = pd.read_csv(shared_path("oddjob_airways_airlinesat", "airlinesat.csv"))
    free = cx.rake(d, AIR_TARGETS)
    r = cx.rake(d, AIR_TARGETS, trim=(0.6, 4.0))
    w = r.weights / r.weights.mean()
    assert w.max() <= 4.0 + 1e-9 and w.min() >= 0.6 - 1e-9
    assert free.max_ratio > 4.2 and r.trimmed_cells > 0 and r.notes
    m = r.summary()
    assert np.allclose(m["share_weighted"], m["share_target"], atol=1e-9)
    assert r.efficiency > free.efficiency


def test_trimming_too_tight_is_a_clear_error():
    d = pd.read_csv(shared_path("oddjob_airways_airlinesat", "airlinesat.csv"))
    with pytest.raises(DegenerateDataError, match=r"did not converge within the trimming bounds.*flight_class|trim"):
        cx.rake(d, AIR_TARGETS, trim=(0.9, 1.1))


# -- errors ---------------------------------------------------------------------------------------------------

SMALL = pd.DataFrame({"seg": ["a", "a", "b", "b", "b"], "ch": ["x", "y", "x", "y", "y"]})


@pytest.mark.parametrize(("targets", "kwargs", "error", "parts"), [
    ({"seg": {"a": 0.5, "b": 0.6}}, {}, ParameterError, ["'seg'", "sums to 1.1", "shares must sum to 1"]),
    ({"seg": {"a": 50, "b": 50}, "ch": {"x": 60, "y": 60}}, {}, ParameterError, ["common total", "'ch' 120"]),
    ({"seg": {"a": 0.5, "b": 0.3, "c": 0.2}}, {}, DataError, ["['c']", "'seg'", "do not occur"]),
    ({"seg": {"a": 1.0}}, {}, DataError, ["'seg'", "['b']", "without a target"]),
    ({"seg": {"a": 0.0, "b": 1.0}}, {}, ParameterError, ["'seg'", "'a' (2 answers)", "0"]),
    ({"seg": {"a": -1, "b": 2}}, {}, ParameterError, ["targets['seg']['a']", "-1"]),
    ({"nope": {"a": 1.0}}, {}, ParameterError, ["['nope']", "not in the data"]),
    ({}, {}, ParameterError, ["targets"]),
    ({"seg": {"a": 0.5, "b": 0.5}}, {"trim": (2, 3)}, ParameterError, ["`trim`", "(2, 3)"]),
    ({"seg": {"a": 0.5, "b": 0.5}}, {"max_iter": 0}, ParameterError, ["`max_iter`", "0"]),
])
def test_rake_errors_name_what_is_wrong(targets, kwargs, error, parts):
    with pytest.raises(error) as exc:
        cx.rake(SMALL, targets, **kwargs)
    assert isinstance(exc.value, CxkitError) and isinstance(exc.value, ValueError)
    for p in parts:
        assert p in str(exc.value), (p, str(exc.value))


def test_zero_cell_and_bad_rows_are_errors():
    d = SMALL.assign(w=[0.0, 0.0, 1.0, 1.0, 1.0])
    with pytest.raises(DataError, match=r"\['a'\] of 'seg'.*sum to 0"):
        cx.rake(d, {"seg": {"a": 0.5, "b": 0.5}}, weight="w")
    with pytest.raises(DataError, match=r"row 2 .*'seg'"):
        cx.rake(SMALL.assign(seg=["a", None, "b", "b", "b"]), {"seg": {"a": 0.5, "b": 0.5}})
    with pytest.raises(DataError, match=r"weight column 'w'.*row 3"):
        cx.rake(SMALL.assign(w=[1, 1, -1, 1, 1]), {"seg": {"a": 0.5, "b": 0.5}}, weight="w")


def test_impossible_targets_do_not_converge():
    # a only with x, b only with y: seg and ch are the same variable, so 0.5/0.5 vs 0.2/0.8 cannot both hold.
    d = pd.DataFrame({"seg": ["a", "a", "b", "b"], "ch": ["x", "x", "y", "y"]})
    with pytest.raises(DegenerateDataError, match=r"did not converge in 100 iterations.*max_iter"):
        cx.rake(d, {"seg": {"a": 0.5, "b": 0.5}, "ch": {"x": 0.2, "y": 0.8}})


def test_levels_match_by_text_and_result_prints():
    d = pd.DataFrame({"region": [1, 1, 2, 3, 3, 3]})
    r = cx.rake(d, {"region": {"1": 0.2, "2": 0.3, "3": 0.5}})
    assert r.weights.tolist() == pytest.approx([0.6, 0.6, 1.8, 1.0, 1.0, 1.0])
    assert repr(r).startswith("<RakeResult: Raked to 1 margins in 1 iterations")
    assert "share_target" in str(r) and "<strong>Raking</strong>" in r._repr_html_()
    assert weight_diagnostics(r.weights)["n_eff"] == pytest.approx(r.n_eff)


# -- `weights:` in the dataset spec (issue 16 item 2) ---------------------------------------------------------------

def _weighted_spec(weights: dict) -> dict:
    spec = sample_spec_absolute()
    spec["weights"] = weights
    return spec


SPEC_TARGETS = {"segment": {"consumer": 0.5, "smb": 0.35, "enterprise": 0.15}, "contract": {"annual": 0.4,
                                                                                            "monthly": 0.6}}


@pytest.fixture(scope="module")
def weighted_sample():
    return cx.load_dataset(_weighted_spec({"targets": SPEC_TARGETS, "trim": [0.3, 4]}))


def test_spec_weights_rake_each_metric_and_flow_into_the_metric_tables(weighted_sample):
    ds = weighted_sample
    assert set(ds.weighting) == set(ds.scales) and all(r.converged for r in ds.weighting.values())
    assert ds.weighted and "base_weight" not in ds.responses  # the sample maps no base weight
    answers = ds.responses.merge(ds.customers[["customer_id", "segment", "contract"]], on="customer_id")
    for metric in ds.scales:
        a = answers[answers["metric"] == metric]
        for col, margin in SPEC_TARGETS.items():
            shares = a.groupby(col)["weight"].sum() / a["weight"].sum()
            for level, share in margin.items():
                assert shares[level] == pytest.approx(share, abs=1e-9)
    # The metric tables weight by the answers' weight column: NPS = weighted promoters - detractors (%).
    nps = cx.metric_suite(ds.responses, ds.scales, weight="weight")["nps"]
    a = ds.responses[ds.responses["metric"] == "nps"]
    w, s = a["weight"], a["score"]
    by_hand = 100 * (w[s >= 9].sum() - w[s <= 6].sum()) / w.sum()
    assert nps["nps"].iloc[0] == pytest.approx(by_hand, abs=1e-9)
    assert nps["n_eff"].iloc[0] == pytest.approx(ds.weighting["nps"].n_eff, rel=1e-9)
    notes = [i.message for i in ds.quality.issues if "weights (" in i.message]
    assert len(notes) == 3 and "weighting efficiency" in notes[0]


def test_weighting_sensitivity_puts_unweighted_and_weighted_side_by_side(weighted_sample):
    ds = weighted_sample
    t = cx.weighting_sensitivity(ds.responses, "weight", ds.scales)
    assert list(t["metric"]) == list(ds.scales) and list(t["figure"]) == ["nps", "csat", "pct_easy"]
    plain = cx.metric_suite(ds.responses, ds.scales)
    assert t.set_index("metric").loc["nps", "unweighted"] == pytest.approx(plain["nps"]["nps"].iloc[0])
    assert np.allclose(t["diff"], t["weighted"] - t["unweighted"])
    by = cx.weighting_sensitivity(ds.responses, ds.responses["weight"], ds.scales, by="channel")
    assert "channel" in by and len(by) > len(t)


@pytest.mark.parametrize(("weights", "error", "parts"), [
    ({"targets": {"region": {"north": 1.0}}}, "SpecError", ["weights.targets", "'region'", "neither"]),
    ({"targets": SPEC_TARGETS, "cap": 3}, "SpecError", ["unknown keys ['cap']"]),
    ({"targets": SPEC_TARGETS, "per": "period"}, "SpecError", ["per", "'period'"]),
    ({"targets": {"segment": {"consumer": 0.6, "smb": 0.4}}}, "DataError", ["'segment'", "['enterprise']",
                                                                            "without a target"]),
])
def test_spec_weights_errors_name_what_is_wrong(weights, error, parts):
    with pytest.raises(CxkitError) as exc:
        cx.load_dataset(_weighted_spec(weights))
    assert type(exc.value).__name__ == error
    for p in parts:
        assert p in str(exc.value), (p, str(exc.value))
