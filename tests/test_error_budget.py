"""One error budget per run (issue 16 item 3): tests registered by the comparisons, carried out of each
report, adjusted over the whole ``cxkit run`` batch. The family's adjusted p-values are checked against
statsmodels ``multipletests`` on the concatenated p-values (computed here, not by cxkit)."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

import cxkit as cx
from cxkit.errors import ParameterError
from cxkit.report.error_budget import budget_line, extract_tests, run_family
from cxkit.run.batch import run_reports
from cxkit.stats.multiplicity import TestFamily

DATE = "2026-02-28"


@pytest.fixture(autouse=True)
def _fresh_family():
    cx.tests.clear()
    yield
    cx.tests.clear()


def _answers(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    seg = np.repeat(["a", "b", "c"], 200)
    shift = np.repeat([0, 1, 2], 200)
    return pd.DataFrame({"segment": seg, "score": np.clip(rng.integers(0, 11, 600) + shift, 0, 10)})


def test_comparisons_register_their_p_values_once():
    d = _answers()
    pw = cx.pairwise(d, "segment")
    assert len(cx.tests) == 3
    cx.pairwise(d, "segment")  # the same table again (a chart from the same comparison): one family entry each
    assert len(cx.tests) == 3
    c = cx.compare(d, "segment", "a", "c")
    fam = cx.tests.adjust("fdr_bh")
    assert list(fam["source"]) == ["pairwise"] * 3 + ["compare"]
    assert fam["p_value"].tolist() == pytest.approx([*pw["p_value"], c.p_value])
    expect = multipletests([*pw["p_value"], c.p_value], method="fdr_bh")[1]
    assert fam["p_adj"].to_numpy() == pytest.approx(expect, rel=1e-12)
    holm = cx.tests.adjust("holm")["p_adj"].to_numpy()
    assert holm == pytest.approx(multipletests([*pw["p_value"], c.p_value], method="holm")[1], rel=1e-12)


def test_budget_counts_and_expected_false_flags():
    fam = TestFamily()
    p = [0.001, 0.01, 0.02, 0.04, 0.3, 0.8, None]  # None: a suppressed comparison, counts as p = 1
    fam.register(p, [f"t{i}" for i in range(len(p))], "banner")
    rej = multipletests([0.001, 0.01, 0.02, 0.04, 0.3, 0.8, 1.0], alpha=0.05, method="fdr_bh")[0]
    b = fam.budget("fdr_bh", 0.05)
    assert b["tests"] == 7 and b["flags"] == int(rej.sum())
    assert b["expected_false_flags"] == pytest.approx(0.05 * rej.sum())
    assert b["uncorrected_false_flags"] == pytest.approx(0.35)
    assert fam.budget("holm")["expected_false_flags"] == 0.05
    with pytest.raises(ParameterError, match="`method`.*'bonferroni'"):
        fam.adjust("bonferroni")
    with pytest.raises(ParameterError, match="one label per p-value"):
        fam.register([0.1, 0.2], ["x"])
    with pytest.raises(ParameterError, match="between 0 and 1"):
        fam.register([1.5])


def test_budget_line_in_english_and_dutch():
    assert budget_line(12, "fdr_bh", 0.05, "en").startswith("This report made 12 significance tests.")
    assert "Benjamini-Hochberg, 5 %" in budget_line(12, lang="en")
    nl = budget_line(12, "holm", 0.05, "nl")
    assert nl.startswith("Dit rapport voerde 12 significantietoetsen uit.") and "Holm" in nl
    assert "geen significantietoetsen" in budget_line(0, lang="nl")


def _notebook(path, p_values: list[float]) -> None:
    """A tiny report: a parameters cell and one registration (as a banner table would make)."""
    params = nbformat.v4.new_code_cell('lang = "en"')
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import cxkit as cx\n"
        f"cx.tests.register({p_values!r}, [f'diff {{i}}' for i in range({len(p_values)})], 'banner')")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# tiny"), params, body])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.write_text(nbformat.writes(nb))


def test_batch_family_equals_multipletests_on_concatenated_p_values(tmp_path):
    first, second = [0.001, 0.02, 0.04, 0.3], [0.0004, 0.049, 0.6]
    _notebook(tmp_path / "one.ipynb", first)
    _notebook(tmp_path / "two.ipynb", second)
    batch = {"reports": [{"notebook": str(tmp_path / "one.ipynb")}, {"notebook": str(tmp_path / "two.ipynb")},
                         {"notebook": str(tmp_path / "two.ipynb"), "name": "two_nl", "parameters": {"lang": "nl"}}]}
    res = run_reports(batch, run_date=DATE, output=tmp_path / "reports")
    assert res.exit_code == 0, res.table()
    p_all = first + second + second  # in batch order: every report's tests belong to the family
    reject, p_adj, _, _ = multipletests(p_all, alpha=0.05, method="fdr_bh")
    doc = json.loads((tmp_path / "reports" / DATE / "tests.json").read_text())
    assert [t["p_value"] for t in doc["tests"]] == pytest.approx(p_all)
    assert [t["p_adj"] for t in doc["tests"]] == pytest.approx(list(p_adj), rel=1e-12)
    assert [t["significant"] for t in doc["tests"]] == list(reject)
    assert [t["report"] for t in doc["tests"]] == [f"{DATE}/one"] * 4 + [f"{DATE}/two"] * 3 + [f"{DATE}/two_nl"] * 3
    for name, mine in (("one", 4), ("two", 3), ("two_nl", 3)):
        m = json.loads((tmp_path / "reports" / DATE / name / "manifest.json").read_text())
        eb = m["error_budget"]
        assert m["tests"] == mine and eb["tests_in_report"] == mine
        assert eb["tests"] == 10 and eb["method"] == "fdr_bh" and eb["flags"] == int(reject.sum())
        assert eb["expected_false_flags"] == pytest.approx(0.05 * reject.sum())
    # Each report states its tests in one line, in its language.
    html_en = (tmp_path / "reports" / DATE / "one" / "one.html").read_text()
    assert "This report made 4 significance tests." in html_en
    assert "diff 0" not in html_en  # the tests travel as data, not printed on the page
    html_nl = (tmp_path / "reports" / DATE / "two_nl" / "two_nl.html").read_text()
    assert "Dit rapport voerde 3 significantietoetsen uit." in html_nl
    # The executed notebook carries the tests; the source notebook is unchanged.
    assert len(extract_tests(tmp_path / "reports" / DATE / "one" / "one.ipynb")) == 4
    assert len(nbformat.read(str(tmp_path / "one.ipynb"), as_version=4).cells) == 3


def test_run_family_keeps_reports_apart():
    fam = run_family([("r1", [{"source": "pairwise", "label": "x", "p_value": 0.01}]),
                      ("r2", [{"source": "pairwise", "label": "x", "p_value": 0.01}])])
    assert len(fam) == 2 and fam.adjust()["report"].tolist() == ["r1", "r2"]


def test_notebook_05_banner_tests_reach_the_batch_family(tmp_path):
    """Notebook 05's banner registers every test of its table: tests.json and the manifest count them all."""
    from .conftest import ROOT

    res = run_reports({"reports": [{"notebook": str(ROOT / "notebooks" / "05_segment_tables.ipynb"),
                                    "name": "seg"}]}, run_date=DATE, output=tmp_path / "reports")
    assert res.exit_code == 0, res.table()
    # The same banner in this process (sample, the notebook's defaults): its tests are the report's family.
    cx.tests.clear()
    ds = cx.load_dataset(cx.sample_spec_path()).as_of(DATE)
    start, _, _ = cx.overview_period(ds, "", DATE)
    answers = cx.window(ds, start, DATE)
    rows, cols, _, na = cx.banner_setup(ds, answers=answers)
    assert not na
    table = cx.banner(answers, rows, cols, scales=ds.scales, min_n=30)
    assert len(cx.tests) == len(table.pairs) > 50  # 3 metrics x (pairs + against the rest) per banner variable
    doc = json.loads((tmp_path / "reports" / DATE / "tests.json").read_text())
    mine = [t for t in doc["tests"] if t["report"] == f"{DATE}/seg"]
    assert len(mine) == len(doc["tests"]) == len(table.pairs)
    assert {t["source"] for t in mine} == {"banner"}
    # a suppressed column's tests have no p-value (null in JSON; counted as p = 1 in the family)
    got = [np.nan if t["p_value"] is None else t["p_value"] for t in mine]
    assert got == pytest.approx(table.pairs["p_value"].tolist(), nan_ok=True)
    m = json.loads((tmp_path / "reports" / DATE / "seg" / "manifest.json").read_text())
    assert m["tests"] == len(table.pairs) and m["error_budget"]["tests"] == len(table.pairs)
    html = (tmp_path / "reports" / DATE / "seg" / "seg.html").read_text()
    assert f"This report made {len(table.pairs)} significance tests." in html
