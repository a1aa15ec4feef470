"""Wording of the churn study text (issue 13, item 7): reversed AUCs, undated data, controls actually used.

Small synthetic data (no kernel): churn rises with satisfaction, so the CSAT AUC is below 0.5; there are
no dates, so the text must speak of association; control ``b`` is exactly ``2 * a``, so it is dropped as
collinear and must not be named.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.research.churn import _reversed_auc


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wording")
    rng = np.random.default_rng(1)
    n = 400
    ids = [f"c{i}" for i in range(n)]
    csat = rng.integers(1, 6, n)
    churned = (rng.random(n) < 0.1 + 0.12 * (csat - 1)).astype(int)  # churn rises with satisfaction
    a = rng.normal(size=n)
    pd.DataFrame({"customer_id": ids, "csat": csat, "nps": rng.integers(0, 11, n)}).to_csv(tmp / "r.csv", index=False)
    pd.DataFrame({"customer_id": ids, "churned": churned, "a": a, "b": 2 * a}).to_csv(tmp / "c.csv", index=False)
    spec = {"name": "t",
            "tables": {"responses": {"file": "r.csv", "columns": {"customer_id": "customer_id"},
                                     "scores": {"csat": "csat", "nps": "nps"}},
                       "customers": {"file": "c.csv",
                                     "columns": {"customer_id": "customer_id", "churned": "churned"},
                                     "extra": ["a", "b"]}},
            "scales": {"csat": {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}, "nps": {"kind": "nps"}}}
    (tmp / "spec.yaml").write_text(json.dumps(spec))
    return cx.churn_study(cx.load_dataset(tmp / "spec.yaml"), controls=["a", "b"], n_boot=50, seed=1)


def test_auc_below_half_is_explained_as_reversed_with_the_reversed_figure(study):
    row = pd.Series({"auc": 0.42, "ci_low": 0.35, "ci_high": 0.49})
    assert "the relation runs the other way: 0.58 (0.51 to 0.65)" in _reversed_auc(row, "en")
    assert "het verband loopt andersom: 0,58 (0,51 tot 0,65)" in _reversed_auc(row, "nl")
    assert _reversed_auc(pd.Series({"auc": 0.61, "ci_low": 0.5, "ci_high": 0.7}), "en") == ""
    csat = study.auc.set_index("metric").loc["csat", "auc"]
    assert csat < 0.5
    rev = f"{1 - csat:.2f}"
    text = study.describe("en")
    assert f"the relation runs the other way: {rev}" in text
    assert f"het verband loopt andersom: {rev.replace('.', ',')}" in study.describe("nl")
    # a reversed score is not ranked as the 'worse' one in the paired comparison
    assert "no ranking: the relation runs the other way for" in text
    assert "nps better" not in text and "csat better" not in text


def test_undated_study_speaks_of_association_not_prediction_or_days(study):
    assert not study.timed
    en, nl = study.describe("en"), study.describe("nl")
    for bad in ("predicts churn better", "within 180 days", "within 90 days", " days"):
        assert bad not in en, bad
    for bad in ("voorspelt opzeggingen beter", "binnen 180 dagen", "dagen"):
        assert bad not in nl, bad
    assert "goes together with" in en and "gaat samen met" in nl


def test_sentences_name_only_the_controls_actually_used(study):
    en, nl = study.describe("en"), study.describe("nl")
    assert "controlling for a:" in en and "gecorrigeerd voor a:" in nl
    assert "controlling for a, b" not in en and "gecorrigeerd voor a, b" not in nl
    with_ctrl = study.models[study.models["model"] == "with controls"]
    assert (with_ctrl["controls"] == "a").all()
    assert with_ctrl["note"].str.contains("left out of the fit: \\['b'\\]").all()
