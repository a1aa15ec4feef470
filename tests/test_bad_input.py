"""Bad input: every case ends in a CxkitError naming what is wrong, or in a correct result.

Each case builds a small input in code (files in a tmp folder, or a DataFrame)
and runs one entry point: loading (``cx.load_dataset``), metrics, comparisons,
dataset overviews, or the report runner (``cxkit.run.notebook.execute_notebook``).
An error case asserts the exception class and the parts of the message that
tell the analyst where and what: file, column, rows, what was expected. A
result case asserts the value against an independent computation.

The table of cases (input -> expected outcome) is in ``tests/README.md``; a
test below keeps it in step with ``CASES``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

import cxkit as cx
from cxkit.run.batch import load_batch
from cxkit.run.notebook import execute_notebook
from cxkit.scales import Scale

from .conftest import ROOT

NB01 = ROOT / "notebooks" / "01_cx_overview.ipynb"
Z95 = stats.norm.ppf(0.975)

H = "id,date,q,a\n"
GOOD = H + "1,2025-01-01,nps,9\n2,2025-01-02,csat,4\n"
CUST = "id,start,end,seg\n1,2024-01-01,,a\n2,2024-01-01,,b\n"
RCOLS = {"customer_id": "id", "answered_at": "date", "metric": "q", "score": "a"}
WCOLS = {**RCOLS, "weight": "w"}
SCALES = {"nps": {"kind": "nps"}, "csat": {"kind": "csat", "min": 1, "max": 5}}


def spec(tmp: Path, responses: str | bytes = GOOD, customers: str | None = None, *, rfile: str = "r.csv",
         rcols: dict | None = None, ropts: dict | None = None, ccols: dict | None = None,
         scales: dict | None = None) -> Path:
    """Write responses (and customers) files and a spec naming them; return the spec path."""
    data = responses if isinstance(responses, bytes) else responses.encode("utf-8")
    (tmp / rfile).write_bytes(data)
    table = {"file": rfile, "columns": rcols or RCOLS, **(ropts or {})}
    s = {"name": "t", "tables": {"responses": {k: v for k, v in table.items() if v is not None}},  # None: drop key
         "scales": scales or SCALES}
    if customers is not None:
        (tmp / "c.csv").write_text(customers)
        s["tables"]["customers"] = {"file": "c.csv", "columns": ccols or {
            "customer_id": "id", "start_date": "start", "end_date": "end", "segment": "seg"}}
    p = tmp / "spec.yaml"
    p.write_text(yaml.safe_dump(s))
    return p


def load(*args, **kwargs) -> Callable[[Path], object]:
    return lambda tmp: cx.load_dataset(spec(tmp, *args, **kwargs))


def rows(*pairs: tuple[str, int]) -> str:
    return H + "".join(f"{i},2025-01-01,{m},{v}\n" for i, (m, v) in enumerate(pairs, start=1))


def nps_df(*scores, **cols) -> pd.DataFrame:
    return pd.DataFrame({"score": list(scores), **cols})


BIG = pd.DataFrame({"score": np.tile([9, 10, 3, 7, 5], 20), "g": np.repeat(["a", "b"], 50),
                    "d": ["2025-01-01"] * 50 + ["2025-02-01"] * 50})
CUSTOMERS = pd.DataFrame({"start_date": ["2024-01-01", "2024-01-15", "2024-02-01"],
                          "end_date": [None, "2024-03-10", None]})


@dataclass(frozen=True)
class Case:
    id: str
    area: str
    input: str                      # what the case feeds in (for the README table)
    run: Callable[[Path], object]
    error: type | None = None
    parts: tuple[str, ...] = ()     # substrings the message must contain
    check: Callable[[object], None] | None = None
    expect: str = ""                # expected outcome in words, for result cases


# -- result checks (independent computations) --------------------------------
def _check_no_churners(ds) -> None:
    assert not ds.customers["churned"].any()
    t = cx.churn_rate(ds.customers, period_start="2024-03-01", period_end="2024-03-31", min_n=0).iloc[0]
    n = 2
    assert t["at_start"] == n and t["churned"] == 0 and t["churn_rate"] == 0
    # Wilson upper bound for 0 of n: z^2 / (n + z^2).
    assert t["ci_high"] == pytest.approx(100 * Z95**2 / (n + Z95**2))
    assert t["note"] == "no churn in the period"


def _check_future(ds) -> None:
    cut = ds.as_of("2025-06-30")
    assert len(cut.responses) == 2
    assert cut.excluded["answers dated after 2025-06-30"] == 1
    assert cut.excluded["customers starting after 2025-06-30"] == 1
    assert cut.excluded["churn dated after 2025-06-30 (customer counted as active)"] == 1
    c = cut.customers.set_index("customer_id")
    assert pd.isna(c.loc["2", "end_date"]) and not c.loc["2", "churned"]


def _check_offsets(ds) -> None:
    got = ds.responses.sort_values("_row")["answered_at"].tolist()
    assert got == [pd.Timestamp("2025-01-01 08:00"), pd.Timestamp("2025-01-01 15:00"),
                   pd.Timestamp("2025-01-02 00:00")]


def _check_semicolon(ds) -> None:
    assert ds.responses.sort_values("_row")["score"].tolist() == [9.0, 4.0]


def _check_whitespace_and_decimals(ds) -> None:
    assert ds.responses["score"].tolist() == [9.0, 8.0]


def _check_single_answer(t) -> None:
    r = t.iloc[0]
    assert r["nps"] == 100 and r["n"] == 1 and "single answer" in r["note"]
    # Adjusted Wald (Rocks 2016) by hand: n + 3 answers, 1.75 promoters, 0.75 detractors.
    pro, det = 1.75 / 4, 0.75 / 4
    centre = pro - det
    half = Z95 * np.sqrt((pro + det - centre**2) / 4)
    assert r["ci_low"] == pytest.approx(100 * (centre - half))
    assert r["ci_high"] == pytest.approx(min(100.0, 100 * (centre + half)))


def _check_one_answer_group(t) -> None:
    t = t.set_index("g")
    assert bool(t.loc["b", "suppressed"]) and np.isnan(t.loc["b", "nps"]) and t.loc["b", "n"] == 1
    assert not t.loc["a", "suppressed"] and t.loc["a", "nps"] == pytest.approx(100 * (20 - 10) / 40)


def _check_zero_weights(t) -> None:
    t = t.set_index("g")
    assert bool(t.loc["a", "suppressed"]) and np.isnan(t.loc["a", "nps"])
    assert t.loc["a", "note"] == "weights sum to zero: suppressed"
    assert t.loc["b", "nps"] == pytest.approx(-50.0)


def _check_churn_no_churners(t) -> None:
    r = t[t["period"] == "2024-03"].iloc[0]
    assert (r["at_start"], r["churned"], r["churn_rate"]) == (3, 0, 0.0)
    assert r["ci_high"] == pytest.approx(100 * Z95**2 / (3 + Z95**2))


def _check_small_comparison(c) -> None:
    assert c.suppressed and np.isnan(c.diff) and np.isnan(c.value_b) and c.n_b == 4
    assert "min_n=30" in c.note


def _check_empty_period_churn(t) -> None:
    # No customer is active at the start of January: no rate, and no -inf "simple" rate either.
    r = t[t["period"] == "2024-01"].iloc[0]
    assert r["at_start"] == 0 and np.isnan(r["churn_rate"]) and np.isnan(r["simple_rate"])


def _check_recode_null(ds) -> None:
    # 0 means "not applicable": read as missing, never scored; the other answers keep their values.
    assert sorted(ds.responses["score"].tolist()) == [4.0, 5.0]


def _check_exact_copies(report) -> None:
    # 2 of the 4 rows repeat an earlier row: counted and shown, advice that works, no column `_row` named.
    assert report.stats["responses"]["exact_duplicates"] == 2
    msg = next(i.message for i in report.issues if i.check == "exact_duplicates")
    assert "2 row(s) are exact copies" in msg and "row 3 = row 1" in msg and "duplicates: {drop: exact}" in msg
    assert "'_row'" not in report.text() and "column _row" not in report.text()


def _check_missing_token_query(ds) -> None:
    assert ds.responses["score"].tolist() == [9.0]
    assert ds.quality.stats["responses"]["missing_scores"] == {"nps": 1}


def _check_customer_level(ds) -> None:
    assert ds.responses["score"].tolist() == [4.0, 2.0, 5.0]
    assert ds.customers["churned"].tolist() == [False, True, False]


def _customer_level(tmp: Path) -> object:
    (tmp / "c.csv").write_text("id,sat,churn\nA,4,loyal\nB,2,disloyal\nC,5,loyal\n")
    p = tmp / "spec.yaml"
    p.write_text(yaml.safe_dump({"tables": {"customers": {
        "file": "c.csv", "columns": {"customer_id": "id", "churned": "churn"}, "scores": {"csat": "sat"},
        "churn_labels": {"churned": ["disloyal"], "stayed": ["loyal"]}}},
        "scales": {"csat": {"kind": "csat", "min": 1, "max": 5}}}))
    return cx.load_dataset(p)


def _churn_words(tmp: Path) -> object:
    return cx.load_dataset(spec(tmp, customers="id,start,end,seg,st\n1,2024-01-01,,a,loyal\n"
                                "2,2024-01-01,,b,disloyal\n",
                                ccols={"customer_id": "id", "churned": "st", "segment": "seg"}))


# -- issue 13: the crashes real exports caused (each now a plain result, never a traceback) -----------------
NB02 = ROOT / "notebooks" / "02_satisfaction_vs_loyalty.ipynb"
NB04 = ROOT / "notebooks" / "04_drivers.ipynb"


def _old_data(tmp: Path) -> Path:
    """Answers from 2019 only (NPS and CSAT by segment): every one years before a 2025 period_start."""
    body = "".join(f"{i},2019-0{1 + i % 6}-1{i % 9},{m},{v}\n" for i in range(1, 61)
                   for m, v in (("nps", i % 11), ("csat", 1 + i % 5)))
    cust = "id,start,end,seg\n" + "".join(f"{i},2018-01-01,,{'ab'[i % 2]}\n" for i in range(1, 61))
    return spec(tmp, H + body, cust)


def _one_score_churn(tmp: Path) -> Path:
    """The commonest real churn export: one row per customer, a CSAT score and a churn flag, nothing else."""
    lines = "".join(f"{i},{1 + i % 5},{'yes' if (i % 5 < 2) == (i % 3 > 0) else 'no'}\n" for i in range(120))
    (tmp / "c.csv").write_text("id,sat,churn\n" + lines)
    p = tmp / "spec.yaml"
    p.write_text(yaml.safe_dump({"tables": {"customers": {
        "file": "c.csv", "columns": {"customer_id": "id", "churned": "churn"}, "scores": {"csat": "sat"}}},
        "scales": {"csat": {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}}}))
    return p


def _nb_run(nb: Path, make: Callable[[Path], Path], **params) -> Callable[[Path], object]:
    fast = {"n_boot": 50} if nb.name.startswith("04") else {}
    return lambda tmp: execute_notebook(nb, tmp / "out", {"spec": str(make(tmp)), **fast, **params})


def _check_not_applicable(words: tuple[str, ...], shown: str = "") -> Callable[[object], None]:
    def check(res) -> None:
        assert res.status == "not applicable", (res.status, res.error)
        assert all(w in res.error for w in words), res.error
        page = res.html.read_text(encoding="utf-8")
        assert "Traceback" not in page and shown in page  # what it can report, it reports
    return check


def _check_ok(res) -> None:
    assert res.status == "ok", (res.status, res.error)
    assert "Traceback" not in res.html.read_text(encoding="utf-8")


def _check_validate_recode_null(report) -> None:
    assert report.ok, report.text()
    assert report.stats["responses"]["missing"] == {"score": 1} and report.stats["responses"]["rows_kept"] == 1


# -- hostile inputs (issue 14): each must end in a clear error, none may hang ----------------
RUNNER_NB = ROOT / "tests" / "fixtures" / "runner" / "report.ipynb"
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def _with_data_file(tmp: Path, make: Callable[[Path], None]) -> Path:
    """A good spec whose responses file is replaced by ``make(path)`` (a FIFO, a link loop...)."""
    p = spec(tmp)
    (tmp / "r.csv").unlink()
    make(tmp / "r.csv")
    return p


def _spec_text(tmp: Path, text: str | bytes) -> Path:
    p = tmp / "spec.yaml"
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


def _plan(name: str, grid: dict | None = None) -> Callable[[Path], object]:
    from cxkit.run.batch import plan_runs

    rep = {"notebook": str(RUNNER_NB), "name": name, **({"grid": grid} if grid else {})}
    return lambda tmp: plan_runs({"reports": [rep]}, run_dates=["2026-02-28"], output=tmp)


def _foreign_lock(tmp: Path) -> object:
    """A lock file we may not open (another user's). As root, permissions do not stop us: simulate the error."""
    from unittest import mock

    import filelock

    from cxkit.run.batch import LOCK_NAME, run_reports

    day = tmp / "2026-02-28"
    day.mkdir()
    (day / LOCK_NAME).write_text("")
    (day / LOCK_NAME).chmod(0o000)
    denied = PermissionError(13, "Permission denied", str(day / LOCK_NAME))
    with mock.patch.object(filelock.FileLock, "acquire", side_effect=denied) if os.geteuid() == 0 \
            else contextlib.nullcontext():
        return run_reports(notebook=RUNNER_NB, run_date="2026-02-28", output=tmp)


def _edited_manifest(tmp: Path) -> str:
    from cxkit.run.manifest import write_index

    for name, text in (("edited", '{"status": "ok", "duration_s": "slow", "outputs": "x"}'), ("listed", "[1, 2]")):
        (tmp / name).mkdir()
        (tmp / name / "manifest.json").write_text(text)
    return write_index(tmp).read_text()


def _check_basic_date(runs) -> None:
    from cxkit.run.batch import plan_runs

    (basic,) = plan_runs({"reports": [{"notebook": str(RUNNER_NB), "name": "r"}]}, run_dates=["20260228"])
    assert basic.run_date == runs[0].run_date == "2026-02-28" and basic.folder.parts[-2:] == ("2026-02-28", "r")


def _date_list(tmp: Path) -> object:
    """What the batch reader makes of `periods: [2026-01-31]` (YAML reads a date, JSON cannot carry one)."""
    from cxkit._inputs import read_yaml
    from cxkit.run.batch import _plain

    (tmp / "b.yaml").write_text("periods: [2026-01-31]\n")
    return _plain(read_yaml(tmp / "b.yaml", "batch file")["periods"])


def _zipped(text: str) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("r.csv", text)
    return buf.getvalue()


def _check_equal(got, expected) -> None:
    assert got == expected


def _check_edited_index(html: str) -> None:
    assert "2 runs: 0 ok, 2 failed" in html and html.count(">unknown<") == 2 and "was edited" in html


FUTURE_R = H + "1,2025-01-01,nps,9\n2,2025-06-01,csat,4\n1,2025-07-01,nps,10\n"
FUTURE_C = "id,start,end,seg\n1,2024-01-01,,a\n2,2024-01-01,2025-08-01,b\n3,2025-09-01,,a\n"
MIXED = rows(*[("csat", v) for v in (1, 2, 3, 4, 5, 7, 8, 9, 10, 4)])

CASES: list[Case] = [
    # ---------------------------------------------------------------- hostile (issue 14)
    Case("hostile-header-space-duplicate", "hostile", "headers `a ,a` (equal once spaces are stripped)",
         load("id,date,q,a ,a\n1,2025-01-01,nps,9,9\n"), cx.DataError, ("r.csv", "['a']", "more than once")),
    Case("hostile-symlink-loop", "hostile", "data file is a symbolic link to itself",
         lambda tmp: cx.load_dataset(_with_data_file(tmp, lambda p: p.symlink_to(p))),
         cx.DataError, ("r.csv", "symbolic link loop")),
    Case("hostile-fifo-data", "hostile", "data file is a FIFO (opening it would block forever)",
         lambda tmp: cx.load_dataset(_with_data_file(tmp, os.mkfifo)), cx.DataError, ("r.csv", "FIFO", "regular file")),
    Case("hostile-dev-zero", "hostile", "`file: /dev/zero` (endless)",
         lambda tmp: cx.load_dataset(spec(tmp, rfile="x.csv") and _spec_text(tmp, yaml.safe_dump(
             {"name": "t", "tables": {"responses": {"file": "/dev/zero", "columns": RCOLS}}, "scales": SCALES}))),
         cx.DataError, ("/dev/zero", "character device", "regular file")),
    Case("hostile-fifo-spec", "hostile", "dataset spec is a FIFO",
         lambda tmp: (os.mkfifo(tmp / "spec.yaml"), cx.load_dataset(tmp / "spec.yaml")),
         cx.SpecError, ("spec.yaml", "FIFO")),
    Case("hostile-spec-cp1252", "hostile", "dataset spec saved as Windows-1252 (`café`)",
         lambda tmp: cx.load_dataset(_spec_text(tmp, "name: café\n".encode("cp1252"))),
         cx.SpecError, ("spec.yaml", "not UTF-8", "0xe9", "line 1")),
    Case("hostile-deep-yaml", "hostile", "dataset spec nested 50,000 levels deep",
         lambda tmp: cx.load_dataset(_spec_text(tmp, "name: " + "[" * 50_000 + "]" * 50_000)),
         cx.SpecError, ("spec.yaml", "nested more than 64")),
    Case("hostile-laughs-spec", "hostile", "billion-laughs aliases in the spec's `name:`",
         lambda tmp: cx.load_dataset(_spec_text(tmp, LAUGHS + "name: *i\n")),
         cx.SpecError, ("spec.yaml", "aliases", "100,000")),
    Case("hostile-duplicate-key", "hostile", "a spec giving `name:` twice",
         lambda tmp: cx.load_dataset(_spec_text(tmp, "name: a\nname: b\n")),
         cx.SpecError, ("spec.yaml", "'name' appears twice", "lines 1 and 2")),
    Case("hostile-laughs-batch", "hostile", "billion-laughs batch file",
         lambda tmp: (tmp / "b.yaml").write_text(LAUGHS + "reports: *i\n") and load_batch(tmp / "b.yaml"),
         cx.ParameterError, ("batch file", "b.yaml", "aliases")),
    Case("hostile-fifo-batch", "hostile", "batch file is a FIFO",
         lambda tmp: (os.mkfifo(tmp / "b.yaml"), load_batch(tmp / "b.yaml")),
         cx.ParameterError, ("batch file", "FIFO")),
    Case("hostile-run-named-index", "hostile", "a run named `index.html`", _plan("index.html"),
         cx.ParameterError, ("'index.html'", "reserved")),
    Case("hostile-long-run-name", "hostile", "a 300-character run name", _plan("x" * 300),
         cx.ParameterError, ("300 characters", "at most 100")),
    Case("hostile-name-attribute", "hostile", "name template `x-{channel.__class__}`",
         _plan("x-{channel.__class__}", {"channel": ["web"]}),
         cx.ParameterError, ("{channel.__class__}", "not a grid key", "['channel']")),
    Case("hostile-foreign-lock", "hostile", "the date folder's lock file belongs to another user", _foreign_lock,
         cx.OutputError, ("lock file", ".cxkit-run.lock", "Permission denied", "another user")),
    Case("hostile-row-column", "hostile", "a source column named `_row`",
         load("id,date,q,a,_row\n1,2025-01-01,nps,9,x\n"), cx.DataError, ("r.csv", "`_row`", "rename")),
    Case("hostile-run-date-basic-format", "hostile", "`--run-date 20260228` (ISO basic format)",
         lambda tmp: _plan("r")(tmp), check=lambda runs: _check_basic_date(runs),
         expect="the same day and folder as 2026-02-28"),
    Case("hostile-date-in-list-parameter", "hostile", "a YAML date inside a list parameter",
         lambda tmp: _date_list(tmp),
         check=lambda v: _check_equal(v, ["2026-01-31"]), expect="ISO text, as papermill's JSON needs"),
    Case("hostile-edited-manifest", "hostile", "a sibling run's `manifest.json` edited by hand", _edited_manifest,
         check=_check_edited_index, expect="index lists both runs with status unknown, no crash"),
    Case("hostile-utf16-bom", "hostile", "a UTF-16 file with its byte-order mark (Excel 'Unicode text')",
         load(GOOD.encode("utf-16")), check=lambda ds: _check_equal(len(ds.responses), 2),
         expect="read as UTF-16: both answers loaded"),
    Case("hostile-utf16-no-bom", "hostile", "UTF-16 text without a byte-order mark",
         load(GOOD.encode("utf-16-le")), cx.DataError, ("r.csv", "NUL bytes", "utf-16-le")),
    Case("hostile-decode-data-row", "hostile", "a byte that is not UTF-8 in data row 2, header on line 2",
         load(b"exported by X\n" + (H + "1,2025-01-01,nps,9\n").encode() + b"2,2025-01-02,csat,\xff\n",
              ropts={"encoding": "utf-8", "header_row": 2}),
         cx.DataError, ("r.csv", "cannot decode as utf-8", "data row 2)")),
    Case("hostile-date-before-1677", "hostile", "an answer dated 1600-01-01 (a placeholder)",
         load(H + "1,1600-01-01,nps,9\n2,2025-01-02,csat,4\n"),
         cx.DataError, ("r.csv", "'1600-01-01'", "row 1", "outside 1677-09-22", "missing_values")),
    Case("hostile-date-after-2262", "hostile", "an answer dated 9999-12-31",
         load(H + "1,9999-12-31,nps,9\n2,2025-01-02,csat,4\n"),
         cx.DataError, ("r.csv", "'9999-12-31'", "row 1", "..2262-04-10")),
    Case("hostile-zip-named-csv", "hostile", "a zip archive saved as `r.csv`",
         lambda tmp: cx.load_dataset(spec(tmp, _zipped(GOOD))), cx.DataError, ("r.csv", "zip archive", "not CSV")),
    Case("hostile-columns-q-and-q1", "hostile", "real columns `q` and `q.1` (not a renamed repeat)",
         load("id,date,q,q.1,a\n1,2025-01-01,nps,x,9\n2,2025-01-02,csat,y,4\n", ropts={"extra": ["q.1"]}),
         check=lambda ds: _check_equal(list(ds.responses["q.1"]), ["x", "y"]), expect="loaded, `q.1` kept"),
    Case("hostile-header-exact-duplicate", "hostile", "headers `q,q` (a true repeat)",
         load("id,date,q,q,a\n1,2025-01-01,nps,x,9\n"), cx.DataError, ("r.csv", "['q']", "more than once")),
    # ---------------------------------------------------------------- loading
    Case("load-empty-file", "load", "responses file of 0 bytes", load(""),
         cx.DataError, ("r.csv", "empty", "header row")),
    Case("load-blank-lines-only", "load", "responses file with only blank lines", load("  \n \n"),
         cx.DataError, ("r.csv", "empty")),
    Case("load-header-only", "load", "header row, no data rows", load(H),
         cx.DataError, ("r.csv", "header but no data rows")),
    Case("load-missing-column", "load", "score column `a` named in the spec is absent",
         load("id,date,q,answer\n1,2025-01-01,nps,9\n"),
         cx.DataError, ("r.csv", "['a']", "not in the file", "the file has")),
    Case("load-semicolon-file", "load", "file separated by `;` with no `delimiter` declared",
         load("id;date;q;a\n1;2025-01-01;nps;9\n2;2025-01-02;csat;4\n"),
         check=_check_semicolon, expect="the delimiter is sniffed: both answers load"),
    Case("load-duplicated-header", "load", "two columns both called `a`",
         load("id,date,q,a,a\n1,2025-01-01,nps,9,9\n"),
         cx.DataError, ("r.csv", "column names ['a']", "more than once", "unique header")),
    Case("load-ragged-rows", "load", "a data row with more fields than the header",
         load(H + "1,2025-01-01,nps,9\n2,2025-01-01,nps,8,x,y\n"),
         cx.DataError, ("r.csv", "cannot be read as CSV", "line 3")),
    Case("load-binary-garbage", "load", "768 bytes of binary noise named r.csv", load(bytes(range(256)) * 3),
         cx.DataError, ("r.csv",)),
    Case("load-wrong-encoding", "load", "cp1252 bytes in a file declared `encoding: utf-8`",
         load((H + "1,2025-01-01,nps,9\n").encode() + "caf\xe9,2025-01-01,nps,8\n".encode("cp1252"),
              ropts={"encoding": "utf-8"}),
         cx.DataError, ("r.csv", "cannot decode as utf-8", "data row 2", "`encoding`")),
    Case("load-excel-not-excel", "load", "text file named r.xlsx", load(GOOD, rfile="r.xlsx"),
         cx.DataError, ("r.xlsx", "cannot be read as excel")),
    Case("load-recode-null", "load", "`recode: {csat: {map: {0: null}}}` (0 = not applicable)",
         load(rows(("csat", 4), ("csat", 0), ("csat", 5)), ropts={"recode": {"csat": {"map": {0: None}}}}),
         check=_check_recode_null, expect="the 0 is read as missing (no TypeError); 4 and 5 are kept"),
    Case("load-recode-text-target", "load", "`recode: {csat: {map: {0: none}}}` (text, not null)",
         load(rows(("csat", 4), ("csat", 0)), ropts={"recode": {"csat": {"map": {0: "none"}}}}),
         cx.SpecError, ("recode.csat", "numbers to numbers or null", "'none'")),
    Case("load-not-applicable-not-list", "load", "scale with `not_applicable: 0` (not a list)",
         load(rows(("csat", 4)), scales={"csat": {"kind": "csat", "min": 1, "max": 5, "not_applicable": 0}}),
         cx.SpecError, ("scale 'csat'", "`not_applicable`", "[0]")),
    Case("load-churn-words", "load", "churn flag written `loyal` / `disloyal` without `churn_labels`",
         _churn_words, cx.DataError, ("column 'st'", "'loyal' (1x)", "'disloyal' (1x)", "churn_labels")),
    Case("load-exact-copies-no-ids", "load", "export without ids (`customer_id: _row`) with 2 repeated rows",
         lambda tmp: cx.validate_dataset(spec(tmp, "q,a\nnps,9\nnps,7\nnps,9\nnps,9\n",
                                              rcols={"customer_id": "_row", "metric": "q", "score": "a"})),
         check=_check_exact_copies, expect="2 exact copies counted and shown (row 3 = row 1), advice "
         "`duplicates: {drop: exact}`, no column `_row` named"),
    Case("load-duplicates-drop-all", "load", "`duplicates: {drop: all}`",
         load(GOOD, ropts={"duplicates": {"drop": "all"}}), cx.SpecError, ("`duplicates.drop`", "'exact'", "'all'")),
    Case("load-query-na-token", "load", "DuckDB query returning the text `NA`, with `missing_values: [NA]`",
         lambda tmp: cx.load_dataset(spec(tmp, "id,q,a\n1,nps,9\n2,nps,NA\n", ropts={
             "query": "SELECT * FROM read_csv('r.csv', all_varchar=true)", "file": None, "missing_values": ["NA"]},
             rcols={"customer_id": "id", "metric": "q", "score": "a"})),
         check=_check_missing_token_query, expect="`NA` is missing (one missing NPS score), not a bad answer"),
    Case("load-customer-level-one-table", "load", "only a customers table with `scores` and churn labels",
         _customer_level, check=_check_customer_level, expect="answers and churn flags from the one table"),
    Case("load-recode-unknown-group", "load", "`recode` naming a column that is neither metric nor group",
         load(GOOD, ropts={"recode": {"region": {"map": {"a": "b"}}}}),
         cx.SpecError, ("['region']", "neither metrics", "declared metrics")),
    Case("load-score-out-of-range", "load", "NPS answers 11 and 12",
         load(rows(("nps", 9), ("nps", 11), ("csat", 4), ("nps", 12))),
         cx.DataError, ("r.csv", "column 'a'", "rows 2, 4", "0..10")),
    Case("load-score-non-numeric", "load", "NPS answer `very likely`",
         load(rows(("nps", 9), ("nps", "very likely"))),
         cx.DataError, ("r.csv", "column 'a'", "'very likely'", "row 2", "whole numbers 0..10")),
    Case("load-score-decimal", "load", "CSAT answer 4.5", load(rows(("csat", 4.5))),
         cx.DataError, ("r.csv", "column 'a'", "row 1", "not whole numbers in 1..5")),
    Case("load-score-decimal-comma", "load", "NPS answer `9,5` (decimal comma)", load(H + '1,2025-01-01,nps,"9,5"\n'),
         cx.DataError, ("r.csv", "column 'a'", "'9,5'", "row 1", "whole numbers 0..10")),
    Case("load-nps-coded-1-11", "load", "NPS column coded 1..11 (has an 11)",
         load(rows(("nps", 1), ("nps", 11))),
         cx.DataError, ("r.csv", "column 'a'", "row 2", "0..10", "coded 1..11")),
    Case("load-mixed-scales", "load", "a 1..5 CSAT column that also holds 1..10 answers", load(MIXED),
         cx.DataError, ("r.csv", "column 'a'", "rows 6, 7, 8, 9", "1..5", "wider scale")),
    Case("load-unknown-metric", "load", "metric label `ces` without a declared scale",
         load(GOOD + "3,2025-01-03,ces,4\n"),
         cx.DataError, ("r.csv", "column 'q'", "['ces']", "row 3", "no scale", "declared")),
    Case("load-missing-metric-name", "load", "an answer with an empty metric cell",
         load(H + "1,2025-01-01,,9\n2,2025-01-01,nps,8\n"),
         cx.DataError, ("r.csv", "column 'q'", "row 1", "without a metric name", "'nps'")),
    Case("load-all-missing-scores", "load", "score column entirely empty",
         load(H + "1,2025-01-01,nps,\n2,2025-01-01,nps,\n"),
         cx.DataError, ("r.csv", "column 'a'", "every value is missing")),
    Case("load-blank-scores", "load", "every score blank or whitespace (found by fuzzing)",
         load(H + "1,2025-01-01,nps, \n2,2025-01-01,nps,\t\n"),
         cx.DataError, ("r.csv", "no answers", "every score is empty")),
    Case("load-all-missing-dates", "load", "date column entirely empty", load(H + "1,,nps,9\n2,,nps,8\n"),
         cx.DataError, ("r.csv", "column 'date'", "every value is missing")),
    Case("load-bad-date", "load", "date `31/01/2025` in an ISO 8601 column",
         load(H + "1,2025-01-01,nps,9\n2,31/01/2025,nps,8\n"),
         cx.DataError, ("r.csv", "column 'date'", "row 2", "31/01/2025", "ISO 8601", "date_format")),
    Case("load-date-out-of-range", "load", "answer dated 2999-01-01 (typo)", load(H + "1,2999-01-01,nps,9\n"),
         cx.DataError, ("r.csv", "column 'date'", "row 1", "2999-01-01")),
    Case("load-missing-customer-id", "load", "an answer without a customer id",
         load(H + ",2025-01-01,nps,9\n2,2025-01-01,nps,8\n"),
         cx.DataError, ("r.csv", "column 'id'", "missing customer ids", "row 1")),
    Case("load-duplicate-customer-ids", "load", "customer `1` listed twice",
         load(GOOD, "id,start,end,seg\n1,2024-01-01,,a\n2,2024-01-01,,b\n1,2024-02-01,,a\n"),
         cx.DataError, ("c.csv", "column 'id'", "['…']", "rows 1, 3", "one row per key")),  # ids masked
    Case("load-duplicate-ids-1-and-1.0", "load", "customer ids `1` and `1.0`",
         load(GOOD, "id,start,end,seg\n1,2024-01-01,,a\n1.0,2024-01-01,,b\n"),
         cx.DataError, ("c.csv", "column 'id'", "rows 1, 2", "more than once")),
    Case("load-churn-before-start", "load", "customer ends in 2023, starts in 2024",
         load(GOOD, "id,start,end,seg\n1,2024-01-01,2023-01-01,a\n2,2024-01-01,,b\n"),
         cx.DataError, ("c.csv", "end date ('end')", "start date ('start')", "row 1")),
    Case("load-unknown-churn-label", "load", "churned flag `maybe`",
         load(GOOD, "id,start,churned,seg\n1,2024-01-01,maybe,a\n",
              ccols={"customer_id": "id", "start_date": "start", "churned": "churned", "segment": "seg"}),
         cx.DataError, ("c.csv", "column 'churned'", "'maybe'", "row 1", "yes/no")),
    Case("load-customer-value-text", "load", "revenue value `lots`",
         load(GOOD, "id,start,end,seg,v\n1,2024-01-01,,a,lots\n",
              ccols={"customer_id": "id", "start_date": "start", "end_date": "end", "value": "v"}),
         cx.DataError, ("c.csv", "column 'v'", "row 1", "are not numbers")),
    Case("load-negative-weight", "load", "survey weight -1",
         load("id,date,q,a,w\n1,2025-01-01,nps,9,1\n2,2025-01-01,nps,9,-1\n", rcols=WCOLS),
         cx.DataError, ("r.csv", "column 'w'", "row 2", "non-negative numbers")),
    Case("load-infinite-weight", "load", "survey weight `inf`",
         load("id,date,q,a,w\n1,2025-01-01,nps,9,inf\n", rcols=WCOLS),
         cx.DataError, ("r.csv", "column 'w'", "row 1", "non-negative numbers")),
    Case("load-customers-empty-file", "load", "customers file of 0 bytes", load(GOOD, ""),
         cx.DataError, ("c.csv", "empty")),
    Case("load-spaces-and-decimals", "load", "answers ` 8 ` and `9.0`",
         load(H + "1,2025-01-01,nps,9.0\n2,2025-01-01,nps, 8 \n"),
         check=_check_whitespace_and_decimals, expect="loads as 9 and 8"),
    Case("load-mixed-utc-offsets", "load", "timestamps with +02:00, -05:00 and no offset",
         load(H + "1,2025-01-01T10:00:00+02:00,nps,9\n2,2025-01-01T10:00:00-05:00,nps,8\n3,2025-01-02,nps,7\n"),
         check=_check_offsets, expect="one datetime column, offsets converted to UTC"),
    Case("load-no-churners", "load", "customers without any end date", load(GOOD, CUST),
         check=_check_no_churners, expect="churned all false; churn 0% with Wilson upper bound z²/(n+z²)"),
    Case("load-dates-after-run-date", "load", "answers, starts and churn after the report date (`as_of`)",
         load(FUTURE_R, FUTURE_C), check=_check_future,
         expect="excluded (churn undone), each kind counted in `Dataset.excluded`"),
    # ------------------------------------------------------------------ specs
    Case("spec-ces-without-direction", "spec", "CES scale without `direction`",
         load(scales={"ces": {"kind": "ces", "min": 1, "max": 7, "easy": [5, 6, 7]}}),
         cx.SpecError, ("scale 'ces'", "direction", "never guessed")),
    Case("spec-top-box-not-list", "spec", "`top_box: 5` instead of a list",
         load(scales={"csat": {"kind": "csat", "min": 1, "max": 5, "top_box": 5}}),
         cx.SpecError, ("scale 'csat'", "`top_box`", "list of whole numbers", "got 5")),
    Case("spec-scale-min-text", "spec", "`min: '1'` (text)", load(scales={"csat": {"kind": "csat", "min": "1", "max": 5}}),
         cx.SpecError, ("scale 'csat'", "`min`", "whole number", "'1'")),
    Case("spec-unknown-scale-kind", "spec", "`kind: likert`", load(scales={"nps": {"kind": "likert"}}),
         cx.SpecError, ("scale 'nps'", "`kind`", "'likert'")),
    Case("spec-delimiter-not-text", "spec", "`delimiter: 5`", load(ropts={"delimiter": 5}),
         cx.SpecError, ("spec.yaml", "tables.responses.delimiter", "one character", "got 5")),
    Case("spec-unknown-encoding", "spec", "`encoding: klingon`", load(ropts={"encoding": "klingon"}),
         cx.SpecError, ("spec.yaml", "tables.responses.encoding", "'klingon'")),
    Case("spec-extra-not-list", "spec", "`extra: contract` (a string, not a list)", load(ropts={"extra": "q"}),
         cx.SpecError, ("spec.yaml", "tables.responses.extra", "list of column names")),
    Case("spec-missing-file", "spec", "spec names a file that is not there",
         lambda tmp: (spec(tmp), (tmp / "r.csv").unlink(), cx.load_dataset(tmp / "spec.yaml")),
         cx.SpecError, ("r.csv", "file not found")),
    Case("spec-not-yaml", "spec", "spec file with a YAML syntax error",
         lambda tmp: ((tmp / "s.yaml").write_text("name: [unclosed\n"), cx.load_dataset(tmp / "s.yaml")),
         cx.SpecError, ("s.yaml", "not valid YAML")),
    Case("spec-unknown-suffix", "spec", "data file `r.dat`", load(rfile="r.dat"),
         cx.SpecError, ("r.dat", "cannot tell the format", "declare `format`")),
    # ---------------------------------------------------------------- metrics
    Case("metric-min_n-text", "metrics", "`cx.nps(df, min_n=\"30\")`", lambda tmp: cx.nps(BIG, min_n="30"),
         cx.ParameterError, ("`min_n`", "'30'", "non-negative integer")),
    Case("metric-min_n-bool", "metrics", "`cx.nps(df, min_n=True)`", lambda tmp: cx.nps(BIG, min_n=True),
         cx.ParameterError, ("`min_n`", "True", "non-negative integer")),
    Case("metric-level-95", "metrics", "`cx.csat(df, level=95)`",
         lambda tmp: cx.csat(nps_df(1, 2, 5), level=95),
         cx.ParameterError, ("`level`", "95", "0.95")),
    Case("metric-unknown-interval", "metrics", "`cx.nps(df, ci=\"bca\")`", lambda tmp: cx.nps(BIG, ci="bca"),
         cx.ParameterError, ("`ci`", "'bca'", "'adjusted-wald'")),
    Case("metric-unknown-by", "metrics", "`by=\"zz\"`, no such column", lambda tmp: cx.nps(BIG, by="zz"),
         cx.ParameterError, ("['zz']", "score/by/weight", "available")),
    Case("metric-unknown-score-column", "metrics", "`score=\"answer\"`, no such column",
         lambda tmp: cx.csat(BIG, "answer"), cx.ParameterError, ("['answer']", "not in the data")),
    Case("metric-duplicated-column", "metrics", "frame with two `score` columns",
         lambda tmp: cx.nps(pd.concat([BIG, BIG[["score"]]], axis=1)),
         cx.DataError, ("['score']", "more than once")),
    Case("metric-not-a-frame", "metrics", "`cx.nps([9, 10])`", lambda tmp: cx.nps([9, 10]),
         cx.ParameterError, ("`data`", "DataFrame", "list")),
    Case("metric-empty-frame", "metrics", "frame with no rows", lambda tmp: cx.nps(nps_df()),
         cx.DataError, ("column 'score'", "no answers", "at least one")),
    Case("metric-all-missing-scores", "metrics", "every score NaN", lambda tmp: cx.nps(nps_df(np.nan, np.nan)),
         cx.DataError, ("column 'score'", "every answer", "missing")),
    Case("metric-boolean-scores", "metrics", "True/False in the score column",
         lambda tmp: cx.nps(nps_df(True, False)), cx.DataError, ("column 'score'", "true/false", "0..10")),
    Case("metric-mixed-scales", "metrics", "CSAT 1..5 column with 8 and 10",
         lambda tmp: cx.csat(nps_df(1, 2, 5, 8, 10)),
         cx.DataError, ("column 'score'", "rows 4, 5", "1..5", "wider scale")),
    Case("metric-negative-weight", "metrics", "weight -1 in row 2",
         lambda tmp: cx.nps(nps_df(9, 7, 3, w=[1, -1, 1]), weight="w"),
         cx.DataError, ("column 'w'", "row 2", "non-negative")),
    Case("metric-missing-weight", "metrics", "weight NaN for an answered row",
         lambda tmp: cx.nps(nps_df(9, 7, 3, w=[1, 1, np.nan]), weight="w"),
         cx.DataError, ("column 'w'", "row 3", "non-negative")),
    Case("metric-group-all-missing", "metrics", "`by` column entirely NaN",
         lambda tmp: cx.nps(nps_df(9, 7, g=[np.nan, np.nan]), by="g", min_n=0),
         cx.DataError, ("column 'g'", "missing for every answer")),
    Case("metric-nps-with-csat-scale", "metrics", "`cx.nps(df, scale=Scale.csat())`",
         lambda tmp: cx.nps(nps_df(1, 5), scale=Scale.csat()),
         cx.ParameterError, ("`scale`", "NPS Scale", "CSAT 1..5")),
    Case("metric-csat-with-nps-scale", "metrics", "`cx.csat(df, scale=Scale.nps())`",
         lambda tmp: cx.csat(nps_df(1, 5), scale=Scale.nps()),
         cx.ParameterError, ("`scale`", "CSAT Scale", "NPS 0..10")),
    Case("metric-ces-without-scale", "metrics", "`cx.ces(df)` without a scale", lambda tmp: cx.ces(nps_df(1, 5)),
         cx.ParameterError, ("`scale`", "CES Scale", "direction")),
    Case("metric-period-not-dates", "metrics", "`period=\"d\"` holding `x`",
         lambda tmp: cx.nps(nps_df(9, 7, d=["2025-01-01", "x"]), period="d"),
         cx.DataError, ("column 'd'", "row 2", "'x'", "dates")),
    Case("metric-period-numbers", "metrics", "`period=\"d\"` holding numbers 1, 2",
         lambda tmp: cx.nps(nps_df(9, 7, d=[1, 2]), period="d"),
         cx.DataError, ("column 'd'", "numbers", "not dates")),
    Case("metric-unknown-freq", "metrics", "`freq=\"month\"`",
         lambda tmp: cx.nps(nps_df(9, d=["2025-01-01"]), period="d", freq="month"),
         cx.ParameterError, ("`freq`", "'month'", "'M'")),
    Case("metric-single-answer", "metrics", "one promoter, `min_n=0`", lambda tmp: cx.nps(nps_df(10), min_n=0),
         check=_check_single_answer, expect="NPS 100, note 'single answer', adjusted-Wald interval by hand"),
    Case("metric-group-with-one-answer", "metrics", "group `b` has one answer (default min_n=30)",
         lambda tmp: cx.nps(nps_df(*([10] * 20 + [8] * 10 + [2] * 10 + [9]), g=["a"] * 40 + ["b"]), by="g"),
         check=_check_one_answer_group, expect="`b` suppressed (NaN, flag), `a` = 25"),
    Case("metric-zero-weights", "metrics", "every weight in group `a` is 0",
         lambda tmp: cx.nps(nps_df(9, 10, 3, 7, g=["a", "a", "b", "b"], w=[0, 0, 1, 1]), by="g", weight="w",
                            min_n=0),
         check=_check_zero_weights, expect="`a` suppressed: 'weights sum to zero'; `b` = -50"),
    # ------------------------------------------------------------------ churn
    Case("churn-no-customers", "churn", "empty customers frame", lambda tmp: cx.churn_rate(CUSTOMERS.iloc[0:0]),
         cx.DataError, ("customers", "no customers")),
    Case("churn-before-start", "churn", "end 2023-12-01 before start 2024-01-15 (row 2)",
         lambda tmp: cx.churn_rate(CUSTOMERS.assign(end_date=[None, "2023-12-01", None])),
         cx.DataError, ("customers", "row 2", "'end_date'", "'start_date'")),
    Case("churn-missing-start", "churn", "a customer without start date",
         lambda tmp: cx.churn_rate(CUSTOMERS.assign(start_date=[None, "2024-01-15", "2024-02-01"])),
         cx.DataError, ("column 'start_date'", "row 1", "missing start dates")),
    Case("churn-numeric-dates", "churn", "start dates given as numbers",
         lambda tmp: cx.churn_rate(CUSTOMERS.assign(start_date=[1, 2, 3])),
         cx.DataError, ("column 'start_date'", "numbers", "not dates")),
    Case("churn-period-not-a-date", "churn", "`period_start=\"yesterday\"`",
         lambda tmp: cx.churn_rate(CUSTOMERS, period_start="yesterday"),
         cx.ParameterError, ("`period_start`", "'yesterday'", "2025-03-31")),
    Case("churn-period-reversed", "churn", "`period_start` after `period_end`",
         lambda tmp: cx.churn_rate(CUSTOMERS, period_start="2025-01-01", period_end="2024-01-01"),
         cx.ParameterError, ("`period_start`", "after `period_end`")),
    Case("churn-no-churners", "churn", "three customers, nobody leaves, `min_n=0`",
         lambda tmp: cx.churn_rate(CUSTOMERS.assign(end_date=None), period_end="2024-04-30", min_n=0),
         check=_check_churn_no_churners, expect="March: 3 at start, 0 churned, 0% with Wilson upper z²/(3+z²)"),
    Case("churn-empty-period", "churn", "first period has nobody active at its start, `min_n=0`",
         lambda tmp: cx.churn_rate(CUSTOMERS, period_end="2024-04-30", min_n=0),
         check=_check_empty_period_churn, expect="rate and simple rate NaN (not -inf)"),
    # ------------------------------------------------------------ comparisons
    Case("compare-level-95", "compare", "`cx.compare(..., level=95)`",
         lambda tmp: cx.compare(BIG, "g", "a", "b", level=95), cx.ParameterError, ("`level`", "95", "0.95")),
    Case("compare-same-group", "compare", "`a` and `b` both `'a'`", lambda tmp: cx.compare(BIG, "g", "a", "a"),
         cx.ParameterError, ("same group", "'a'", "'g'")),
    Case("compare-absent-group", "compare", "`b=\"z\"` has no answers", lambda tmp: cx.compare(BIG, "g", "a", "z"),
         cx.DegenerateDataError, ("`b`='z'", "column 'g'", "groups with answers")),
    Case("compare-unknown-statistic", "compare", "`statistic=\"median\"`",
         lambda tmp: cx.compare(BIG, "g", "a", "b", statistic="median"),
         cx.ParameterError, ("`statistic`", "'median'", "'top_box'")),
    Case("compare-min_n-text", "compare", "`min_n=\"30\"`", lambda tmp: cx.compare(BIG, "g", "a", "b", min_n="30"),
         cx.ParameterError, ("`min_n`", "'30'")),
    Case("compare-mannwhitney-weighted", "compare", "Mann-Whitney on weighted data",
         lambda tmp: cx.compare(BIG.assign(w=1.0), "g", "a", "b", scale=Scale.csat(0, 10, top_box=[9, 10]),
                                statistic="mean", weight="w", test="mannwhitney"),
         cx.ParameterError, ("mannwhitney", "unweighted")),
    Case("compare-small-group", "compare", "group `b` has 4 answers (min_n=30)",
         lambda tmp: cx.compare(pd.concat([BIG, nps_df(9, 9, 9, 9, g=["c"] * 4)]), "g", "a", "c"),
         check=_check_small_comparison, expect="suppressed: diff and b's value NaN, flag and note set"),
    Case("pairwise-one-group", "compare", "only one group", lambda tmp: cx.pairwise(BIG.assign(g="a"), "g"),
         cx.DegenerateDataError, ("column 'g'", "1 group", "at least 2")),
    Case("pairwise-unknown-correction", "compare", "`correction=\"BH\"`",
         lambda tmp: cx.pairwise(BIG, "g", correction="BH"), cx.ParameterError, ("`correction`", "'BH'", "'fdr_bh'")),
    Case("changes-alpha-5", "compare", "`cx.changes(..., alpha=5)`", lambda tmp: cx.changes(BIG, "d", alpha=5),
         cx.ParameterError, ("`alpha`", "5")),
    Case("changes-not-dates", "compare", "date column holding `x`", lambda tmp: cx.changes(BIG.assign(d="x"), "d"),
         cx.DataError, ("column 'd'", "rows 1, 2, 3, 4, 5 (and 95 more)", "'x'")),
    # --------------------------------------------------------------- overview
    Case("window-not-a-date", "overview", "`cx.window(ds, \"yesterday\")`",
         lambda tmp: cx.window(cx.load_dataset(spec(tmp)), "yesterday"),
         cx.ParameterError, ("`start`", "'yesterday'")),
    Case("as_of-not-a-date", "overview", "`ds.as_of(\"garbage\")`",
         lambda tmp: cx.load_dataset(spec(tmp)).as_of("garbage"), cx.ParameterError, ("`date`", "'garbage'")),
    Case("drilldown-unknown-column", "overview", "`group_by` entry not in the data",
         lambda tmp: (lambda ds: cx.drilldown(ds, cx.window(ds), "region"))(cx.load_dataset(spec(tmp))),
         cx.ParameterError, ("`group_by`", "'region'", "available")),
    Case("drilldown-email-column", "overview", "group by an undeclared column of e-mail addresses",
         lambda tmp: (lambda ds: cx.drilldown(ds, cx.window(ds), "contact"))(cx.load_dataset(spec(
             tmp, "id,date,q,a,contact\n1,2025-01-01,nps,9,an@example.org\n2,2025-01-02,csat,4,bo@example.org\n",
             ropts={"extra": ["contact"]}))),
         cx.ParameterError, ("'contact'", "e-mail addresses", "allow_personal_data")),
    # ----------------------------------------------------------------- report
    Case("validate-recode-null", "load", "`cxkit validate` of `recode: {csat: {map: {0: null}}}`",
         lambda tmp: cx.validate_dataset(str(spec(tmp, rows(("csat", 4), ("csat", 0)),
                                                  ropts={"recode": {"csat": {"map": {0: None}}}}))),
         check=_check_validate_recode_null, expect="report OK, the 0 counted as missing (no TypeError)"),
    Case("report-01-data-ends-before-period", "report",
         "notebook 01 with `period_start: 2025-11-01` on answers from 2019 (was `KeyError: 'nps_by_segment'`)",
         _nb_run(NB01, _old_data, period_start="2025-11-01", run_date="2026-11-01"),
         check=_check_not_applicable(("2025-11-01", "2019-01-", "period_start")),
         expect="status `not applicable`, saying where the answers lie and to leave period_start empty"),
    Case("report-01-data-ends-long-ago-default", "report", "notebook 01, default period, answers from 2019",
         _nb_run(NB01, _old_data, run_date="2026-11-01"), check=_check_ok,
         expect="status `ok`: the period is the data's last 12 months"),
    Case("report-02-one-score-and-churn", "report", "notebook 02 on a customer export with CSAT and churn, no NPS",
         _nb_run(NB02, _one_score_churn), check=_check_not_applicable(("no NPS metric", "satisfied customers left", "retention by score"),
                                                             shown="Satisfied but left"),
         expect="status `not applicable` (no NPS), with satisfied-but-left and retention by score"),
    Case("report-04-no-nps-outcome", "report", "notebook 04 on a customer export with CSAT and churn, no NPS",
         _nb_run(NB04, _one_score_churn), check=_check_ok,
         expect="status `ok`: churn is the outcome, and the report says there is no NPS"),
    Case("report-min_n-text", "report", "`execute_notebook(..., {\"min_n\": \"30\"})`",
         lambda tmp: execute_notebook(NB01, tmp / "out", {"min_n": "30"}),
         cx.ParameterError, ("01_cx_overview.ipynb", "`min_n`", "expects int", "'30'")),
    Case("report-level-95", "report", "`{\"level\": 95}`", lambda tmp: execute_notebook(NB01, tmp / "out", {"level": 95}),
         cx.ParameterError, ("01_cx_overview.ipynb", "`level`", "95", "0.95")),
    Case("report-unknown-parameter", "report", "`{\"minn\": 30}` (typo)",
         lambda tmp: execute_notebook(NB01, tmp / "out", {"minn": 30}),
         cx.ParameterError, ("01_cx_overview.ipynb", "unknown parameter `minn`", "`min_n`")),
    Case("report-list-as-text", "report", "`{\"group_by\": \"segment\"}` (text, not a list)",
         lambda tmp: execute_notebook(NB01, tmp / "out", {"group_by": "segment"}),
         cx.ParameterError, ("`group_by`", "expects list", "'segment'")),
    Case("report-bad-run-date", "report", "`{\"run_date\": \"2026-13-01\"}`",
         lambda tmp: execute_notebook(NB01, tmp / "out", {"run_date": "2026-13-01"}),
         cx.ParameterError, ("`run_date`", "'2026-13-01'")),
    Case("report-bool-for-int", "report", "`{\"min_n\": True}`",
         lambda tmp: execute_notebook(NB01, tmp / "out", {"min_n": True}),
         cx.ParameterError, ("`min_n`", "expects int", "True")),
    Case("report-parameters-not-mapping", "report", "`parameters=[\"min_n\", 30]`",
         lambda tmp: execute_notebook(NB01, tmp / "out", ["min_n", 30]),
         cx.ParameterError, ("`parameters`", "mapping", "list")),
    Case("report-missing-notebook", "report", "notebook path that does not exist",
         lambda tmp: execute_notebook(tmp / "nope.ipynb", tmp / "out", {}),
         cx.ParameterError, ("nope.ipynb", "does not exist")),
    Case("report-unwritable-output", "report", "output folder below a regular file",
         lambda tmp: ((tmp / "f").write_text("x"), execute_notebook(NB01, tmp / "f" / "out", {"min_n": 5})),
         cx.OutputError, ("cannot create output folder", "out")),
    Case("report-existing-output", "report", "an earlier `01_cx_overview.html` in the output folder",
         lambda tmp: ((tmp / "01_cx_overview.html").write_text("earlier"),
                      execute_notebook(NB01, tmp, {"min_n": 5})),
         cx.OutputError, ("01_cx_overview.html", "exists already", "never overwritten")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    if case.error is None:
        case.check(case.run(tmp_path))
        return
    with pytest.raises(cx.CxkitError) as info:
        case.run(tmp_path)
    assert isinstance(info.value, case.error), f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    missing = [p for p in case.parts if p not in message]
    assert not missing, f"message lacks {missing}: {message}"


def test_enough_distinct_cases() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    assert {c.area for c in CASES} >= {"load", "metrics", "compare", "report"}


def test_existing_output_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "01_cx_overview.html").write_text("earlier")
    with pytest.raises(cx.OutputError):
        execute_notebook(NB01, tmp_path, {"min_n": 5})
    assert (tmp_path / "01_cx_overview.html").read_text() == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_cx_overview.html"]


def test_readme_table_lists_every_case() -> None:
    text = (ROOT / "tests" / "README.md").read_text(encoding="utf-8")
    text = text.split("## Bad input", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9_.\-]+)` \|", text, flags=re.M))
    assert listed == {c.id for c in CASES}, sorted(listed ^ {c.id for c in CASES})


def readme_table() -> str:
    """The cases as a Markdown table (paste into tests/README.md when cases change)."""
    lines = ["| case | area | input | expected |", "|---|---|---|---|"]
    for c in CASES:
        if c.error is None:
            outcome = f"result: {c.expect}"
        else:
            outcome = f"`{c.error.__name__}` naming " + ", ".join(f"`{p}`" for p in c.parts)
        lines.append(f"| `{c.id}` | {c.area} | {c.input.replace('|', '/')} | {outcome.replace('|', '/')} |")
    return "\n".join(lines)
