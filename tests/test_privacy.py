"""Personal data stays out of reports; exported identifiers are salted-hash pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

import cxkit as cx
from cxkit import privacy
from cxkit.run.notebook import execute_notebook

from .conftest import ROOT, SAMPLE_SPEC

NB01 = ROOT / "notebooks" / "01_cx_overview.ipynb"
SALT = "test-salt-0123456789abcdef"

FIRST = ["Annelies", "Bartholomeus", "Cornelia", "Diederik", "Evelien", "Frederique", "Gijsbert", "Hendrika"]
LAST = ["Vermeulen", "Kwakernaak", "Oosterhuis", "Zwanenburg", "Rietveld", "Brouwershaven"]


def personal_dataset(tmp, n_customers: int = 64):
    """Customers with names and e-mails (declared pii), answers with free-text comments (declared)
    and an undeclared column of e-mail addresses; returns (spec path, every personal string)."""
    rng = np.random.default_rng(7)
    names = [f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}{i}" for i in range(n_customers)]
    ids = [f"KLANT-{i:04d}-X" for i in range(n_customers)]
    emails = [f"{n.split()[0].lower()}.{i}@voorbeeld-mail.nl" for i, n in enumerate(names)]
    contacts = [f"contact{i}@undeclared-domain.com" for i in range(n_customers)]
    starts = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n_customers), unit="D")
    ends = [(s + pd.Timedelta(days=int(d))).date().isoformat() if d < 500 else ""
            for s, d in zip(starts, rng.integers(100, 900, n_customers), strict=True)]
    pd.DataFrame({"klant": ids, "naam": names, "mail": emails, "since": starts.date, "until": ends,
                  "plan": rng.choice(["basic", "plus"], n_customers)}).to_csv(tmp / "customers.csv", index=False)
    rows = []
    for k in range(3 * n_customers):
        i = k % n_customers
        rows.append({"klant": ids[i], "when": f"2025-{1 + k % 4:02d}-{1 + k % 27:02d}",
                     "question": "nps" if k % 2 else "csat",
                     "answer": int(rng.integers(0, 11)) if k % 2 else int(rng.integers(1, 6)),
                     "via": rng.choice(["phone", "chat"]), "contact": contacts[i],
                     "comment": f"Bel mij terug, {names[i]}, op {emails[i]} over factuur {1000 + k}"})
    pd.DataFrame(rows).to_csv(tmp / "answers.csv", index=False)
    spec = {"name": "personal", "tables": {
        "responses": {"file": "answers.csv", "columns": {"customer_id": "klant", "answered_at": "when",
                                                          "metric": "question", "score": "answer",
                                                          "channel": "via"},
                      "free_text": ["comment"], "extra": ["contact"]},
        "customers": {"file": "customers.csv", "columns": {"customer_id": "klant", "start_date": "since",
                                                            "end_date": "until", "segment": "plan"},
                      "pii": ["naam", "mail"]}},
        "scales": {"nps": {"kind": "nps"}, "csat": {"kind": "csat", "min": 1, "max": 5}}}
    (tmp / "spec.yaml").write_text(yaml.safe_dump(spec))
    secrets = ids + names + emails + contacts + [r["comment"] for r in rows]
    # parts of names too: a surname alone is personal
    secrets += [n.split()[1] for n in names] + ["voorbeeld-mail", "undeclared-domain"]
    return tmp / "spec.yaml", secrets


def test_report_shows_no_personal_data(tmp_path):
    spec, secrets = personal_dataset(tmp_path)
    out = tmp_path / "report"
    res = execute_notebook(NB01, out, {
        "spec": str(spec), "run_date": "2025-04-30", "period_start": "2025-01-01", "min_n": 30,
        # ask for personal columns too: they must be withheld, not shown
        "group_by": ["segment", "channel", "contact", "naam", "customer_id"],
        "output_dir": str(tmp_path / "tables")})
    assert res.status == "ok", res.error
    html = res.html.read_text(encoding="utf-8")
    executed = res.notebook.read_text(encoding="utf-8")
    tables = "".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "tables").glob("*.csv")))
    assert "segment" in html and "basic" in html  # the report did run its drill-downs
    # and says how many groups it suppressed, and why
    said = re.search(r"(\d+) of (\d+) groups or comparisons in (\d+) tables were suppressed", html)
    assert said and int(said[1]) > 0 and "fewer than min_n=30 answers" in html
    for text, where in ((html, "HTML"), (executed, "executed notebook"), (tables, "exported tables")):
        leaked = sorted({s for s in secrets if s in text})
        assert not leaked, f"{where} shows personal data: {leaked[:5]}"
    nb = nbformat.read(res.notebook, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for col in ("contact", "naam", "customer_id"):
        assert f"Not shown by {col!r}: personal data" in printed
    assert "values look like e-mail addresses" in printed  # the undeclared column was caught by content


def test_declared_columns_are_loaded_and_recorded(tmp_path):
    spec, _ = personal_dataset(tmp_path, n_customers=8)
    ds = cx.load_dataset(spec)
    assert ds.pii == ("naam", "mail") and ds.free_text == ("comment",)
    assert {"naam", "mail"} <= set(ds.customers.columns) and "comment" in ds.responses.columns
    found = privacy.personal_columns(ds.answers("nps"), ds)
    assert found["customer_id"] == "customer identifier"
    assert found["naam"].startswith("declared personal") and found["comment"] == "declared free text"
    assert found["contact"] == "values look like e-mail addresses"
    assert not {"segment", "channel", "score", "metric", "answered_at"} & set(found)


def test_detection_of_undeclared_columns():
    df = pd.DataFrame({"segment": ["a", "b", "a", "b"], "channel": ["email", "phone", "chat", "web"],
                       "E-mail": ["x", "y", "z", "w"], "phone_number": [1, 2, 3, 4],
                       "Last Name": ["p", "q", "r", "s"],
                       "remarks": ["The delivery was late and nobody called me back about it.",
                                   "Great service from the lady at the desk, very friendly indeed!",
                                   "I could not log in for three days and the chat kept timing out.",
                                   "Prices went up again without any notice, considering leaving."],
                       "owner": ["Jo <jo@firm.example>", None, "n/a", "n/a"]})
    found = privacy.personal_columns(df)
    assert set(found) == {"E-mail", "phone_number", "Last Name", "remarks", "owner"}
    assert found["remarks"] == "values look like free text"
    assert found["owner"] == "values look like e-mail addresses"


def test_grouping_by_personal_column_needs_permission(tmp_path):
    spec, _ = personal_dataset(tmp_path, n_customers=8)
    ds = cx.load_dataset(spec)
    answers = cx.window(ds)
    with pytest.raises(cx.ParameterError, match=r"'naam' \(declared personal data.*allow_personal_data"):
        cx.drilldown(ds, answers, "naam")
    with pytest.raises(cx.ParameterError, match="customer identifier"):
        cx.metric_table(answers, ds, "nps", by="customer_id")
    with pytest.raises(cx.ParameterError, match="'contact'"):
        cx.latest_changes(ds, answers, "contact")
    shown = cx.drilldown(ds, answers, "naam", min_n=0, allow_personal_data=True)["nps"]
    assert shown["naam"].str.contains(" ").all()
    kept, withheld = privacy.safe_group_by(answers, ["segment", "mail", "comment"], ds)
    assert kept == ["segment"] and set(withheld) == {"mail", "comment"}


def test_pseudonyms_are_keyed_hashes():
    ids = pd.Series(["C001", "C002", None, "12.0", "12"])
    got = privacy.pseudonymise(ids, SALT)
    expect = hmac.new(SALT.encode(), b"C001", hashlib.sha256).hexdigest()[:16]
    assert got[0] == expect and len(set(got[:2])) == 2
    assert pd.isna(got[2]) and got[3] == got[4]
    assert privacy.pseudonymise(ids, SALT + "x")[0] != expect  # another salt, other pseudonyms
    assert not got[:2].str.contains("C00").any()


def test_salt_comes_from_argument_or_environment(monkeypatch):
    monkeypatch.delenv(privacy.SALT_ENV, raising=False)
    with pytest.raises(cx.ParameterError, match="CXKIT_SALT"):
        privacy.pseudonymise(["C001"])
    with pytest.raises(cx.ParameterError, match="at least 16 characters"):
        privacy.pseudonymise(["C001"], "short")
    monkeypatch.setenv(privacy.SALT_ENV, SALT)
    assert privacy.pseudonymise(["C001"])[0] == privacy.pseudonymise(["C001"], SALT)[0]


def test_save_tables_pseudonymises_and_drops(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.SALT_ENV, raising=False)
    table = pd.DataFrame({"customer_id": ["C001", "C002"], "email": ["a@b.nl", "c@d.nl"],
                          "segment": ["x", "y"], "score": [9, 3]})
    with pytest.raises(cx.ParameterError, match="salt"):
        cx.save_tables({"t": table}, tmp_path / "no_salt")
    cx.save_tables({"t": table}, tmp_path / "out", salt=SALT)
    written = pd.read_csv(tmp_path / "out" / "t.csv")
    assert list(written.columns) == ["customer_id", "segment", "score"]
    assert written["customer_id"].tolist() == privacy.pseudonymise(table["customer_id"], SALT).tolist()
    # tables without identifiers need no salt; allow_personal_data keeps everything as it is
    cx.save_tables({"t": table.drop(columns="customer_id")}, tmp_path / "plain")
    assert "email" not in pd.read_csv(tmp_path / "plain" / "t.csv").columns
    cx.save_tables({"t": table}, tmp_path / "all", allow_personal_data=True)
    assert pd.read_csv(tmp_path / "all" / "t.csv")["email"].tolist() == ["a@b.nl", "c@d.nl"]


def test_validation_messages_mask_ids_inside_duplicate_keys():
    # The sample has 66 answers sharing customer/metric/date; the warning quotes those keys.
    report = cx.validate_dataset(SAMPLE_SPEC)
    raw = " ".join(i.message for i in report.issues)
    assert re.search(r"C\d{5} / ", raw)  # the analyst's own check shows the keys
    shown = " ".join(i.message for i in report.redacted().issues)
    assert not re.search(r"C\d{5}", shown) and "'…'" in shown
    assert report.redacted(allow_personal_data=True) is report


def test_shared_validation_report_shows_paths_relative_to_the_spec():
    # The runner passes absolute paths; a shared report must not show the machine's folders.
    spec = Path(SAMPLE_SPEC).resolve()
    report = cx.validate_dataset(str(spec))
    assert str(spec.parent) in " ".join(i.message for i in report.issues)
    shown = report.redacted()
    text = " ".join([shown.spec, shown.summary().to_string(), *(i.message for i in shown.issues),
                     shown._repr_html_()])
    assert str(spec.parent) not in text
    assert shown.spec == "spec.yaml" and "responses.csv" in shown.summary()["source"].tolist()
