"""Banner tables (issue 16): letters, arrows, bases, suppression, Excel, engines; against a hand-worked
example and statsmodels / scipy on the same counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats import proportion as smp
from statsmodels.stats.multitest import multipletests

import cxkit as cx
from cxkit.scales import Scale
from cxkit.stats.banner import banner as stats_banner

CSAT = Scale.csat()  # 1..5, top box 4, 5
CES = Scale.ces(1, 7, "higher_is_easier", easy=(5, 6, 7))


@pytest.fixture
def worked():
    # Hand-worked example: CSAT top box by region, three columns.
    #   x (A): 100 answers, 80 top box (80 %); y (B): 100, 60 (60 %); z (C): 40, 26 (65 %); total 240, 166.
    # Two-proportion score test, pooled p, z = (p1 - p2) / sqrt(p(1 - p)(1/n1 + 1/n2)):
    #   x vs y: pooled 0.70, se = sqrt(0.7*0.3*(0.02)) = 0.06481, z = 0.2 / 0.06481 = 3.086, p = 0.0020
    #   x vs z: pooled 106/140 = 0.757, z = 1.870, p = 0.0615;  y vs z: z = -0.549, p = 0.583
    # Against the rest of the total (the column vs every other answer; independent samples):
    #   x vs y+z (86/140 = 61.4 %): z = 3.071, p = 0.0021 -> up;  y vs x+z (106/140 = 75.7 %): z = -2.599,
    #   p = 0.0094 -> down;  z vs x+y (140/200 = 70 %): z = -0.625, p = 0.532 -> no arrow.
    # Without correction at alpha 0.05: x is higher than y (letter B in x's cell), x ▲, y ▼, z plain.
    # Holm over the 6 tests: 0.0020*6 = 0.012, 0.0021*5 = 0.011 (-> 0.012), 0.0094*4 = 0.037: same flags.
    rows = ([("x", 5)] * 80 + [("x", 2)] * 20 + [("y", 4)] * 60 + [("y", 1)] * 40 + [("z", 4)] * 26
            + [("z", 3)] * 14)
    df = pd.DataFrame(rows, columns=["region", "score"])
    return df.assign(metric="csat")


def _cell(b, group, metric="csat"):
    c = b.cells
    return c[(c["group"] == group) & (c["metric"] == metric)].iloc[0]


@pytest.mark.parametrize("correction", ["none", "holm"])
def test_worked_example_letters_and_arrows(worked, correction):
    b = stats_banner(worked, ["csat"], ["region"], scales={"csat": CSAT}, correction=correction, min_n=30)
    assert [_cell(b, g)["letter"] for g in "xyz"] == ["A", "B", "C"]
    assert _cell(b, "x")["higher_than"] == "B"
    assert _cell(b, "y")["higher_than"] == "" and _cell(b, "z")["higher_than"] == ""
    assert [_cell(b, g)["vs_total"] for g in "xyz"] == ["up", "down", ""]
    assert _cell(b, "Total")["value"] == pytest.approx(100 * 166 / 240)
    shown = b.display()
    assert shown.iloc[0, 1:].tolist() == ["69.2", "80.0 ▲ B", "60.0 ▼", "65.0"]
    assert shown.iloc[1, 1:].tolist() == ["240", "100", "100", "40"]  # base row
    # a detectable difference beside the only cell without a significant difference
    assert shown.iloc[2, 2] == "" and shown.iloc[2, 4].startswith("±")


def test_worked_example_against_statsmodels(worked):
    b = stats_banner(worked, ["csat"], ["region"], scales={"csat": CSAT}, correction="fdr_bh")
    counts = {"x": (80, 100), "y": (60, 100), "z": (26, 40)}
    expected = {}
    for a, c in (("x", "y"), ("x", "z"), ("y", "z")):
        expected[(a, c)] = smp.test_proportions_2indep(*counts[a], *counts[c], method="score", compare="diff",
                                                   correction=False).pvalue
    for a in "xyz":
        rest = [k for k in "xyz" if k != a]
        expected[(a, "rest")] = smp.test_proportions_2indep(
            *counts[a], sum(counts[k][0] for k in rest), sum(counts[k][1] for k in rest), method="score",
            compare="diff", correction=False).pvalue
    got = {(r.a, r.b): r.p_value for r in b.pairs.itertuples()}
    assert set(got) == set(expected)
    for k, p in expected.items():
        assert got[k] == pytest.approx(p, rel=1e-9)
    keys = list(got)
    bh = multipletests([got[k] for k in keys], method="fdr_bh")[1]
    assert b.pairs["p_adj"].to_numpy() == pytest.approx(bh)
    assert expected[("x", "y")] == pytest.approx(0.0020, abs=1e-4)  # the hand-worked value


def test_means_match_welch_ttest():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"g": rng.choice(["p", "q", "r"], 900, p=[0.5, 0.3, 0.2]),
                       "score": rng.integers(1, 8, 900)})
    df.loc[df.g == "q", "score"] = np.minimum(df.loc[df.g == "q", "score"] + 1, 7)
    df["metric"] = "ces"
    b = stats_banner(df, ["ces"], ["g"], scales={"ces": CES}, statistics={"ces": "mean"}, correction="none")
    for r in b.pairs.itertuples():
        x = df.loc[df.g == r.a, "score"]
        y = df.loc[df.g != r.a, "score"] if r.b == "rest" else df.loc[df.g == r.b, "score"]
        assert r.p_value == pytest.approx(stats.ttest_ind(x, y, equal_var=False).pvalue, rel=1e-7)
        assert r.diff == pytest.approx(x.mean() - y.mean())
    assert "q" in b.cells["group"].tolist() and _cell(b, "q", "ces")["vs_total"] == "up"


def test_suppressed_column_is_a_dash_and_untested(worked):
    df = pd.concat([worked, pd.DataFrame({"region": ["w"] * 5, "score": [5] * 5, "metric": "csat"})])
    b = stats_banner(df, ["csat"], ["region"], scales={"csat": CSAT}, min_n=30)
    w = _cell(b, "w")
    assert w["suppressed"] and np.isnan(w["value"]) and w["higher_than"] == "" and w["vs_total"] == ""
    assert b.pairs.loc[(b.pairs["a"] == "w") | (b.pairs["b"] == "w"), "p_value"].isna().all()
    assert b.display().loc[0, "region: w (A)"] == "–"
    assert any("–" in n for n in b.footnotes())
    # the family counts the untested comparisons too (as cx.pairwise does)
    assert len(b.pairs) == 6 + 4


def test_weighted_uses_effective_base(worked):
    df = worked.assign(wt=np.where(worked["region"] == "x", 2.0, 1.0))
    df.loc[df.index[::7], "wt"] = 3.0
    b = stats_banner(df, ["csat"], ["region"], scales={"csat": CSAT}, weight="wt")
    x = df[df.region == "x"]
    assert _cell(b, "x")["n_eff"] == pytest.approx(x.wt.sum() ** 2 / (x.wt**2).sum())
    assert _cell(b, "x")["value"] == pytest.approx(100 * x.wt[x.score >= 4].sum() / x.wt.sum())
    assert b.display().iloc[1, 0].startswith("Effective base")


def test_dataset_banner_dutch_and_excel(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    ds = cx.load_dataset(cx.sample_spec_path())
    b = cx.banner(ds, columns=["segment", "channel"])
    assert isinstance(b, cx.Banner)
    assert b.cells["metric"].drop_duplicates().tolist() == ds.metrics()
    nl = b.display("nl")
    assert "Totaal" in nl.columns and nl.iloc[1, 0].startswith("Basis")
    html = b.to_html("nl")
    assert "Kruistabel" in html and "Meervoudig toetsen" in html
    # sample ground truth (cxkit/data/sample/README.md): email and web make effort harder, store and
    # phone easier, so % easy by channel: store and phone above the rest, email and web below
    ces = b.cells[(b.cells["metric"] == "ces") & (b.cells["banner"] == "channel")].set_index("group")
    assert ces.loc["store", "vs_total"] == "up" and ces.loc["phone", "vs_total"] == "up"
    assert ces.loc["email", "vs_total"] == "down"
    path = b.to_excel(tmp_path / "banner.xlsx", lang="nl")
    ws = openpyxl.load_workbook(path).active
    got = [[c.value or "" for c in row] for row in ws.iter_rows(min_row=3, max_row=2 + len(nl))]
    assert got == nl.astype(str).to_numpy().tolist()
    with pytest.raises(cx.ParameterError, match="xlsx"):
        b.to_excel(tmp_path / "banner.csv")


def test_engines_agree(worked, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "w.parquet"
    worked.to_parquet(path)
    a = stats_banner(worked, ["csat"], ["region"], scales={"csat": CSAT})
    b = stats_banner(str(path), ["csat"], ["region"], scales={"csat": CSAT})
    c = stats_banner(duckdb.sql(f"select * from '{path}'"), ["csat"], ["region"], scales={"csat": CSAT})
    pd.testing.assert_frame_equal(a.cells, b.cells)
    pd.testing.assert_frame_equal(a.cells, c.cells)


def test_bad_arguments(worked):
    with pytest.raises(cx.ParameterError, match="scales"):
        stats_banner(worked, ["nps"], ["region"], scales={"csat": CSAT})
    with pytest.raises(cx.ParameterError, match="correction"):
        stats_banner(worked, ["csat"], ["region"], scales={"csat": CSAT}, correction="bh")
    with pytest.raises(cx.DataError, match="no answers for metric"):
        stats_banner(worked, ["nps"], ["region"], scales={"nps": Scale.nps()})
    with pytest.raises(cx.DataError):
        stats_banner(worked.assign(score=9), ["csat"], ["region"], scales={"csat": CSAT})


@pytest.mark.parametrize("statistic", ["nps", "top_box", "mean"])
@pytest.mark.parametrize("weighted", [False, True])
def test_pairs_match_cx_pairwise(statistic, weighted):
    # the banner's vectorised tests are cx.pairwise's (compare._pair), on the same groups
    rng = np.random.default_rng(11)
    df = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 1500, p=[0.5, 0.3, 0.2]), "score": rng.integers(0, 11, 1500),
                       "wt": rng.uniform(0.5, 2.0, 1500), "metric": "nps"})
    df.loc[df.g == "b", "score"] = np.minimum(df.loc[df.g == "b", "score"] + 1, 10)
    weight = "wt" if weighted else None
    b = stats_banner(df, ["nps"], ["g"], scales={"nps": Scale.nps()}, statistics={"nps": statistic},
                     weight=weight, correction="none")
    pw = cx.pairwise(df, "g", scale=Scale.nps(), statistic=statistic, weight=weight, correction="none")
    got = b.pairs[b.pairs["b"] != "rest"].set_index(["a", "b"])
    for r in pw.itertuples():
        assert got.loc[(r.a, r.b), "p_value"] == pytest.approx(r.p_value, rel=1e-9)
        assert got.loc[(r.a, r.b), "diff"] == pytest.approx(r.diff, rel=1e-9)
    # against the rest: the same test with the column's complement as group b
    rest = df.assign(g=np.where(df.g == "a", "a", "other"))
    one = cx.compare(rest, "g", "a", "other", scale=Scale.nps(), statistic=statistic, weight=weight)
    assert b.pairs.set_index(["a", "b"]).loc[("a", "rest"), "p_value"] == pytest.approx(one.p_value, rel=1e-9)


@pytest.mark.parametrize("lang, head", [("en", "touchpoint: support contact (A)"),
                                        ("nl", "contactmoment: contact met support (A)")])
def test_banner_headers_name_column_and_value_in_words(lang, head):
    """Report 05 (polish 3): "touchpoint: support_contact (L)" reads as words where i18n has them; other
    values (the customer's own codes) stay as they are."""
    rng = np.random.default_rng(5)
    d = pd.DataFrame({"metric": "csat", "score": rng.integers(1, 6, 400),
                      "touchpoint": rng.choice(["support_contact", "st_01"], 400)})
    shown = stats_banner(d, ["csat"], ["touchpoint"], scales={"csat": CSAT}, min_n=30).display(lang)
    heads = shown.columns.tolist()
    assert head in heads or head.replace("(A)", "(B)") in heads
    assert any(h.endswith(": st_01 (A)") or h.endswith(": st_01 (B)") for h in heads)
