"""Time alignment: only churn after the answer counts; unfinished horizons are left out and counted."""

from __future__ import annotations

import pandas as pd
import pytest

from cxkit.data.dataset import Dataset
from cxkit.research.alignment import align_churn, effective_cut, pair_answers
from cxkit.scales import Scale

SCALES = {"nps": Scale.nps(), "ces": Scale.ces(1, 7, "higher_is_easier", easy=[5, 6, 7])}


def _ds(responses, customers):
    r = pd.DataFrame(responses, columns=["customer_id", "answered_at", "metric", "score"])
    r["answered_at"] = pd.to_datetime(r["answered_at"])
    c = pd.DataFrame(customers, columns=["customer_id", "start_date", "end_date", "segment"])
    c["start_date"] = pd.to_datetime(c["start_date"])
    c["end_date"] = pd.to_datetime(c["end_date"])
    c["churned"] = c["end_date"].notna()
    return Dataset("tiny", r, c, SCALES)


CUSTOMERS = [
    ("A", "2024-01-01", "2025-03-01", "x"),   # leaves 59 days after answering: within 90
    ("B", "2024-01-01", "2025-08-01", "x"),   # leaves 212 days after: not within 90
    ("C", "2024-01-01", None, "y"),           # stays
    ("D", "2024-01-01", "2024-12-15", "y"),   # answered after leaving (data error)
    ("E", "2024-01-01", None, "y"),           # answered too late: horizon not over
]
ANSWERS = [
    ("A", "2025-01-01", "nps", 3), ("A", "2025-02-01", "nps", 2),
    ("B", "2025-01-01", "nps", 9),
    ("C", "2025-01-01", "nps", 10),
    ("D", "2025-01-01", "nps", 0),
    ("E", "2025-11-20", "nps", 5),
]


def test_churn_within_horizon_after_the_answer():
    a = align_churn(_ds(ANSWERS, CUSTOMERS), "nps", horizon_days=90, as_of="2025-12-31")
    f = a.frame.set_index("customer_id")
    assert a.timed
    assert sorted(f.index) == ["A", "B", "C"]
    assert bool(f.loc["A", "churned"]) and not f.loc["B", "churned"] and not f.loc["C", "churned"]
    assert f.loc["A", "nps"] == 3                      # keep="first": A's first answer
    assert f.loc["B", "time_days"] == 212 and bool(f.loc["B", "event"])
    steps = a.counts.set_index("step")["rows"]
    assert steps["horizon not over by the cut-off (left out)"] == 1          # E
    assert steps["answered on or after leaving (left out)"] == 1              # D
    assert a.left_out == 1
    assert "1 answers left out" in a.headline() and "1 answers left out" in str(a)
    assert f.loc["A", "tenure_years"] == pytest.approx(366 / 365.25)


def test_keep_all_and_last():
    ds = _ds(ANSWERS, CUSTOMERS)
    a = align_churn(ds, "nps", horizon_days=90, as_of="2025-12-31", keep="all")
    assert (a.frame["customer_id"] == "A").sum() == 2
    last = align_churn(ds, "nps", horizon_days=90, as_of="2025-12-31", keep="last")
    assert last.frame.set_index("customer_id").loc["A", "nps"] == 2
    assert any("looks ahead" in n for n in last.notes)


def test_no_horizon_keeps_everyone_for_survival():
    a = align_churn(_ds(ANSWERS, CUSTOMERS), "nps", horizon_days=None, as_of="2025-12-31")
    f = a.frame.set_index("customer_id")
    # the data ends with E's answer (2025-11-20), so follow-up is censored there, not at as_of
    assert "E" in f.index and not f.loc["E", "event"] and f.loc["E", "time_days"] == 0
    assert f.loc["C", "time_days"] == 323 and not f.loc["C", "event"]


def test_pairing_within_a_window_starts_the_horizon_at_the_later_answer():
    answers = [("A", "2025-01-01", "ces", 2), ("A", "2025-01-20", "nps", 6),
               ("B", "2025-01-01", "ces", 6), ("B", "2025-03-15", "nps", 9),   # 73 days apart
               ("C", "2025-01-01", "ces", 7), ("C", "2025-01-05", "nps", 10)]
    ds = _ds(answers, CUSTOMERS[:3])
    frame, steps = pair_answers(ds.responses, ["nps", "ces"], window_days=30)
    assert sorted(frame["customer_id"]) == ["A", "C"]
    assert frame.set_index("customer_id").loc["A", "answered_at"] == pd.Timestamp("2025-01-20")
    wide, _ = pair_answers(ds.responses, ["nps", "ces"], window_days=90)
    assert sorted(wide["customer_id"]) == ["A", "B", "C"]
    a = align_churn(ds, ["nps", "ces"], window_days=30, horizon_days=45, as_of="2025-12-31")
    # A leaves on 2025-03-01: 40 days after the later (NPS) answer, 59 after the CES answer
    assert bool(a.frame.set_index("customer_id").loc["A", "churned"])
    assert a.metrics == ("nps", "ces")


def test_data_without_dates_is_used_as_given_and_says_so():
    r = pd.DataFrame({"customer_id": ["A", "B", "C"], "metric": "nps", "score": [1, 9, 10]})
    c = pd.DataFrame({"customer_id": ["A", "B", "C"], "churned": [True, False, False]})
    a = align_churn(Dataset("undated", r, c, SCALES), "nps", horizon_days=180)
    assert not a.timed and a.horizon_days is None
    assert a.frame.set_index("customer_id")["churned"].to_dict() == {"A": True, "B": False, "C": False}
    assert "cannot be checked" in a.notes[0]
    assert "time order not checked" in a.headline()


def test_cut_off_is_capped_at_the_end_of_the_data():
    ds = _ds(ANSWERS, CUSTOMERS)
    cut, note = effective_cut(ds, "2030-01-01")
    assert cut == pd.Timestamp("2025-11-20") and "not recorded" in note
    a = align_churn(ds, "nps", horizon_days=90, as_of="2030-01-01")
    assert a.as_of == pd.Timestamp("2025-11-20")
    # B's answer (2025-01-01) has its 90 days inside the data; E's does not
    assert "E" not in set(a.frame["customer_id"])
