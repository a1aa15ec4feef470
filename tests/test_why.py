"""The "why it moved" section of notebook 01 (issue 17, item 6): applicable on the sample, plainly not
applicable without dates or with a single period."""

from __future__ import annotations

import pandas as pd
import pytest

import cxkit as cx


@pytest.fixture(scope="module")
def sample():
    ds = cx.load_dataset(cx.sample_spec_path()).as_of("2026-05-31")
    return ds, cx.window(ds, "2025-06-01", "2026-05-31")


def test_sample_moves_alerts_and_languages(sample):
    ds, answers = sample
    why = cx.why_it_moved(ds, answers, ["segment", "channel"], n_boot=200, monitor_data=cx.window(ds))
    assert why.applicable
    assert set(why.moves["metric"]) == {"nps", "csat", "ces"}
    # The planted change (sample README): CES and CSAT fall from 2026-04 to 2026-05, the largest moves.
    top = why.moves.iloc[0]
    assert top["metric"] in ("ces", "csat") and (top["period_a"], top["period_b"]) == ("2026-04", "2026-05")
    assert top["change"] < 0
    text_en, text_nl = why.describe("en"), why.describe("nl")
    assert "Alert: ces (channel email) in 2026-05" not in text_en  # series are named by their value
    assert "Alert: ces (email) in 2026-05" in text_en and "Signaal: ces (email) in 2026-05" in text_nl
    assert "from a shift in who answered (by channel)" in text_en
    recs = cx.record_alerts(why)
    keys = [(r["metric"], r["series"], r["period"]) for r in recs]
    assert len(keys) == len(set(keys))  # the overall series of two monitors is listed once
    assert ("ces", "email", "2026-05") in keys and ("ces", "all", "2026-05") in keys


def test_not_applicable_without_dates_or_with_one_period(sample):
    ds, answers = sample
    undated = answers.assign(answered_at=pd.NaT)
    why = cx.why_it_moved(ds, undated, ["segment"])
    assert not why.applicable and why.moves.empty
    assert why.describe("en").startswith("Why it moved: not applicable, the answers have no dates")
    assert why.describe("nl").startswith("Waarom het bewoog: niet van toepassing")
    one = answers[answers["answered_at"].dt.to_period("M").astype(str) == "2026-03"]
    why = cx.why_it_moved(ds, one, ["segment"])
    assert not why.applicable and "two periods" in why.describe("en")
    assert not cx.why_it_moved(ds, answers, []).applicable
